/**
 * The rules a line of a purchase order and of a supplier invoice typed in by hand share, as the
 * API checks them: one copy for both forms.
 */
import { toMicro } from './decimal';

export const VAT_CATEGORIES = ['S', 'Z', 'E', 'O', 'AE'] as const;
/** Categories the API only accepts at 0 %. */
export const ZERO_RATED = new Set(['Z', 'E', 'O']);
export const CURRENCY = /^[A-Z]{3}$/;
const MAX_RATE = 100_000_000n; // 100 % in millionths

/** The rate a category starts with: 0 where nothing else is allowed, else the UAE's 5 %. */
export const defaultRate = (category: string): string => (ZERO_RATED.has(category) ? '0' : '5');

export type AmountProblem = 'quantity' | 'price' | 'rate';

/** The amounts that are not decimals in range: quantity > 0, unit price >= 0, rate 0-100 %. */
export function amountProblems(line: {
  quantity: string;
  price: string;
  rate: string;
}): AmountProblem[] {
  const problems: AmountProblem[] = [];
  const quantity = toMicro(line.quantity);
  if (quantity === null || quantity <= 0n) problems.push('quantity');
  const price = toMicro(line.price);
  if (price === null || price < 0n) problems.push('price');
  const rate = toMicro(line.rate);
  if (rate === null || rate < 0n || rate > MAX_RATE) problems.push('rate');
  return problems;
}
