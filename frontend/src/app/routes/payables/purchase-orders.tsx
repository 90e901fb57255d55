import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { PurchaseOrdersTable } from '@/features/payables/components/purchase-orders-table';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function PurchaseOrdersRoute() {
  const { t } = useTranslation();
  const canManage = useCan('ap:manage');
  return (
    <>
      <title>{t('payables.pageTitle.orders')}</title>
      <PageHeader
        title={t('payables.orders.title')}
        actions={
          canManage && (
            <Button
              component={Link}
              to="/purchase-orders/new"
              leftSection={<IconPlus size={16} aria-hidden />}
              data-testid="new-po"
            >
              {t('payables.orders.new')}
            </Button>
          )
        }
      />
      <PurchaseOrdersTable />
    </>
  );
}
