import { Alert, List, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ScrollTable } from '@/components/scroll-table';
import { formatDateTime, formatDecimal, formatMoney, formatPrice } from '@/lib/format';

import type { InvoiceMatch } from '../api/types';
import {
  type Explanation,
  type LineView,
  type Values,
  explainLine,
  summarizeMatch,
} from '../lib/match-explanation';
import { MATCH_COLORS, MatchStatusBadge } from './status-badges';

type Formatters = {
  quantity: (value: string) => string;
  price: (value: string) => string;
  amount: (value: string) => string;
};

function useFormatters(currency: string): Formatters {
  const { i18n } = useTranslation();
  const language = i18n.language;
  // A leading "+" stays visible: it says which way a difference goes.
  const signed = (format: (v: string) => string) => (value: string) =>
    value.startsWith('+') ? `+${format(value.slice(1))}` : format(value);
  return {
    quantity: signed((v) => formatDecimal(v, language)),
    price: signed((v) => formatPrice(v, currency, language)),
    amount: signed((v) => formatMoney(v, currency, language)),
  };
}

/** The values of a sentence shown in the user's language (digits, separators, currency). */
function shown(values: Values, format: ((value: string) => string) | null, keep: string[]): Values {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      format === null || keep.includes(name) || value === '—' ? value : format(value),
    ]),
  );
}

function explanationValues(explanation: Explanation, formatters: Formatters): Values {
  const format = explanation.figures === 'none' ? null : formatters[explanation.figures];
  return shown(explanation.values, format, ['percent']);
}

// A differing figure: coloured and bold, and marked for screen readers too (not by colour alone).
const DIFFERS = { c: 'red.9', fw: 700 } as const;

function LineRow({ view, currency }: { view: LineView; currency: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const formatters = useFormatters(currency);
  const f = view.finding;
  const differs = (flag: boolean) => (flag ? { ...DIFFERS, 'data-differs': true } : {});
  const mark = (flag: boolean) =>
    flag ? <VisuallyHidden>{` (${t('payables.match.differs')})`}</VisuallyHidden> : null;
  const background = f.is_clean ? undefined : 'var(--mantine-color-yellow-light)';
  return (
    <Table.Tbody data-testid="match-line" data-clean={f.is_clean}>
      <Table.Tr bg={background}>
        <Table.Td>
          <Text size="sm" fw={600}>
            {f.item_name}
          </Text>
          {f.ordered_item_name !== f.item_name && (
            <Text size="xs" c="dimmed">
              {t('payables.match.orderedAs', { item: f.ordered_item_name })}
            </Text>
          )}
        </Table.Td>
        <Table.Td ta="end" data-testid="ordered-qty">
          {formatDecimal(f.ordered_quantity, language)}
        </Table.Td>
        <Table.Td ta="end" data-testid="received-qty">
          {formatDecimal(f.received_quantity, language)}
          {f.rejected_quantity !== '0' && !/^0(\.0+)?$/.test(f.rejected_quantity) && (
            <Text size="xs" c="dimmed">
              {t('payables.match.rejected', {
                quantity: formatDecimal(f.rejected_quantity, language),
              })}
            </Text>
          )}
        </Table.Td>
        <Table.Td ta="end" data-testid="invoiced-qty" {...differs(view.quantityDiffers)}>
          {formatDecimal(f.invoiced_quantity, language)}
          {mark(view.quantityDiffers)}
        </Table.Td>
        <Table.Td ta="end" ff="monospace">
          {formatPrice(f.ordered_unit_price, currency, language)}
        </Table.Td>
        <Table.Td ta="end" ff="monospace" {...differs(view.priceDiffers)}>
          {formatPrice(f.invoiced_unit_price, currency, language)}
          {mark(view.priceDiffers)}
        </Table.Td>
        <Table.Td ta="end" ff="monospace">
          {formatMoney(f.expected_amount, currency, language)}
        </Table.Td>
        <Table.Td ta="end" ff="monospace" {...differs(view.amountDiffers)}>
          {formatMoney(f.invoiced_amount, currency, language)}
          {mark(view.amountDiffers)}
        </Table.Td>
      </Table.Tr>
      {view.explanations.length > 0 && (
        <Table.Tr bg={background}>
          <Table.Td colSpan={8} pt={0}>
            <List
              size="sm"
              spacing={2}
              data-testid="line-explanation"
              aria-label={t('payables.match.why.title')}
            >
              {view.explanations.map((explanation, index) => (
                <List.Item key={index} data-reason={explanation.key.split('.').pop()}>
                  {t(explanation.key, explanationValues(explanation, formatters))}
                </List.Item>
              ))}
            </List>
          </Table.Td>
        </Table.Tr>
      )}
    </Table.Tbody>
  );
}

/** The 3-way match explained: the verdict in one sentence, then line by line. */
export function MatchPanel({ match }: { match: InvoiceMatch }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const summary = summarizeMatch(match);
  const formatters = useFormatters(match.currency);
  const summaryValues = {
    ...summary.values,
    invoiced: formatters.amount(summary.values.invoiced ?? ''),
    expected: formatters.amount(summary.values.expected ?? ''),
    variance: match.variance_amount ? formatters.amount(match.variance_amount) : '—',
    percent: match.variance_percent ? formatDecimal(match.variance_percent, language) : '—',
    tolerance: formatDecimal(match.tolerances.variance_percent, language),
  };
  const views = match.lines.map(explainLine);
  const Icon =
    match.status === 'FULL_MATCH'
      ? IconCircleCheck
      : match.status === 'NOT_MATCHED'
        ? IconInfoCircle
        : IconAlertTriangle;
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby="match-title"
      data-testid="match-panel"
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id="match-title">
          {t('payables.match.title')}
        </Title>
        <Alert
          color={MATCH_COLORS[match.status]}
          variant="light"
          icon={<Icon aria-hidden />}
          title={<MatchStatusBadge status={match.status} />}
          data-testid="match-summary"
        >
          <Text size="sm">{t(summary.key, summaryValues)}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            {t('payables.match.when', {
              when: formatDateTime(match.matched_at, language),
              trigger: t(`payables.match.trigger.${match.trigger as 'manual'}`, {
                defaultValue: match.trigger,
              }),
            })}
          </Text>
        </Alert>
        {views.length > 0 && (
          <ScrollTable minWidth={760} label={t('payables.match.lines')}>
            <Table verticalSpacing="xs" data-testid="match-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('payables.match.item')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.ordered')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.received')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.invoiced')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.orderedPrice')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.invoicedPrice')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.expectedAmount')}</Table.Th>
                  <Table.Th ta="end">{t('payables.match.invoicedAmount')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              {/* One <tbody> per invoice line: its figures, then why they differ. */}
              {views.map((view) => (
                <LineRow key={view.finding.invoice_line_id} view={view} currency={match.currency} />
              ))}
            </Table>
          </ScrollTable>
        )}
        {match.unmatched_invoice_lines.length > 0 && (
          <Stack gap={4} data-testid="unmatched-lines">
            <Text size="sm" fw={600}>
              {t('payables.match.unmatched')}
            </Text>
            {match.unmatched_invoice_lines.map((line) => (
              <Text size="sm" key={line.invoice_line_id}>
                {t('payables.match.unmatchedLine', {
                  item: line.item_name,
                  quantity: formatDecimal(line.quantity, language),
                  amount: formatMoney(line.net_amount, match.currency, language),
                })}
              </Text>
            ))}
          </Stack>
        )}
        {match.uninvoiced_order_lines.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('payables.match.uninvoiced')}
            </Text>
            {match.uninvoiced_order_lines.map((line) => (
              <Text size="sm" key={line.order_line_id}>
                {t('payables.match.uninvoicedLine', {
                  item: line.item_name,
                  open: formatDecimal(line.open_quantity, language),
                })}
              </Text>
            ))}
          </Stack>
        )}
        {match.issues.length > 0 && (
          <details>
            <summary>
              <Text span size="sm">
                {t('payables.match.serverNotes')}
              </Text>
            </summary>
            <List size="xs" mt={4} data-testid="match-issues">
              {match.issues.map((issue, index) => (
                <List.Item key={index} dir="ltr">
                  {issue}
                </List.Item>
              ))}
            </List>
          </details>
        )}
      </Stack>
    </Paper>
  );
}
