import { describe, expect, it } from 'vitest';

import { paymentProblem, settles } from './payment';

describe('paymentProblem', () => {
  it('accepts a part or the whole of what is owed', () => {
    expect(paymentProblem('100', '210.00')).toBeNull();
    expect(paymentProblem('210.00', '210.00')).toBeNull();
    expect(paymentProblem(' 0.01 ', '210.00')).toBeNull();
  });

  it('refuses more than is owed, nothing, and what is not an amount', () => {
    expect(paymentProblem('210.01', '210.00')).toBe('tooMuch');
    expect(paymentProblem('0', '210.00')).toBe('notPositive');
    expect(paymentProblem('0.00', '210.00')).toBe('notPositive');
    expect(paymentProblem('-5', '210.00')).toBe('invalid');
    expect(paymentProblem('1.005', '210.00')).toBe('invalid');
    expect(paymentProblem('1e3', '210.00')).toBe('invalid');
    expect(paymentProblem('', '210.00')).toBe('invalid');
  });
});

describe('settles', () => {
  it('is true only for exactly what is still owed', () => {
    expect(settles('210', '210.00')).toBe(true);
    expect(settles('209.99', '210.00')).toBe(false);
  });
});
