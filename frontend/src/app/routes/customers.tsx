import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { CustomerFormModal } from '@/features/customers/components/customer-form-modal';
import { CustomersTable } from '@/features/customers/components/customers-table';
import { useCan } from '@/lib/auth';

import { PageHeader } from './page-header';

export function CustomersRoute() {
  const { t } = useTranslation();
  const canManage = useCan('customer:manage');
  const [creating, setCreating] = useState(false);
  return (
    <>
      <title>{t('pageTitle.customers')}</title>
      <PageHeader
        title={t('customers.title')}
        actions={
          canManage && (
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setCreating(true)}
            >
              {t('customers.new')}
            </Button>
          )
        }
      />
      <CustomersTable />
      <CustomerFormModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
