import {
  ActionIcon,
  Button,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatMoney, todayInUae } from '@/lib/format';

import { useCreatePurchaseOrder } from '../api/purchase-orders';
import type { PurchaseOrder, Supplier } from '../api/types';
import { lineNet, orderTotals } from '../lib/decimal';
import { CURRENCY, VAT_CATEGORIES, ZERO_RATED, amountProblems, defaultRate } from '../lib/lines';

const UNIT = /^[A-Z0-9]{1,3}$/;

type LineDraft = {
  key: number;
  item: string;
  quantity: string;
  unit: string;
  price: string;
  category: string;
  rate: string;
};

let nextKey = 1;
const emptyLine = (): LineDraft => ({
  key: nextKey++,
  item: '',
  quantity: '1',
  unit: 'H87',
  price: '',
  category: 'S',
  rate: '5',
});

type LineErrors = Partial<Record<'item' | 'quantity' | 'unit' | 'price' | 'rate', string>>;

type PurchaseOrderFormProps = {
  renderSupplierField: (props: {
    value: Supplier | null;
    onChange: (supplier: Supplier | null) => void;
    error: string | null;
  }) => ReactNode;
  onSaved: (order: PurchaseOrder) => void;
  onCancel: () => void;
};

export function PurchaseOrderForm({
  renderSupplierField,
  onSaved,
  onCancel,
}: PurchaseOrderFormProps) {
  const { t, i18n } = useTranslation();
  const create = useCreatePurchaseOrder();
  const [supplier, setSupplier] = useState<Supplier | null>(null);
  const [orderDate, setOrderDate] = useState(todayInUae());
  const [deliveryDate, setDeliveryDate] = useState('');
  const [currency, setCurrency] = useState('AED');
  const [notes, setNotes] = useState('');
  const [lines, setLines] = useState<LineDraft[]>(() => [emptyLine()]);
  const [submitted, setSubmitted] = useState(false);

  const setLine = (key: number, changes: Partial<LineDraft>) =>
    setLines((current) =>
      current.map((line) => {
        if (line.key !== key) return line;
        const next = { ...line, ...changes };
        if (changes.category !== undefined) next.rate = defaultRate(changes.category);
        return next;
      }),
    );

  const lineErrors = (line: LineDraft): LineErrors => {
    const errors: LineErrors = {};
    if (line.item.trim() === '') errors.item = t('payables.orders.errors.required');
    if (!UNIT.test(line.unit.trim())) errors.unit = t('payables.orders.errors.unit');
    for (const problem of amountProblems(line))
      errors[problem] = t(`payables.orders.errors.${problem}`);
    return errors;
  };
  const errorsByLine = lines.map(lineErrors);
  const headerErrors = {
    supplier: supplier === null ? t('payables.orders.errors.supplier') : null,
    orderDate: orderDate === '' ? t('payables.orders.errors.required') : null,
    deliveryDate:
      deliveryDate !== '' && deliveryDate < orderDate
        ? t('payables.orders.errors.deliveryDate')
        : null,
    currency: CURRENCY.test(currency) ? null : t('payables.orders.errors.currency'),
  };
  const invalid =
    Object.values(headerErrors).some((error) => error !== null) ||
    errorsByLine.some((errors) => Object.keys(errors).length > 0);
  const show = (error: string | null | undefined) => (submitted ? (error ?? null) : null);
  const totals = orderTotals(
    lines.map((line) => ({
      quantity: line.quantity,
      unitPrice: line.price,
      vatCategory: line.category,
      vatRate: line.rate,
    })),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid || supplier === null) return;
    create.mutate(
      {
        supplier_id: supplier.id,
        order_date: orderDate,
        expected_delivery_date: deliveryDate || null,
        currency,
        notes: notes.trim() || null,
        lines: lines.map((line) => ({
          item_name: line.item.trim(),
          quantity: line.quantity.trim(),
          unit_code: line.unit.trim(),
          unit_price: line.price.trim(),
          vat_category: line.category,
          vat_rate: line.rate.trim(),
        })),
      },
      { onSuccess: onSaved },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="po-form">
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            {renderSupplierField({
              value: supplier,
              onChange: (picked) => {
                setSupplier(picked);
                if (picked) setCurrency(picked.currency);
              },
              error: show(headerErrors.supplier),
            })}
            <TextInput
              type="date"
              label={t('payables.orders.orderDate')}
              value={orderDate}
              onChange={(e) => setOrderDate(e.currentTarget.value)}
              required
              error={show(headerErrors.orderDate)}
            />
            <TextInput
              type="date"
              label={t('payables.orders.expectedDelivery')}
              value={deliveryDate}
              onChange={(e) => setDeliveryDate(e.currentTarget.value)}
              error={show(headerErrors.deliveryDate)}
            />
            <TextInput
              label={t('payables.orders.currency')}
              value={currency}
              onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
              maxLength={3}
              dir="ltr"
              required
              error={show(headerErrors.currency)}
            />
          </SimpleGrid>
          <Textarea
            mt="sm"
            label={t('payables.orders.notes')}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
            autosize
            minRows={2}
          />
        </Paper>

        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('payables.orders.lines')}
          </Title>
          {lines.map((line, index) => {
            const errors = errorsByLine[index] ?? {};
            const net = lineNet({
              quantity: line.quantity,
              unitPrice: line.price,
              vatCategory: line.category,
              vatRate: line.rate,
            });
            return (
              <Paper
                key={line.key}
                withBorder
                radius="md"
                p="sm"
                component="fieldset"
                data-testid={`po-line-${index}`}
                aria-label={t('payables.orders.lineN', { n: index + 1 })}
              >
                <SimpleGrid cols={{ base: 1, xs: 2, md: 6 }} spacing="xs">
                  <TextInput
                    label={t('payables.orders.itemName')}
                    value={line.item}
                    onChange={(e) => setLine(line.key, { item: e.currentTarget.value })}
                    required
                    error={show(errors.item)}
                  />
                  <TextInput
                    label={t('payables.orders.quantity')}
                    value={line.quantity}
                    onChange={(e) => setLine(line.key, { quantity: e.currentTarget.value })}
                    inputMode="decimal"
                    dir="ltr"
                    required
                    error={show(errors.quantity)}
                  />
                  <TextInput
                    label={t('payables.orders.unitCode')}
                    value={line.unit}
                    onChange={(e) =>
                      setLine(line.key, { unit: e.currentTarget.value.toUpperCase() })
                    }
                    maxLength={3}
                    dir="ltr"
                    error={show(errors.unit)}
                  />
                  <TextInput
                    label={t('payables.orders.unitPrice')}
                    value={line.price}
                    onChange={(e) => setLine(line.key, { price: e.currentTarget.value })}
                    inputMode="decimal"
                    dir="ltr"
                    required
                    error={show(errors.price)}
                  />
                  <NativeSelect
                    label={t('payables.orders.vatCategory')}
                    value={line.category}
                    onChange={(e) => setLine(line.key, { category: e.currentTarget.value })}
                    data={VAT_CATEGORIES.map((code) => ({
                      value: code,
                      label: t(`payables.vatCategories.${code}`),
                    }))}
                  />
                  <TextInput
                    label={t('payables.orders.vatRate')}
                    value={line.rate}
                    onChange={(e) => setLine(line.key, { rate: e.currentTarget.value })}
                    inputMode="decimal"
                    dir="ltr"
                    disabled={ZERO_RATED.has(line.category)}
                    error={show(errors.rate)}
                  />
                </SimpleGrid>
                <Group justify="space-between" mt="xs">
                  <Text size="sm" c="dimmed">
                    {t('payables.orders.lineNet')}:{' '}
                    <Text span ff="monospace" data-testid={`po-line-${index}-net`}>
                      {formatMoney(net, currency, i18n.language)}
                    </Text>
                  </Text>
                  {lines.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      onClick={() =>
                        setLines((current) => current.filter((l) => l.key !== line.key))
                      }
                      aria-label={t('payables.orders.removeLine', { n: index + 1 })}
                    >
                      <IconTrash size={16} aria-hidden />
                    </ActionIcon>
                  )}
                </Group>
              </Paper>
            );
          })}
          <Group>
            <Button
              variant="default"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setLines((current) => [...current, emptyLine()])}
              data-testid="add-po-line"
            >
              {t('payables.orders.addLine')}
            </Button>
          </Group>
        </Stack>

        <Paper withBorder radius="md" p="md" maw={420} ms="auto" w="100%">
          <Stack gap={4} data-testid="po-totals">
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
                  data-testid={`po-total-${key}`}
                  data-value={totals?.[key] ?? ''}
                >
                  {formatMoney(totals?.[key], currency, i18n.language)}
                </Text>
              </Group>
            ))}
          </Stack>
        </Paper>

        {submitted && invalid && (
          <Text c="red" size="sm" role="alert">
            {t('payables.orders.errors.fix')}
          </Text>
        )}
        {create.isError && <ApiErrorAlert error={create.error} withDetails />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="save-po">
            {t('payables.orders.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
