/**
 * Input checks that match the backend's. Patterns and limits come from rule files both sides read:
 * validation-rules.json (TRN, e-mail, UAE phone) and the API's own password_rules.json, so a value
 * this form accepts is one the API accepts. This module only applies those rules.
 *
 * TRN: 15 digits, starting with 1 and ending with 03 (PINT AE ibr-132-ae).
 */
import passwordRules from '@server/auth/password_rules.json';

import rules from './validation-rules.json';

export type FieldError = 'required' | 'format' | 'too_long';

export type FieldResult = {
  valid: boolean;
  /** The value as it should be stored: trimmed, separators removed. */
  value: string;
  error: FieldError | null;
};

export type PhoneKind = 'mobile' | 'landline';

export type PhoneResult = FieldResult & {
  kind: PhoneKind | null;
  /** International form (+971…), or null when the number is not valid. */
  e164: string | null;
};

export type PasswordRule =
  'min_length' | 'max_bytes' | 'upper' | 'lower' | 'digit' | 'symbol' | 'not_email';

export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export type PasswordResult = {
  valid: boolean;
  /** 4 minus the number of unmet rules, never below 0: 4 means the password is acceptable. */
  score: PasswordScore;
  /** Rules not met, in the order of the rules file (ids are i18n keys: validation.password.<id>). */
  unmet: PasswordRule[];
};

type PasswordRuleSpec = { id: string; pattern?: string; min_local_part_length?: number };

const KNOWN_PASSWORD_RULES: ReadonlySet<string> = new Set<PasswordRule>([
  'min_length',
  'max_bytes',
  'upper',
  'lower',
  'digit',
  'symbol',
  'not_email',
]);

function strip(value: string, pattern: string | undefined): string {
  const trimmed = value.trim();
  return pattern === undefined ? trimmed : trimmed.replace(new RegExp(pattern, 'g'), '');
}

const codePoints = (value: string): number => Array.from(value).length;
const utf8Bytes = (value: string): number => new TextEncoder().encode(value).length;

const trnPattern = new RegExp(rules.trn.pattern);
const emailPattern = new RegExp(rules.email.pattern);
const phoneNsn = rules.phone.nsn.map((nsn) => ({
  kind: nsn.kind as PhoneKind,
  pattern: new RegExp(nsn.pattern),
}));
const passwordChecks = (passwordRules.rules as PasswordRuleSpec[]).map((rule) => {
  // Fail loudly on a rule this code does not know, so the file and the form stay in step.
  if (!KNOWN_PASSWORD_RULES.has(rule.id)) throw new Error(`unknown password rule ${rule.id}`);
  return {
    id: rule.id as PasswordRule,
    pattern: rule.pattern === undefined ? null : new RegExp(rule.pattern),
    minLocalPart: rule.min_local_part_length ?? 1,
  };
});

export const TRN_LENGTH: number = rules.trn.length;
export const PASSWORD_MIN_LENGTH: number = passwordRules.min_length;
export const PASSWORD_MAX_BYTES: number = passwordRules.max_bytes;

/** UAE TRN; spaces and hyphens between digit groups are removed. */
export function validateTRN(input: string): FieldResult {
  const value = strip(input, rules.trn.strip);
  if (value === '') return { valid: false, value, error: 'required' };
  const valid = trnPattern.test(value);
  return { valid, value, error: valid ? null : 'format' };
}

export function validateEmail(input: string): FieldResult {
  const value = input.trim();
  if (value === '') return { valid: false, value, error: 'required' };
  if (codePoints(value) > rules.email.maxLength) return { valid: false, value, error: 'too_long' };
  if (value.lastIndexOf('@') > rules.email.localPartMaxLength) {
    return { valid: false, value, error: 'too_long' };
  }
  const valid = emailPattern.test(value);
  return { valid, value, error: valid ? null : 'format' };
}

/**
 * UAE mobile (5X XXX XXXX) and landline (area code 2, 3, 4, 6, 7 or 9 and seven digits) numbers,
 * written +971…, 00971… or 0…; spaces, dots, hyphens and brackets are ignored.
 */
export function validatePhone(input: string): PhoneResult {
  const value = strip(input, rules.phone.strip);
  if (value === '') return { valid: false, value, error: 'required', kind: null, e164: null };
  const prefix = rules.phone.prefixes.find((p) => value.startsWith(p));
  const nsn = prefix === undefined ? '' : value.slice(prefix.length);
  const match = phoneNsn.find((format) => format.pattern.test(nsn));
  if (match === undefined) return { valid: false, value, error: 'format', kind: null, e164: null };
  return { valid: true, value, error: null, kind: match.kind, e164: rules.phone.countryCode + nsn };
}

/** Applies password_rules.json; `email` enables the rule against reusing the address's local part. */
export function validatePassword(
  password: string,
  { email }: { email?: string | null } = {},
): PasswordResult {
  const unmet = passwordChecks
    .filter((rule) => {
      switch (rule.id) {
        case 'min_length':
          return codePoints(password) < passwordRules.min_length;
        case 'max_bytes':
          return utf8Bytes(password) > passwordRules.max_bytes;
        case 'not_email': {
          const local = (email ?? '').split('@', 1)[0]!.trim().toLowerCase();
          return codePoints(local) >= rule.minLocalPart && password.toLowerCase().includes(local);
        }
        default:
          return rule.pattern !== null && !rule.pattern.test(password);
      }
    })
    .map((rule) => rule.id);
  const score = Math.max(0, 4 - unmet.length) as PasswordScore;
  return { valid: unmet.length === 0, score, unmet };
}
