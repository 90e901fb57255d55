import {
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
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconCash,
  IconCheck,
  IconDownload,
  IconFileMinus,
  IconListCheck,
  IconPencil,
  IconSend,
  IconRubberStamp,
  IconTrash,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ScrollTable } from '@/components/scroll-table';
import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { ApiError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDate, formatDecimal, formatMoney, formatPrice } from '@/lib/format';

import { useDeleteInvoice } from '../api/delete-invoice';
import { useDownloadInvoiceFile } from '../api/download-invoice-file';
import { type InvoiceAction, useInvoiceAction } from '../api/invoice-action';
import type { Invoice, InvoiceDetail as InvoiceDetailData } from '../api/types';
import { useValidateInvoice } from '../api/validate-invoice';
import { canReceivePayment } from '../lib/payment';
import { CreditNoteModal } from './credit-note-modal';
import { RecordPaymentModal } from './record-payment-modal';
import { RuleProblems } from './rule-problems';
import { StatusBadge } from './status-badge';
import { StatusTimeline } from './status-timeline';
import { TotalsPanel } from './totals-panel';
import { TransmissionsPanel } from './transmissions-panel';
import { VerificationPanel } from './verification-panel';

type InvoiceDetailProps = {
  invoice: InvoiceDetailData;
  onOpenInvoice: (id: string) => void;
  onDeleted: () => void;
};

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

// As the API's CREDITABLE_STATUSES: every issued status except CANCELLED.
const CREDITABLE = new Set([
  'FINALIZED',
  'APPROVED',
  'SENT',
  'DELIVERED',
  'ACCEPTED',
  'REJECTED',
  'FAILED',
  'PAID',
]);

export function InvoiceDetail({ invoice, onOpenInvoice, onDeleted }: InvoiceDetailProps) {
  const { t, i18n } = useTranslation();
  const canCreate = useCan('invoice:create');
  const canApprove = useCan('invoice:approve');
  const canSend = useCan('invoice:send');
  const canDelete = useCan('invoice:delete');
  const action = useInvoiceAction();
  const remove = useDeleteInvoice();
  const download = useDownloadInvoiceFile();
  const validate = useValidateInvoice();
  const queryClient = useQueryClient();
  const [crediting, setCrediting] = useState(false);
  const [paying, setPaying] = useState(false);
  const language = i18n.language;
  const isDraft = invoice.status === 'DRAFT';
  const isCreditNote = invoice.kind === 'credit_note';

  const run = (name: InvoiceAction) => {
    validate.reset();
    action.mutate(
      { id: invoice.id, action: name },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: t(`invoices.actions.done.${name}`) });
          if (name === 'send') {
            void queryClient.invalidateQueries({
              queryKey: ['invoices', 'transmissions', invoice.id],
            });
          }
        },
        onError: (error) => {
          // A refused finalize names each broken rule (rule_id, field); an older API answered
          // with field problems only, so then the full check is run to name the rules.
          if (
            name === 'finalize' &&
            error instanceof ApiError &&
            error.status === 422 &&
            !fieldProblems(error).some((problem) => problem.rule_id)
          ) {
            validate.mutate(invoice.id);
          }
        },
      },
    );
  };
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const title = invoice.number
    ? t(isCreditNote ? 'invoices.detail.creditNoteTitle' : 'invoices.detail.title', {
        number: invoice.number,
      })
    : t(isCreditNote ? 'invoices.detail.draftCreditNote' : 'invoices.detail.draft');

  return (
    <Stack gap="lg">
      <title>{t('pageTitle.invoice', { name: title })}</title>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="invoice-title">
              {title}
            </Title>
            <StatusBadge status={invoice.status} />
          </Group>
          <Text c="dimmed">
            {invoice.customer.legal_name}
            {invoice.credited_invoice_id && (
              <>
                {' · '}
                <Anchor
                  component="button"
                  type="button"
                  onClick={() => onOpenInvoice(invoice.credited_invoice_id ?? '')}
                >
                  {t('invoices.detail.credits', { number: invoice.credited_invoice_number ?? '' })}
                </Anchor>
              </>
            )}
          </Text>
        </Stack>
        <Group gap="xs" data-testid="invoice-actions">
          {isDraft && canCreate && (
            <Button
              component={Link}
              to={`/invoices/${invoice.id}/edit`}
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
            >
              {t('invoices.actions.edit')}
            </Button>
          )}
          {isDraft && canDelete && (
            <Button
              variant="default"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => setConfirmingDelete(true)}
              loading={remove.isPending}
            >
              {t('invoices.actions.delete')}
            </Button>
          )}
          {isDraft && (
            <Button
              variant="default"
              leftSection={<IconListCheck size={16} aria-hidden />}
              onClick={() => {
                action.reset();
                validate.mutate(invoice.id);
              }}
              loading={validate.isPending}
              data-testid="validate"
            >
              {t('invoices.actions.validate')}
            </Button>
          )}
          {isDraft && canCreate && (
            <Button
              leftSection={<IconRubberStamp size={16} aria-hidden />}
              onClick={() => run('finalize')}
              loading={action.isPending && action.variables?.action === 'finalize'}
              data-testid="finalize"
            >
              {t('invoices.actions.finalize')}
            </Button>
          )}
          {invoice.status === 'FINALIZED' && canApprove && (
            <Button
              leftSection={<IconCheck size={16} aria-hidden />}
              onClick={() => run('approve')}
              loading={action.isPending && action.variables?.action === 'approve'}
              data-testid="approve"
            >
              {t('invoices.actions.approve')}
            </Button>
          )}
          {(invoice.status === 'APPROVED' || invoice.status === 'FAILED') && canSend && (
            <Button
              leftSection={<IconSend size={16} aria-hidden />}
              onClick={() => run('send')}
              loading={action.isPending && action.variables?.action === 'send'}
              data-testid="send"
            >
              {invoice.status === 'FAILED'
                ? t('invoices.actions.sendAgain')
                : t('invoices.actions.send')}
            </Button>
          )}
          {canReceivePayment(invoice.status, invoice.kind) && canApprove && (
            <Button
              variant="default"
              leftSection={<IconCash size={16} aria-hidden />}
              onClick={() => setPaying(true)}
              data-testid="record-payment"
            >
              {t('invoices.payments.button')}
            </Button>
          )}
          {!isCreditNote && CREDITABLE.has(invoice.status) && canCreate && (
            <Button
              variant="default"
              leftSection={<IconFileMinus size={16} aria-hidden />}
              onClick={() => setCrediting(true)}
              data-testid="credit-note"
            >
              {t('invoices.actions.creditNote')}
            </Button>
          )}
          {!isDraft &&
            (['xml', 'pdf'] as const).map((kind) => (
              <Button
                key={kind}
                variant="default"
                leftSection={<IconDownload size={16} aria-hidden />}
                onClick={() => download.mutate({ id: invoice.id, kind, number: invoice.number })}
                loading={download.isPending && download.variables?.kind === kind}
                data-testid={`download-${kind}`}
              >
                {t(`invoices.actions.download.${kind}`)}
              </Button>
            ))}
        </Group>
      </Group>

      {(action.isError || validate.data) && (
        <RuleProblems error={action.error ?? undefined} validation={validate.data} />
      )}
      {validate.isError && <ApiErrorAlert error={validate.error} />}
      {(remove.isError || download.isError) && (
        <ApiErrorAlert error={remove.error ?? download.error} />
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
                <Field label={t('invoices.form.issueDate')}>
                  {formatDate(invoice.issue_date, language)}
                </Field>
                <Field label={t('invoices.form.dueDate')}>
                  {formatDate(invoice.due_date, language)}
                </Field>
                <Field label={t('invoices.form.typeCode')}>{invoice.type_code}</Field>
                <Field label={t('invoices.form.currency')}>
                  {invoice.currency}
                  {invoice.exchange_rate ? ` · ${invoice.exchange_rate}` : ''}
                </Field>
                <Field label={t('fields.trn')}>
                  <span dir="ltr">{invoice.customer.trn ?? '—'}</span>
                </Field>
                <Field label={t('invoices.form.paymentMeans')}>
                  {t(`invoices.paymentMeans.${invoice.payment_means.code as '30'}`)}
                </Field>
                <Field label={t('invoices.form.iban')}>
                  <span dir="ltr">{invoice.payment_means.account_id ?? '—'}</span>
                </Field>
                <Field label={t('invoices.form.poReference')}>
                  {invoice.purchase_order_reference ?? '—'}
                </Field>
              </SimpleGrid>
              {invoice.credit_reason_code && (
                <Text size="sm" mt="sm">
                  {t('invoices.credit.reasonCode')}: {invoice.credit_reason_code}
                  {invoice.credit_reason ? ` — ${invoice.credit_reason}` : ''}
                </Text>
              )}
            </Paper>
            <Paper withBorder radius="md">
              <ScrollTable minWidth={600} label={t('invoices.form.lines')}>
                <Table verticalSpacing="sm" data-testid="invoice-lines">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('invoices.form.itemName')}</Table.Th>
                      <Table.Th ta="end">{t('invoices.form.quantity')}</Table.Th>
                      <Table.Th ta="end">{t('invoices.form.unitPrice')}</Table.Th>
                      <Table.Th>{t('invoices.form.vatCategory')}</Table.Th>
                      <Table.Th ta="end">{t('invoices.detail.net')}</Table.Th>
                      <Table.Th ta="end">{t('invoices.totals.vat')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {invoice.lines.map((line) => (
                      <Table.Tr key={line.id}>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {line.item_name}
                          </Text>
                          {line.description && (
                            <Text size="xs" c="dimmed">
                              {line.description}
                            </Text>
                          )}
                          {(line.item_type || line.classification_code) && (
                            <Text size="xs" c="dimmed">
                              {line.item_type
                                ? t(`invoices.itemTypes.${line.item_type as 'G'}`)
                                : ''}
                              {line.item_type && line.classification_code ? ' · ' : ''}
                              {line.classification_code
                                ? `${t('invoices.form.classificationCode')} ${line.classification_code}`
                                : ''}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td ta="end">
                          {formatDecimal(line.quantity, language)} {line.unit_code}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatPrice(line.unit_price, invoice.currency, language)}
                        </Table.Td>
                        <Table.Td>
                          {line.vat_category}
                          {line.vat_rate !== null
                            ? ` · ${formatDecimal(line.vat_rate, language)}%`
                            : ''}
                          {line.exemption_reason_code ? ` · ${line.exemption_reason_code}` : ''}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatMoney(line.line_extension_amount, invoice.currency, language)}
                        </Table.Td>
                        <Table.Td ta="end" ff="monospace">
                          {formatMoney(line.vat_amount, invoice.currency, language)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </Paper>
            {invoice.allowances_charges.length > 0 && (
              <Paper withBorder radius="md">
                <ScrollTable minWidth={480} label={t('invoices.form.allowancesCharges')}>
                  <Table verticalSpacing="sm" data-testid="invoice-allowances-charges">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('invoices.form.reason')}</Table.Th>
                        <Table.Th>{t('invoices.form.vatCategory')}</Table.Th>
                        <Table.Th ta="end">{t('invoices.form.amount')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {invoice.allowances_charges.map((ac) => (
                        <Table.Tr key={ac.id}>
                          <Table.Td>
                            {ac.is_charge
                              ? t('invoices.form.charge')
                              : t('invoices.form.allowance')}
                            {': '}
                            {ac.reason ?? ac.reason_code ?? ''}
                          </Table.Td>
                          <Table.Td>
                            {ac.vat_category}
                            {ac.exemption_reason_code ? ` · ${ac.exemption_reason_code}` : ''}
                          </Table.Td>
                          <Table.Td ta="end" ff="monospace">
                            {ac.is_charge ? '' : '−'}
                            {formatMoney(ac.amount, invoice.currency, language)}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </ScrollTable>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="lg">
            <TotalsPanel
              source="saved"
              currency={invoice.currency}
              totals={{
                ...invoice,
                breakdown: invoice.vat_breakdown,
                tax_amount_aed: invoice.tax_amount_aed,
                tax_inclusive_amount_aed: invoice.tax_inclusive_amount_aed,
              }}
            />
            {!isDraft && <VerificationPanel invoiceId={invoice.id} />}
            {!isDraft && invoice.status !== 'FINALIZED' && !isCreditNote && (
              <TransmissionsPanel invoiceId={invoice.id} />
            )}
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">
                {t('invoices.detail.history')}
              </Title>
              <StatusTimeline events={invoice.status_history} />
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
      <Modal
        opened={confirmingDelete}
        onClose={() => setConfirmingDelete(false)}
        title={t('invoices.actions.deleteTitle')}
        centered
      >
        <Stack gap="md">
          <Text size="sm">{t('invoices.actions.deleteBody')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingDelete(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(invoice.id, { onSuccess: onDeleted })}
            >
              {t('invoices.actions.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <RecordPaymentModal invoice={invoice} opened={paying} onClose={() => setPaying(false)} />
      <CreditNoteModal
        invoice={invoice}
        opened={crediting}
        onClose={() => setCrediting(false)}
        onCreated={(creditNote: Invoice) => {
          setCrediting(false);
          onOpenInvoice(creditNote.id);
        }}
      />
    </Stack>
  );
}
