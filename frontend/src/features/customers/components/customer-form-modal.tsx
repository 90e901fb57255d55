import { Button, Group, Modal, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { EmirateSelect } from '@/components/form/emirate-select';
import { PhoneInput } from '@/components/form/phone-input';
import { TRNInput } from '@/components/form/trn-input';
import { validateEmail, validatePhone, validateTRN } from '@/lib/validation';

import { type CustomerInput, useCreateCustomer } from '../api/create-customer';
import type { Customer } from '../api/list-customers';
import { useUpdateCustomer } from '../api/update-customer';

type CustomerFormModalProps = {
  opened: boolean;
  onClose: () => void;
  onCreated?: (customer: Customer) => void;
  /** Pre-fills the name (what was typed in the picker). */
  initialName?: string;
  /** Edit this customer (PATCH) instead of creating one. */
  customer?: Customer;
};

type Values = {
  legalName: string;
  trn: string;
  vatRegistered: boolean;
  email: string;
  phone: string;
  line1: string;
  city: string;
  emirate: string | null;
  country: string;
  peppolId: string;
};

const empty = (legalName = ''): Values => ({
  legalName,
  trn: '',
  vatRegistered: true,
  email: '',
  phone: '',
  line1: '',
  city: '',
  emirate: null,
  country: 'AE',
  peppolId: '',
});

const fromCustomer = (customer: Customer): Values => ({
  legalName: customer.legal_name,
  trn: customer.trn ?? '',
  vatRegistered: customer.vat_registered,
  email: customer.email,
  phone: customer.phone ?? '',
  line1: customer.address.line1,
  city: customer.address.city,
  emirate: customer.address.emirate,
  country: customer.address.country,
  peppolId: customer.peppol_id ?? '',
});

const API_FIELDS: Record<string, keyof Values> = {
  legal_name: 'legalName',
  trn: 'trn',
  email: 'email',
  phone: 'phone',
  peppol_id: 'peppolId',
  'address.line1': 'line1',
  'address.city': 'city',
  'address.emirate': 'emirate',
  'address.country': 'country',
};

export function CustomerFormModal({
  opened,
  onClose,
  onCreated,
  initialName,
  customer,
}: CustomerFormModalProps) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Values>(() =>
    customer ? fromCustomer(customer) : empty(initialName),
  );
  const [submitted, setSubmitted] = useState(false);
  const createCustomer = useCreateCustomer();
  const updateCustomer = useUpdateCustomer();
  const create = customer ? updateCustomer : createCustomer;
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((current) => ({ ...current, [key]: value }));
  const [lastInitial, setLastInitial] = useState(initialName);
  if (opened && initialName !== lastInitial) {
    // A new "create" from the picker: start from what was typed there.
    setLastInitial(initialName);
    setValues(empty(initialName));
  }

  const serverErrors: Partial<Record<keyof Values, string>> = {};
  for (const problem of fieldProblems(create.error)) {
    const key = API_FIELDS[problem.field];
    if (key !== undefined) serverErrors[key] = problem.message;
  }
  const requiredError = (key: keyof Values) =>
    serverErrors[key] ??
    (submitted && String(values[key] ?? '').trim() === '' ? t('validation.required') : undefined);
  const uae = values.country.trim().toUpperCase() === 'AE';
  const close = () => {
    setValues(customer ? fromCustomer(customer) : empty());
    setSubmitted(false);
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const trn = values.trn.trim() === '' ? null : validateTRN(values.trn);
    const phone = values.phone.trim() === '' ? null : validatePhone(values.phone);
    const ok =
      values.legalName.trim() !== '' &&
      validateEmail(values.email).valid &&
      (trn === null || trn.valid) &&
      (!values.vatRegistered || trn !== null) &&
      (phone === null || phone.valid) &&
      values.line1.trim() !== '' &&
      values.city.trim() !== '' &&
      (!uae || values.emirate !== null) &&
      /^[A-Za-z]{2}$/.test(values.country.trim());
    if (!ok) return;
    const input: CustomerInput = {
      legal_name: values.legalName.trim(),
      trn: trn?.value ?? null,
      vat_registered: values.vatRegistered && trn !== null,
      email: values.email.trim(),
      phone: phone?.e164 ?? null,
      peppol_id: values.peppolId.trim() || null,
      address: {
        line1: values.line1.trim(),
        city: values.city.trim(),
        emirate: uae ? values.emirate : null,
        country: values.country.trim().toUpperCase(),
      },
    };
    const done = (saved: Customer) => {
      onCreated?.(saved);
      close();
    };
    if (customer) updateCustomer.mutate({ id: customer.id, ...input }, { onSuccess: done });
    else createCustomer.mutate(input, { onSuccess: done });
  };
  const unmapped = fieldProblems(create.error).filter((p) => API_FIELDS[p.field] === undefined);
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={customer ? t('customers.editTitle') : t('customers.createTitle')}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate data-testid="customer-form">
        <Stack gap="sm">
          <TextInput
            label={t('fields.legalName')}
            value={values.legalName}
            onChange={(e) => set('legalName')(e.currentTarget.value)}
            required
            error={requiredError('legalName')}
            data-autofocus
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TRNInput
              value={values.trn}
              onChange={set('trn')}
              required={values.vatRegistered}
              showError={submitted}
              error={serverErrors.trn}
            />
            <Switch
              mt={{ sm: 30 }}
              label={t('customers.vatRegistered')}
              checked={values.vatRegistered}
              onChange={(e) => set('vatRegistered')(e.currentTarget.checked)}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <EmailInput
              value={values.email}
              onChange={set('email')}
              required
              showError={submitted}
              error={serverErrors.email}
            />
            <PhoneInput
              value={values.phone}
              onChange={set('phone')}
              showError={submitted}
              error={serverErrors.phone}
            />
          </SimpleGrid>
          <TextInput
            label={t('fields.addressLine1')}
            value={values.line1}
            onChange={(e) => set('line1')(e.currentTarget.value)}
            required
            error={requiredError('line1')}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label={t('fields.city')}
              value={values.city}
              onChange={(e) => set('city')(e.currentTarget.value)}
              required
              error={requiredError('city')}
            />
            <TextInput
              label={t('fields.country')}
              description={t('fields.countryHint')}
              value={values.country}
              onChange={(e) => set('country')(e.currentTarget.value.toUpperCase())}
              maxLength={2}
              dir="ltr"
              required
              error={serverErrors.country}
            />
            {uae && (
              <EmirateSelect
                value={values.emirate}
                onChange={set('emirate')}
                required
                error={requiredError('emirate')}
              />
            )}
          </SimpleGrid>
          <TextInput
            label={t('customers.peppolId')}
            description={t('customers.peppolIdHint')}
            value={values.peppolId}
            onChange={(e) => set('peppolId')(e.currentTarget.value)}
            dir="ltr"
            error={serverErrors.peppolId}
          />
          {create.isError && (unmapped.length > 0 || fieldProblems(create.error).length === 0) && (
            <ApiErrorAlert error={create.error} withDetails />
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('customers.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
