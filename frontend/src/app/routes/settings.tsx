import { Group, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { useCompany } from '@/features/settings/api/company';
import { BrandImages } from '@/features/settings/components/brand-images';
import { MfaPolicyForm, PeppolIdForm } from '@/features/settings/components/peppol-and-mfa';
import { ProfileForm } from '@/features/settings/components/profile-form';
import { SigningCertificateForm } from '@/features/settings/components/signing-certificate-form';
import { TolerancesForm } from '@/features/settings/components/tolerances-form';
import { useCan } from '@/lib/auth';

import { PageHeader } from './page-header';
import { PermissionGate } from './admin/permission-gate';

/** A company's settings: profile, images for the PDF, Peppol id, matching, MFA, certificate. */
export function SettingsRoute() {
  const { t } = useTranslation();
  const company = useCompany();
  const canEdit = useCan('company:settings');
  return (
    <>
      <title>{t('settings.pageTitle')}</title>
      <PageHeader title={t('settings.title')} subtitle={company.data?.legal_name} />
      <PermissionGate permission="company:settings">
        {company.isError && <ApiErrorAlert error={company.error} />}
        {company.isPending && (
          <Group justify="center" p="xl">
            <Loader role="status" aria-label={t('common.loading')} />
          </Group>
        )}
        {company.data && (
          <Stack gap="lg" data-testid="settings">
            <ProfileForm key={company.data.id} company={company.data} canEdit={canEdit} />
            <BrandImages canEdit={canEdit} />
            <PeppolIdForm company={company.data} canEdit={canEdit} />
            <TolerancesForm canEdit={canEdit} />
            <MfaPolicyForm company={company.data} canEdit={canEdit} />
            <SigningCertificateForm canEdit={canEdit} />
          </Stack>
        )}
      </PermissionGate>
    </>
  );
}
