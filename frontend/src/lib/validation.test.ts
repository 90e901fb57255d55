import { describe, expect, it } from 'vitest';

import passwordRules from '@server/auth/password_rules.json';

import rules from './validation-rules.json';
import { validateEmail, validatePassword, validatePhone, validateTRN } from './validation';

const allPatterns = [
  rules.trn.strip,
  rules.trn.pattern,
  rules.email.pattern,
  rules.phone.strip,
  ...rules.phone.nsn.map((f) => f.pattern),
  ...passwordRules.rules.flatMap((r) => ('pattern' in r ? [r.pattern] : [])),
];

describe('rule files', () => {
  it('anchors every whole-value pattern so Python re.fullmatch and RegExp.test agree', () => {
    for (const pattern of [
      rules.trn.pattern,
      rules.email.pattern,
      ...rules.phone.nsn.map((f) => f.pattern),
    ]) {
      expect(pattern.startsWith('^'), pattern).toBe(true);
      expect(pattern.endsWith('$'), pattern).toBe(true);
    }
  });

  it.each(allPatterns)(
    'keeps %s free of \\d and \\w, which Python widens to Unicode',
    (pattern) => {
      expect(pattern).not.toMatch(/\\[dw]/i);
    },
  );
});

describe('validateTRN', () => {
  // PINT AE ibr-132-ae: 15 digits, starting with 1, ending with 03.
  it.each(['100123456700003', '104512345678903'])('accepts %s', (trn) => {
    expect(validateTRN(trn)).toEqual({ valid: true, value: trn, error: null });
  });

  it('removes spaces and hyphens people type between digit groups', () => {
    expect(validateTRN(' 100-1234-5670-0003 ')).toEqual({
      valid: true,
      value: '100123456700003',
      error: null,
    });
  });

  it.each([
    ['14 digits', '10012345670003'],
    ['16 digits', '1001234567000003'],
    ['a first digit other than 1', '200123456700003'],
    ['an ending other than 03', '100123456700004'],
    ['a letter', '1001234567A0003'],
    ['Arabic-Indic digits', '١٠٠١٢٣٤٥٦٧٠٠٠٠٣'],
    ['a decimal point', '10012345670.003'],
  ])('rejects %s', (_label, trn) => {
    expect(validateTRN(trn)).toMatchObject({ valid: false, error: 'format' });
  });

  it.each(['', '   '])('reports an empty value as required: %j', (trn) => {
    expect(validateTRN(trn)).toMatchObject({ valid: false, error: 'required' });
  });
});

describe('validateEmail', () => {
  it.each(['finance@example.ae', 'a.b+invoices@mail.example.com', 'ap@example.xn--mgbaam7a8h'])(
    'accepts %s',
    (email) => {
      expect(validateEmail(email)).toEqual({ valid: true, value: email, error: null });
    },
  );

  it('trims surrounding whitespace', () => {
    expect(validateEmail('  finance@example.ae ')).toMatchObject({
      valid: true,
      value: 'finance@example.ae',
    });
  });

  it.each([
    ['no @', 'finance.example.ae'],
    ['no dot in the domain', 'finance@localhost'],
    ['two dots in a row', 'a..b@example.com'],
    ['a leading dot', '.ab@example.com'],
    ['a space', 'a b@example.com'],
    ['a domain label starting with a hyphen', 'ab@-example.com'],
    ['two @', 'a@b@example.com'],
  ])('rejects %s', (_label, email) => {
    expect(validateEmail(email)).toMatchObject({ valid: false, error: 'format' });
  });

  it('limits the local part to 64 characters', () => {
    expect(validateEmail(`${'a'.repeat(64)}@example.com`).valid).toBe(true);
    expect(validateEmail(`${'a'.repeat(65)}@example.com`)).toMatchObject({
      valid: false,
      error: 'too_long',
    });
  });

  it('limits the address to 254 characters', () => {
    // 10 + "@" + four 60-letter labels + four dots + "ae" = 257 characters, each label within its limit.
    const domain = `${Array.from({ length: 4 }, () => 'd'.repeat(60)).join('.')}.ae`;
    const email = `${'a'.repeat(10)}@${domain}`;
    expect(email).toHaveLength(257);
    expect(validateEmail(email)).toMatchObject({ valid: false, error: 'too_long' });
  });

  it('reports an empty value as required', () => {
    expect(validateEmail(' ')).toMatchObject({ valid: false, error: 'required' });
  });
});

describe('validatePhone', () => {
  it.each([
    ['+971501234567', 'mobile', '+971501234567'],
    ['0501234567', 'mobile', '+971501234567'],
    ['00971501234567', 'mobile', '+971501234567'],
    ['+971 50 123 4567', 'mobile', '+971501234567'],
    ['050-123-4567', 'mobile', '+971501234567'],
    ['(056) 765.4321', 'mobile', '+971567654321'],
    ['+97142345678', 'landline', '+97142345678'],
    ['+971 2 612 3456', 'landline', '+97126123456'],
    ['04 234 5678', 'landline', '+97142345678'],
    ['+971 9 222 3333', 'landline', '+97192223333'],
  ])('accepts %s as a %s number', (phone, kind, e164) => {
    expect(validatePhone(phone)).toMatchObject({ valid: true, error: null, kind, e164 });
  });

  it.each([
    ['a mobile number one digit short', '+97150123456'],
    ['a mobile number one digit long', '+9715012345678'],
    ['a number without any prefix', '501234567'],
    ['a national number with a 10-digit landline', '0401234567'],
    ['landline area code 1', '+97112345678'],
    ['landline area code 5 with seven digits', '+97152345678'],
    ['landline area code 8', '+97182345678'],
    ['a landline number one digit long', '+971423456789'],
    ['another country code', '+966501234567'],
    ['another international prefix', '00966501234567'],
    ['a doubled national prefix', '00501234567'],
    ['letters', '+97150123456a'],
    ['Arabic-Indic digits', '+971٥٠١٢٣٤٥٦٧'],
  ])('rejects %s', (_label, phone) => {
    expect(validatePhone(phone)).toMatchObject({
      valid: false,
      error: 'format',
      kind: null,
      e164: null,
    });
  });

  it('reports an empty value as required', () => {
    expect(validatePhone('  ')).toMatchObject({ valid: false, error: 'required' });
  });
});

describe('validatePassword', () => {
  it('accepts 12 characters with upper, lower, digit and symbol', () => {
    expect(validatePassword('Abcdefghij1!')).toEqual({ valid: true, score: 4, unmet: [] });
  });

  it.each([
    ['', 0, ['min_length', 'upper', 'lower', 'digit', 'symbol']],
    ['abc', 0, ['min_length', 'upper', 'digit', 'symbol']],
    ['abcdefghijkl', 1, ['upper', 'digit', 'symbol']],
    ['Abcdefghijkl', 2, ['digit', 'symbol']],
    ['Abcdefghijk1', 3, ['symbol']],
    ['Abcdefghi1!', 3, ['min_length']],
    ['ABCDEFGHIJ1!', 3, ['lower']],
  ])('scores %j as %i with unmet rules %j', (password, score, unmet) => {
    expect(validatePassword(password)).toEqual({ valid: false, score, unmet });
  });

  it('does not count a space as a symbol, but counts a non-ASCII letter', () => {
    expect(validatePassword('Abcdefghij 1').unmet).toEqual(['symbol']);
    expect(validatePassword('Abcdefghijä1').unmet).toEqual([]);
  });

  it('counts characters, not UTF-16 units, for the minimum length', () => {
    // 11 characters, 12 UTF-16 code units because of the emoji.
    expect(validatePassword('Abcdefghi1🙂').unmet).toEqual(['min_length']);
  });

  it('refuses more than 72 UTF-8 bytes, the most bcrypt reads', () => {
    const base = 'Abcdefghij1!';
    expect(validatePassword(base + 'x'.repeat(72 - base.length)).valid).toBe(true);
    expect(validatePassword(base + 'x'.repeat(73 - base.length)).unmet).toEqual(['max_bytes']);
    // 12 ASCII bytes + 31 × "ä" (2 bytes each) = 74 bytes in 43 characters.
    expect(validatePassword(base + 'ä'.repeat(31)).unmet).toEqual(['max_bytes']);
  });

  it('refuses a password that contains the local part of the e-mail address', () => {
    const email = 'Fatima.Ali@example.ae';
    expect(validatePassword('fatima.ali!2025X', { email }).unmet).toEqual(['not_email']);
    expect(validatePassword('Abcdefghij1!', { email }).valid).toBe(true);
  });

  it('ignores a local part shorter than three characters', () => {
    expect(validatePassword('Abcdefghij1!', { email: 'ab@example.ae' }).valid).toBe(true);
  });
});
