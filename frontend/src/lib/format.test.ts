import { describe, expect, it } from 'vitest';

import { addDays, formatDecimal, formatMoney, formatPrice, todayInUae } from './format';

const plain = (text: string) => text.replace(/\s/g, ' ');

describe('format', () => {
  it('formats amounts from their decimal strings, never through a rounded float', () => {
    expect(plain(formatMoney('1234.50', 'AED', 'en'))).toBe('AED 1,234.50');
    // 0.1 + 0.2 style drift cannot appear: the string is formatted as it is.
    expect(plain(formatMoney('9007199254740993.25', 'AED', 'en'))).toBe(
      'AED 9,007,199,254,740,993.25',
    );
    expect(formatMoney(null, 'AED', 'en')).toBe('—');
    expect(formatMoney('abc', 'AED', 'en')).toBe('—');
  });

  it('keeps every decimal of a unit price', () => {
    expect(plain(formatPrice('33.335', 'AED', 'en'))).toBe('AED 33.335');
    expect(plain(formatPrice('50', 'AED', 'en'))).toBe('AED 50.00');
    expect(formatDecimal('1.500', 'en')).toBe('1.500');
  });

  it('counts dates in the UAE time zone (UTC+4)', () => {
    // 21:30 UTC on 31 December is already 1 January in Dubai.
    expect(todayInUae(new Date('2026-12-31T21:30:00Z'))).toBe('2027-01-01');
    expect(todayInUae(new Date('2026-12-31T19:59:00Z'))).toBe('2026-12-31');
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
