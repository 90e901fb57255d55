import { describe, expect, it } from 'vitest';

import type { InvoiceMatch, LineFinding } from '../api/types';
import { explainLine, percentOf, summarizeMatch } from './match-explanation';

function finding(overrides: Partial<LineFinding>): LineFinding {
  return {
    invoice_line_id: '1',
    order_line_id: '1',
    pairing: 'item_name',
    item_name: 'Paper',
    ordered_item_name: 'Paper',
    ordered_quantity: '100',
    received_quantity: '100',
    rejected_quantity: '0',
    previously_invoiced_quantity: '0',
    available_quantity: '100',
    invoiced_quantity: '100',
    matched_quantity: '100',
    quantity_variance: '0',
    ordered_unit_price: '25',
    invoiced_unit_price: '25',
    expected_amount: '2500.00',
    invoiced_amount: '2500.00',
    price_variance: '0',
    amount_variance: '0.00',
    is_clean: true,
    reasons: [],
    reason: 'matches the order and the receipts',
    ...overrides,
  };
}

describe('explainLine', () => {
  it('calls a line clean when nothing differs', () => {
    const view = explainLine(finding({}));
    expect(view.quantityDiffers || view.priceDiffers || view.amountDiffers).toBe(false);
    expect(view.explanations.map((e) => e.key)).toEqual(['payables.match.why.clean']);
  });

  it('explains an invoice for more than was received', () => {
    const view = explainLine(
      finding({
        received_quantity: '97',
        available_quantity: '97',
        matched_quantity: '97',
        quantity_variance: '3',
        expected_amount: '2425.00',
        amount_variance: '75.00',
        is_clean: false,
      }),
    );
    expect(view.quantityDiffers).toBe(true);
    expect(view.priceDiffers).toBe(false);
    expect(view.amountDiffers).toBe(true);
    expect(view.explanations[0]).toEqual({
      key: 'payables.match.why.quantityNotReceived',
      figures: 'quantity',
      values: {
        invoiced: '100',
        available: '97',
        ordered: '100',
        received: '97',
        invoicedBefore: '0',
        over: '3',
      },
    });
    expect(view.explanations[1]?.values.difference).toBe('+75.00');
  });

  it('tells "nothing received" and "already invoiced" apart', () => {
    expect(
      explainLine(
        finding({
          received_quantity: '0',
          available_quantity: '0',
          quantity_variance: '100',
          is_clean: false,
        }),
      ).explanations[0]?.key,
    ).toBe('payables.match.why.nothingReceived');
    expect(
      explainLine(
        finding({
          previously_invoiced_quantity: '100',
          available_quantity: '0',
          quantity_variance: '100',
          is_clean: false,
        }),
      ).explanations[0]?.key,
    ).toBe('payables.match.why.alreadyInvoiced');
  });

  it('gives the price difference as a share of the ordered price, either way', () => {
    const higher = explainLine(
      finding({ invoiced_unit_price: '26.25', price_variance: '1.25', is_clean: false }),
    );
    expect(higher.priceDiffers).toBe(true);
    expect(higher.explanations[0]).toMatchObject({
      key: 'payables.match.why.priceHigher',
      values: { percent: '5' },
    });
    const lower = explainLine(finding({ price_variance: '-0.5', is_clean: false }));
    expect(lower.explanations[0]).toMatchObject({
      key: 'payables.match.why.priceLower',
      values: { percent: '2' },
    });
  });

  it('does not compare prices across currencies (variance null)', () => {
    const view = explainLine(
      finding({ price_variance: null, amount_variance: null, is_clean: false }),
    );
    expect(view.priceDiffers).toBe(false);
    expect(view.explanations).toEqual([]);
  });
});

describe('percentOf', () => {
  it('rounds to hundredths half away from zero', () => {
    expect(percentOf('1', '3')).toBe('33.33');
    expect(percentOf('2', '3')).toBe('66.67');
    expect(percentOf('-2', '3')).toBe('-66.67');
    expect(percentOf('75', '2425')).toBe('3.09');
    expect(percentOf('1', '0')).toBeNull();
  });
});

describe('summarizeMatch', () => {
  const base: InvoiceMatch = {
    id: 'm',
    status: 'VARIANCE_DETECTED',
    matching_status: 'VARIANCE_DETECTED',
    explanation: '',
    is_current: true,
    trigger: 'arrival',
    matched_at: '2026-11-24T10:00:00Z',
    purchase_order_id: 'po',
    order_number: 'PO-1',
    currency: 'AED',
    expected_net: '2425.00',
    invoiced_net: '2500.00',
    net_difference: '75.00',
    variance_amount: '75.00',
    variance_percent: '3.09',
    expected_tax: '121.25',
    invoiced_tax: '125.00',
    tax_variance: '3.75',
    invoiced_payable: '2625.00',
    tolerances: { full_match_amount: '0.01', variance_percent: '5' },
    lines: [finding({ is_clean: false }), finding({})],
    unmatched_invoice_lines: [],
    uninvoiced_order_lines: [],
    issues: [],
  };

  it('counts the lines that differ and carries the tolerance', () => {
    const summary = summarizeMatch(base);
    expect(summary.key).toBe('payables.match.summary.VARIANCE_DETECTED');
    expect(summary.differingLines).toBe(1);
    expect(summary.values).toMatchObject({ percent: '3.09', tolerance: '5', order: 'PO-1' });
  });

  it('says when amounts could not be compared', () => {
    const summary = summarizeMatch({
      ...base,
      status: 'PARTIAL_MATCH',
      variance_amount: null,
      variance_percent: null,
    });
    expect(summary.key).toBe('payables.match.summary.notComparable');
  });
});
