import { ActionIcon, Grid, Group, NativeSelect, Paper, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import {
  type AllowanceChargeDraft,
  type AllowanceChargeField,
  DOCUMENT_LEVEL_CATEGORIES,
  EXEMPTION_REASONS,
  type RuleError,
  allowanceChargeRate,
} from '../lib/invoice-rules';

type AllowanceChargeEditorProps = {
  index: number;
  value: AllowanceChargeDraft;
  errors: Partial<Record<AllowanceChargeField, RuleError>>;
  serverErrors: Partial<Record<AllowanceChargeField, string>>;
  showErrors: boolean;
  onChange: (value: AllowanceChargeDraft) => void;
  onRemove: () => void;
};

/**
 * A discount (allowance) or surcharge on the whole document: it changes the taxable amount of
 * its VAT category, so the VAT of that category is computed on the adjusted amount.
 */
export function AllowanceChargeEditor({
  index,
  value,
  errors,
  serverErrors,
  showErrors,
  onChange,
  onRemove,
}: AllowanceChargeEditorProps) {
  const { t } = useTranslation();
  const error = (field: AllowanceChargeField) =>
    serverErrors[field] ??
    (showErrors && errors[field] ? t(`invoices.errors.${errors[field]}`) : undefined);
  const kind = value.isCharge ? t('invoices.form.charge') : t('invoices.form.allowance');
  const title = t('invoices.form.allowanceChargeTitle', { kind, number: index + 1 });
  const rate = allowanceChargeRate(value.category);
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      data-testid={`allowance-charge-${index}`}
      data-kind={value.isCharge ? 'charge' : 'allowance'}
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">
          {title}
        </Text>
        <ActionIcon
          variant="subtle"
          color="red"
          onClick={onRemove}
          aria-label={t('invoices.form.removeAllowanceCharge', { title })}
        >
          <IconTrash size={16} aria-hidden />
        </ActionIcon>
      </Group>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6, md: 5 }}>
          <TextInput
            label={t('invoices.form.reason')}
            value={value.reason}
            onChange={(e) => onChange({ ...value, reason: e.currentTarget.value })}
            required
            error={error('reason')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 6, md: 3 }}>
          <TextInput
            label={t('invoices.form.amount')}
            value={value.amount}
            onChange={(e) => onChange({ ...value, amount: e.currentTarget.value })}
            inputMode="decimal"
            dir="ltr"
            required
            error={error('amount')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 12, md: 4 }}>
          <NativeSelect
            label={t('invoices.form.vatCategory')}
            value={value.category}
            onChange={(e) =>
              onChange({ ...value, category: e.currentTarget.value, exemptionCode: '' })
            }
            data={DOCUMENT_LEVEL_CATEGORIES.map((option) => ({
              value: option.code,
              label: `${option.code} · ${t(`invoices.vatCategories.${option.code as 'S'}`)}`,
            }))}
            error={error('category')}
          />
        </Grid.Col>
        {value.category === 'E' && (
          <Grid.Col span={12}>
            <NativeSelect
              label={t('invoices.form.exemptionCode')}
              value={value.exemptionCode}
              onChange={(e) => onChange({ ...value, exemptionCode: e.currentTarget.value })}
              required
              data={[
                { value: '', label: t('invoices.form.choose') },
                ...EXEMPTION_REASONS.map((reason) => ({
                  value: reason.code,
                  label: `${reason.code} · ${t(`invoices.exemptions.${reason.code.replaceAll('.', '_') as 'DL8_46_1'}`)}`,
                })),
              ]}
              error={error('exemptionCode')}
            />
          </Grid.Col>
        )}
      </Grid>
      <Text size="xs" c="dimmed" mt="xs">
        {rate !== null && value.category === 'S'
          ? t('invoices.form.allowanceChargeVat', { rate })
          : t('invoices.form.allowanceChargeNoVat')}
      </Text>
    </Paper>
  );
}
