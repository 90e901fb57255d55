import type { TFunction } from 'i18next';

import type { FieldError } from '@/lib/validation';

export type FieldKind = 'email' | 'phone' | 'trn';

/** The message for a failed check of lib/validation.ts, in the user's language. */
export function fieldErrorMessage(t: TFunction, kind: FieldKind, error: FieldError | null) {
  switch (error) {
    case null:
      return null;
    case 'required':
      return t('validation.required');
    case 'too_long':
      return t('validation.tooLong');
    case 'format':
      return t(`validation.${kind}.format`);
  }
}
