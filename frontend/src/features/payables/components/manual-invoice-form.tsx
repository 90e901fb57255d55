import {
  ActionIcon,
  Button,
  Group,
  NativeSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { ApiError } from '@/lib/api';
import { formatMoney, todayInUae } from '@/lib/format';

import { useCreateInwardInvoice } from '../api/inward-invoices';
import { usePurchaseOrders } from '../api/purchase-orders';
import type { InwardInvoice, Supplier } from '../api/types';
import { lineNet, orderTotals } from '../lib/decimal';
import {
  type ManualDraft,
  type ManualLine,
  VAT_CATEGORIES,
  ZERO_RATED,
  checkManual,
  emptyManualLine,
  hasErrors,
  serverErrors,
  toManualInput,
  withCategory,
} from '../lib/manual-entry';
import { SupplierSelect } from './supplier-select';

// Orders a supplier can still invoice against; drafts were never sent, cancelled ones are void.
const INVOICEABLE = new Set(['SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CLOSED']);

type ManualInvoiceFormProps = {
  onSaved: (invoice: InwardInvoice) => void;
  onCancel: () => void;
};

const amounts = (line: ManualLine) => ({
  quantity: line.quantity,
  unitPrice: line.price,
  vatCategory: line.category,
  vatRate: line.rate,
});

export function ManualInvoiceForm({ onSaved, onCancel }: ManualInvoiceFormProps) {
  const { t, i18n } = useTranslation();
  const create = useCreateInwardInvoice();
  const [supplier, setSupplier] = useState<Supplier | null>(null);
  const [draft, setDraft] = useState<ManualDraft>(() => ({
    supplierId: null,
    number: '',
    issueDate: todayInUae(),
    dueDate: '',
    currency: 'AED',
    orderReference: '',
    lines: [emptyManualLine()],
  }));
  const [submitted, setSubmitted] = useState(false);
  const orders = usePurchaseOrders(
    { supplierId: supplier?.id, page: 1, pageSize: 100 },
    supplier !== null,
  );
  // keepPreviousData may still hold the last supplier's orders for a moment.
  const orderOptions = (orders.data?.items ?? [])
    .filter((order) => order.supplier.id === supplier?.id && INVOICEABLE.has(order.status))
    .map((order) => ({
      value: order.number,
      label: `${order.number} · ${formatMoney(order.total_amount, order.currency, i18n.language)}`,
    }));

  const set = (changes: Partial<ManualDraft>) =>
    setDraft((current) => ({ ...current, ...changes }));
  const setLine = (key: number, update: (line: ManualLine) => ManualLine) =>
    setDraft((current) => ({
      ...current,
      lines: current.lines.map((line) => (line.key === key ? update(line) : line)),
    }));

  const local = checkManual(draft);
  const invalid = hasErrors(local);
  const server = serverErrors(fieldProblems(create.error), draft.lines.length);
  // The duplicate refusal (409) is about the number: say so on that field.
  const duplicate =
    create.error instanceof ApiError && create.error.code === 'duplicate_invoice'
      ? create.error.message
      : undefined;
  const headerError = (field: keyof typeof local.header) => {
    const mine = submitted ? local.header[field] : undefined;
    if (mine !== undefined) return t(mine);
    return (field === 'number' ? duplicate : undefined) ?? server.header[field] ?? null;
  };
  const lineError = (index: number, field: 'item' | 'quantity' | 'price' | 'rate') => {
    const mine = submitted ? local.lines[index]?.[field] : undefined;
    if (mine !== undefined) return t(mine);
    return server.lines[index]?.[field] ?? null;
  };
  const totals = orderTotals(draft.lines.map(amounts));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    create.mutate(toManualInput(draft), { onSuccess: onSaved });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="manual-invoice-form">
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            <SupplierSelect
              label={t('payables.manual.supplier')}
              value={supplier}
              onChange={(picked) => {
                setSupplier(picked);
                // Another supplier's order cannot be this invoice's reference.
                set({
                  supplierId: picked?.id ?? null,
                  orderReference: '',
                  ...(picked ? { currency: picked.currency } : {}),
                });
              }}
              error={headerError('supplier')}
            />
            <TextInput
              label={t('payables.manual.number')}
              value={draft.number}
              onChange={(e) => set({ number: e.currentTarget.value })}
              required
              dir="ltr"
              error={headerError('number')}
              data-testid="manual-number"
            />
            <Select
              label={t('payables.manual.orderReference')}
              description={t('payables.manual.orderReferenceHint')}
              placeholder={
                supplier ? t('payables.manual.pickOrder') : t('payables.manual.pickSupplierFirst')
              }
              data={orderOptions}
              value={draft.orderReference || null}
              onChange={(value) => set({ orderReference: value ?? '' })}
              disabled={supplier === null}
              searchable
              clearable
              nothingFoundMessage={t('payables.manual.noOrders')}
              error={headerError('order')}
              data-testid="manual-order"
            />
            <TextInput
              type="date"
              label={t('payables.manual.issueDate')}
              value={draft.issueDate}
              onChange={(e) => set({ issueDate: e.currentTarget.value })}
              required
              error={headerError('issueDate')}
            />
            <TextInput
              type="date"
              label={t('payables.manual.dueDate')}
              value={draft.dueDate}
              onChange={(e) => set({ dueDate: e.currentTarget.value })}
              error={headerError('dueDate')}
            />
            <TextInput
              label={t('payables.manual.currency')}
              value={draft.currency}
              onChange={(e) => set({ currency: e.currentTarget.value.toUpperCase() })}
              maxLength={3}
              dir="ltr"
              required
              error={headerError('currency')}
            />
          </SimpleGrid>
        </Paper>

        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('payables.manual.lines')}
          </Title>
          {draft.lines.map((line, index) => (
            <Paper
              key={line.key}
              withBorder
              radius="md"
              p="sm"
              component="fieldset"
              data-testid={`manual-line-${index}`}
              aria-label={t('payables.orders.lineN', { n: index + 1 })}
            >
              <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="xs">
                <TextInput
                  label={t('payables.manual.item')}
                  value={line.item}
                  onChange={(e) => {
                    const item = e.currentTarget.value;
                    setLine(line.key, (l) => ({ ...l, item }));
                  }}
                  required
                  error={lineError(index, 'item')}
                />
                <TextInput
                  label={t('payables.orders.quantity')}
                  value={line.quantity}
                  onChange={(e) => {
                    const quantity = e.currentTarget.value;
                    setLine(line.key, (l) => ({ ...l, quantity }));
                  }}
                  inputMode="decimal"
                  dir="ltr"
                  required
                  error={lineError(index, 'quantity')}
                />
                <TextInput
                  label={t('payables.orders.unitPrice')}
                  value={line.price}
                  onChange={(e) => {
                    const price = e.currentTarget.value;
                    setLine(line.key, (l) => ({ ...l, price }));
                  }}
                  inputMode="decimal"
                  dir="ltr"
                  required
                  error={lineError(index, 'price')}
                />
                <NativeSelect
                  label={t('payables.orders.vatCategory')}
                  value={line.category}
                  onChange={(e) => {
                    const category = e.currentTarget.value;
                    setLine(line.key, (l) => withCategory(l, category));
                  }}
                  data={VAT_CATEGORIES.map((code) => ({
                    value: code,
                    label: t(`payables.vatCategories.${code}`),
                  }))}
                />
                <TextInput
                  label={t('payables.orders.vatRate')}
                  value={line.rate}
                  onChange={(e) => {
                    const rate = e.currentTarget.value;
                    setLine(line.key, (l) => ({ ...l, rate }));
                  }}
                  inputMode="decimal"
                  dir="ltr"
                  disabled={ZERO_RATED.has(line.category)}
                  error={lineError(index, 'rate')}
                />
              </SimpleGrid>
              <Group justify="space-between" mt="xs">
                <Text size="sm" c="dimmed">
                  {t('payables.orders.lineNet')}:{' '}
                  <Text span ff="monospace" data-testid={`manual-line-${index}-net`}>
                    {formatMoney(lineNet(amounts(line)), draft.currency, i18n.language)}
                  </Text>
                </Text>
                {draft.lines.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() =>
                      set({ lines: draft.lines.filter((other) => other.key !== line.key) })
                    }
                    aria-label={t('payables.orders.removeLine', { n: index + 1 })}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                )}
              </Group>
            </Paper>
          ))}
          <Group>
            <Button
              variant="default"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => set({ lines: [...draft.lines, emptyManualLine()] })}
              data-testid="add-manual-line"
            >
              {t('payables.orders.addLine')}
            </Button>
          </Group>
        </Stack>

        <Paper withBorder radius="md" p="md" maw={420} ms="auto" w="100%">
          <Stack gap={4} data-testid="manual-totals">
            {(
              [
                ['net', 'payables.orders.net'],
                ['tax', 'payables.orders.tax'],
                ['total', 'payables.orders.total'],
              ] as const
            ).map(([key, label]) => (
              <Group key={key} justify="space-between">
                <Text size="sm" fw={key === 'total' ? 700 : 400}>
                  {t(label)}
                </Text>
                <Text
                  size="sm"
                  ff="monospace"
                  fw={key === 'total' ? 700 : 400}
                  data-testid={`manual-total-${key}`}
                  data-value={totals?.[key] ?? ''}
                >
                  {formatMoney(totals?.[key], draft.currency, i18n.language)}
                </Text>
              </Group>
            ))}
          </Stack>
        </Paper>

        {submitted && invalid && (
          <Text c="red" size="sm" role="alert">
            {t('payables.manual.errors.fix')}
          </Text>
        )}
        {create.isError && <ApiErrorAlert error={create.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="save-manual-invoice">
            {t('payables.manual.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
