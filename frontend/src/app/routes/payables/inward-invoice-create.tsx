import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { ManualInvoiceForm } from '@/features/payables/components/manual-invoice-form';

import { PageHeader } from '../page-header';

export function CreateInwardInvoiceRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      <title>{t('payables.pageTitle.newInward')}</title>
      <PageHeader title={t('payables.manual.title')} subtitle={t('payables.manual.subtitle')} />
      {/* The detail page shows the match the API ran on saving. */}
      <ManualInvoiceForm
        onSaved={(invoice) => navigate(`/payables/${invoice.id}`)}
        onCancel={() => navigate('/payables')}
      />
    </>
  );
}
