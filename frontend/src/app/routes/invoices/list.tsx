import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { CustomerFilter } from '@/features/customers/components/customer-filter';
import { InvoicesTable } from '@/features/invoices/components/invoices-table';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function InvoicesRoute() {
  const { t } = useTranslation();
  const canCreate = useCan('invoice:create');
  return (
    <>
      <title>{t('pageTitle.invoices')}</title>
      <PageHeader
        title={t('invoices.list.title')}
        actions={
          canCreate && (
            <Button
              component={Link}
              to="/invoices/new"
              leftSection={<IconPlus size={16} aria-hidden />}
              data-testid="new-invoice"
            >
              {t('invoices.list.new')}
            </Button>
          )
        }
      />
      <InvoicesTable
        renderCustomerFilter={({ value, onChange }) => (
          <CustomerFilter value={value} onChange={onChange} />
        )}
      />
    </>
  );
}
