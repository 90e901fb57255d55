import { describe, expect, it } from 'vitest';

import { sortServerErrors } from './invoice-form';

describe('sortServerErrors', () => {
  it('puts each 422 problem on the field it names', () => {
    const sorted = sortServerErrors(
      [
        { field: 'lines.1.vat_category', message: 'E requires an exemption reason' },
        { field: 'lines.0.quantity', message: 'must be above 0' },
        { field: 'due_date', message: 'needs its due date', rule_id: 'ibr-127-ae' },
        { field: 'delivery.country', message: 'XX is not a country' },
        { field: 'lines.9.quantity', message: 'no such line' },
      ],
      2,
    );
    expect(sorted.lines).toEqual([
      { quantity: 'must be above 0' },
      { category: 'E requires an exemption reason' },
    ]);
    expect(sorted.header).toEqual({ due_date: '[ibr-127-ae] needs its due date' });
    expect(sorted.other.map((p) => p.field)).toEqual(['delivery.country', 'lines.9.quantity']);
  });

  it('puts the problems of a document allowance or charge on its editor', () => {
    const sorted = sortServerErrors(
      [
        { field: 'allowances_charges.1.reason', message: 'give a reason', rule_id: 'ibr-033' },
        { field: 'allowances_charges.0.vat_category', message: 'N is not allowed' },
        { field: 'allowances_charges.4.amount', message: 'no such entry' },
      ],
      1,
      2,
    );
    expect(sorted.allowancesCharges).toEqual([
      { category: 'N is not allowed' },
      { reason: '[ibr-033] give a reason' },
    ]);
    expect(sorted.other.map((p) => p.field)).toEqual(['allowances_charges.4.amount']);
  });
});
