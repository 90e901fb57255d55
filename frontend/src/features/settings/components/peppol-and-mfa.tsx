import { Button, Group, Stack, Switch, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import { type CompanyProfile, useUpdateCompany } from '../api/company';
import { SettingsSection } from './settings-section';

// Scheme (4 digits), a colon, the id; the API checks the scheme against the Peppol code list.
const PEPPOL_ID = /^(iso6523-actorid-upis::)?\d{4}:[A-Za-z0-9][A-Za-z0-9._\-/+]{0,49}$/i;

export function PeppolIdForm({ company, canEdit }: { company: CompanyProfile; canEdit: boolean }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(company.peppol_id ?? '');
  const [submitted, setSubmitted] = useState(false);
  const update = useUpdateCompany();
  const invalid = !PEPPOL_ID.test(value.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    update.mutate(
      { peppol_id: value.trim() },
      {
        onSuccess: (saved) => {
          setValue(saved.peppol_id ?? '');
          notifications.show({ color: 'teal', message: t('settings.saved') });
        },
      },
    );
  };
  return (
    <SettingsSection
      title={t('settings.peppol.title')}
      description={t('settings.peppol.description', { default: `0235:${company.tin}` })}
      testId="settings-peppol"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('settings.peppol.label')}
            description={t('settings.peppol.help')}
            value={value}
            dir="ltr"
            maxLength={80}
            readOnly={!canEdit}
            required
            onChange={(event) => setValue(event.currentTarget.value)}
            error={submitted && invalid ? t('settings.peppol.invalid') : undefined}
          />
          {update.isError && <ApiErrorAlert error={update.error} />}
          {canEdit && (
            <Group justify="flex-end">
              <Button type="submit" loading={update.isPending}>
                {t('settings.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </SettingsSection>
  );
}

/** The company's rule that every user signs in with a second factor. */
export function MfaPolicyForm({ company, canEdit }: { company: CompanyProfile; canEdit: boolean }) {
  const { t } = useTranslation();
  const update = useUpdateCompany();
  return (
    <SettingsSection
      title={t('settings.mfa.title')}
      description={t('settings.mfa.description')}
      testId="settings-mfa"
    >
      <Switch
        label={t('settings.mfa.label')}
        description={t('settings.mfa.help')}
        checked={update.isPending ? (update.variables.mfa_required ?? false) : company.mfa_required}
        disabled={!canEdit || update.isPending}
        onChange={(event) =>
          update.mutate(
            { mfa_required: event.currentTarget.checked },
            {
              onSuccess: (saved) =>
                notifications.show({
                  color: 'teal',
                  message: saved.mfa_required ? t('settings.mfa.on') : t('settings.mfa.off'),
                }),
            },
          )
        }
      />
      {update.isError && <ApiErrorAlert error={update.error} />}
    </SettingsSection>
  );
}
