import { Button, Group, Modal, NativeSelect, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import { useCreateCreditNote } from '../api/create-credit-note';
import type { Invoice } from '../api/types';
import { CREDIT_REASONS } from '../lib/invoice-rules';

type CreditNoteModalProps = {
  invoice: Invoice;
  opened: boolean;
  onClose: () => void;
  onCreated: (creditNote: Invoice) => void;
};

/** A draft credit note for the whole invoice, with its reason (BTAE-03, official codes). */
export function CreditNoteModal({ invoice, opened, onClose, onCreated }: CreditNoteModalProps) {
  const { t } = useTranslation();
  const [reasonCode, setReasonCode] = useState('');
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const create = useCreateCreditNote();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (reasonCode === '') return;
    create.mutate(
      {
        invoiceId: invoice.id,
        reason_code: reasonCode,
        reason: reason.trim() || null,
        // An out-of-scope invoice (480) is credited by an out-of-scope credit note (81).
        type_code: invoice.type_code === '480' ? '81' : '381',
      },
      { onSuccess: onCreated },
    );
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('invoices.credit.title')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('invoices.credit.intro', { number: invoice.number ?? '' })}</Text>
          <NativeSelect
            label={t('invoices.credit.reasonCode')}
            value={reasonCode}
            onChange={(e) => setReasonCode(e.currentTarget.value)}
            required
            data={[
              { value: '', label: t('invoices.form.choose') },
              ...CREDIT_REASONS.map((item) => ({
                value: item.code,
                label: `${item.code} · ${t(`invoices.creditReasons.${item.code.replaceAll('.', '_') as 'VD'}`)}`,
              })),
            ]}
            error={submitted && reasonCode === '' ? t('validation.required') : undefined}
          />
          <Textarea
            label={t('invoices.credit.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          {create.isError && <ApiErrorAlert error={create.error} withDetails />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('invoices.credit.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
