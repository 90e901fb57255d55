import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { TRN_LENGTH, validateTRN } from '@/lib/validation';

import { fieldErrorMessage } from './field-messages';
import { type ValidatedInputProps, ValidatedTextInput } from './validated-text-input';

/** UAE TRN: 15 digits, starting with 1 and ending with 03; spaces and hyphens are ignored. */
export function TRNInput({ label, description, ...props }: ValidatedInputProps) {
  const { t, i18n } = useTranslation();
  const result = validateTRN(props.value);
  const digits = result.value.replace(/[^0-9]/g, '').length;
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <ValidatedTextInput
      inputMode="numeric"
      autoComplete="off"
      dir="ltr"
      maxLength={TRN_LENGTH + 6}
      label={label ?? t('fields.trn')}
      description={description ?? t('fields.trnHint')}
      rightSection={
        <Text size="xs" c="dimmed" aria-hidden>
          {number.format(digits)}/{number.format(TRN_LENGTH)}
        </Text>
      }
      rightSectionWidth={56}
      {...props}
      problem={fieldErrorMessage(t, 'trn', result.error)}
    />
  );
}
