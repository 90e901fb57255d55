import { useTranslation } from 'react-i18next';

import { ApprovalQueue } from '@/features/admin/components/approval-queue';

import { PageHeader } from '../page-header';
import { PermissionGate } from './permission-gate';

export function AdminCompaniesRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('admin.pageTitle.companies')}</title>
      <PageHeader title={t('admin.companies.title')} subtitle={t('admin.companies.subtitle')} />
      <PermissionGate permission="platform:admin">
        <ApprovalQueue />
      </PermissionGate>
    </>
  );
}
