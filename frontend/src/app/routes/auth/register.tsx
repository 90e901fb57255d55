import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { AuthCard } from '@/features/auth/components/auth-card';
import { RegisterCompanyForm } from '@/features/auth/components/register-company-form';

export function RegisterRoute() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('auth.register.title')} subtitle={t('auth.register.subtitle')} size="md">
      <title>{t('pageTitle.register')}</title>
      <RegisterCompanyForm />
      <Text size="sm" ta="center">
        {t('auth.register.haveAccount')}{' '}
        <Anchor component={Link} to="/login">
          {t('auth.register.signIn')}
        </Anchor>
      </Text>
    </AuthCard>
  );
}
