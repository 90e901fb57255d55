import { Text, Timeline } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatDateTime } from '@/lib/format';

import type { StatusEvent } from '../api/types';

/** The document's history: draft, finalized (with its number), approved, sent, delivered… */
export function StatusTimeline({ events }: { events: StatusEvent[] }) {
  const { t, i18n } = useTranslation();
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Timeline
      active={ordered.length - 1}
      bulletSize={22}
      lineWidth={2}
      data-testid="status-timeline"
    >
      {ordered.map((event, index) => (
        <Timeline.Item
          key={`${event.status}-${event.at}-${index}`}
          bullet={<IconCircleCheck size={14} aria-hidden />}
          title={t(`invoices.status.${event.status}`)}
        >
          {event.note && (
            <Text size="sm" c="dimmed">
              {event.note}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {formatDateTime(event.at, i18n.language)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
