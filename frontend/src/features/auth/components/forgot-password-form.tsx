import { Alert, Button, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { validateEmail } from '@/lib/validation';

import { useForgotPassword } from '../api/forgot-password';

export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const forgot = useForgotPassword();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!validateEmail(email).valid) return;
    forgot.mutate(email.trim());
  };

  if (forgot.isSuccess) {
    // The same answer whether or not the address has an account (no account discovery).
    return (
      <Alert color="teal" variant="light" title={t('auth.forgot.sentTitle')} role="status">
        {t('auth.forgot.sentBody')}
      </Alert>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('auth.forgot.intro')}
        </Text>
        <EmailInput value={email} onChange={setEmail} required showError={submitted} autoFocus />
        {forgot.isError && <ApiErrorAlert error={forgot.error} />}
        <Button type="submit" loading={forgot.isPending} fullWidth>
          {t('auth.forgot.submit')}
        </Button>
      </Stack>
    </form>
  );
}
