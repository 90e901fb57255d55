/**
 * Locale-aware display of amounts and dates. Amounts arrive from the API as decimal strings
 * ("1234.50") and are formatted from the string, so no digit passes through a float.
 */

function localeOf(language: string): string {
  return language === 'ar' ? 'ar-AE' : 'en-AE';
}

type Numeric = `${number}`;

const isNumeric = (value: string): value is Numeric => /^-?\d+(\.\d+)?$/.test(value);

/** "AED 1,234.50" / "‏1,234.50 د.إ.‏"; an unknown currency code falls back to plain digits. */
export function formatMoney(
  amount: string | null | undefined,
  currency: string,
  language: string,
): string {
  if (amount === null || amount === undefined || !isNumeric(amount)) return '—';
  try {
    return new Intl.NumberFormat(localeOf(language), {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(amount);
  } catch {
    return `${currency} ${amount}`;
  }
}

/** A unit price: like formatMoney, but with every decimal it has (prices carry up to 6). */
export function formatPrice(
  amount: string | null | undefined,
  currency: string,
  language: string,
): string {
  if (amount === null || amount === undefined || !isNumeric(amount)) return '—';
  const places = amount.includes('.') ? amount.length - amount.indexOf('.') - 1 : 0;
  const digits = Math.min(Math.max(places, 2), 20);
  try {
    return new Intl.NumberFormat(localeOf(language), {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${currency} ${amount}`;
  }
}

/** A plain decimal (quantity, rate) with its digits as given. */
export function formatDecimal(value: string | null | undefined, language: string): string {
  if (value === null || value === undefined || !isNumeric(value)) return '—';
  const places = value.includes('.') ? value.length - value.indexOf('.') - 1 : 0;
  return new Intl.NumberFormat(localeOf(language), {
    minimumFractionDigits: places,
    maximumFractionDigits: places,
  }).format(value);
}

/** A calendar date (YYYY-MM-DD) without any time-zone shift. */
export function formatDate(value: string | null | undefined, language: string): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (match === null) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
}

/** A moment (ISO 8601 with zone), in UAE time. */
export function formatDateTime(value: string | null | undefined, language: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Dubai',
  }).format(date);
}

/** Today in the UAE as YYYY-MM-DD (invoice dates are UAE calendar days). */
export function todayInUae(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Dubai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  return parts;
}

/** A YYYY-MM-DD date plus `days` (calendar arithmetic in UTC, no time-zone drift). */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}
