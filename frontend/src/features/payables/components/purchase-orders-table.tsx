import {
  Anchor,
  Group,
  Pagination,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { formatDate, formatMoney } from '@/lib/format';

import { usePurchaseOrders } from '../api/purchase-orders';
import { PURCHASE_ORDER_STATUSES, type PurchaseOrderStatus } from '../api/types';
import { OrderStatusBadge } from './status-badges';

const PAGE_SIZE = 20;

export function PurchaseOrdersTable() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = (PURCHASE_ORDER_STATUSES as string[]).includes(statusParam ?? '')
    ? (statusParam as PurchaseOrderStatus)
    : undefined;
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [debounced] = useDebouncedValue(q, 300);
  const orders = usePurchaseOrders({ status, q: debounced, page, pageSize: PAGE_SIZE });
  const total = orders.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === '') next.delete(key);
          else next.set(key, value);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }} maw={720}>
        <TextInput
          label={t('payables.orders.searchNumber')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={q}
          onChange={(event) => update({ q: event.currentTarget.value })}
          dir="ltr"
        />
        <Select
          label={t('payables.orders.status')}
          data={PURCHASE_ORDER_STATUSES.map((value) => ({
            value,
            label: t(`payables.orderStatus.${value}`),
          }))}
          value={status ?? null}
          onChange={(value) => update({ status: value })}
          clearable
          placeholder={t('payables.orders.anyStatus')}
        />
      </SimpleGrid>
      {orders.isError && <ApiErrorAlert error={orders.error} />}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={760} label={t('payables.orders.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="orders-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payables.orders.number')}</Table.Th>
                <Table.Th>{t('payables.orders.supplier')}</Table.Th>
                <Table.Th>{t('payables.orders.orderDate')}</Table.Th>
                <Table.Th>{t('payables.orders.status')}</Table.Th>
                <Table.Th ta="end">{t('payables.orders.total')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orders.data?.items.map((order) => (
                <Table.Tr key={order.id} data-testid="order-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/purchase-orders/${order.id}`} fw={600} size="sm">
                      {order.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{order.supplier.legal_name}</Table.Td>
                  <Table.Td>{formatDate(order.order_date, i18n.language)}</Table.Td>
                  <Table.Td>
                    <OrderStatusBadge status={order.status} />
                  </Table.Td>
                  <Table.Td ta="end" ff="monospace">
                    {formatMoney(order.total_amount, order.currency, i18n.language)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {orders.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" p="lg">
            {t('payables.orders.none')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('common.totalCount', {
            formatted: new Intl.NumberFormat(i18n.language).format(total),
          })}
        </Text>
        <Pagination
          total={pages}
          value={Math.min(page, pages)}
          onChange={(value) => update({ page: String(value) })}
          getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })}
          getItemProps={(item) => ({ 'aria-label': t('common.pagination.page', { page: item }) })}
        />
      </Group>
    </Stack>
  );
}
