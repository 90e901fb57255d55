import { describe, expect, it } from 'vitest';

import {
  type AllowanceChargeDraft,
  DOCUMENT_LEVEL_CATEGORIES,
  type LineDraft,
  VAT_CATEGORIES,
  allowanceChargeRate,
  checkAllowanceCharge,
  checkDecimal,
  checkExchangeRate,
  checkLine,
  formTotals,
  lineRate,
} from './invoice-rules';

const line = (changes: Partial<LineDraft> = {}): LineDraft => ({
  key: 'k',
  itemName: 'Item',
  description: 'Description',
  quantity: '1',
  unitCode: 'C62',
  unitPrice: '100',
  discount: '',
  category: 'S',
  rate: '',
  exemptionCode: '',
  exemptionText: '',
  rcmGoodsType: '',
  standardItemId: '',
  itemType: '',
  classificationCode: '',
  ...changes,
});

const ac = (changes: Partial<AllowanceChargeDraft> = {}): AllowanceChargeDraft => ({
  key: 'a',
  isCharge: false,
  amount: '10',
  reason: 'Loyalty discount',
  category: 'S',
  exemptionCode: '',
  ...changes,
});

describe('VAT categories', () => {
  it('offers the six official PINT AE categories', () => {
    expect(VAT_CATEGORIES.map((c) => c.code).sort()).toEqual(['AE', 'E', 'N', 'O', 'S', 'Z']);
  });

  it('fixes the rate where the rules fix it and takes the typed one for N', () => {
    expect(lineRate(line({ category: 'S', rate: '7' }))).toBe('5.00'); // ibr-190-ae
    expect(lineRate(line({ category: 'Z' }))).toBe('0');
    expect(lineRate(line({ category: 'E' }))).toBeNull(); // ibr-121-ae
    expect(lineRate(line({ category: 'O' }))).toBeNull();
    expect(lineRate(line({ category: 'N', rate: '2.5' }))).toBe('2.5');
  });
});

describe('checkLine', () => {
  it('accepts a complete standard-rate line', () => {
    expect(checkLine(line())).toEqual({});
  });

  it('needs a positive quantity and a price with at most 6 decimals', () => {
    expect(checkLine(line({ quantity: '0' })).quantity).toBe('mustBePositive');
    expect(checkLine(line({ quantity: '' })).quantity).toBe('required');
    expect(checkLine(line({ unitPrice: '1.1234567' })).unitPrice).toBe('tooManyDecimals');
    expect(checkLine(line({ unitPrice: '-1' })).unitPrice).toBe('mustNotBeNegative');
    expect(checkLine(line({ unitPrice: '1,5' })).unitPrice).toBe('notDecimal');
  });

  it('keeps the discount to 2 decimals and within the line amount', () => {
    expect(checkLine(line({ discount: '0.001' })).discount).toBe('tooManyDecimals');
    expect(checkLine(line({ discount: '100.01' })).discount).toBe('discountTooLarge');
    expect(checkLine(line({ discount: '100' })).discount).toBeUndefined();
  });

  it('asks E for its exemption reason, N for its rate, AE for goods type and GTIN', () => {
    expect(checkLine(line({ category: 'E' })).exemptionCode).toBe('exemptionRequired');
    expect(checkLine(line({ category: 'E', exemptionCode: 'DL8.46.2' }))).toEqual({});
    expect(checkLine(line({ category: 'N' })).rate).toBe('rateRequired');
    expect(checkLine(line({ category: 'N', rate: '0' })).rate).toBe('mustBePositive');
    expect(checkLine(line({ category: 'AE' }))).toEqual({
      rcmGoodsType: 'rcmGoodsTypeRequired',
      standardItemId: 'gtinRequired',
    });
  });
});

describe('checkDecimal and the exchange rate', () => {
  it('reads only plain decimals with a dot', () => {
    expect(checkDecimal('12.50', { places: 2, positive: true, required: true })).toBeNull();
    expect(checkDecimal('+1', { places: 2, positive: true, required: true })).toBe('notDecimal');
    expect(checkDecimal('1e2', { places: 2, positive: true, required: true })).toBe('notDecimal');
  });

  it('needs a rate to AED for another currency (ibr-159-ae), 6 decimals at most', () => {
    expect(checkExchangeRate('AED', '')).toBeNull();
    expect(checkExchangeRate('USD', '')).toBe('required');
    expect(checkExchangeRate('USD', '3.6725')).toBeNull();
    expect(checkExchangeRate('USD', '3.6725001')).toBe('tooManyDecimals');
  });
});

describe('formTotals', () => {
  it('treats the discount as a line allowance, as the API does', () => {
    // 3 x 40 = 120 - 20 = 100, VAT 5.00.
    const totals = formTotals(
      [line({ quantity: '3', unitPrice: '40', discount: '20' })],
      'AED',
      '',
    );
    expect(totals?.line_extension_amount).toBe('100.00');
    expect(totals?.tax_amount).toBe('5.00');
    expect(totals?.tax_amount_in_tax_currency).toBe('5.00');
  });

  it('states the AED figures of a foreign-currency invoice', () => {
    const totals = formTotals([line({ unitPrice: '1000' })], 'USD', '3.6725');
    // 1050.00 USD x 3.6725 = 3856.125 -> 3856.13; VAT 50.00 x 3.6725 = 183.625 -> 183.63.
    expect(totals?.tax_inclusive_amount_in_tax_currency).toBe('3856.13');
    expect(totals?.tax_amount_in_tax_currency).toBe('183.63');
  });

  it('applies document allowances and charges to their category before VAT is rounded', () => {
    // S: 100.00 - 10.00 + 7.50 = 97.50, VAT 4.875 -> 4.88; E: 50.00 - 2.50 = 47.50, no VAT.
    const totals = formTotals(
      [
        line({ unitPrice: '100' }),
        line({ unitPrice: '50', category: 'E', exemptionCode: 'DL8.46.1' }),
      ],
      'AED',
      '',
      [
        ac({ amount: '10' }),
        ac({ isCharge: true, amount: '7.5', reason: 'Delivery' }),
        ac({ amount: '2.50', category: 'E', exemptionCode: 'DL8.46.1' }),
      ],
    );
    expect(totals?.line_extension_amount).toBe('150.00');
    expect(totals?.allowance_total_amount).toBe('12.50');
    expect(totals?.charge_total_amount).toBe('7.50');
    expect(totals?.tax_exclusive_amount).toBe('145.00');
    expect(totals?.breakdown).toEqual([
      { category: 'S', rate: '5.00', taxable_amount: '97.50', tax_amount: '4.88' },
      { category: 'E', rate: null, taxable_amount: '47.50', tax_amount: '0.00' },
    ]);
    expect(totals?.payable_amount).toBe('149.88');
  });

  it('checks allowances and charges as the API does', () => {
    expect(DOCUMENT_LEVEL_CATEGORIES.map((c) => c.code)).not.toContain('N'); // ibr-114/115-ae
    expect(allowanceChargeRate('S')).toBe('5.00');
    expect(allowanceChargeRate('O')).toBeNull();
    expect(checkAllowanceCharge(ac())).toEqual({});
    expect(checkAllowanceCharge(ac({ reason: ' ' }))).toEqual({ reason: 'required' }); // ibr-033
    expect(checkAllowanceCharge(ac({ amount: '1.005' }))).toEqual({ amount: 'tooManyDecimals' });
    expect(checkAllowanceCharge(ac({ category: 'E' }))).toEqual({
      exemptionCode: 'exemptionRequired',
    });
    expect(checkAllowanceCharge(ac({ category: 'N' }))).toEqual({ category: 'required' });
    expect(formTotals([line()], 'AED', '', [ac({ amount: 'x' })])).toBeNull();
  });

  it('waits for readable lines and rate', () => {
    expect(formTotals([line({ quantity: 'abc' })], 'AED', '')).toBeNull();
    expect(formTotals([line()], 'EUR', '')).toBeNull();
  });
});
