import { Anchor, Center, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { useInvoice } from '@/features/invoices/api/get-invoice';
import { InvoiceDetail } from '@/features/invoices/components/invoice-detail';

export function InvoiceDetailRoute() {
  const { t } = useTranslation();
  const { invoiceId = '' } = useParams();
  const navigate = useNavigate();
  const invoice = useInvoice(invoiceId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/invoices" size="sm">
        {t('invoices.detail.back')}
      </Anchor>
      {invoice.isError && <ApiErrorAlert error={invoice.error} />}
      {invoice.isPending && (
        <Center p="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {invoice.data && (
        <InvoiceDetail
          invoice={invoice.data}
          onOpenInvoice={(id) => navigate(`/invoices/${id}`)}
          onDeleted={() => navigate('/invoices', { replace: true })}
        />
      )}
    </Stack>
  );
}
