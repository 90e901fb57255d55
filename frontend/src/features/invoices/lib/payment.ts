import type { InvoiceKind, InvoiceStatus } from '../api/types';
import { compare, decimalPlaces, isDecimalText, parseDecimal, ZERO } from './decimal';

/** Statuses an invoice takes a payment in, as invoicing/payments.py (PAYABLE_STATUSES). */
const PAYABLE: ReadonlySet<InvoiceStatus> = new Set([
  'FINALIZED',
  'APPROVED',
  'SENT',
  'DELIVERED',
  'ACCEPTED',
  'FAILED',
]);

export function canReceivePayment(status: InvoiceStatus, kind: InvoiceKind): boolean {
  return kind === 'invoice' && PAYABLE.has(status);
}

export type PaymentProblem = 'amount' | 'tooMuch' | null;

/** What is wrong with the amount typed, checked exactly (no floating point), else null. */
export function paymentProblem(amount: string, outstanding: string): PaymentProblem {
  const text = amount.trim();
  if (!isDecimalText(text) || decimalPlaces(text) > 2) return 'amount';
  const value = parseDecimal(text);
  if (compare(value, ZERO) <= 0) return 'amount';
  return compare(value, parseDecimal(outstanding)) > 0 ? 'tooMuch' : null;
}
