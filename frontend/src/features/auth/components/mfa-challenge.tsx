import { Alert, Anchor, Button, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import type { MfaMethod } from '@/lib/auth';

import type { LoginResponse } from '../api/login';
import { useSendLoginEmailCode } from '../api/send-login-email-code';
import { useVerifyMfa } from '../api/verify-mfa';

type MfaChallengeProps = {
  mfaToken: string;
  methods: MfaMethod[];
  onVerified: (response: LoginResponse) => void;
  onCancel: () => void;
};

const ORDER: MfaMethod[] = ['totp', 'email', 'backup_code'];

/** Second sign-in step: a code from the authenticator app, an e-mailed code or a backup code. */
export function MfaChallenge({ mfaToken, methods, onVerified, onCancel }: MfaChallengeProps) {
  const { t } = useTranslation();
  const available = ORDER.filter((method) => methods.includes(method));
  const [method, setMethod] = useState<MfaMethod>(available[0] ?? 'totp');
  const [code, setCode] = useState('');
  const verify = useVerifyMfa();
  const sendCode = useSendLoginEmailCode();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') return;
    verify.mutate({ mfa_token: mfaToken, code: code.trim(), method }, { onSuccess: onVerified });
  };

  const isBackup = method === 'backup_code';
  return (
    <form onSubmit={submit} noValidate data-testid="mfa-step">
      <Stack gap="md">
        <Text>{t('auth.mfa.intro')}</Text>
        {available.length > 1 && (
          <SegmentedControl
            fullWidth
            aria-label={t('auth.mfa.methodLabel')}
            value={method}
            onChange={(value) => {
              setMethod(value as MfaMethod);
              setCode('');
              verify.reset();
            }}
            data={available.map((value) => ({ value, label: t(`auth.mfa.methods.${value}`) }))}
          />
        )}
        <TextInput
          label={t(`auth.mfa.codeLabel.${method}`)}
          description={t(`auth.mfa.codeHint.${method}`)}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          autoComplete="one-time-code"
          inputMode={isBackup ? 'text' : 'numeric'}
          maxLength={isBackup ? 16 : 8}
          dir="ltr"
          required
          autoFocus
          data-autofocus
        />
        {method === 'email' && (
          <Stack gap={4}>
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => sendCode.mutate(mfaToken)}
              disabled={sendCode.isPending}
            >
              {t('auth.mfa.sendEmail')}
            </Anchor>
            {sendCode.isSuccess && (
              <Alert color="teal" variant="light" role="status">
                {t('auth.mfa.emailSent')}
              </Alert>
            )}
            {sendCode.isError && <ApiErrorAlert error={sendCode.error} />}
          </Stack>
        )}
        {verify.isError && <ApiErrorAlert error={verify.error} />}
        <Button type="submit" loading={verify.isPending} fullWidth>
          {t('auth.mfa.verify')}
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onCancel}>
          {t('auth.mfa.back')}
        </Anchor>
      </Stack>
    </form>
  );
}
