import {
  Badge,
  Button,
  FileInput,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCertificate } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDateTime } from '@/lib/format';

import {
  type SigningCertificate,
  useSigningCertificate,
  useUploadSigningCertificate,
} from '../api/signing-certificate';
import { SettingsSection } from './settings-section';

function CertificateSummary({ certificate }: { certificate: SigningCertificate }) {
  const { t, i18n } = useTranslation();
  const row = (label: string, value: string | null) => (
    <Text size="sm">
      <strong>{label}:</strong> <span dir="ltr">{value ?? '—'}</span>
    </Text>
  );
  return (
    <Stack gap={4} data-testid="certificate-summary">
      <Group gap="xs">
        <Badge color={certificate.uploaded ? 'teal' : 'gray'}>
          {certificate.uploaded
            ? t('settings.certificate.uploaded')
            : t('settings.certificate.generated')}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
        {row(t('settings.certificate.subject'), certificate.subject)}
        {row(t('settings.certificate.issuer'), certificate.issuer)}
        {row(t('settings.certificate.serial'), certificate.serial_number)}
        {row(t('settings.certificate.keyId'), certificate.key_id)}
        {row(
          t('settings.certificate.validFrom'),
          formatDateTime(certificate.not_valid_before, i18n.language),
        )}
        {row(
          t('settings.certificate.validTo'),
          formatDateTime(certificate.not_valid_after, i18n.language),
        )}
      </SimpleGrid>
    </Stack>
  );
}

/** The certificate and key the company's invoices are signed with. */
export function SigningCertificateForm({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const certificate = useSigningCertificate();
  const upload = useUploadSigningCertificate();
  const [file, setFile] = useState<File | null>(null);
  const [privateKey, setPrivateKey] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (file === null) return;
    upload.mutate(
      { file, privateKey, password },
      {
        onSuccess: () => {
          setFile(null);
          setPrivateKey('');
          setPassword('');
          setSubmitted(false);
          notifications.show({ color: 'teal', message: t('settings.certificate.saved') });
        },
      },
    );
  };
  return (
    <SettingsSection
      title={t('settings.certificate.title')}
      description={t('settings.certificate.description')}
      testId="settings-certificate"
    >
      {certificate.isError && <ApiErrorAlert error={certificate.error} />}
      {certificate.data === null && (
        <Text size="sm" c="dimmed">
          {t('settings.certificate.none')}
        </Text>
      )}
      {certificate.data && <CertificateSummary certificate={certificate.data} />}
      {canEdit && (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <FileInput
              label={t('settings.certificate.file')}
              description={t('settings.certificate.fileHelp')}
              accept=".p12,.pfx,.pem,.crt,.cer,application/x-pkcs12,application/x-pem-file"
              value={file}
              onChange={setFile}
              clearable
              required
              leftSection={<IconCertificate size={16} aria-hidden />}
              error={submitted && file === null ? t('validation.required') : undefined}
            />
            <Textarea
              label={t('settings.certificate.privateKey')}
              description={t('settings.certificate.privateKeyHelp')}
              value={privateKey}
              onChange={(event) => setPrivateKey(event.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={8}
              dir="ltr"
              spellCheck={false}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <PasswordInput
              label={t('settings.certificate.password')}
              description={t('settings.certificate.passwordHelp')}
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              autoComplete="off"
            />
            {upload.isError && <ApiErrorAlert error={upload.error} />}
            <Group justify="flex-end">
              <Button type="submit" loading={upload.isPending}>
                {t('settings.certificate.upload')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </SettingsSection>
  );
}
