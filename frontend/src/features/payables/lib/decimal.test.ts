import { describe, expect, it } from 'vitest';

import { fromMicro, lineNet, orderTotals, toMicro } from './decimal';

describe('toMicro / fromMicro', () => {
  it('reads up to six decimals exactly and refuses more', () => {
    expect(toMicro('2.5')).toBe(2_500_000n);
    expect(toMicro('-0.000001')).toBe(-1n);
    expect(toMicro('1.0000001')).toBeNull();
    expect(toMicro('1e3')).toBeNull();
    expect(toMicro('')).toBeNull();
    expect(fromMicro(2_500_000n)).toBe('2.5');
    expect(fromMicro(10_000_000n)).toBe('10');
    expect(fromMicro(-1n)).toBe('-0.000001');
  });
});

describe('lineNet', () => {
  it('rounds quantity × price half up to cents', () => {
    expect(lineNet({ quantity: '3', unitPrice: '33.335', vatCategory: 'S', vatRate: '5' })).toBe(
      '100.01',
    );
    expect(lineNet({ quantity: '0.1', unitPrice: '0.05', vatCategory: 'S', vatRate: '5' })).toBe(
      '0.01',
    );
    expect(lineNet({ quantity: 'x', unitPrice: '1', vatCategory: 'S', vatRate: '5' })).toBeNull();
  });
});

describe('orderTotals', () => {
  it('rounds VAT once per category and rate, over the summed line nets', () => {
    // Two 5% lines of 0.10 each: per line VAT would be 0.01 + 0.01; per group 0.20 x 5% = 0.01.
    const totals = orderTotals([
      { quantity: '1', unitPrice: '0.10', vatCategory: 'S', vatRate: '5' },
      { quantity: '1', unitPrice: '0.10', vatCategory: 'S', vatRate: '5' },
      { quantity: '2', unitPrice: '50', vatCategory: 'Z', vatRate: '0' },
    ]);
    expect(totals).toEqual({ net: '100.20', tax: '0.01', total: '100.21' });
  });

  it('matches a plain order', () => {
    expect(
      orderTotals([
        { quantity: '100', unitPrice: '25', vatCategory: 'S', vatRate: '5' },
        { quantity: '10', unitPrice: '180', vatCategory: 'S', vatRate: '5' },
      ]),
    ).toEqual({ net: '4300.00', tax: '215.00', total: '4515.00' });
  });

  it('is null while a line is incomplete', () => {
    expect(
      orderTotals([{ quantity: '', unitPrice: '1', vatCategory: 'S', vatRate: '5' }]),
    ).toBeNull();
  });
});
