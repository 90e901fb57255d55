import { useTranslation } from 'react-i18next';

import { ImportPanel } from '@/features/imports/components/import-panel';

import { PageHeader } from './page-header';

export function ImportsRoute() {
  const { t } = useTranslation();
  return (
    <>
      <title>{t('imports.pageTitle')}</title>
      <PageHeader title={t('imports.title')} subtitle={t('imports.subtitle')} />
      <ImportPanel />
    </>
  );
}
