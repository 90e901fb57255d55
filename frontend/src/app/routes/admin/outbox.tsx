import { useTranslation } from 'react-i18next';

import { OutboxViewer } from '@/features/admin/components/outbox-viewer';

import { PageHeader } from '../page-header';
import { PermissionGate } from './permission-gate';

export function AdminOutboxRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('admin.pageTitle.outbox')}</title>
      <PageHeader title={t('admin.outbox.title')} subtitle={t('admin.outbox.subtitle')} />
      <PermissionGate permission="platform:admin">
        <OutboxViewer />
      </PermissionGate>
    </>
  );
}
