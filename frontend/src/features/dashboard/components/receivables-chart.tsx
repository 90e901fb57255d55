import { Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';

import { formatMoney } from '@/lib/format';

import type { CompanyDashboard } from '../api/get-dashboard';

const COLORS = ['#4c6ef5', '#e03131'];

/** Receivables split into not yet due and overdue (AED). */
export function ReceivablesChart({ data }: { data: CompanyDashboard }) {
  const { t, i18n } = useTranslation();
  const total = Number(data.receivables.total_aed);
  const overdue = Number(data.overdue_receivables.total_aed);
  const slices = [
    { name: t('dashboard.notDue'), value: Math.max(0, total - overdue) },
    { name: t('dashboard.overdue'), value: overdue },
  ];
  return (
    <Card withBorder radius="md" padding="md" data-testid="receivables-chart">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('dashboard.receivablesTitle')}
        </Title>
        {total === 0 ? (
          <Text size="sm" c="dimmed">
            {t('dashboard.noReceivables')}
          </Text>
        ) : (
          <div aria-hidden style={{ width: '100%', height: 220 }}>
            <ResponsiveContainer>
              <PieChart accessibilityLayer={false}>
                <Pie
                  rootTabIndex={-1}
                  data={slices}
                  dataKey="value"
                  nameKey="name"
                  innerRadius={55}
                  outerRadius={85}
                >
                  {slices.map((slice, index) => (
                    <Cell key={slice.name} fill={COLORS[index]} />
                  ))}
                </Pie>
                <Tooltip formatter={(value) => formatMoney(String(value), 'AED', i18n.language)} />
              </PieChart>
            </ResponsiveContainer>
          </div>
        )}
        <Text size="sm">
          {t('dashboard.overdueShare', {
            overdue: formatMoney(data.overdue_receivables.total_aed, 'AED', i18n.language),
            total: formatMoney(data.receivables.total_aed, 'AED', i18n.language),
          })}
        </Text>
      </Stack>
    </Card>
  );
}
