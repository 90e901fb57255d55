import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { PurchaseOrderForm } from '@/features/payables/components/purchase-order-form';
import { SupplierSelect } from '@/features/payables/components/supplier-select';

import { PageHeader } from '../page-header';

export function CreatePurchaseOrderRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      <title>{t('payables.pageTitle.newOrder')}</title>
      <PageHeader
        title={t('payables.orders.newTitle')}
        subtitle={t('payables.orders.newSubtitle')}
      />
      <PurchaseOrderForm
        renderSupplierField={(props) => <SupplierSelect {...props} activeOnly />}
        onSaved={(order) => navigate(`/purchase-orders/${order.id}`)}
        onCancel={() => navigate('/purchase-orders')}
      />
    </>
  );
}
