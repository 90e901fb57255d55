import { Anchor, Button, Group, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { PasswordInput } from '@/components/form/password-input';
import type { MfaMethod } from '@/lib/auth';
import { validateEmail } from '@/lib/validation';

import { type LoginResponse, useLogin } from '../api/login';
import { MfaChallenge } from './mfa-challenge';

export type SignedIn = { accessToken: string; mfaEnrolmentRequired: boolean };

type LoginFormProps = {
  onSignedIn: (result: SignedIn) => void;
  /** Tells the page which step is shown, e.g. to change its title. */
  onStepChange?: (step: 'password' | 'mfa') => void;
};

type MfaStep = { token: string; methods: MfaMethod[] };

export function LoginForm({ onSignedIn, onStepChange }: LoginFormProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [mfa, setMfa] = useState<MfaStep | null>(null);
  const login = useLogin();

  const finish = (response: LoginResponse) => {
    if (response.mfa_required && response.mfa_token) {
      setMfa({ token: response.mfa_token, methods: response.methods ?? [] });
      onStepChange?.('mfa');
      return;
    }
    if (response.access_token) {
      onSignedIn({
        accessToken: response.access_token,
        mfaEnrolmentRequired: response.mfa_enrolment_required === true,
      });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!validateEmail(email).valid || password === '') return;
    login.mutate({ email: email.trim(), password }, { onSuccess: finish });
  };

  if (mfa !== null) {
    return (
      <MfaChallenge
        mfaToken={mfa.token}
        methods={mfa.methods}
        onVerified={finish}
        onCancel={() => {
          setMfa(null);
          setPassword('');
          login.reset();
          onStepChange?.('password');
        }}
      />
    );
  }

  return (
    <form onSubmit={submit} noValidate data-testid="login-form">
      <Stack gap="md">
        <EmailInput value={email} onChange={setEmail} required showError={submitted} autoFocus />
        <PasswordInput
          value={password}
          onChange={setPassword}
          required
          error={submitted && password === '' ? t('validation.required') : undefined}
        />
        <Group justify="flex-end">
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('auth.login.forgot')}
          </Anchor>
        </Group>
        {login.isError && <ApiErrorAlert error={login.error} />}
        <Button type="submit" loading={login.isPending} fullWidth>
          {t('auth.login.submit')}
        </Button>
      </Stack>
    </form>
  );
}
