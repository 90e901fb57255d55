import { Divider, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { formatDecimal, formatMoney } from '@/lib/format';

import type { VatBreakdownRow } from '../api/types';
import { AED } from '../lib/invoice-rules';

export type TotalsView = {
  line_extension_amount: string;
  allowance_total_amount: string;
  charge_total_amount: string;
  tax_exclusive_amount: string;
  tax_amount: string;
  tax_inclusive_amount: string;
  payable_amount: string;
  breakdown: VatBreakdownRow[];
  tax_amount_aed: string | null;
  tax_inclusive_amount_aed: string | null;
};

type TotalsPanelProps = {
  totals: TotalsView | null;
  currency: string;
  /** "live" while editing (computed here), "saved" for the server's figures. */
  source: 'live' | 'saved';
};

type RowProps = {
  label: string;
  value: string;
  currency: string;
  testId: string;
  strong?: boolean;
};

function Row({ label, value, currency, testId, strong }: RowProps) {
  const { i18n } = useTranslation();
  return (
    <Group justify="space-between" wrap="nowrap">
      <Text size="sm" fw={strong ? 700 : undefined}>
        {label}
      </Text>
      <Text
        size="sm"
        fw={strong ? 700 : 500}
        ff="monospace"
        data-testid={testId}
        data-value={value}
      >
        {formatMoney(value, currency, i18n.language)}
      </Text>
    </Group>
  );
}

/** Subtotal, VAT per category and rate, total: the figures of the invoice (IBG-22, IBG-23). */
export function TotalsPanel({ totals, currency, source }: TotalsPanelProps) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder radius="md" p="md" data-testid={`totals-${source}`}>
      <Stack gap="xs">
        <Title order={2} size="h5">
          {source === 'live' ? t('invoices.totals.liveTitle') : t('invoices.totals.title')}
        </Title>
        {totals === null ? (
          <Text size="sm" c="dimmed">
            {t('invoices.totals.incomplete')}
          </Text>
        ) : (
          <>
            <Table withRowBorders={false} verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('invoices.totals.category')}</Table.Th>
                  <Table.Th ta="end">{t('invoices.totals.taxable')}</Table.Th>
                  <Table.Th ta="end">{t('invoices.totals.vat')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {totals.breakdown.map((row) => (
                  <Table.Tr
                    key={`${row.category}|${row.rate ?? ''}`}
                    data-testid="vat-breakdown-row"
                    data-category={row.category}
                    data-taxable={row.taxable_amount}
                    data-tax={row.tax_amount}
                  >
                    <Table.Td>
                      {row.category}
                      {row.rate !== null ? ` · ${formatDecimal(row.rate, i18n.language)}%` : ''}
                    </Table.Td>
                    <Table.Td ta="end" ff="monospace">
                      {formatMoney(row.taxable_amount, currency, i18n.language)}
                    </Table.Td>
                    <Table.Td ta="end" ff="monospace">
                      {formatMoney(row.tax_amount, currency, i18n.language)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Divider />
            <Row
              label={t('invoices.totals.subtotal')}
              value={totals.line_extension_amount}
              testId={`${source}-line-extension`}
              currency={currency}
            />
            {totals.allowance_total_amount !== '0.00' && (
              <Row
                label={t('invoices.totals.allowances')}
                value={totals.allowance_total_amount}
                testId={`${source}-allowances`}
                currency={currency}
              />
            )}
            {totals.charge_total_amount !== '0.00' && (
              <Row
                label={t('invoices.totals.charges')}
                value={totals.charge_total_amount}
                testId={`${source}-charges`}
                currency={currency}
              />
            )}
            <Row
              label={t('invoices.totals.taxExclusive')}
              value={totals.tax_exclusive_amount}
              testId={`${source}-tax-exclusive`}
              currency={currency}
            />
            <Row
              label={t('invoices.totals.vatTotal')}
              value={totals.tax_amount}
              testId={`${source}-tax`}
              currency={currency}
            />
            <Divider />
            <Row
              label={t('invoices.totals.payable')}
              value={totals.payable_amount}
              testId={`${source}-payable`}
              currency={currency}
              strong
            />
            {currency !== AED && totals.tax_amount_aed !== null && (
              <>
                <Row
                  label={t('invoices.totals.vatAed')}
                  value={totals.tax_amount_aed}
                  testId={`${source}-tax-aed`}
                  currency={AED}
                />
                <Row
                  label={t('invoices.totals.totalAed')}
                  value={totals.tax_inclusive_amount_aed ?? ''}
                  testId={`${source}-total-aed`}
                  currency={AED}
                />
              </>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
