import { useTranslation } from 'react-i18next';

import { AnalyticsPanel } from '@/features/admin/components/analytics-panel';

import { PageHeader } from '../page-header';
import { PermissionGate } from './permission-gate';

/** The super admin's start page: platform analytics over a date range. */
export function AdminOverviewRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('admin.pageTitle.overview')}</title>
      <PageHeader title={t('admin.overview.title')} subtitle={t('admin.overview.subtitle')} />
      <PermissionGate permission="platform:admin">
        <AnalyticsPanel />
      </PermissionGate>
    </>
  );
}
