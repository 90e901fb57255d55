import { Anchor, Center, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { usePurchaseOrder } from '@/features/payables/api/purchase-orders';
import { PurchaseOrderDetail } from '@/features/payables/components/purchase-order-detail';

export function PurchaseOrderDetailRoute() {
  const { t } = useTranslation();
  const { orderId = '' } = useParams();
  const order = usePurchaseOrder(orderId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/purchase-orders" size="sm">
        {t('payables.orders.back')}
      </Anchor>
      {order.isError && <ApiErrorAlert error={order.error} />}
      {order.isPending && (
        <Center p="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {order.data && <PurchaseOrderDetail order={order.data} />}
    </Stack>
  );
}
