import {
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { formatDateTime } from '@/lib/format';

import { OUTBOX_PAGE_SIZE, type OutboxMessage, type OutboxStatus, useOutbox } from '../api/outbox';

const STATUS_COLORS: Record<OutboxStatus, string> = {
  PENDING: 'yellow',
  SENT: 'teal',
  FAILED: 'red',
};

/**
 * The outgoing e-mails. Without an SMTP server (the embedded default) this list is the delivery:
 * the super admin reads sign-up notices, invitations and reset links here. Bodies are shown as
 * plain text, never as HTML.
 */
export function OutboxViewer() {
  const { t, i18n } = useTranslation();
  const [to, setTo] = useState('');
  const [debouncedTo] = useDebouncedValue(to, 300);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<OutboxMessage | null>(null);
  const outbox = useOutbox({ to: debouncedTo, page });
  const pages = Math.max(1, Math.ceil((outbox.data?.total ?? 0) / OUTBOX_PAGE_SIZE));
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <TextInput
          type="email"
          label={t('admin.outbox.recipient')}
          description={t('admin.outbox.recipientHelp')}
          value={to}
          onChange={(event) => {
            setTo(event.currentTarget.value);
            setPage(1);
          }}
          w={320}
          dir="ltr"
        />
        {outbox.isFetching && <Loader size="sm" role="status" aria-label={t('common.loading')} />}
      </Group>
      {outbox.isError && <ApiErrorAlert error={outbox.error} />}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={720} label={t('admin.outbox.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="outbox-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.outbox.created')}</Table.Th>
                <Table.Th>{t('admin.outbox.to')}</Table.Th>
                <Table.Th>{t('admin.outbox.subject')}</Table.Th>
                <Table.Th>{t('admin.outbox.status')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outbox.data?.items.map((message) => (
                <Table.Tr key={message.id} data-testid="outbox-row">
                  <Table.Td>{formatDateTime(message.created_at, i18n.language)}</Table.Td>
                  <Table.Td dir="ltr">{message.to_address}</Table.Td>
                  <Table.Td>{message.subject}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[message.status]}>
                      {t(`admin.outbox.statuses.${message.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => setOpen(message)}
                      aria-label={t('admin.outbox.readMessage', { subject: message.subject })}
                    >
                      {t('admin.outbox.read')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {outbox.data?.items.length === 0 && (
          <Text c="dimmed" p="md" ta="center">
            {t('admin.outbox.empty')}
          </Text>
        )}
      </Paper>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={setPage}
          getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })}
          getItemProps={(item) => ({ 'aria-label': t('common.pagination.page', { page: item }) })}
        />
      )}
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={open?.subject ?? ''}
        size="xl"
        centered
      >
        {open && (
          <Stack gap="xs" data-testid="outbox-message">
            <Text size="sm" dir="ltr" ta="start">
              {t('admin.outbox.to')}: {open.to_address}
            </Text>
            <Text size="sm">
              {t('admin.outbox.created')}: {formatDateTime(open.created_at, i18n.language)}
              {open.sent_at
                ? ` · ${t('admin.outbox.sent')}: ${formatDateTime(open.sent_at, i18n.language)}`
                : ''}
            </Text>
            {open.last_error && (
              <Text size="sm" c="red">
                {t('admin.outbox.lastError')}: {open.last_error}
              </Text>
            )}
            <Code
              block
              dir="auto"
              tabIndex={0}
              aria-label={t('admin.outbox.body')}
              data-testid="outbox-body"
              style={{ whiteSpace: 'pre-wrap', maxHeight: 420, overflow: 'auto' }}
            >
              {open.text_body}
            </Code>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
