import { describe, expect, it } from 'vitest';

import {
  type ManualDraft,
  checkManual,
  emptyManualLine,
  hasErrors,
  serverErrors,
  toManualInput,
  withCategory,
} from './manual-entry';

const draft = (changes: Partial<ManualDraft> = {}): ManualDraft => ({
  supplierId: 'sup-1',
  number: ' INV-7 ',
  issueDate: '2026-11-20',
  dueDate: '',
  currency: 'AED',
  orderReference: '',
  lines: [{ ...emptyManualLine(), item: 'Paper', quantity: '3', price: '33.335' }],
  ...changes,
});

describe('checkManual', () => {
  it('passes a complete draft', () => {
    expect(hasErrors(checkManual(draft()))).toBe(false);
  });

  it('names each missing or malformed field as the API would refuse it', () => {
    const errors = checkManual(
      draft({
        supplierId: null,
        number: '  ',
        dueDate: '2026-11-19',
        currency: 'aed',
        lines: [
          { ...emptyManualLine(), item: '', quantity: '0', price: '1.0000001', rate: '101' },
          { ...emptyManualLine(), item: 'X', quantity: '1', price: '2', category: 'Z', rate: '5' },
        ],
      }),
    );
    expect(errors.header).toEqual({
      supplier: 'payables.manual.errors.supplier',
      number: 'payables.manual.errors.required',
      dueDate: 'payables.manual.errors.dueDate',
      currency: 'payables.manual.errors.currency',
    });
    expect(errors.lines).toEqual([
      {
        item: 'payables.manual.errors.required',
        quantity: 'payables.manual.errors.quantity',
        price: 'payables.manual.errors.price',
        rate: 'payables.manual.errors.rate',
      },
      { rate: 'payables.manual.errors.zeroRate' },
    ]);
  });

  it('lets the due date equal the issue date', () => {
    expect(checkManual(draft({ dueDate: '2026-11-20' })).header).toEqual({});
  });
});

describe('withCategory', () => {
  it('sets the rate the category allows', () => {
    const line = emptyManualLine();
    expect(withCategory(line, 'E').rate).toBe('0');
    expect(withCategory({ ...line, rate: '0' }, 'S').rate).toBe('5');
  });
});

describe('toManualInput', () => {
  it('trims text, sends empty optionals as null and keeps decimals as text', () => {
    expect(toManualInput(draft())).toEqual({
      supplier_id: 'sup-1',
      invoice_number: 'INV-7',
      issue_date: '2026-11-20',
      due_date: null,
      currency: 'AED',
      order_reference: null,
      lines: [
        {
          item_name: 'Paper',
          quantity: '3',
          unit_price: '33.335',
          vat_category: 'S',
          vat_rate: '5',
        },
      ],
    });
    expect(toManualInput(draft({ orderReference: 'PO-2026-0001' })).order_reference).toBe(
      'PO-2026-0001',
    );
  });
});

describe('serverErrors', () => {
  it('puts header and line problems on their fields, first message wins', () => {
    const errors = serverErrors(
      [
        { field: 'invoice_number', message: 'too long' },
        { field: 'invoice_number', message: 'second' },
        { field: 'lines.1.unit_price', message: 'not a number' },
        { field: 'lines.0.vat_rate', message: 'too high' },
        { field: 'supplier_id', message: 'unknown' },
      ],
      2,
    );
    expect(errors.header).toEqual({ number: 'too long', supplier: 'unknown' });
    expect(errors.lines).toEqual([{ rate: 'too high' }, { price: 'not a number' }]);
  });

  it('leaves problems that name no field of the form (or no such line) alone', () => {
    const errors = serverErrors(
      [
        { field: 'body', message: 'the due date cannot be before the issue date' },
        { field: 'lines.5.quantity', message: 'gone' },
        { field: 'lines.0', message: 'VAT category Z has rate 0' },
      ],
      1,
    );
    expect(errors).toEqual({ header: {}, lines: [{}] });
  });
});
