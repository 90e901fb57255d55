import { Grid, Group, Loader, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDate } from '@/lib/format';

import { type VatPeriodUnit, useDashboard } from '../api/get-dashboard';
import { KpiCards } from './kpi-cards';
import { ReceivablesChart } from './receivables-chart';
import { RecentActivity } from './recent-activity';
import { VatChart } from './vat-chart';

/** The business dashboard: what customers owe, what is owed to suppliers, VAT, activity. */
export function DashboardView() {
  const { t, i18n } = useTranslation();
  const [unit, setUnit] = useState<VatPeriodUnit>('month');
  const dashboard = useDashboard(unit);
  if (dashboard.isError) return <ApiErrorAlert error={dashboard.error} />;
  if (dashboard.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );
  }
  const data = dashboard.data;
  return (
    <Stack gap="lg" data-testid="dashboard">
      <Text size="sm" c="dimmed">
        {t('dashboard.asOf', { date: formatDate(data.as_of, i18n.language) })}
      </Text>
      <KpiCards data={data} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <VatChart
            periods={data.vat.periods}
            unit={unit}
            onUnitChange={setUnit}
            excluded={data.vat.foreign_inward_invoices_excluded}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <ReceivablesChart data={data} />
        </Grid.Col>
        <Grid.Col span={12}>
          <RecentActivity items={data.recent_activity} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
