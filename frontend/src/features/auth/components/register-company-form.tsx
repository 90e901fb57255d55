import {
  Alert,
  Button,
  Divider,
  Fieldset,
  FileInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconClockHour4, IconFileCheck, IconPaperclip } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { EmirateSelect } from '@/components/form/emirate-select';
import { PasswordInput } from '@/components/form/password-input';
import { PhoneInput } from '@/components/form/phone-input';
import { TRNInput } from '@/components/form/trn-input';
import { validateEmail, validatePassword, validatePhone, validateTRN } from '@/lib/validation';

import {
  type RegisteredCompany,
  useRegisterCompany,
  useUploadRegistrationDocument,
} from '../api/register-company';

// The API's limit (settings.max_upload_bytes) is checked again there.
const MAX_LICENCE_BYTES = 10 * 1024 * 1024;
const LICENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

const REGISTRATION_TYPES = ['TL', 'EID', 'PAS', 'CD'] as const;

type Values = {
  legalName: string;
  trn: string;
  email: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  emirate: string | null;
  registrationType: string;
  registrationId: string;
  authority: string;
  adminName: string;
  adminEmail: string;
  password: string;
};

const EMPTY: Values = {
  legalName: '',
  trn: '',
  email: '',
  phone: '',
  line1: '',
  line2: '',
  city: '',
  emirate: null,
  registrationType: 'TL',
  registrationId: '',
  authority: '',
  adminName: '',
  adminEmail: '',
  password: '',
};

// API field paths (422 details) -> the form's fields.
const API_FIELDS: Record<string, keyof Values> = {
  legal_name: 'legalName',
  trn: 'trn',
  email: 'email',
  phone: 'phone',
  'address.line1': 'line1',
  'address.city': 'city',
  'address.emirate': 'emirate',
  legal_registration: 'registrationId',
  'legal_registration.id': 'registrationId',
  'legal_registration.authority': 'authority',
  'admin.full_name': 'adminName',
  'admin.email': 'adminEmail',
  admin: 'password',
  'admin.password': 'password',
};

type UploadState = ReturnType<typeof useUploadRegistrationDocument>;

function Pending({ company, upload }: { company: RegisteredCompany; upload: UploadState }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="indigo"
      variant="light"
      icon={<IconClockHour4 aria-hidden />}
      title={t('auth.register.pendingTitle')}
      data-testid="registration-pending"
      role="status"
    >
      <Stack gap="xs">
        <Text>{t('auth.register.pendingBody', { name: company.legal_name })}</Text>
        <Text size="sm">{t('auth.register.pendingNext', { email: company.email })}</Text>
        {upload.isPending && <Text size="sm">{t('auth.register.licenceUploading')}</Text>}
        {upload.isSuccess && (
          <Text size="sm" data-testid="licence-uploaded">
            <IconFileCheck size={16} aria-hidden style={{ verticalAlign: 'text-bottom' }} />{' '}
            {t('auth.register.licenceUploaded', { name: upload.data.filename })}
          </Text>
        )}
        {upload.isError && <ApiErrorAlert error={upload.error} />}
      </Stack>
    </Alert>
  );
}

export function RegisterCompanyForm() {
  const { t } = useTranslation();
  const [values, setValues] = useState<Values>(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const register = useRegisterCompany();
  const upload = useUploadRegistrationDocument();
  const [licence, setLicence] = useState<File | null>(null);
  const licenceError =
    licence === null
      ? undefined
      : !LICENCE_TYPES.includes(licence.type)
        ? t('auth.register.licenceType')
        : licence.size > MAX_LICENCE_BYTES
          ? t('auth.register.licenceSize', { mb: MAX_LICENCE_BYTES / 1024 / 1024 })
          : undefined;
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((current) => ({ ...current, [key]: value }));

  const serverErrors: Partial<Record<keyof Values, string>> = {};
  for (const problem of fieldProblems(register.error)) {
    const key = API_FIELDS[problem.field];
    if (key !== undefined) serverErrors[key] = problem.message;
  }
  const required = (key: keyof Values) =>
    serverErrors[key] ??
    (submitted && String(values[key] ?? '').trim() === '' ? t('validation.required') : undefined);

  if (register.isSuccess) return <Pending company={register.data} upload={upload} />;

  const authorityRequired = values.registrationType === 'TL' || values.registrationType === 'PAS';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const ok =
      values.legalName.trim().length >= 2 &&
      validateTRN(values.trn).valid &&
      validateEmail(values.email).valid &&
      validatePhone(values.phone).valid &&
      values.line1.trim() !== '' &&
      values.city.trim() !== '' &&
      values.emirate !== null &&
      values.registrationId.trim() !== '' &&
      (!authorityRequired || values.authority.trim() !== '') &&
      values.adminName.trim() !== '' &&
      validateEmail(values.adminEmail).valid &&
      validatePassword(values.password, { email: values.adminEmail }).valid &&
      licenceError === undefined;
    if (!ok) return;
    const onSuccess = (company: RegisteredCompany) => {
      if (licence !== null) {
        upload.mutate({ uploadToken: company.upload_token, file: licence, kind: 'trade_licence' });
      }
    };
    register.mutate(
      {
        legal_name: values.legalName.trim(),
        trn: validateTRN(values.trn).value,
        email: values.email.trim(),
        phone: validatePhone(values.phone).e164 ?? values.phone,
        address: {
          line1: values.line1.trim(),
          line2: values.line2.trim() || null,
          city: values.city.trim(),
          emirate: values.emirate ?? '',
          country: 'AE',
        },
        legal_registration: {
          type: values.registrationType,
          id: values.registrationId.trim(),
          authority: values.authority.trim() || null,
        },
        admin: {
          full_name: values.adminName.trim(),
          email: values.adminEmail.trim(),
          password: values.password,
        },
      },
      { onSuccess },
    );
  };

  const unmapped = fieldProblems(register.error).filter((p) => API_FIELDS[p.field] === undefined);
  return (
    <form onSubmit={submit} noValidate data-testid="register-form">
      <Stack gap="lg">
        <Fieldset
          legend={
            <Title order={2} size="h4">
              {t('auth.register.company')}
            </Title>
          }
        >
          <Stack gap="sm">
            <TextInput
              label={t('fields.legalName')}
              value={values.legalName}
              onChange={(e) => set('legalName')(e.currentTarget.value)}
              required
              error={required('legalName')}
              autoComplete="organization"
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TRNInput
                value={values.trn}
                onChange={set('trn')}
                required
                showError={submitted}
                error={serverErrors.trn}
              />
              <PhoneInput
                value={values.phone}
                onChange={set('phone')}
                required
                showError={submitted}
                error={serverErrors.phone}
              />
            </SimpleGrid>
            <EmailInput
              label={t('fields.companyEmail')}
              value={values.email}
              onChange={set('email')}
              required
              showError={submitted}
              error={serverErrors.email}
            />
          </Stack>
        </Fieldset>
        <Fieldset
          legend={
            <Title order={2} size="h4">
              {t('auth.register.address')}
            </Title>
          }
        >
          <Stack gap="sm">
            <TextInput
              label={t('fields.addressLine1')}
              value={values.line1}
              onChange={(e) => set('line1')(e.currentTarget.value)}
              required
              error={required('line1')}
              autoComplete="address-line1"
            />
            <TextInput
              label={t('fields.addressLine2')}
              value={values.line2}
              onChange={(e) => set('line2')(e.currentTarget.value)}
              autoComplete="address-line2"
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('fields.city')}
                value={values.city}
                onChange={(e) => set('city')(e.currentTarget.value)}
                required
                error={required('city')}
                autoComplete="address-level2"
              />
              <EmirateSelect
                value={values.emirate}
                onChange={set('emirate')}
                required
                error={required('emirate')}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        <Fieldset
          legend={
            <Title order={2} size="h4">
              {t('auth.register.registration')}
            </Title>
          }
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label={t('fields.registrationType')}
              value={values.registrationType}
              onChange={(value) => set('registrationType')(value ?? 'TL')}
              allowDeselect={false}
              data={REGISTRATION_TYPES.map((code) => ({
                value: code,
                label: t(`registrationTypes.${code}`),
              }))}
            />
            <TextInput
              label={t('fields.registrationId')}
              value={values.registrationId}
              onChange={(e) => set('registrationId')(e.currentTarget.value)}
              required
              error={required('registrationId')}
            />
            <TextInput
              label={
                values.registrationType === 'PAS'
                  ? t('fields.issuingCountry')
                  : t('fields.issuingAuthority')
              }
              value={values.authority}
              onChange={(e) => set('authority')(e.currentTarget.value)}
              required={authorityRequired}
              error={authorityRequired ? required('authority') : serverErrors.authority}
            />
          </SimpleGrid>
          <FileInput
            mt="sm"
            label={t('auth.register.licence')}
            description={t('auth.register.licenceHint')}
            leftSection={<IconPaperclip size={16} aria-hidden />}
            accept={LICENCE_TYPES.join(',')}
            value={licence}
            onChange={setLicence}
            clearable
            clearButtonProps={{ 'aria-label': t('auth.register.licenceClear') }}
            error={licenceError}
            data-testid="licence-input"
          />
        </Fieldset>
        <Fieldset
          legend={
            <Title order={2} size="h4">
              {t('auth.register.admin')}
            </Title>
          }
        >
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('auth.register.adminHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('fields.fullName')}
                value={values.adminName}
                onChange={(e) => set('adminName')(e.currentTarget.value)}
                required
                error={required('adminName')}
                autoComplete="name"
              />
              <EmailInput
                label={t('fields.adminEmail')}
                value={values.adminEmail}
                onChange={set('adminEmail')}
                required
                showError={submitted}
                error={serverErrors.adminEmail}
                autoComplete="username"
              />
            </SimpleGrid>
            <PasswordInput
              value={values.password}
              onChange={set('password')}
              withStrength
              email={values.adminEmail}
              required
              error={
                serverErrors.password ??
                (submitted && !validatePassword(values.password, { email: values.adminEmail }).valid
                  ? t('password.tooWeak')
                  : undefined)
              }
            />
          </Stack>
        </Fieldset>
        <Divider />
        {register.isError &&
          (unmapped.length > 0 || fieldProblems(register.error).length === 0) && (
            <ApiErrorAlert error={register.error} withDetails />
          )}
        <Button type="submit" size="md" loading={register.isPending}>
          {t('auth.register.submit')}
        </Button>
      </Stack>
    </form>
  );
}
