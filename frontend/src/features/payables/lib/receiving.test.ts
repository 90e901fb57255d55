import { describe, expect, it } from 'vitest';

import type { PurchaseOrderLine } from '../api/types';
import { checkReceipt, outstandingQuantity } from './receiving';

function line(id: string, quantity: string, accepted: string): PurchaseOrderLine {
  return {
    id,
    line_no: 1,
    item_code: null,
    item_name: id,
    description: null,
    unit_code: 'H87',
    quantity,
    unit_price: '1',
    vat_category: 'S',
    vat_rate: '5',
    net_amount: '1.00',
    received_quantity: accepted,
    rejected_quantity: '0',
    accepted_quantity: accepted,
  };
}

describe('outstandingQuantity', () => {
  it('is what is ordered and not yet accepted, never negative', () => {
    expect(outstandingQuantity(line('a', '100', '97'))).toBe('3');
    expect(outstandingQuantity(line('a', '2.5', '0'))).toBe('2.5');
    expect(outstandingQuantity(line('a', '10', '12'))).toBe('0');
  });
});

describe('checkReceipt', () => {
  const order = [line('a', '100', '0'), line('b', '10', '4')];

  it('books partial quantities and skips empty lines', () => {
    const result = checkReceipt(
      order,
      [
        { lineId: 'a', received: '97', rejected: '' },
        { lineId: 'b', received: '', rejected: '' },
      ],
      false,
    );
    expect(result.problems).toEqual({});
    expect(result.lines).toEqual([
      { purchase_order_line_id: 'a', quantity_received: '97', quantity_rejected: '0' },
    ]);
  });

  it('refuses more than outstanding unless over-receipt is allowed', () => {
    const drafts = [{ lineId: 'b', received: '7', rejected: '' }];
    expect(checkReceipt(order, drafts, false).problems).toEqual({ b: 'overOrdered' });
    expect(checkReceipt(order, drafts, true).lines).toHaveLength(1);
    // Rejected goods do not count against the order: 7 received, 1 rejected = 6 accepted.
    expect(
      checkReceipt(order, [{ lineId: 'b', received: '7', rejected: '1' }], false).problems,
    ).toEqual({});
  });

  it('names the problem of each line', () => {
    const result = checkReceipt(
      order,
      [
        { lineId: 'a', received: 'ten', rejected: '' },
        { lineId: 'b', received: '1', rejected: '2' },
      ],
      false,
    );
    expect(result.problems).toEqual({ a: 'notNumber', b: 'rejectedAboveReceived' });
    expect(result.lines).toEqual([]);
    expect(
      checkReceipt(order, [{ lineId: 'a', received: '-1', rejected: '' }], false).problems,
    ).toEqual({
      a: 'negative',
    });
  });
});
