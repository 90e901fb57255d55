import { Alert, Anchor, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { MFA_SETUP_PATH } from '@/app/session-guard';
import { AuthCard } from '@/features/auth/components/auth-card';
import { LoginForm } from '@/features/auth/components/login-form';
import { safeNextPath, useSession } from '@/lib/auth';

export function LoginRoute() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signIn, endReason } = useSession();
  const [step, setStep] = useState<'password' | 'mfa'>('password');
  const next = safeNextPath(params.get('next'));
  const expired = params.get('expired') === '1' || endReason === 'expired';
  return (
    <AuthCard
      title={step === 'mfa' ? t('auth.mfa.title') : t('auth.login.title')}
      subtitle={step === 'password' ? t('auth.login.subtitle') : undefined}
    >
      <title>{t('pageTitle.login')}</title>
      {expired && step === 'password' && (
        <Alert color="orange" variant="light" role="status" data-testid="session-expired">
          {t('auth.login.expired')}
        </Alert>
      )}
      {endReason === 'signed-out' && !expired && step === 'password' && (
        <Alert color="teal" variant="light" role="status">
          {t('auth.login.signedOut')}
        </Alert>
      )}
      <LoginForm
        onStepChange={setStep}
        onSignedIn={({ accessToken, mfaEnrolmentRequired }) => {
          signIn(accessToken);
          const target = next ?? '/dashboard';
          navigate(
            mfaEnrolmentRequired
              ? `${MFA_SETUP_PATH}?required=1&next=${encodeURIComponent(target)}`
              : target,
            { replace: true },
          );
        }}
      />
      {step === 'password' && (
        <Text size="sm" ta="center">
          {t('auth.login.noAccount')}{' '}
          <Anchor component={Link} to="/register">
            {t('auth.login.register')}
          </Anchor>
        </Text>
      )}
    </AuthCard>
  );
}
