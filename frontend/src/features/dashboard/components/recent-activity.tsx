import { Card, Stack, Text, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { formatDateTime } from '@/lib/format';

import type { ActivityItem } from '../api/get-dashboard';

/** The company's latest audit events ("invoice.finalized", "auth.login", …). */
export function RecentActivity({ items }: { items: ActivityItem[] }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md" data-testid="recent-activity">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('dashboard.activity')}
        </Title>
        {items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('dashboard.noActivity')}
          </Text>
        ) : (
          <Timeline bulletSize={12} lineWidth={2}>
            {items.slice(0, 10).map((item) => (
              <Timeline.Item
                key={item.id}
                title={
                  <Text size="sm" fw={600}>
                    {activityLabel(t, item.action)}
                  </Text>
                }
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(item.occurred_at, i18n.language)}
                  {item.actor_email ? ` · ${item.actor_email}` : ''}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Card>
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

/** A readable name for an audit action; unknown actions are shown as recorded. */
function activityLabel(t: Translate, action: string): string {
  const key = `dashboard.actions.${action.replaceAll('.', '_')}`;
  // A key built at run time: typed loosely, since checking it against every key of the
  // (large) locale type exceeds the compiler's instantiation depth.
  const text = (t as unknown as (key: string, options: { defaultValue: string }) => string)(key, {
    defaultValue: '',
  });
  return text === '' ? action : text;
}
