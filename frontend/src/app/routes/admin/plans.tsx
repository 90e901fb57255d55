import { useTranslation } from 'react-i18next';

import { PlansEditor } from '@/features/admin/components/plans-editor';

import { PageHeader } from '../page-header';
import { PermissionGate } from './permission-gate';

export function AdminPlansRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('admin.pageTitle.plans')}</title>
      <PageHeader title={t('admin.plans.title')} subtitle={t('admin.plans.subtitle')} />
      <PermissionGate permission="platform:admin">
        <PlansEditor />
      </PermissionGate>
    </>
  );
}
