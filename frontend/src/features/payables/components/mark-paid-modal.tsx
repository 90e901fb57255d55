import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import type { InwardAction } from '../api/inward-invoices';
import { paymentProblem, settles } from '../lib/payment';

/** A payment on an invoice ready to pay: the amount (what is still owed unless changed: a part
 * leaves the rest owed, the whole settles it), its date (today when left empty, on the server)
 * and an optional bank reference. A credit note (``outstanding`` null) is marked paid whole. */
export function MarkPaidModal({
  opened,
  onClose,
  onSubmit,
  pending,
  error,
  outstanding,
  currency,
}: {
  opened: boolean;
  onClose: () => void;
  onSubmit: (action: InwardAction) => void;
  pending: boolean;
  error: unknown;
  outstanding: string | null;
  currency: string;
}) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState<string | null>(null);
  const [paidOn, setPaidOn] = useState('');
  const [reference, setReference] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const shown = amount ?? outstanding ?? '';
  const problem = outstanding === null ? null : paymentProblem(shown, outstanding);
  const close = () => {
    setAmount(null);
    setPaidOn('');
    setReference('');
    setSubmitted(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (problem !== null) return;
    const paid_on = paidOn || null;
    const ref = reference.trim() || null;
    onSubmit(
      outstanding === null
        ? { kind: 'mark-paid', paid_on, reference: ref }
        : { kind: 'payments', amount: shown.trim(), paid_on, reference: ref },
    );
  };
  const part = outstanding !== null && problem === null && !settles(shown, outstanding);
  return (
    <Modal opened={opened} onClose={close} title={t('payables.actions.mark-paid.title')}>
      <form onSubmit={submit} noValidate data-testid="mark-paid-form">
        <Stack gap="sm">
          <Text size="sm">
            {t(part ? 'payables.actions.payments.partBody' : 'payables.actions.mark-paid.body')}
          </Text>
          {outstanding !== null && (
            <TextInput
              label={t('payables.actions.payments.amount', { currency })}
              description={t('payables.actions.payments.owed', { amount: outstanding, currency })}
              value={shown}
              inputMode="decimal"
              dir="ltr"
              onChange={(e) => setAmount(e.currentTarget.value)}
              error={
                submitted && problem !== null ? t(`payables.actions.payments.${problem}`) : null
              }
              data-testid="payment-amount"
            />
          )}
          <TextInput
            type="date"
            label={t('payables.actions.mark-paid.date')}
            value={paidOn}
            onChange={(e) => setPaidOn(e.currentTarget.value)}
          />
          <TextInput
            label={t('payables.actions.mark-paid.reference')}
            value={reference}
            maxLength={200}
            onChange={(e) => setReference(e.currentTarget.value)}
          />
          {Boolean(error) && <ApiErrorAlert error={error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={pending} data-testid="confirm-mark-paid">
              {t(part ? 'payables.actions.payments.submit' : 'payables.actions.mark-paid.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
