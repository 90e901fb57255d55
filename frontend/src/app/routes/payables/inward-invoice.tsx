import { Anchor, Center, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { useInwardInvoice } from '@/features/payables/api/inward-invoices';
import { InwardInvoiceDetail } from '@/features/payables/components/inward-invoice-detail';

export function InwardInvoiceRoute() {
  const { t } = useTranslation();
  const { invoiceId = '' } = useParams();
  const invoice = useInwardInvoice(invoiceId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/payables" size="sm">
        {t('payables.inward.back')}
      </Anchor>
      {invoice.isError && <ApiErrorAlert error={invoice.error} />}
      {invoice.isPending && (
        <Center p="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {invoice.data && <InwardInvoiceDetail invoice={invoice.data} />}
    </Stack>
  );
}
