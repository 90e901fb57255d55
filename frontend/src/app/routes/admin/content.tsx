import { useTranslation } from 'react-i18next';

import { ContentManager } from '@/features/content/components/content-manager';

import { PageHeader } from '../page-header';
import { PermissionGate } from './permission-gate';

export function ContentManagerRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('contentManager.pageTitle')}</title>
      <PageHeader title={t('contentManager.title')} subtitle={t('contentManager.subtitle')} />
      <PermissionGate permission="content:manage">
        <ContentManager />
      </PermissionGate>
    </>
  );
}
