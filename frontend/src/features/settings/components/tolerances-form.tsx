import { Button, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import {
  type MatchingSettings,
  usePayablesSettings,
  useSaveMatchingSettings,
} from '../api/payables-settings';
import { SettingsSection } from './settings-section';

const AMOUNT = /^\d{1,7}(\.\d{1,2})?$/;
const PERCENT = /^\d{1,3}(\.\d{1,4})?$/;

export function amountProblem(value: string): 'format' | 'range' | null {
  if (!AMOUNT.test(value.trim())) return 'format';
  return Number(value) > 1_000_000 ? 'range' : null;
}

export function percentProblem(value: string): 'format' | 'range' | null {
  if (!PERCENT.test(value.trim())) return 'format';
  return Number(value) > 100 ? 'range' : null;
}

function TolerancesFields({ initial, canEdit }: { initial: MatchingSettings; canEdit: boolean }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState(initial.full_match_amount);
  const [percent, setPercent] = useState(initial.variance_percent);
  const [submitted, setSubmitted] = useState(false);
  const save = useSaveMatchingSettings();
  const amountError = amountProblem(amount);
  const percentError = percentProblem(percent);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (amountError || percentError) return;
    save.mutate(
      { full_match_amount: amount.trim(), variance_percent: percent.trim() },
      { onSuccess: () => notifications.show({ color: 'teal', message: t('settings.saved') }) },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('settings.tolerances.amount')}
            description={t('settings.tolerances.amountHelp')}
            value={amount}
            inputMode="decimal"
            dir="ltr"
            readOnly={!canEdit}
            required
            onChange={(event) => setAmount(event.currentTarget.value)}
            error={
              submitted && amountError
                ? t(`settings.tolerances.amountError.${amountError}`)
                : undefined
            }
          />
          <TextInput
            label={t('settings.tolerances.percent')}
            description={t('settings.tolerances.percentHelp')}
            value={percent}
            inputMode="decimal"
            dir="ltr"
            readOnly={!canEdit}
            required
            onChange={(event) => setPercent(event.currentTarget.value)}
            error={
              submitted && percentError
                ? t(`settings.tolerances.percentError.${percentError}`)
                : undefined
            }
          />
        </SimpleGrid>
        {save.isError && <ApiErrorAlert error={save.error} withDetails />}
        {canEdit && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('settings.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** The 3-way match tolerances of the company's accounts payable. */
export function TolerancesForm({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const settings = usePayablesSettings();
  return (
    <SettingsSection
      title={t('settings.tolerances.title')}
      description={t('settings.tolerances.description')}
      testId="settings-tolerances"
    >
      {settings.isError && <ApiErrorAlert error={settings.error} />}
      {settings.data && <TolerancesFields initial={settings.data.matching} canEdit={canEdit} />}
    </SettingsSection>
  );
}
