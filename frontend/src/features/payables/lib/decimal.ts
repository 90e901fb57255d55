/**
 * Fixed-point decimals for purchase-order quantities and prices (the API keeps up to 6 places):
 * a value is a BigInt count of millionths, so no digit goes through a binary float.
 */

export const PLACES = 6;
const SCALE = 10n ** BigInt(PLACES);
const TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Millionths of the value, or null when the text is not a plain decimal with at most 6 places. */
export function toMicro(text: string): bigint | null {
  const match = TEXT.exec(text.trim());
  if (match === null) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > PLACES) return null;
  const units = BigInt(whole) * SCALE + BigInt(fraction.padEnd(PLACES, '0') || '0');
  return sign === '-' ? -units : units;
}

/** Shortest plain text of a count of millionths ("2.5", "10"). */
export function fromMicro(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const whole = absolute / SCALE;
  const fraction = (absolute % SCALE).toString().padStart(PLACES, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** value / 10^places rounded half away from zero to cents, as text with 2 decimals. */
function roundToCents(value: bigint, places: bigint): string {
  const divisor = 10n ** (places - 2n);
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  const cents = (absolute + divisor / 2n) / divisor;
  const text = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}

export type LineAmounts = {
  quantity: string;
  unitPrice: string;
  vatCategory: string;
  vatRate: string;
};

/** quantity × unit price rounded to cents (ROUND_HALF_UP, as the API), or null if not numbers. */
export function lineNet(line: LineAmounts): string | null {
  const quantity = toMicro(line.quantity);
  const price = toMicro(line.unitPrice);
  if (quantity === null || price === null) return null;
  return roundToCents(quantity * price, 12n);
}

export type OrderTotals = { net: string; tax: string; total: string };

/**
 * The order's totals as the API computes them: line nets rounded, VAT rounded once per rate over
 * the sum of its lines. null while a line is not a number yet.
 */
export function orderTotals(lines: readonly LineAmounts[]): OrderTotals | null {
  let net = 0n; // cents
  // VAT is rounded once per (category, rate) group, as the API does.
  const byGroup = new Map<string, { rate: bigint; base: bigint }>();
  for (const line of lines) {
    const amount = lineNet(line);
    const rate = toMicro(line.vatRate);
    if (amount === null || rate === null) return null;
    const cents = (toMicro(amount) ?? 0n) / 10n ** 4n;
    net += cents;
    const key = `${line.vatCategory}|${rate}`;
    const group = byGroup.get(key) ?? { rate, base: 0n };
    byGroup.set(key, { rate, base: group.base + cents });
  }
  let tax = 0n;
  for (const { rate, base } of byGroup.values()) {
    // base (cents) × rate (millionths) / 100 -> cents with 6 + 2 extra places
    tax += (toMicro(roundToCents(base * rate, 10n)) ?? 0n) / 10n ** 4n;
  }
  const cents = (value: bigint) => roundToCents(value, 2n);
  return { net: cents(net), tax: cents(tax), total: cents(net + tax) };
}
