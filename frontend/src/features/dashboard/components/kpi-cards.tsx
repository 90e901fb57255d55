import { Card, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconAlarm,
  IconArrowDownLeft,
  IconArrowUpRight,
  IconClockExclamation,
  IconReceiptTax,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';

import { formatMoney } from '@/lib/format';

import type { CompanyDashboard } from '../api/get-dashboard';

type Kpi = {
  key: string;
  label: string;
  amount: string;
  detail: string;
  icon: ComponentType<{ size?: number }>;
  color: string;
};

/** Receivables, overdue, payables and the VAT due for the current period, in AED. */
export function KpiCards({ data }: { data: CompanyDashboard }) {
  const { t, i18n } = useTranslation();
  const current = data.vat.periods.at(-1);
  const number = new Intl.NumberFormat(i18n.language);
  const kpis: Kpi[] = [
    {
      key: 'receivables',
      label: t('dashboard.receivables'),
      amount: data.receivables.total_aed,
      detail: t('dashboard.documents', { n: number.format(data.receivables.count) }),
      icon: IconArrowDownLeft,
      color: 'indigo',
    },
    {
      key: 'overdue-receivables',
      label: t('dashboard.overdueReceivables'),
      amount: data.overdue_receivables.total_aed,
      detail: t('dashboard.documents', { n: number.format(data.overdue_receivables.count) }),
      icon: IconClockExclamation,
      color: 'red',
    },
    {
      key: 'payables',
      label: t('dashboard.payables'),
      amount: data.payables.total_aed,
      detail: t('dashboard.documents', { n: number.format(data.payables.count) }),
      icon: IconArrowUpRight,
      color: 'violet',
    },
    {
      key: 'overdue-payables',
      label: t('dashboard.overduePayables'),
      amount: data.overdue_payables.total_aed,
      detail: t('dashboard.documents', { n: number.format(data.overdue_payables.count) }),
      icon: IconAlarm,
      color: 'orange',
    },
    {
      key: 'vat-due',
      label: t('dashboard.vatDue'),
      amount: current?.net_vat_aed ?? '0.00',
      detail: current ? t('dashboard.vatPeriod', { period: current.period }) : '',
      icon: IconReceiptTax,
      color: 'teal',
    },
  ];
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 5 }} spacing="md">
      {kpis.map((kpi) => (
        <Card key={kpi.key} withBorder radius="md" padding="md" data-testid={`kpi-${kpi.key}`}>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={4}>
              <Text size="sm" c="dimmed" fw={600}>
                {kpi.label}
              </Text>
              <Text fz="xl" fw={700} ff="monospace" data-value={kpi.amount}>
                {formatMoney(kpi.amount, 'AED', i18n.language)}
              </Text>
              <Text size="xs" c="dimmed">
                {kpi.detail}
              </Text>
            </Stack>
            <ThemeIcon variant="light" color={kpi.color} size={38} radius="md" aria-hidden>
              <kpi.icon size={20} />
            </ThemeIcon>
          </Group>
        </Card>
      ))}
    </SimpleGrid>
  );
}
