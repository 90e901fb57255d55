import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import type { InwardAction } from '../api/inward-invoices';

/** Payment date (today when left empty, on the server) and an optional bank reference. */
export function MarkPaidModal({
  opened,
  onClose,
  onSubmit,
  pending,
  error,
}: {
  opened: boolean;
  onClose: () => void;
  onSubmit: (action: InwardAction) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [paidOn, setPaidOn] = useState('');
  const [reference, setReference] = useState('');
  const close = () => {
    setPaidOn('');
    setReference('');
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      kind: 'mark-paid',
      paid_on: paidOn || null,
      reference: reference.trim() || null,
    });
  };
  return (
    <Modal opened={opened} onClose={close} title={t('payables.actions.mark-paid.title')}>
      <form onSubmit={submit} noValidate data-testid="mark-paid-form">
        <Stack gap="sm">
          <Text size="sm">{t('payables.actions.mark-paid.body')}</Text>
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
              {t('payables.actions.mark-paid.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
