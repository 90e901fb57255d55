import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';

import { DashboardView } from '@/features/dashboard/components/dashboard-view';
import { homePathFor, useMe } from '@/lib/auth';

import { PageHeader } from './page-header';

export function DashboardRoute() {
  const { t } = useTranslation();
  const me = useMe().data;
  // Platform super admins have no company dashboard; their start page is the admin area.
  if (me !== undefined && me.company === null)
    return <Navigate to={homePathFor(me.user.role)} replace />;
  return (
    <>
      <title>{t('pageTitle.dashboard')}</title>
      <PageHeader title={t('dashboard.title')} subtitle={me?.company?.legal_name} />
      <DashboardView />
    </>
  );
}
