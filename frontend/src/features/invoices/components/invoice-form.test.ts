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
});
