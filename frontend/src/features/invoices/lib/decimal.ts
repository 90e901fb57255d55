/**
 * Exact decimal arithmetic for invoice amounts: every value is a fraction of two BigInts, so sums,
 * products and divisions (quantity × price / base quantity) are exact and only the rounding rules
 * of totals.ts ever drop digits. JavaScript numbers (binary floating point) are never used for
 * money: 0.1 + 0.2 is not 0.3 there, and a fils lost that way would not match the server.
 */

export type Decimal = { readonly num: bigint; readonly den: bigint };

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function make(num: bigint, den: bigint): Decimal {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) [num, den] = [-num, -den];
  const divisor = gcd(num, den);
  return divisor > 1n ? { num: num / divisor, den: den / divisor } : { num, den };
}

export const ZERO: Decimal = { num: 0n, den: 1n };
export const ONE: Decimal = { num: 1n, den: 1n };
export const HUNDRED: Decimal = { num: 100n, den: 1n };

/** True for text such as "12", "-3.5", "0.125" (what `parseDecimal` accepts). */
export function isDecimalText(text: string): boolean {
  const match = DECIMAL_TEXT.exec(text.trim());
  return match !== null && ((match[2] ?? '') !== '' || (match[3] ?? '') !== '');
}

/** Parses plain decimal text ("1234.5", "-0.25"); throws on anything else. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (match === null || !isDecimalText(text)) throw new SyntaxError(`not a decimal: "${text}"`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const digits = BigInt(`${whole}${fraction}` || '0');
  return make(sign === '-' ? -digits : digits, 10n ** BigInt(fraction.length));
}

export const fromBigInt = (value: bigint): Decimal => ({ num: value, den: 1n });

export const add = (a: Decimal, b: Decimal): Decimal =>
  make(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Decimal, b: Decimal): Decimal =>
  make(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Decimal, b: Decimal): Decimal => make(a.num * b.num, a.den * b.den);
export const div = (a: Decimal, b: Decimal): Decimal => make(a.num * b.den, a.den * b.num);
export const neg = (a: Decimal): Decimal => ({ num: -a.num, den: a.den });
export const abs = (a: Decimal): Decimal => (a.num < 0n ? neg(a) : a);
export const sum = (values: readonly Decimal[]): Decimal => values.reduce(add, ZERO);

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const diff = a.num * b.den - b.num * a.den;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

export const equals = (a: Decimal, b: Decimal): boolean => compare(a, b) === 0;
export const isNegative = (a: Decimal): boolean => a.num < 0n;

/** Largest integer not above num / den (den > 0). */
function floorDiv(num: bigint, den: bigint): bigint {
  const quotient = num / den; // truncates towards zero
  return num % den !== 0n && num < 0n ? quotient - 1n : quotient;
}

/** XPath `round(x * 100) div 100`: 2 decimals, a tie goes towards +infinity. */
export function roundAmount(value: Decimal): Decimal {
  // floor(x * 100 + 1/2) = floor((200 num + den) / (2 den))
  return make(floorDiv(200n * value.num + value.den, 2n * value.den), 100n);
}

/** 2 decimals, a tie goes away from zero (Python's ROUND_HALF_UP). */
export function roundHalfUp(value: Decimal): Decimal {
  const rounded = roundAmount(abs(value));
  return isNegative(value) ? neg(rounded) : rounded;
}

/**
 * Fixed-point text with `places` decimals, for values that need no more (amounts after rounding).
 * Throws when digits would be lost: a display must never round behind the rules' back.
 */
export function toFixed(value: Decimal, places = 2): string {
  const scale = 10n ** BigInt(places);
  const scaled = value.num * scale;
  if (scaled % value.den !== 0n) throw new RangeError('value has more decimals than requested');
  const units = scaled / value.den;
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const text =
    places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(digits.length - places)}`;
  return negative ? `-${text}` : text;
}

/** Shortest plain decimal text of a value with a finite decimal expansion ("5", "0.125"). */
export function toPlainString(value: Decimal): string {
  for (let places = 0; places <= 60; places += 1) {
    if (10n ** BigInt(places) % value.den === 0n) return toFixed(value, places);
  }
  throw new RangeError('value has no short decimal expansion');
}

/** Number of digits after the decimal point in the text as typed ("1.50" -> 2). */
export function decimalPlaces(text: string): number {
  const dot = text.trim().indexOf('.');
  return dot < 0 ? 0 : text.trim().length - dot - 1;
}
