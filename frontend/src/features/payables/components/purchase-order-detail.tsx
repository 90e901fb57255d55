import { Button, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPackageImport, IconSend } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { useCan } from '@/lib/auth';
import { formatDate, formatDateTime, formatDecimal, formatMoney, formatPrice } from '@/lib/format';

import { useGoodsReceipts, useSendPurchaseOrder } from '../api/purchase-orders';
import type { PurchaseOrder } from '../api/types';
import { outstandingQuantity } from '../lib/receiving';
import { ReceiveGoodsModal } from './receive-goods-modal';
import { OrderStatusBadge } from './status-badges';

const RECEIVABLE = new Set(['SENT', 'PARTIALLY_RECEIVED', 'RECEIVED']);

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function PurchaseOrderDetail({ order }: { order: PurchaseOrder }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const canManage = useCan('ap:manage');
  const send = useSendPurchaseOrder();
  const receipts = useGoodsReceipts(order.id);
  const [receiving, setReceiving] = useState(false);
  return (
    <Stack gap="lg">
      <title>{t('payables.pageTitle.order', { number: order.number })}</title>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="po-title">
              {t('payables.orders.detailTitle', { number: order.number })}
            </Title>
            <OrderStatusBadge status={order.status} />
          </Group>
          <Text c="dimmed">{order.supplier.legal_name}</Text>
        </Stack>
        {canManage && (
          <Group gap="xs">
            {order.status === 'DRAFT' && (
              <Button
                leftSection={<IconSend size={16} aria-hidden />}
                loading={send.isPending}
                onClick={() =>
                  send.mutate(order.id, {
                    onSuccess: (sent) =>
                      notifications.show({
                        color: 'teal',
                        message: t('payables.orders.sent', { to: sent.sent_to ?? '' }),
                      }),
                  })
                }
                data-testid="send-po"
              >
                {t('payables.orders.send')}
              </Button>
            )}
            {RECEIVABLE.has(order.status) && (
              <Button
                leftSection={<IconPackageImport size={16} aria-hidden />}
                onClick={() => setReceiving(true)}
                data-testid="receive-goods"
              >
                {t('payables.orders.receive')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {send.isError && <ApiErrorAlert error={send.error} />}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
                <Field label={t('payables.orders.orderDate')}>
                  {formatDate(order.order_date, language)}
                </Field>
                <Field label={t('payables.orders.expectedDelivery')}>
                  {formatDate(order.expected_delivery_date, language)}
                </Field>
                <Field label={t('payables.orders.currency')}>{order.currency}</Field>
                <Field label={t('payables.orders.sentAt')}>
                  {order.sent_at ? formatDateTime(order.sent_at, language) : '—'}
                </Field>
              </SimpleGrid>
              {order.notes && (
                <Text size="sm" mt="sm">
                  {order.notes}
                </Text>
              )}
            </Paper>
            <Paper withBorder radius="md">
              <ScrollTable minWidth={760} label={t('payables.orders.lines')}>
                <Table verticalSpacing="sm" data-testid="po-lines">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('payables.orders.itemName')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.ordered')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.receivedQty')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.rejectedQty')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.outstanding')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.unitPrice')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.lineNet')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {order.lines.map((line) => (
                      <Table.Tr key={line.id} data-testid="po-line-row">
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {line.item_name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {line.vat_category} · {formatDecimal(line.vat_rate, language)}%
                          </Text>
                        </Table.Td>
                        <Table.Td ta="end">
                          {formatDecimal(line.quantity, language)} {line.unit_code}
                        </Table.Td>
                        <Table.Td ta="end" data-testid="po-line-received">
                          {formatDecimal(line.received_quantity, language)}
                        </Table.Td>
                        <Table.Td ta="end">
                          {formatDecimal(line.rejected_quantity, language)}
                        </Table.Td>
                        <Table.Td ta="end" data-testid="po-line-outstanding">
                          {formatDecimal(outstandingQuantity(line), language)}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatPrice(line.unit_price, order.currency, language)}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatMoney(line.net_amount, order.currency, language)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <Stack gap={4}>
                <Group justify="space-between">
                  <Text size="sm">{t('payables.orders.net')}</Text>
                  <Text size="sm" ff="monospace">
                    {formatMoney(order.net_amount, order.currency, language)}
                  </Text>
                </Group>
                <Group justify="space-between">
                  <Text size="sm">{t('payables.orders.tax')}</Text>
                  <Text size="sm" ff="monospace">
                    {formatMoney(order.tax_amount, order.currency, language)}
                  </Text>
                </Group>
                <Group justify="space-between">
                  <Text size="sm" fw={700}>
                    {t('payables.orders.total')}
                  </Text>
                  <Text size="sm" ff="monospace" fw={700} data-testid="po-total">
                    {formatMoney(order.total_amount, order.currency, language)}
                  </Text>
                </Group>
              </Stack>
            </Paper>
            <Paper withBorder radius="md" p="md" component="section" aria-labelledby="grn-title">
              <Title order={2} size="h5" mb="sm" id="grn-title">
                {t('payables.receipts.title')}
              </Title>
              {receipts.isError && <ApiErrorAlert error={receipts.error} />}
              {receipts.data?.items.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('payables.receipts.none')}
                </Text>
              )}
              <Stack gap="sm" data-testid="receipts">
                {receipts.data?.items.map((receipt) => (
                  <Paper key={receipt.id} withBorder p="xs" radius="sm" data-testid="receipt">
                    <Group justify="space-between">
                      <Text size="sm" fw={600}>
                        {receipt.number}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDate(receipt.received_date, language)}
                      </Text>
                    </Group>
                    {receipt.delivery_note_reference && (
                      <Text size="xs" c="dimmed">
                        {t('payables.receipts.deliveryNote', {
                          reference: receipt.delivery_note_reference,
                        })}
                      </Text>
                    )}
                    {receipt.lines.map((line) => (
                      <Text size="sm" key={line.id}>
                        {t('payables.receipts.line', {
                          item: line.item_name,
                          received: formatDecimal(line.quantity_received, language),
                          rejected: formatDecimal(line.quantity_rejected, language),
                        })}
                      </Text>
                    ))}
                  </Paper>
                ))}
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
      {receiving && (
        <ReceiveGoodsModal order={order} opened={receiving} onClose={() => setReceiving(false)} />
      )}
    </Stack>
  );
}
