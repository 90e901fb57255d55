import { useTranslation } from 'react-i18next';

import { validateEmail } from '@/lib/validation';

import { fieldErrorMessage } from './field-messages';
import { type ValidatedInputProps, ValidatedTextInput } from './validated-text-input';

/** E-mail address, checked with the rule the API applies (lib/validation-rules.json). */
export function EmailInput({ label, ...props }: ValidatedInputProps) {
  const { t } = useTranslation();
  return (
    <ValidatedTextInput
      type="email"
      autoComplete="email"
      inputMode="email"
      dir="ltr"
      label={label ?? t('fields.email')}
      {...props}
      problem={fieldErrorMessage(t, 'email', validateEmail(props.value).error)}
    />
  );
}
