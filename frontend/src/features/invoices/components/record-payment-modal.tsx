import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatMoney } from '@/lib/format';

import { useInvoicePayments, useRecordPayment } from '../api/payments';
import type { Invoice } from '../api/types';
import { paymentProblem } from '../lib/payment';

type RecordPaymentModalProps = { invoice: Invoice; opened: boolean; onClose: () => void };

/** A payment received on an issued invoice; the one that settles it makes the invoice PAID. */
export function RecordPaymentModal({ invoice, opened, onClose }: RecordPaymentModalProps) {
  const { t, i18n } = useTranslation();
  const summary = useInvoicePayments(invoice.id, opened);
  const record = useRecordPayment(invoice.id);
  const [amount, setAmount] = useState('');
  const [paidOn, setPaidOn] = useState('');
  const [reference, setReference] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const outstanding = summary.data?.outstanding_amount ?? null;
  const problem = outstanding === null ? null : paymentProblem(amount, outstanding);
  const close = () => {
    setAmount('');
    setPaidOn('');
    setReference('');
    setSubmitted(false);
    record.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (outstanding === null || problem !== null || paidOn === '') return;
    record.mutate(
      { amount: amount.trim(), paid_on: paidOn, reference: reference.trim() || null },
      {
        onSuccess: (result) => {
          notifications.show({
            color: 'teal',
            message: t(
              result.status === 'PAID' ? 'invoices.payments.paidInFull' : 'invoices.payments.done',
            ),
          });
          close();
        },
      },
    );
  };
  const owed =
    outstanding === null ? '' : formatMoney(outstanding, invoice.currency, i18n.language);
  return (
    <Modal opened={opened} onClose={close} title={t('invoices.payments.title')}>
      <form onSubmit={submit} noValidate data-testid="payment-form">
        <Stack gap="sm">
          {summary.isError && <ApiErrorAlert error={summary.error} />}
          {outstanding !== null && (
            <Text size="sm" data-testid="outstanding">
              {t('invoices.payments.outstanding', { amount: owed })}
            </Text>
          )}
          <TextInput
            label={t('invoices.payments.amount')}
            value={amount}
            inputMode="decimal"
            required
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={
              submitted && problem !== null
                ? t(`invoices.payments.errors.${problem}`, { amount: owed })
                : null
            }
          />
          <TextInput
            type="date"
            label={t('invoices.payments.date')}
            value={paidOn}
            required
            onChange={(e) => setPaidOn(e.currentTarget.value)}
            error={submitted && paidOn === '' ? t('invoices.payments.errors.date') : null}
          />
          <TextInput
            label={t('invoices.payments.reference')}
            value={reference}
            maxLength={200}
            onChange={(e) => setReference(e.currentTarget.value)}
          />
          {record.isError && <ApiErrorAlert error={record.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={record.isPending}
              disabled={outstanding === null}
              data-testid="confirm-payment"
            >
              {t('invoices.payments.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
