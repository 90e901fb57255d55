import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { SupplierFormModal } from '@/features/payables/components/supplier-form-modal';
import { SuppliersTable } from '@/features/payables/components/suppliers-table';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function SuppliersRoute() {
  const { t } = useTranslation();
  const canManage = useCan('ap:manage');
  const [creating, setCreating] = useState(false);
  return (
    <>
      <title>{t('payables.pageTitle.suppliers')}</title>
      <PageHeader
        title={t('payables.suppliers.title')}
        actions={
          canManage && (
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setCreating(true)}
              data-testid="new-supplier"
            >
              {t('payables.suppliers.new')}
            </Button>
          )
        }
      />
      <SuppliersTable />
      <SupplierFormModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
