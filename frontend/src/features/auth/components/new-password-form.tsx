import { Alert, Button, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { PasswordInput } from '@/components/form/password-input';
import { validatePassword } from '@/lib/validation';

import { type PasswordTokenPurpose, useRedeemPasswordToken } from '../api/redeem-password-token';

type NewPasswordFormProps = {
  purpose: PasswordTokenPurpose;
  /** From the link's URL fragment (#token=…); null when the link carried none. */
  token: string | null;
  onDone: () => void;
};

/** Choose a password from an e-mailed link: a reset, or an invited user's first password. */
export function NewPasswordForm({ purpose, token, onDone }: NewPasswordFormProps) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const redeem = useRedeemPasswordToken();

  if (token === null) {
    return (
      <Alert color="red" variant="light" title={t('auth.newPassword.noTokenTitle')} role="alert">
        {t('auth.newPassword.noTokenBody')}
      </Alert>
    );
  }
  const strong = validatePassword(password).valid;
  const matches = password === confirm;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!strong || !matches) return;
    redeem.mutate({ purpose, token, new_password: password }, { onSuccess: onDone });
  };
  const passwordProblem = fieldProblems(redeem.error).find((p) => p.field.includes('password'));
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <PasswordInput
          label={t('auth.newPassword.password')}
          value={password}
          onChange={setPassword}
          withStrength
          required
          autoFocus
          error={
            passwordProblem?.message ?? (submitted && !strong ? t('password.tooWeak') : undefined)
          }
        />
        <PasswordInput
          label={t('auth.newPassword.confirm')}
          value={confirm}
          onChange={setConfirm}
          autoComplete="new-password"
          required
          error={submitted && !matches ? t('auth.newPassword.mismatch') : undefined}
        />
        {redeem.isError && passwordProblem === undefined && <ApiErrorAlert error={redeem.error} />}
        <Button type="submit" loading={redeem.isPending} fullWidth>
          {t(
            purpose === 'reset' ? 'auth.newPassword.submitReset' : 'auth.newPassword.submitInvite',
          )}
        </Button>
      </Stack>
    </form>
  );
}
