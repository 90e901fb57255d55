/**
 * A supplier invoice typed in by hand: the draft the form edits, its checks (the API's own rules,
 * so most mistakes are caught before a round trip) and the API's field errors mapped back onto it.
 */
import type { FieldProblem } from '@/components/api-error-alert';

import type { InwardInvoiceInput } from '../api/types';
import { toMicro } from './decimal';
import { CURRENCY, VAT_CATEGORIES, ZERO_RATED, amountProblems, defaultRate } from './lines';

export { VAT_CATEGORIES, ZERO_RATED };

export type ManualLine = {
  key: number;
  item: string;
  quantity: string;
  price: string;
  category: string;
  rate: string;
};

export type ManualDraft = {
  supplierId: string | null;
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  orderReference: string;
  lines: ManualLine[];
};

export type HeaderField = 'supplier' | 'number' | 'issueDate' | 'dueDate' | 'currency' | 'order';
export type LineField = 'item' | 'quantity' | 'price' | 'rate';

export type ManualErrorKey =
  `payables.manual.errors.${'supplier' | 'required' | 'dueDate' | 'currency' | 'quantity' | 'price' | 'rate' | 'zeroRate'}`;

/** Problems by field: i18n keys from the form's own checks, or the API's own words. */
export type ManualErrors<T extends string = string> = {
  header: Partial<Record<HeaderField, T>>;
  lines: Partial<Record<LineField, T>>[];
};

let nextKey = 1;
export const emptyManualLine = (): ManualLine => ({
  key: nextKey++,
  item: '',
  quantity: '1',
  price: '',
  category: 'S',
  rate: '5',
});

/** A category change resets the rate to what the category allows (0 or the UAE's 5 %). */
export function withCategory(line: ManualLine, category: string): ManualLine {
  return { ...line, category, rate: defaultRate(category) };
}

const PREFIX = 'payables.manual.errors.';

export function checkManual(draft: ManualDraft): ManualErrors<ManualErrorKey> {
  const header: ManualErrors<ManualErrorKey>['header'] = {};
  if (draft.supplierId === null) header.supplier = `${PREFIX}supplier`;
  if (draft.number.trim() === '') header.number = `${PREFIX}required`;
  if (draft.issueDate === '') header.issueDate = `${PREFIX}required`;
  // ISO dates compare as text.
  if (draft.dueDate !== '' && draft.issueDate !== '' && draft.dueDate < draft.issueDate)
    header.dueDate = `${PREFIX}dueDate`;
  if (!CURRENCY.test(draft.currency)) header.currency = `${PREFIX}currency`;
  const lines = draft.lines.map((line) => {
    const errors: Partial<Record<LineField, ManualErrorKey>> = {};
    if (line.item.trim() === '') errors.item = `${PREFIX}required`;
    for (const problem of amountProblems(line)) errors[problem] = `${PREFIX}${problem}`;
    if (errors.rate === undefined && ZERO_RATED.has(line.category) && toMicro(line.rate) !== 0n)
      errors.rate = `${PREFIX}zeroRate`;
    return errors;
  });
  return { header, lines };
}

export const hasErrors = (errors: ManualErrors): boolean =>
  Object.keys(errors.header).length > 0 || errors.lines.some((l) => Object.keys(l).length > 0);

/** The request body; call once checkManual found nothing. */
export function toManualInput(draft: ManualDraft): InwardInvoiceInput {
  return {
    supplier_id: draft.supplierId ?? '',
    invoice_number: draft.number.trim(),
    issue_date: draft.issueDate,
    due_date: draft.dueDate || null,
    currency: draft.currency,
    order_reference: draft.orderReference.trim() || null,
    lines: draft.lines.map((line) => ({
      item_name: line.item.trim(),
      quantity: line.quantity.trim(),
      unit_price: line.price.trim(),
      vat_category: line.category,
      vat_rate: line.rate.trim(),
    })),
  };
}

const HEADER_FIELDS: Record<string, HeaderField> = {
  supplier_id: 'supplier',
  invoice_number: 'number',
  issue_date: 'issueDate',
  due_date: 'dueDate',
  currency: 'currency',
  order_reference: 'order',
};

const LINE_FIELDS: Record<string, LineField> = {
  item_name: 'item',
  quantity: 'quantity',
  unit_price: 'price',
  vat_rate: 'rate',
};

const LINE_PATH = /^lines\.(\d+)\.(\w+)$/;

/**
 * The API's 422 problems ({field: "lines.0.unit_price", message}) on the form's fields. What
 * names no field of the form (a whole-body rule, say) is left for the error alert to show.
 */
export function serverErrors(problems: FieldProblem[], lineCount: number): ManualErrors {
  const errors: ManualErrors = {
    header: {},
    lines: Array.from({ length: lineCount }, () => ({})),
  };
  for (const { field, message } of problems) {
    const header = HEADER_FIELDS[field];
    if (header !== undefined) {
      errors.header[header] ??= message;
      continue;
    }
    const match = LINE_PATH.exec(field);
    const index = match ? Number(match[1]) : -1;
    const lineField = match ? LINE_FIELDS[match[2] ?? ''] : undefined;
    const line = errors.lines[index];
    if (lineField !== undefined && line !== undefined) line[lineField] ??= message;
  }
  return errors;
}
