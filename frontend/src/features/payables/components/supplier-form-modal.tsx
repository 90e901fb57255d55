import {
  Button,
  Group,
  Modal,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';

import { useCreateSupplier, useUpdateSupplier } from '../api/suppliers';
import type { Supplier, SupplierInput } from '../api/types';

type SupplierFormModalProps = {
  opened: boolean;
  onClose: () => void;
  onCreated?: (supplier: Supplier) => void;
  /** Edit this supplier (PATCH) instead of adding one. */
  supplier?: Supplier;
};

const EMPTY = { legalName: '', trn: '', email: '', peppolId: '', phone: '', city: '', terms: '' };

const fromSupplier = (supplier: Supplier): typeof EMPTY => ({
  legalName: supplier.legal_name,
  trn: supplier.trn ?? '',
  email: supplier.email ?? '',
  peppolId: supplier.peppol_id ?? '',
  phone: supplier.phone ?? '',
  city: supplier.city ?? '',
  terms: supplier.payment_terms_days === null ? '' : String(supplier.payment_terms_days),
});

const TRN = /^\d{15}$/;
const PEPPOL = /^\d{4}:[^\s:]{1,50}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function SupplierFormModal({
  opened,
  onClose,
  onCreated,
  supplier,
}: SupplierFormModalProps) {
  const { t } = useTranslation();
  const createSupplier = useCreateSupplier();
  const updateSupplier = useUpdateSupplier();
  // One mutation's state drives the form: errors, pending, reset.
  const save = supplier ? updateSupplier : createSupplier;
  const initial = () => (supplier ? fromSupplier(supplier) : EMPTY);
  const [values, setValues] = useState(initial);
  const [active, setActive] = useState(supplier?.is_active ?? true);
  const [submitted, setSubmitted] = useState(false);
  const set = (key: keyof typeof EMPTY) => (value: string) =>
    setValues((current) => ({ ...current, [key]: value }));
  const trn = values.trn.replace(/[\s-]+/g, '');
  const errors = {
    legalName: values.legalName.trim() === '' ? t('payables.suppliers.errors.required') : null,
    trn: trn !== '' && !TRN.test(trn) ? t('payables.suppliers.errors.trn') : null,
    email:
      values.email.trim() !== '' && !EMAIL.test(values.email.trim())
        ? t('payables.suppliers.errors.email')
        : null,
    peppolId:
      values.peppolId.trim() !== '' && !PEPPOL.test(values.peppolId.trim())
        ? t('payables.suppliers.errors.peppolId')
        : null,
  };
  const server = Object.fromEntries(
    fieldProblems(save.error).map((problem) => [problem.field.split('.').pop(), problem.message]),
  );
  const shown = (key: keyof typeof errors, field: string) =>
    (submitted ? errors[key] : null) ?? server[field] ?? null;

  const close = () => {
    setValues(initial());
    setActive(supplier?.is_active ?? true);
    setSubmitted(false);
    save.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.values(errors).some((error) => error !== null)) return;
    // Emptied fields are sent as null, which clears them on an edit too.
    const input: SupplierInput = {
      legal_name: values.legalName.trim(),
      trn: trn || null,
      email: values.email.trim() || null,
      peppol_id: values.peppolId.trim() || null,
      phone: values.phone.trim() || null,
      city: values.city.trim() || null,
      payment_terms_days: values.terms === '' ? null : Number(values.terms),
    };
    const done = (saved: Supplier) => {
      notifications.show({
        color: 'teal',
        message: t(supplier ? 'payables.suppliers.updated' : 'payables.suppliers.created', {
          name: saved.legal_name,
        }),
      });
      onCreated?.(saved);
      close();
    };
    if (supplier)
      updateSupplier.mutate({ id: supplier.id, ...input, is_active: active }, { onSuccess: done });
    else createSupplier.mutate(input, { onSuccess: done });
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={supplier ? t('payables.suppliers.editTitle') : t('payables.suppliers.new')}
      size="lg"
    >
      <form onSubmit={submit} noValidate data-testid="supplier-form">
        <Stack gap="sm">
          <TextInput
            label={t('payables.suppliers.legalName')}
            value={values.legalName}
            onChange={(e) => set('legalName')(e.currentTarget.value)}
            required
            error={shown('legalName', 'legal_name')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('payables.suppliers.trn')}
              description={t('payables.suppliers.trnHint')}
              value={values.trn}
              onChange={(e) => set('trn')(e.currentTarget.value)}
              inputMode="numeric"
              dir="ltr"
              error={shown('trn', 'trn')}
            />
            <TextInput
              label={t('payables.suppliers.peppolId')}
              description={t('payables.suppliers.peppolIdHint')}
              value={values.peppolId}
              onChange={(e) => set('peppolId')(e.currentTarget.value)}
              dir="ltr"
              error={shown('peppolId', 'peppol_id')}
            />
            <TextInput
              label={t('payables.suppliers.email')}
              type="email"
              value={values.email}
              onChange={(e) => set('email')(e.currentTarget.value)}
              dir="ltr"
              error={shown('email', 'email')}
            />
            <TextInput
              label={t('payables.suppliers.phone')}
              type="tel"
              value={values.phone}
              onChange={(e) => set('phone')(e.currentTarget.value)}
              dir="ltr"
              error={server.phone ?? null}
            />
            <TextInput
              label={t('payables.suppliers.city')}
              value={values.city}
              onChange={(e) => set('city')(e.currentTarget.value)}
              error={server.city ?? null}
            />
            <NumberInput
              label={t('payables.suppliers.paymentTermsDays')}
              value={values.terms}
              onChange={(value) => set('terms')(String(value))}
              min={0}
              max={365}
              allowDecimal={false}
              allowNegative={false}
            />
          </SimpleGrid>
          {/* Deactivating is how a supplier with documents is retired: it cannot be deleted. */}
          {supplier && (
            <Switch
              label={t('payables.suppliers.active')}
              description={t('payables.suppliers.activeHint')}
              checked={active}
              onChange={(e) => setActive(e.currentTarget.checked)}
              data-testid="supplier-active"
            />
          )}
          {save.isError && <ApiErrorAlert error={save.error} withDetails />}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="save-supplier">
              {supplier ? t('payables.suppliers.save') : t('payables.suppliers.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
