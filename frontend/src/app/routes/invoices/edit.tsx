import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { CustomerPicker } from '@/features/customers/components/customer-picker';
import { useInvoice } from '@/features/invoices/api/get-invoice';
import { InvoiceForm } from '@/features/invoices/components/invoice-form';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function EditInvoiceRoute() {
  const { t } = useTranslation();
  const { invoiceId = '' } = useParams();
  const navigate = useNavigate();
  const canManageCustomers = useCan('customer:manage');
  const invoice = useInvoice(invoiceId);
  if (invoice.isError) return <ApiErrorAlert error={invoice.error} />;
  if (invoice.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  // Only drafts can change; an issued document is corrected by a credit note.
  if (invoice.data.status !== 'DRAFT') return <Navigate to={`/invoices/${invoiceId}`} replace />;
  return (
    <>
      <title>{t('pageTitle.editInvoice')}</title>
      <PageHeader title={t('invoices.form.editTitle')} />
      <InvoiceForm
        draft={invoice.data}
        renderCustomerField={(props) => (
          <CustomerPicker {...props} canCreate={canManageCustomers} />
        )}
        onSaved={(saved) => navigate(`/invoices/${saved.id}`)}
        onCancel={() => navigate(`/invoices/${invoiceId}`)}
      />
    </>
  );
}
