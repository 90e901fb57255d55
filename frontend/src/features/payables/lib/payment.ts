import { toMicro } from './decimal';

/** Why a payment amount cannot be sent, as the API would refuse it (null when it can):
 * a plain decimal with at most 2 places, more than zero, at most what is still owed. */
export type PaymentProblem = 'invalid' | 'notPositive' | 'tooMuch';

export function paymentProblem(amount: string, outstanding: string): PaymentProblem | null {
  const value = toMicro(amount);
  if (value === null || !/^\d+(\.\d{1,2})?$/.test(amount.trim())) return 'invalid';
  if (value <= 0n) return 'notPositive';
  const owed = toMicro(outstanding);
  if (owed !== null && value > owed) return 'tooMuch';
  return null;
}

/** True when the amount pays all that is still owed (the invoice is then settled). */
export function settles(amount: string, outstanding: string): boolean {
  const value = toMicro(amount);
  return value !== null && value === toMicro(outstanding);
}
