import { describe, expect, it } from 'vitest';

import officialExamples from './__fixtures__/official-examples.json';
import {
  parseDecimal,
  roundAmount,
  roundHalfUp,
  toFixed,
  toPlainString,
  add,
  mul,
} from './decimal';
import {
  type AllowanceChargeInput,
  type LineInput,
  allowanceChargeAmount,
  computeLine,
  computeTotals,
  discountExceedsLine,
} from './totals';

type Example = {
  name: string;
  input: {
    lines: LineInput[];
    allowances_charges: AllowanceChargeInput[];
    prepaid_amount: string;
    payable_rounding_amount: string;
    exchange_rate: string | null;
  };
  expected: Record<string, unknown>;
};

const examples = officialExamples.examples as Example[];

describe('computeTotals on the official PINT AE examples', () => {
  it('covers all 21 official billing and self-billing examples', () => {
    expect(examples).toHaveLength(21);
  });

  // The fixture holds the figures the API's totals.py computes for each example; its generator
  // checked every one against the amounts the official document states.
  it.each(examples.map((example) => [example.name, example] as const))(
    '%s: same line amounts, VAT breakdown and totals as the server',
    (_name, example) => {
      const { input } = example;
      const totals = computeTotals(input.lines, input.allowances_charges, {
        prepaid_amount: input.prepaid_amount,
        payable_rounding_amount: input.payable_rounding_amount,
        exchange_rate: input.exchange_rate,
      });
      expect(totals).toEqual(example.expected);
    },
  );
});

describe('decimal rounding', () => {
  it('rounds like XPath round(x * 100) div 100: ties towards +infinity', () => {
    const r = (text: string) => toFixed(roundAmount(parseDecimal(text)));
    expect(r('2.345')).toBe('2.35');
    expect(r('-2.345')).toBe('-2.34');
    expect(r('2.344999')).toBe('2.34');
    expect(r('0.005')).toBe('0.01');
    expect(r('-0.005')).toBe('0.00');
  });

  it('rounds half away from zero for the AED amounts', () => {
    const r = (text: string) => toFixed(roundHalfUp(parseDecimal(text)));
    expect(r('2.345')).toBe('2.35');
    expect(r('-2.345')).toBe('-2.35');
  });

  it('is exact where binary floating point is not', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in a JavaScript number.
    expect(toPlainString(add(parseDecimal('0.1'), parseDecimal('0.2')))).toBe('0.3');
    // 1.005 * 100 is 100.49999999999999 as a number, so Math.round would give 1.00.
    expect(toFixed(roundAmount(parseDecimal('1.005')))).toBe('1.01');
    // Exports.xml: 248750 USD x 3.67285, stated as AED 913621.44 once rounded.
    expect(toPlainString(mul(parseDecimal('248750'), parseDecimal('3.67285')))).toBe('913621.4375');
  });

  it('refuses text that is not a plain decimal', () => {
    expect(() => parseDecimal('1e3')).toThrow(SyntaxError);
    expect(() => parseDecimal('')).toThrow(SyntaxError);
    expect(() => parseDecimal('12,5')).toThrow(SyntaxError);
  });
});

// Figures worked out by hand from the rules quoted in totals.ts.
describe('computeTotals by hand', () => {
  const S = (quantity: string, price: string, extra: Partial<LineInput> = {}): LineInput => ({
    quantity,
    net_price: price,
    category: 'S',
    rate: '5.00',
    ...extra,
  });

  it('rounds the VAT once per breakdown, not per line', () => {
    // Three lines of 0.10 at 5 %: per line 0.005 -> 0.01 each (0.03), once: 0.30 x 5 % = 0.015 -> 0.02.
    const totals = computeTotals([S('1', '0.10'), S('1', '0.10'), S('1', '0.10')]);
    expect(totals.lines.map((line) => line.vat_amount)).toEqual(['0.01', '0.01', '0.01']);
    expect(totals.breakdown).toEqual([
      { category: 'S', rate: '5.00', taxable_amount: '0.30', tax_amount: '0.02' },
    ]);
    expect(totals.tax_amount).toBe('0.02');
    expect(totals.payable_amount).toBe('0.32');
  });

  it('keeps one breakdown per category for three VAT categories', () => {
    const totals = computeTotals([
      S('3', '33.335'), // 100.005 -> 100.01
      { quantity: '2', net_price: '50', category: 'Z', rate: '0' },
      { quantity: '1', net_price: '75.5', category: 'E', rate: null },
    ]);
    expect(totals.lines).toEqual([
      { net_amount: '100.01', vat_amount: '5.00', amount_with_vat: '105.01' },
      { net_amount: '100.00', vat_amount: '0.00', amount_with_vat: '100.00' },
      { net_amount: '75.50', vat_amount: null, amount_with_vat: '75.50' },
    ]);
    expect(totals.breakdown).toEqual([
      { category: 'S', rate: '5.00', taxable_amount: '100.01', tax_amount: '5.00' },
      { category: 'Z', rate: '0', taxable_amount: '100.00', tax_amount: '0.00' },
      { category: 'E', rate: null, taxable_amount: '75.50', tax_amount: '0.00' },
    ]);
    expect(totals.line_extension_amount).toBe('275.51');
    expect(totals.tax_exclusive_amount).toBe('275.51');
    expect(totals.tax_inclusive_amount).toBe('280.51');
    expect(totals.payable_amount).toBe('280.51');
  });

  it('applies a line discount before rounding and document allowances to their category', () => {
    const totals = computeTotals(
      [S('10', '12.5', { allowances: ['5'] })], // 125 - 5 = 120
      [{ charge: false, amount: '20', category: 'S', rate: '5.00' }],
    );
    expect(totals.breakdown[0]).toMatchObject({ taxable_amount: '100.00', tax_amount: '5.00' });
    expect(totals.allowance_total_amount).toBe('20.00');
    expect(totals.tax_exclusive_amount).toBe('100.00');
    expect(totals.payable_amount).toBe('105.00');
  });

  it('splits standard-rate groups by rate and treats 5 and 5.00 as one rate', () => {
    const totals = computeTotals([
      S('1', '10', { rate: '5' }),
      S('1', '10', { rate: '5.00' }),
      { quantity: '1', net_price: '10', category: 'N', rate: '10' },
    ]);
    expect(totals.breakdown.map((b) => [b.category, b.taxable_amount, b.tax_amount])).toEqual([
      ['S', '20.00', '1.00'],
      ['N', '10.00', '0.00'],
    ]);
  });

  it('gives the AED amounts from the exchange rate', () => {
    const totals = computeTotals([S('1', '100')], [], { exchange_rate: '3.6725' });
    // 5.00 x 3.6725 = 18.3625 -> 18.36; 105.00 x 3.6725 = 385.6125 -> 385.61
    expect(totals.tax_amount_in_tax_currency).toBe('18.36');
    expect(totals.tax_inclusive_amount_in_tax_currency).toBe('385.61');
  });

  it('uses the base quantity', () => {
    expect(computeLine(S('3', '10', { base_quantity: '4' })).net_amount).toBe('7.50');
  });

  it('computes percentage allowances and spots a discount larger than the line', () => {
    expect(allowanceChargeAmount('333.33', '10')).toBe('33.33');
    expect(discountExceedsLine('2', '10', '20.01')).toBe(true);
    expect(discountExceedsLine('2', '10', '20')).toBe(false);
  });
});
