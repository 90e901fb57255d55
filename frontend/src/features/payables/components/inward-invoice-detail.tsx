import {
  Alert,
  Anchor,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconCash,
  IconCheck,
  IconGitCompare,
  IconHandStop,
  IconMessageReport,
  IconPlayerPlay,
  IconThumbUp,
  IconX,
} from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { useCan } from '@/lib/auth';
import { formatDate, formatDateTime, formatDecimal, formatMoney, formatPrice } from '@/lib/format';

import { type InwardAction, useInwardAction } from '../api/inward-invoices';
import type { InwardInvoice } from '../api/types';
import { inwardActions } from '../lib/inward-actions';
import { MarkPaidModal } from './mark-paid-modal';
import { MatchPanel } from './match-panel';
import { InwardStatusBadge, MatchStatusBadge } from './status-badges';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

type TextAction = 'approve-variance' | 'dispute' | 'hold' | 'reject';

function TextActionModal({
  action,
  onClose,
  onSubmit,
  pending,
  error,
}: {
  action: TextAction | null;
  onClose: () => void;
  onSubmit: (action: InwardAction) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const missing = text.trim() === '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (action === null || missing) return;
    const value = text.trim();
    onSubmit(
      action === 'approve-variance'
        ? { kind: action, note: value }
        : { kind: action, reason: value },
    );
  };
  const close = () => {
    setText('');
    setSubmitted(false);
    onClose();
  };
  return (
    <Modal
      opened={action !== null}
      onClose={close}
      title={action ? t(`payables.actions.${action}.title`) : ''}
    >
      {action && (
        <form onSubmit={submit} noValidate data-testid="action-form">
          <Stack gap="sm">
            <Text size="sm">{t(`payables.actions.${action}.body`)}</Text>
            <Textarea
              label={t(`payables.actions.${action}.label`)}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              required
              autosize
              minRows={3}
              maxLength={2000}
              error={submitted && missing ? t('payables.actions.required') : null}
            />
            {Boolean(error) && <ApiErrorAlert error={error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={pending} data-testid="confirm-action">
                {t(`payables.actions.${action}.submit`)}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function InwardInvoiceDetail({ invoice }: { invoice: InwardInvoice }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const canManage = useCan('ap:manage');
  const action = useInwardAction(invoice.id);
  const [asking, setAsking] = useState<TextAction | null>(null);
  const run = (chosen: InwardAction) =>
    action.mutate(chosen, {
      onSuccess: () => {
        setAsking(null);
        setPayingOpen(false);
        notifications.show({ color: 'teal', message: t(`payables.actions.${chosen.kind}.done`) });
      },
    });
  const [payingOpen, setPayingOpen] = useState(false);
  const status = invoice.status;
  // What each action needs, as workflow.py allows it.
  const allowed = inwardActions(status, invoice.matching_status);
  const canApprove = allowed.has('approve-variance');
  const canMatch = allowed.has('match');

  return (
    <Stack gap="lg">
      <title>{t('payables.pageTitle.inward', { number: invoice.invoice_number })}</title>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="inward-title">
              {t('payables.inward.title', { number: invoice.invoice_number })}
            </Title>
            <InwardStatusBadge status={status} />
            <MatchStatusBadge status={invoice.matching_status} />
          </Group>
          <Text c="dimmed">
            {invoice.supplier_name} · {t(`payables.source.${invoice.source}`)}
          </Text>
        </Stack>
        {canManage && (
          <Group gap="xs" data-testid="inward-actions">
            {canMatch && (
              <Button
                variant="default"
                leftSection={<IconGitCompare size={16} aria-hidden />}
                onClick={() => run({ kind: 'match' })}
                loading={action.isPending && action.variables?.kind === 'match'}
                data-testid="rematch"
              >
                {t('payables.actions.match.button')}
              </Button>
            )}
            {canApprove && (
              <Button
                leftSection={<IconCheck size={16} aria-hidden />}
                onClick={() => {
                  action.reset();
                  setAsking('approve-variance');
                }}
                data-testid="approve-variance"
              >
                {t('payables.actions.approve-variance.button')}
              </Button>
            )}
            {allowed.has('accept') && (
              <Button
                variant="default"
                leftSection={<IconThumbUp size={16} aria-hidden />}
                onClick={() => run({ kind: 'accept' })}
                loading={action.isPending && action.variables?.kind === 'accept'}
                data-testid="accept"
              >
                {t('payables.actions.accept.button')}
              </Button>
            )}
            {allowed.has('mark-paid') && (
              <Button
                leftSection={<IconCash size={16} aria-hidden />}
                onClick={() => {
                  action.reset();
                  setPayingOpen(true);
                }}
                data-testid="mark-paid"
              >
                {t('payables.actions.mark-paid.button')}
              </Button>
            )}
            {allowed.has('hold') && (
              <Button
                variant="default"
                leftSection={<IconHandStop size={16} aria-hidden />}
                onClick={() => {
                  action.reset();
                  setAsking('hold');
                }}
                data-testid="hold"
              >
                {t('payables.actions.hold.button')}
              </Button>
            )}
            {allowed.has('dispute') && (
              <Button
                variant="default"
                color="red"
                leftSection={<IconMessageReport size={16} aria-hidden />}
                onClick={() => {
                  action.reset();
                  setAsking('dispute');
                }}
                data-testid="dispute"
              >
                {t('payables.actions.dispute.button')}
              </Button>
            )}
            {allowed.has('reject') && (
              <Button
                variant="default"
                color="red"
                leftSection={<IconX size={16} aria-hidden />}
                onClick={() => {
                  action.reset();
                  setAsking('reject');
                }}
                data-testid="reject"
              >
                {t('payables.actions.reject.button')}
              </Button>
            )}
            {allowed.has('release') && (
              <Button
                leftSection={<IconPlayerPlay size={16} aria-hidden />}
                onClick={() => run({ kind: 'release' })}
                loading={action.isPending && action.variables?.kind === 'release'}
                data-testid="release"
              >
                {t('payables.actions.release.button')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {action.isError && asking === null && !payingOpen && <ApiErrorAlert error={action.error} />}
      {invoice.addressed_to_other_buyer && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
          {t('payables.inward.otherBuyer', { reason: invoice.buyer_flag_reason ?? '' })}
        </Alert>
      )}
      {invoice.status_reason && (
        <Alert color="gray" variant="light" title={t(`payables.inwardStatus.${status}`)}>
          {invoice.status_reason}
        </Alert>
      )}
      {invoice.variance_approved_at && (
        <Alert color="teal" variant="light" data-testid="variance-approved">
          {t('payables.inward.varianceApproved', {
            when: formatDateTime(invoice.variance_approved_at, language),
            note: invoice.variance_approval_note ?? '',
          })}
        </Alert>
      )}

      {invoice.match ? (
        <MatchPanel match={invoice.match} />
      ) : (
        <Alert color="gray" variant="light">
          {t('payables.match.notYet')}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
                <Field label={t('payables.inbox.issueDate')}>
                  {formatDate(invoice.issue_date, language)}
                </Field>
                <Field label={t('payables.inward.dueDate')}>
                  {formatDate(invoice.due_date, language)}
                </Field>
                <Field label={t('payables.inward.supplierTrn')}>
                  <span dir="ltr">{invoice.supplier_trn ?? '—'}</span>
                </Field>
                <Field label={t('payables.inward.orderReference')}>
                  {invoice.purchase_order_id ? (
                    <Anchor component={Link} to={`/purchase-orders/${invoice.purchase_order_id}`}>
                      {invoice.match?.order_number ?? invoice.order_reference ?? '—'}
                    </Anchor>
                  ) : (
                    (invoice.order_reference ?? '—')
                  )}
                </Field>
              </SimpleGrid>
            </Paper>
            <Paper withBorder radius="md">
              <ScrollTable minWidth={600} label={t('payables.inward.lines')}>
                <Table verticalSpacing="sm" data-testid="inward-lines">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('payables.match.item')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.quantity')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.unitPrice')}</Table.Th>
                      <Table.Th>{t('payables.orders.vatCategory')}</Table.Th>
                      <Table.Th ta="end">{t('payables.orders.lineNet')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {invoice.lines.map((line) => (
                      <Table.Tr key={line.id}>
                        <Table.Td>{line.item_name}</Table.Td>
                        <Table.Td ta="end">
                          {formatDecimal(line.quantity, language)} {line.unit_code ?? ''}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatPrice(line.unit_price, invoice.currency, language)}
                        </Table.Td>
                        <Table.Td>
                          {line.vat_category ?? '—'}
                          {line.vat_rate !== null
                            ? ` · ${formatDecimal(line.vat_rate, language)}%`
                            : ''}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatMoney(line.net_amount, invoice.currency, language)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <Stack gap={4}>
                {(
                  [
                    ['payables.orders.net', invoice.net_amount, 'net'],
                    ['payables.orders.tax', invoice.tax_amount, 'tax'],
                    ['payables.inward.payable', invoice.payable_amount, 'payable'],
                    ...(invoice.payments.length > 0
                      ? ([
                          ['payables.inward.paid', invoice.paid_amount, 'paid'],
                          [
                            'payables.inward.outstanding',
                            invoice.outstanding_amount,
                            'outstanding',
                          ],
                        ] as const)
                      : []),
                  ] as const
                ).map(([label, amount, key]) => (
                  <Group key={label} justify="space-between" data-testid={`total-${key}`}>
                    <Text size="sm">{t(label)}</Text>
                    <Text size="sm" ff="monospace">
                      {formatMoney(amount, invoice.currency, language)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            </Paper>
            {invoice.payments.length > 0 && (
              <Paper withBorder radius="md" p="md">
                <Title order={2} size="h5" mb="sm">
                  {t('payables.inward.payments')}
                </Title>
                <Table verticalSpacing={4} data-testid="inward-payments">
                  <Table.Tbody>
                    {invoice.payments.map((payment) => (
                      <Table.Tr key={payment.id}>
                        <Table.Td>{formatDate(payment.paid_on, language)}</Table.Td>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>
                          {payment.reference ?? ''}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatMoney(payment.amount, invoice.currency, language)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Paper>
            )}
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">
                {t('payables.inward.history')}
              </Title>
              <Timeline bulletSize={14} lineWidth={2} active={invoice.events.length - 1}>
                {invoice.events.map((event) => (
                  <Timeline.Item
                    key={event.id}
                    title={t(`payables.events.${event.action as 'received'}`, {
                      defaultValue: event.action,
                    })}
                  >
                    <Text size="xs" c="dimmed">
                      {formatDateTime(event.occurred_at, language)}
                    </Text>
                    {event.note && (
                      <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                        {event.note}
                      </Text>
                    )}
                  </Timeline.Item>
                ))}
              </Timeline>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
      <TextActionModal
        action={asking}
        onClose={() => {
          setAsking(null);
          action.reset();
        }}
        onSubmit={run}
        pending={action.isPending}
        error={action.error}
      />
      <MarkPaidModal
        // A fresh form (amount: what is still owed) after each payment changes it.
        key={`${invoice.status}:${invoice.outstanding_amount}`}
        opened={payingOpen}
        outstanding={invoice.document_kind === 'CreditNote' ? null : invoice.outstanding_amount}
        currency={invoice.currency}
        onClose={() => {
          setPayingOpen(false);
          action.reset();
        }}
        onSubmit={run}
        pending={action.isPending}
        error={action.error}
      />
    </Stack>
  );
}
