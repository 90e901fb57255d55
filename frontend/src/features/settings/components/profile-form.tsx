import { Button, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { EmirateSelect } from '@/components/form/emirate-select';
import { PhoneInput } from '@/components/form/phone-input';
import { validateEmail, validatePhone } from '@/lib/validation';

import { type CompanyProfile, useUpdateCompany } from '../api/company';
import { SettingsSection } from './settings-section';

/** Contact details and address; the legal identity (name, TRN) is shown but fixed. */
export function ProfileForm({ company, canEdit }: { company: CompanyProfile; canEdit: boolean }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(company.email);
  const [phone, setPhone] = useState(company.phone);
  const [line1, setLine1] = useState(company.address.line1);
  const [line2, setLine2] = useState(company.address.line2 ?? '');
  const [city, setCity] = useState(company.address.city);
  const [emirate, setEmirate] = useState(company.address.emirate);
  const [submitted, setSubmitted] = useState(false);
  const update = useUpdateCompany();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const phoneResult = validatePhone(phone);
    if (!validateEmail(email).valid || !phoneResult.valid || !line1.trim() || !city.trim()) return;
    update.mutate(
      {
        email: email.trim(),
        phone: phoneResult.e164 ?? phone.trim(),
        address: {
          line1: line1.trim(),
          line2: line2.trim() || null,
          city: city.trim(),
          emirate,
        },
      },
      {
        onSuccess: () => notifications.show({ color: 'teal', message: t('settings.saved') }),
      },
    );
  };
  return (
    <SettingsSection
      title={t('settings.profile.title')}
      description={t('settings.profile.description')}
      testId="settings-profile"
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('fields.legalName')} value={company.legal_name} readOnly />
        <TextInput label={t('fields.trn')} value={company.trn} readOnly dir="ltr" />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('settings.profile.identityNote')}
      </Text>
      <form onSubmit={submit} noValidate>
        <fieldset disabled={!canEdit} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <EmailInput
                label={t('fields.companyEmail')}
                value={email}
                onChange={setEmail}
                required
                showError={submitted}
              />
              <PhoneInput value={phone} onChange={setPhone} required showError={submitted} />
              <TextInput
                label={t('fields.addressLine1')}
                value={line1}
                onChange={(event) => setLine1(event.currentTarget.value)}
                required
                maxLength={300}
                error={submitted && !line1.trim() ? t('validation.required') : undefined}
              />
              <TextInput
                label={t('fields.addressLine2')}
                value={line2}
                maxLength={300}
                onChange={(event) => setLine2(event.currentTarget.value)}
              />
              <TextInput
                label={t('fields.city')}
                value={city}
                onChange={(event) => setCity(event.currentTarget.value)}
                required
                maxLength={120}
                error={submitted && !city.trim() ? t('validation.required') : undefined}
              />
              <EmirateSelect value={emirate} onChange={(value) => value && setEmirate(value)} />
            </SimpleGrid>
            {update.isError && <ApiErrorAlert error={update.error} withDetails />}
            {canEdit && (
              <Group justify="flex-end">
                <Button type="submit" loading={update.isPending}>
                  {t('settings.save')}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
    </SettingsSection>
  );
}
