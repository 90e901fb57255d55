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
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { formatDate, formatMoney } from '@/lib/format';

import { type InboxFilters, useInboxSummary, useInwardInvoices } from '../api/inward-invoices';
import {
  type AmountByCurrency,
  INWARD_STATUSES,
  type InwardStatus,
  MATCH_STATUSES,
  type MatchStatus,
} from '../api/types';
import { InwardStatusBadge, MATCH_COLORS, MatchStatusBadge } from './status-badges';

const PAGE_SIZE = 20;

function useInboxQuery() {
  const [params, setParams] = useSearchParams();
  const pick = <T extends string>(key: string, allowed: readonly T[]) => {
    const value = params.get(key);
    return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
  };
  const filters: InboxFilters = {
    status: pick<InwardStatus>('status', INWARD_STATUSES),
    matchingStatus: pick<MatchStatus>('match', MATCH_STATUSES),
    supplier: params.get('supplier') ?? undefined,
    dateFrom: params.get('from') ?? undefined,
    dateTo: params.get('to') ?? undefined,
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
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
  return { filters, page, update };
}

function Amounts({ amounts, language }: { amounts: AmountByCurrency[]; language: string }) {
  if (amounts.length === 0) return <>—</>;
  return <>{amounts.map((a) => formatMoney(a.amount, a.currency, language)).join(' · ')}</>;
}

/** The AP inbox: totals per matching status (each a filter), the filters, the list. */
export function Inbox() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const { filters, page, update } = useInboxQuery();
  const [supplier] = useDebouncedValue(filters.supplier ?? '', 300);
  const query = { ...filters, supplier };
  const invoices = useInwardInvoices({ ...query, page, pageSize: PAGE_SIZE });
  // The summary ignores the matching-status filter, so its tiles stay as filters to switch to.
  const summary = useInboxSummary({ ...query, matchingStatus: undefined });
  const total = invoices.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Stack gap="md">
      <SimpleGrid
        cols={{ base: 1, xs: 2, md: 4 }}
        spacing="sm"
        component="section"
        aria-label={t('payables.inbox.summary')}
        data-testid="inbox-summary"
      >
        {MATCH_STATUSES.map((status) => {
          const row = summary.data?.by_matching_status.find((r) => r.matching_status === status);
          const active = filters.matchingStatus === status;
          return (
            <UnstyledButton
              key={status}
              onClick={() => update({ match: active ? null : status })}
              aria-pressed={active}
              data-testid={`summary-${status}`}
            >
              <Paper
                withBorder
                radius="md"
                p="sm"
                style={{
                  borderColor: active
                    ? `var(--mantine-color-${MATCH_COLORS[status]}-6)`
                    : undefined,
                  borderWidth: active ? 2 : undefined,
                }}
              >
                <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                  {t(`payables.matchStatus.${status}`)}
                </Text>
                <Text size="xl" fw={700} data-testid="summary-count">
                  {new Intl.NumberFormat(language).format(row?.count ?? 0)}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  <Amounts amounts={row?.amounts ?? []} language={language} />
                </Text>
              </Paper>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
      <Paper
        withBorder
        radius="md"
        p="md"
        component="section"
        aria-label={t('payables.inbox.filters')}
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <Select
            label={t('payables.inbox.status')}
            data={INWARD_STATUSES.map((value) => ({
              value,
              label: t(`payables.inwardStatus.${value}`),
            }))}
            value={filters.status ?? null}
            onChange={(value) => update({ status: value })}
            clearable
            placeholder={t('payables.inbox.anyStatus')}
            data-testid="inbox-status-filter"
          />
          <Select
            label={t('payables.inbox.matchingStatus')}
            data={MATCH_STATUSES.map((value) => ({
              value,
              label: t(`payables.matchStatus.${value}`),
            }))}
            value={filters.matchingStatus ?? null}
            onChange={(value) => update({ match: value })}
            clearable
            placeholder={t('payables.inbox.anyStatus')}
          />
          <TextInput
            label={t('payables.inbox.supplier')}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={filters.supplier ?? ''}
            onChange={(e) => update({ supplier: e.currentTarget.value })}
          />
          <Group grow gap="xs" align="flex-start">
            <TextInput
              type="date"
              label={t('payables.inbox.from')}
              value={filters.dateFrom ?? ''}
              onChange={(e) => update({ from: e.currentTarget.value })}
            />
            <TextInput
              type="date"
              label={t('payables.inbox.to')}
              value={filters.dateTo ?? ''}
              onChange={(e) => update({ to: e.currentTarget.value })}
            />
          </Group>
        </SimpleGrid>
      </Paper>
      {(invoices.isError || summary.isError) && (
        <ApiErrorAlert error={invoices.error ?? summary.error} />
      )}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={860} label={t('payables.inbox.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="inbox-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payables.inbox.invoiceNumber')}</Table.Th>
                <Table.Th>{t('payables.inbox.supplier')}</Table.Th>
                <Table.Th>{t('payables.inbox.issueDate')}</Table.Th>
                <Table.Th>{t('payables.inbox.status')}</Table.Th>
                <Table.Th>{t('payables.inbox.matchingStatus')}</Table.Th>
                <Table.Th ta="end">{t('payables.inbox.variance')}</Table.Th>
                <Table.Th ta="end">{t('payables.inbox.total')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.data?.items.map((invoice) => (
                <Table.Tr key={invoice.id} data-testid="inbox-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/payables/${invoice.id}`} fw={600} size="sm">
                      {invoice.invoice_number}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {t(`payables.source.${invoice.source}`)}
                      {invoice.order_reference ? ` · ${invoice.order_reference}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{invoice.supplier_name}</Table.Td>
                  <Table.Td>{formatDate(invoice.issue_date, language)}</Table.Td>
                  <Table.Td>
                    <InwardStatusBadge status={invoice.status} />
                  </Table.Td>
                  <Table.Td>
                    <MatchStatusBadge status={invoice.matching_status} />
                  </Table.Td>
                  <Table.Td ta="end" ff="monospace">
                    {formatMoney(invoice.variance_amount, invoice.currency, language)}
                  </Table.Td>
                  <Table.Td ta="end" ff="monospace">
                    {formatMoney(invoice.payable_amount, invoice.currency, language)}
                    {invoice.status !== 'PAID' && Number(invoice.paid_amount) > 0 && (
                      <Text size="xs" c="dimmed" data-testid="inbox-outstanding">
                        {t('payables.inbox.stillOwed', {
                          amount: formatMoney(
                            invoice.outstanding_amount,
                            invoice.currency,
                            language,
                          ),
                        })}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {invoices.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" p="lg">
            {t('payables.inbox.none')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('common.totalCount', { formatted: new Intl.NumberFormat(language).format(total) })}
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
