import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { CustomerPicker } from '@/features/customers/components/customer-picker';
import { InvoiceForm } from '@/features/invoices/components/invoice-form';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function CreateInvoiceRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canManageCustomers = useCan('customer:manage');
  return (
    <>
      <title>{t('pageTitle.newInvoice')}</title>
      <PageHeader title={t('invoices.form.newTitle')} subtitle={t('invoices.form.newSubtitle')} />
      <InvoiceForm
        renderCustomerField={(props) => (
          <CustomerPicker {...props} canCreate={canManageCustomers} />
        )}
        onSaved={(invoice) => navigate(`/invoices/${invoice.id}`)}
        onCancel={() => navigate('/invoices')}
      />
    </>
  );
}
