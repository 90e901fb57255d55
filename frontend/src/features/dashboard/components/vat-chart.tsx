import {
  Card,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { formatMoney } from '@/lib/format';

import type { VatPeriod, VatPeriodUnit } from '../api/get-dashboard';

type VatChartProps = {
  periods: VatPeriod[];
  unit: VatPeriodUnit;
  onUnitChange: (unit: VatPeriodUnit) => void;
  excluded: number;
};

/**
 * Output VAT (on invoices issued), input VAT (on supplier invoices) and the net due, per period.
 * The chart only draws: the figures are the API's decimal strings, and the table next to it
 * (for screen readers) shows them exactly.
 */
export function VatChart({ periods, unit, onUnitChange, excluded }: VatChartProps) {
  const { t, i18n } = useTranslation();
  const rtl = i18n.dir(i18n.language) === 'rtl';
  const data = periods.map((period) => ({
    period: period.period,
    output: Number(period.output_vat_aed),
    input: Number(period.input_vat_aed),
    net: Number(period.net_vat_aed),
  }));
  const money = (value: unknown) => formatMoney(String(value), 'AED', i18n.language);
  return (
    <Card withBorder radius="md" padding="md" data-testid="vat-chart">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="vat-chart-title">
            {t('dashboard.vatTitle')}
          </Title>
          <SegmentedControl
            size="xs"
            aria-label={t('dashboard.periodUnit')}
            value={unit}
            onChange={(value) => onUnitChange(value === 'quarter' ? 'quarter' : 'month')}
            data={[
              { value: 'month', label: t('dashboard.monthly') },
              { value: 'quarter', label: t('dashboard.quarterly') },
            ]}
          />
        </Group>
        <div aria-hidden style={{ width: '100%', height: 280 }}>
          <ResponsiveContainer>
            <BarChart
              data={data}
              margin={{ top: 8, right: 8, bottom: 0, left: 8 }}
              accessibilityLayer={false}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="period" reversed={rtl} tick={{ fontSize: 12 }} />
              <YAxis orientation={rtl ? 'right' : 'left'} tick={{ fontSize: 12 }} width={70} />
              <Tooltip formatter={(value) => money(value)} />
              <Legend />
              <Bar
                isAnimationActive={false}
                dataKey="output"
                name={t('dashboard.outputVat')}
                fill="#4c6ef5"
              />
              <Bar
                isAnimationActive={false}
                dataKey="input"
                name={t('dashboard.inputVat')}
                fill="#ae3ec9"
              />
              <Bar
                isAnimationActive={false}
                dataKey="net"
                name={t('dashboard.netVat')}
                fill="#0c8599"
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <VisuallyHidden>
          <Table aria-labelledby="vat-chart-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dashboard.period')}</Table.Th>
                <Table.Th>{t('dashboard.outputVat')}</Table.Th>
                <Table.Th>{t('dashboard.inputVat')}</Table.Th>
                <Table.Th>{t('dashboard.netVat')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {periods.map((period) => (
                <Table.Tr key={period.period}>
                  <Table.Td>{period.period}</Table.Td>
                  <Table.Td>{money(period.output_vat_aed)}</Table.Td>
                  <Table.Td>{money(period.input_vat_aed)}</Table.Td>
                  <Table.Td>{money(period.net_vat_aed)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </VisuallyHidden>
        {excluded > 0 && (
          <Text size="xs" c="dimmed">
            {t('dashboard.foreignExcluded', { n: excluded })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
