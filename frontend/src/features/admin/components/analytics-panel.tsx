import { Button, Card, Grid, Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { addDays, formatDate, formatMoney, todayInUae } from '@/lib/format';

import { type DateRange, type PlatformAnalytics, useAnalytics } from '../api/get-analytics';
import { ChartCard } from './chart-card';

const COLORS = ['#4c6ef5', '#0c8599', '#ae3ec9', '#e8590c', '#2f9e44', '#f08c00', '#c2255c'];
const PRESETS = [7, 30, 90, 365] as const;

/** The last `days` UAE calendar days, today included. */
export function lastDays(days: number, today: string = todayInUae()): DateRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

function entries(record: Record<string, number | string>) {
  return Object.entries(record).map(([name, value]) => ({ name, value: Number(value) }));
}

function Kpi({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card withBorder radius="md" padding="md" data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={26} fw={700} data-value={value}>
        {value}
      </Text>
    </Card>
  );
}

function Charts({ data }: { data: PlatformAnalytics }) {
  const { t, i18n } = useTranslation();
  const rtl = i18n.dir(i18n.language) === 'rtl';
  const number = (value: number) => new Intl.NumberFormat(i18n.language).format(value);
  const statusLabel = (status: string) =>
    t(`admin.companyStatus.${status}`, { defaultValue: status });
  const byStatus = entries(data.companies.by_status).map((row) => ({
    ...row,
    label: statusLabel(row.name),
  }));
  const byPlan = entries(data.companies.by_plan);
  const approvals = new Map(data.approvals_per_day.map((row) => [row.date, row.count]));
  const signups = data.signups_per_day.map((row) => ({
    date: row.date,
    signups: row.count,
    approvals: approvals.get(row.date) ?? 0,
  }));
  const invoices = data.invoices_per_day.map((row) => ({
    date: row.period,
    count: row.count,
    value: Number(row.value_aed),
    value_aed: row.value_aed,
  }));
  const failures = entries(data.peppol.failures_by_reason);
  const matching = entries(data.payables.by_matching_status);
  const axis = { tick: { fontSize: 11 } };
  const rate = data.peppol.success_rate_percent;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Kpi
          testId="kpi-companies"
          label={t('admin.analytics.companies')}
          value={number(data.companies.total)}
        />
        <Kpi
          testId="kpi-invoices"
          label={t('admin.analytics.invoicesIssued')}
          value={`${number(data.invoices_total.count)} · ${formatMoney(data.invoices_total.value_aed, 'AED', i18n.language)}`}
        />
        <Kpi
          testId="kpi-peppol-rate"
          label={t('admin.analytics.peppolSuccess')}
          value={rate === null ? '—' : `${rate}%`}
        />
        <Kpi
          testId="kpi-active-users"
          label={t('admin.analytics.activeUsers')}
          value={number(data.active_users)}
        />
      </SimpleGrid>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-companies-status"
            title={t('admin.analytics.byStatus')}
            empty={byStatus.length === 0}
            columns={[t('admin.analytics.status'), t('admin.analytics.count')]}
            rows={byStatus.map((row) => [row.label, row.value])}
            chart={
              <ResponsiveContainer>
                <BarChart data={byStatus} accessibilityLayer={false}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" reversed={rtl} {...axis} />
                  <YAxis allowDecimals={false} orientation={rtl ? 'right' : 'left'} {...axis} />
                  <Tooltip />
                  <Bar
                    isAnimationActive={false}
                    dataKey="value"
                    name={t('admin.analytics.count')}
                    fill={COLORS[0]}
                  />
                </BarChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-companies-plan"
            title={t('admin.analytics.byPlan')}
            empty={byPlan.length === 0}
            columns={[t('admin.analytics.plan'), t('admin.analytics.count')]}
            rows={byPlan.map((row) => [row.name, row.value])}
            chart={
              <ResponsiveContainer>
                <PieChart accessibilityLayer={false}>
                  <Pie
                    rootTabIndex={-1}
                    isAnimationActive={false}
                    data={byPlan}
                    dataKey="value"
                    nameKey="name"
                    innerRadius={50}
                    outerRadius={85}
                  >
                    {byPlan.map((row, index) => (
                      <Cell key={row.name} fill={COLORS[index % COLORS.length]} />
                    ))}
                  </Pie>
                  <Tooltip />
                  <Legend />
                </PieChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-signups"
            title={t('admin.analytics.signups')}
            columns={[
              t('admin.analytics.date'),
              t('admin.analytics.signupsSeries'),
              t('admin.analytics.approvalsSeries'),
            ]}
            rows={signups.map((row) => [row.date, row.signups, row.approvals])}
            chart={
              <ResponsiveContainer>
                <LineChart data={signups} accessibilityLayer={false}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="date" reversed={rtl} {...axis} />
                  <YAxis allowDecimals={false} orientation={rtl ? 'right' : 'left'} {...axis} />
                  <Tooltip />
                  <Legend />
                  <Line
                    isAnimationActive={false}
                    dataKey="signups"
                    name={t('admin.analytics.signupsSeries')}
                    stroke={COLORS[0]}
                    dot={false}
                  />
                  <Line
                    isAnimationActive={false}
                    dataKey="approvals"
                    name={t('admin.analytics.approvalsSeries')}
                    stroke={COLORS[4]}
                    dot={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-invoices"
            title={t('admin.analytics.invoicesPerDay')}
            columns={[
              t('admin.analytics.date'),
              t('admin.analytics.count'),
              t('admin.analytics.valueAed'),
            ]}
            rows={invoices.map((row) => [
              row.date,
              row.count,
              formatMoney(row.value_aed, 'AED', i18n.language),
            ])}
            chart={
              <ResponsiveContainer>
                <BarChart data={invoices} accessibilityLayer={false}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="date" reversed={rtl} {...axis} />
                  <YAxis allowDecimals={false} orientation={rtl ? 'right' : 'left'} {...axis} />
                  <Tooltip />
                  <Bar
                    isAnimationActive={false}
                    dataKey="count"
                    name={t('admin.analytics.count')}
                    fill={COLORS[1]}
                  />
                </BarChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-peppol-failures"
            title={t('admin.analytics.peppolFailures')}
            empty={failures.length === 0}
            columns={[t('admin.analytics.reason'), t('admin.analytics.count')]}
            rows={failures.map((row) => [row.name, row.value])}
            footer={
              <Text size="xs" c="dimmed">
                {t('admin.analytics.peppolTotals', {
                  succeeded: data.peppol.succeeded,
                  failed: data.peppol.failed,
                  pending: data.peppol.pending,
                })}
              </Text>
            }
            chart={
              <ResponsiveContainer>
                <BarChart data={failures} layout="vertical" accessibilityLayer={false}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} reversed={rtl} {...axis} />
                  <YAxis
                    type="category"
                    dataKey="name"
                    width={120}
                    orientation={rtl ? 'right' : 'left'}
                    {...axis}
                  />
                  <Tooltip />
                  <Bar
                    isAnimationActive={false}
                    dataKey="value"
                    name={t('admin.analytics.count')}
                    fill={COLORS[3]}
                  />
                </BarChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ChartCard
            testId="chart-matching"
            title={t('admin.analytics.matchRates')}
            empty={matching.length === 0}
            columns={[
              t('admin.analytics.matchStatus'),
              t('admin.analytics.count'),
              t('admin.analytics.share'),
            ]}
            rows={matching.map((row) => [
              row.name,
              row.value,
              `${data.payables.rate_percent[row.name] ?? '0'}%`,
            ])}
            chart={
              <ResponsiveContainer>
                <PieChart accessibilityLayer={false}>
                  <Pie
                    rootTabIndex={-1}
                    isAnimationActive={false}
                    data={matching}
                    dataKey="value"
                    nameKey="name"
                    outerRadius={85}
                  >
                    {matching.map((row, index) => (
                      <Cell key={row.name} fill={COLORS[index % COLORS.length]} />
                    ))}
                  </Pie>
                  <Tooltip />
                  <Legend />
                </PieChart>
              </ResponsiveContainer>
            }
          />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** Platform analytics for a date range: the range picker, figures and charts. */
export function AnalyticsPanel() {
  const { t, i18n } = useTranslation();
  const [range, setRange] = useState<DateRange>(() => lastDays(30));
  const [picked, setPicked] = useState<[string | null, string | null]>([range.from, range.to]);
  const analytics = useAnalytics(range);
  const choose = (value: [string | null, string | null]) => {
    setPicked(value);
    const [from, to] = value;
    if (from !== null && to !== null) setRange({ from, to });
  };
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="md">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <DatePickerInput
            type="range"
            label={t('admin.analytics.range')}
            value={picked}
            onChange={(value) => choose([value[0], value[1]])}
            valueFormat="YYYY-MM-DD"
            maxDate={todayInUae()}
            allowSingleDateInRange
            miw={240}
            data-testid="analytics-range"
          />
          <Group gap={6} role="group" aria-label={t('admin.analytics.presets')}>
            {PRESETS.map((days) => (
              <Button
                key={days}
                size="xs"
                variant="default"
                onClick={() => {
                  const next = lastDays(days);
                  choose([next.from, next.to]);
                }}
              >
                {t('admin.analytics.lastDays', { n: days })}
              </Button>
            ))}
          </Group>
          {analytics.isFetching && (
            <Loader size="sm" role="status" aria-label={t('common.loading')} />
          )}
        </Group>
      </Card>
      {analytics.isError && <ApiErrorAlert error={analytics.error} />}
      {analytics.data === undefined ? (
        !analytics.isError && (
          <Group justify="center" p="xl">
            <Loader role="status" aria-label={t('common.loading')} />
          </Group>
        )
      ) : (
        <>
          <Text size="sm" c="dimmed" data-testid="analytics-period">
            {t('admin.analytics.figuresFor', {
              from: formatDate(analytics.data.from, i18n.language),
              to: formatDate(analytics.data.to, i18n.language),
            })}
          </Text>
          <Charts data={analytics.data} />
        </>
      )}
    </Stack>
  );
}
