import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { AuthCard } from '@/features/auth/components/auth-card';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';

export function ForgotPasswordRoute() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('auth.forgot.title')}>
      <title>{t('pageTitle.forgotPassword')}</title>
      <ForgotPasswordForm />
      <Text size="sm" ta="center">
        <Anchor component={Link} to="/login">
          {t('auth.backToSignIn')}
        </Anchor>
      </Text>
    </AuthCard>
  );
}
