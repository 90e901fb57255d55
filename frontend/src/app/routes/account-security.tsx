import { Container, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';

import { MfaSettings } from '@/features/auth/components/mfa-settings';
import { safeNextPath, useMe } from '@/lib/auth';

export function AccountSecurityRoute() {
  const { t } = useTranslation();
  const me = useMe().data;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  if (me === undefined) return null;
  const required = me.mfa_enrolment_required || params.get('required') === '1';
  return (
    <Container size="md" px={0}>
      <title>{t('pageTitle.security')}</title>
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {t('auth.security.title')}
          </Title>
          <Text c="dimmed">{t('auth.security.subtitle')}</Text>
        </Stack>
        <MfaSettings
          me={me}
          enrolmentRequired={me.mfa_enrolment_required}
          onEnrolled={() => {
            if (required)
              navigate(safeNextPath(params.get('next')) ?? '/dashboard', { replace: true });
          }}
        />
      </Stack>
    </Container>
  );
}
