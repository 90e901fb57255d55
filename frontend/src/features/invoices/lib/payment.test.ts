import { describe, expect, it } from 'vitest';

import { canReceivePayment, paymentProblem } from './payment';

describe('paymentProblem', () => {
  it('accepts an amount up to what is still owed, to the fils', () => {
    expect(paymentProblem('149.50', '149.50')).toBeNull();
    expect(paymentProblem(' 0.01 ', '149.50')).toBeNull();
    expect(paymentProblem('100', '149.50')).toBeNull();
  });

  it('refuses more than is owed, compared exactly', () => {
    expect(paymentProblem('149.51', '149.50')).toBe('tooMuch');
    // 0.1 + 0.2 style float noise must not let 0.30 through against 0.3 owed, nor refuse it.
    expect(paymentProblem('0.30', '0.3')).toBeNull();
  });

  it('refuses zero, negatives, more than 2 decimals and text', () => {
    for (const amount of ['0', '0.00', '-1', '1.001', 'abc', '', '1,5']) {
      expect(paymentProblem(amount, '100.00')).toBe('amount');
    }
  });
});

describe('canReceivePayment', () => {
  it('takes payments on issued invoices still owed only', () => {
    expect(canReceivePayment('DELIVERED', 'invoice')).toBe(true);
    expect(canReceivePayment('FAILED', 'invoice')).toBe(true);
    expect(canReceivePayment('PAID', 'invoice')).toBe(false);
    expect(canReceivePayment('DRAFT', 'invoice')).toBe(false);
    expect(canReceivePayment('REJECTED', 'invoice')).toBe(false);
    expect(canReceivePayment('FINALIZED', 'credit_note')).toBe(false);
  });
});
