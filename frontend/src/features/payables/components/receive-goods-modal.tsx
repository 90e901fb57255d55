import {
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDecimal, todayInUae } from '@/lib/format';

import { useCreateGoodsReceipt } from '../api/purchase-orders';
import type { PurchaseOrder } from '../api/types';
import { type ReceiptLineDraft, checkReceipt, outstandingQuantity } from '../lib/receiving';

type ReceiveGoodsModalProps = { order: PurchaseOrder; opened: boolean; onClose: () => void };

/** Books a delivery against the order, line by line; partial quantities are the normal case. */
export function ReceiveGoodsModal({ order, opened, onClose }: ReceiveGoodsModalProps) {
  const { t, i18n } = useTranslation();
  const create = useCreateGoodsReceipt();
  const initial = () =>
    order.lines.map((line) => ({ lineId: line.id, received: '', rejected: '', reason: '' }));
  const [drafts, setDrafts] = useState<(ReceiptLineDraft & { reason: string })[]>(initial);
  const [receivedDate, setReceivedDate] = useState(todayInUae());
  const [deliveryNote, setDeliveryNote] = useState('');
  const [allowOver, setAllowOver] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const check = checkReceipt(order.lines, drafts, allowOver);
  const set = (lineId: string, changes: Partial<ReceiptLineDraft & { reason: string }>) =>
    setDrafts((current) =>
      current.map((draft) => (draft.lineId === lineId ? { ...draft, ...changes } : draft)),
    );
  const close = () => {
    setDrafts(initial());
    setDeliveryNote('');
    setAllowOver(false);
    setSubmitted(false);
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(check.problems).length > 0 || check.lines.length === 0) return;
    create.mutate(
      {
        purchase_order_id: order.id,
        received_date: receivedDate,
        delivery_note_reference: deliveryNote.trim() || null,
        allow_over_receipt: allowOver,
        lines: check.lines.map((line) => ({
          ...line,
          rejection_reason:
            drafts.find((draft) => draft.lineId === line.purchase_order_line_id)?.reason.trim() ||
            null,
        })),
      },
      {
        onSuccess: (receipt) => {
          notifications.show({
            color: 'teal',
            message: t('payables.receive.done', { number: receipt.number }),
          });
          close();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title={t('payables.receive.title')} size="xl">
      <form onSubmit={submit} noValidate data-testid="receive-form">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              type="date"
              label={t('payables.receive.date')}
              value={receivedDate}
              onChange={(e) => setReceivedDate(e.currentTarget.value)}
              required
            />
            <TextInput
              label={t('payables.receive.deliveryNote')}
              value={deliveryNote}
              onChange={(e) => setDeliveryNote(e.currentTarget.value)}
            />
          </SimpleGrid>
          {order.lines.map((line) => {
            const draft = drafts.find((d) => d.lineId === line.id);
            const problem = submitted ? check.problems[line.id] : undefined;
            const outstanding = outstandingQuantity(line);
            return (
              <Paper
                key={line.id}
                withBorder
                p="sm"
                radius="md"
                data-testid={`receive-line-${line.line_no}`}
              >
                <Text fw={600} size="sm">
                  {line.line_no}. {line.item_name}
                </Text>
                <Text size="xs" c="dimmed" mb="xs">
                  {t('payables.receive.outstanding', {
                    ordered: formatDecimal(line.quantity, i18n.language),
                    accepted: formatDecimal(line.accepted_quantity, i18n.language),
                    outstanding: formatDecimal(outstanding, i18n.language),
                    unit: line.unit_code,
                  })}
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
                  <TextInput
                    label={t('payables.receive.received', { item: line.item_name })}
                    value={draft?.received ?? ''}
                    onChange={(e) => set(line.id, { received: e.currentTarget.value })}
                    inputMode="decimal"
                    dir="ltr"
                    placeholder={outstanding}
                    error={problem ? t(`payables.receive.problems.${problem}`) : null}
                  />
                  <TextInput
                    label={t('payables.receive.rejected', { item: line.item_name })}
                    value={draft?.rejected ?? ''}
                    onChange={(e) => set(line.id, { rejected: e.currentTarget.value })}
                    inputMode="decimal"
                    dir="ltr"
                  />
                  <TextInput
                    label={t('payables.receive.reason', { item: line.item_name })}
                    value={draft?.reason ?? ''}
                    onChange={(e) => set(line.id, { reason: e.currentTarget.value })}
                  />
                </SimpleGrid>
              </Paper>
            );
          })}
          <Checkbox
            label={t('payables.receive.allowOver')}
            checked={allowOver}
            onChange={(e) => setAllowOver(e.currentTarget.checked)}
          />
          {submitted && check.lines.length === 0 && Object.keys(check.problems).length === 0 && (
            <Text c="red" size="sm" role="alert">
              {t('payables.receive.nothing')}
            </Text>
          )}
          {create.isError && <ApiErrorAlert error={create.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="save-receipt">
              {t('payables.receive.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
