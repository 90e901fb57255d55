import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { formatDateTime } from '@/lib/format';

import { type TransmissionState, useTransmissions } from '../api/list-transmissions';

const COLORS: Record<TransmissionState, string> = {
  QUEUED: 'gray',
  SENT: 'blue',
  DELIVERED: 'cyan',
  ACCEPTED: 'teal',
  REJECTED: 'red',
  FAILED: 'red',
};

/** The invoice's Peppol delivery: where the newest transmission is, and its history. */
export function TransmissionsPanel({ invoiceId }: { invoiceId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const transmissions = useTransmissions(invoiceId, true);
  const newest = transmissions.data?.[0];
  const state = newest?.status;
  useEffect(() => {
    // Each step of the delivery also moves the invoice's own status.
    if (state !== undefined) {
      void queryClient.invalidateQueries({ queryKey: ['invoices', 'detail', invoiceId] });
    }
  }, [state, invoiceId, queryClient]);
  if (newest === undefined) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="transmission">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h5">
            {t('invoices.peppol.title')}
          </Title>
          <Badge color={COLORS[newest.status]} variant="light" data-status={newest.status}>
            {t(`invoices.peppol.states.${newest.status}`)}
          </Badge>
        </Group>
        <Text size="sm">
          {t('invoices.peppol.route', { provider: newest.provider, receiver: newest.receiver_id })}
        </Text>
        <Text size="xs" c="dimmed">
          {t('invoices.peppol.attempts', { n: newest.attempts })}
        </Text>
        {newest.last_error && (
          <Text size="sm" c="red.8">
            {newest.last_error}
          </Text>
        )}
        {newest.events.map((event, index) => (
          <Text key={index} size="xs" c="dimmed">
            {formatDateTime(event.occurred_at, i18n.language)} ·{' '}
            {t(`invoices.peppol.states.${event.status}`)}
            {event.reason ? ` · ${event.reason}` : ''}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}
