import { useTranslation } from 'react-i18next';

import { validatePhone } from '@/lib/validation';

import { fieldErrorMessage } from './field-messages';
import { type ValidatedInputProps, ValidatedTextInput } from './validated-text-input';

/**
 * UAE phone number: mobile (05X …) or landline (0X …), written +971…, 00971… or 0…, with or
 * without spaces. The API stores it as +971… (validatePhone(...).e164 gives the same form).
 */
export function PhoneInput({ label, description, ...props }: ValidatedInputProps) {
  const { t } = useTranslation();
  const result = validatePhone(props.value);
  return (
    <ValidatedTextInput
      type="tel"
      autoComplete="tel"
      inputMode="tel"
      dir="ltr"
      label={label ?? t('fields.phone')}
      description={description ?? t('fields.phoneHint')}
      {...props}
      problem={fieldErrorMessage(t, 'phone', result.error)}
    />
  );
}
