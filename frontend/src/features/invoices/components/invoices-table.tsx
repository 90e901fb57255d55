import {
  Anchor,
  Button,
  Group,
  MultiSelect,
  Pagination,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconSearch } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { ScrollTable } from '@/components/scroll-table';
import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDate, formatMoney } from '@/lib/format';

import { type InvoiceListQuery, type InvoiceSort, useInvoices } from '../api/list-invoices';
import { INVOICE_STATUSES, type InvoiceStatus } from '../api/types';
import { checkDecimal } from '../lib/invoice-rules';
import { StatusBadge } from './status-badge';

const PAGE_SIZE = 20;
const SORTS: InvoiceSort[] = ['issue_date', 'number', 'payable_amount', 'created_at'];

type InvoicesTableProps = {
  /** A customer picker for the filter (from the customers feature, composed by the page). */
  renderCustomerFilter: (props: {
    value: string | null;
    onChange: (id: string | null) => void;
  }) => ReactNode;
};

/** Reads the list's filters from the URL, so a filtered view can be bookmarked and shared. */
function useListQuery(): [InvoiceListQuery, (changes: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const sort = params.get('sort');
  const query: InvoiceListQuery = {
    number: params.get('number') ?? undefined,
    // Several statuses travel as one comma-separated parameter (?status=DRAFT,SENT).
    statuses: (params.get('status') ?? '')
      .split(',')
      .filter((s): s is InvoiceStatus => (INVOICE_STATUSES as string[]).includes(s)),
    customerId: params.get('customer') ?? undefined,
    issueDateFrom: params.get('from') ?? undefined,
    issueDateTo: params.get('to') ?? undefined,
    amountMin: params.get('min') ?? undefined,
    amountMax: params.get('max') ?? undefined,
    sort: SORTS.includes(sort as InvoiceSort) ? (sort as InvoiceSort) : 'created_at',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize: PAGE_SIZE,
  };
  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === '') next.delete(key);
          else next.set(key, value);
        }
        // Any change other than the page itself starts again at page 1.
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  return [query, update];
}

function SortHeader({
  field,
  query,
  onSort,
  children,
  align,
}: {
  field: InvoiceSort;
  query: InvoiceListQuery;
  onSort: (field: InvoiceSort) => void;
  children: ReactNode;
  align?: 'end';
}) {
  const active = query.sort === field;
  const Icon = !active ? IconArrowsSort : query.order === 'asc' ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th
      aria-sort={active ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none'}
      ta={align}
    >
      <UnstyledButton onClick={() => onSort(field)} fw={700} fz="sm">
        <Group gap={4} wrap="nowrap" justify={align === 'end' ? 'flex-end' : undefined}>
          {children}
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

export function InvoicesTable({ renderCustomerFilter }: InvoicesTableProps) {
  const { t, i18n } = useTranslation();
  const [query, update] = useListQuery();
  const [numberSearch] = useDebouncedValue(query.number ?? '', 300);
  // Amount filters only go to the server once they are valid decimals.
  const validAmount = (value: string | undefined) =>
    value !== undefined &&
    checkDecimal(value, { places: 2, positive: false, required: true }) === null
      ? value
      : undefined;
  const invoices = useInvoices({
    ...query,
    number: numberSearch,
    amountMin: validAmount(query.amountMin),
    amountMax: validAmount(query.amountMax),
  });
  const total = invoices.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const number = new Intl.NumberFormat(i18n.language);
  const onSort = (field: InvoiceSort) =>
    update({
      sort: field,
      order: query.sort === field && query.order === 'desc' ? 'asc' : 'desc',
    });
  const amountError = (value: string | undefined) =>
    value && validAmount(value) === undefined ? t('invoices.errors.notDecimal') : undefined;
  const filtered =
    query.number ||
    query.statuses?.length ||
    query.customerId ||
    query.issueDateFrom ||
    query.issueDateTo ||
    query.amountMin ||
    query.amountMax;

  return (
    <Stack gap="md">
      <Paper
        withBorder
        radius="md"
        p="md"
        component="section"
        aria-label={t('invoices.list.filters')}
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          <TextInput
            label={t('invoices.list.searchNumber')}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={query.number ?? ''}
            onChange={(e) => update({ number: e.currentTarget.value })}
            dir="ltr"
          />
          <MultiSelect
            label={t('invoices.list.status')}
            data={INVOICE_STATUSES.map((status) => ({
              value: status,
              label: t(`invoices.status.${status}`),
            }))}
            value={query.statuses ?? []}
            onChange={(values) => update({ status: values.join(',') || null })}
            clearable
            data-testid="status-filter"
          />
          {renderCustomerFilter({
            value: query.customerId ?? null,
            onChange: (id) => update({ customer: id }),
          })}
          <Group grow gap="xs" align="flex-start">
            <TextInput
              type="date"
              label={t('invoices.list.from')}
              value={query.issueDateFrom ?? ''}
              onChange={(e) => update({ from: e.currentTarget.value })}
            />
            <TextInput
              type="date"
              label={t('invoices.list.to')}
              value={query.issueDateTo ?? ''}
              onChange={(e) => update({ to: e.currentTarget.value })}
            />
          </Group>
          <Group grow gap="xs" align="flex-start">
            <TextInput
              label={t('invoices.list.amountMin')}
              value={query.amountMin ?? ''}
              onChange={(e) => update({ min: e.currentTarget.value })}
              inputMode="decimal"
              dir="ltr"
              error={amountError(query.amountMin)}
            />
            <TextInput
              label={t('invoices.list.amountMax')}
              value={query.amountMax ?? ''}
              onChange={(e) => update({ max: e.currentTarget.value })}
              inputMode="decimal"
              dir="ltr"
              error={amountError(query.amountMax)}
            />
          </Group>
        </SimpleGrid>
        {filtered && (
          <Button
            variant="subtle"
            size="xs"
            mt="sm"
            onClick={() =>
              update({
                number: null,
                status: null,
                customer: null,
                from: null,
                to: null,
                min: null,
                max: null,
              })
            }
          >
            {t('invoices.list.clearFilters')}
          </Button>
        )}
      </Paper>
      {invoices.isError && <ApiErrorAlert error={invoices.error} />}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={820} label={t('invoices.list.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="invoices-table">
            <Table.Thead>
              <Table.Tr>
                <SortHeader field="number" query={query} onSort={onSort}>
                  {t('invoices.list.number')}
                </SortHeader>
                <Table.Th>{t('invoices.form.customer')}</Table.Th>
                <SortHeader field="issue_date" query={query} onSort={onSort}>
                  {t('invoices.form.issueDate')}
                </SortHeader>
                <Table.Th>{t('invoices.form.dueDate')}</Table.Th>
                <Table.Th>{t('invoices.list.status')}</Table.Th>
                <SortHeader field="payable_amount" query={query} onSort={onSort} align="end">
                  {t('invoices.list.total')}
                </SortHeader>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.data?.items.map((invoice) => (
                <Table.Tr key={invoice.id} data-testid="invoice-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/invoices/${invoice.id}`} fw={600} size="sm">
                      {invoice.number ??
                        (invoice.kind === 'credit_note'
                          ? t('invoices.detail.draftCreditNote')
                          : t('invoices.detail.draft'))}
                    </Anchor>
                    {invoice.kind === 'credit_note' && (
                      <Text size="xs" c="dimmed">
                        {t('invoices.list.creditNote')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{invoice.customer.legal_name}</Text>
                  </Table.Td>
                  <Table.Td>{formatDate(invoice.issue_date, i18n.language)}</Table.Td>
                  <Table.Td>{formatDate(invoice.due_date, i18n.language)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={invoice.status} />
                  </Table.Td>
                  <Table.Td ta="end" ff="monospace">
                    {formatMoney(invoice.payable_amount, invoice.currency, i18n.language)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {invoices.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" p="xl">
            {filtered ? t('invoices.list.noMatch') : t('invoices.list.empty')}
          </Text>
        )}
        {invoices.isPending && (
          <Text c="dimmed" ta="center" p="xl">
            {t('common.loading')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="invoice-count">
          {t('common.totalCount', { formatted: number.format(total) })}
        </Text>
        <Pagination
          total={pages}
          value={Math.min(query.page, pages)}
          onChange={(page) => update({ page: String(page) })}
          getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })}
          getItemProps={(page) => ({ 'aria-label': t('common.pagination.page', { page }) })}
        />
      </Group>
    </Stack>
  );
}
