import {
  ActionIcon,
  Grid,
  Group,
  NativeSelect,
  Paper,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatMoney } from '@/lib/format';

import {
  EXEMPTION_REASONS,
  type LineDraft,
  type LineField,
  RCM_GOODS_TYPES,
  type RuleError,
  UNITS,
  VAT_CATEGORIES,
  lineRate,
  vatCategory,
} from '../lib/invoice-rules';
import type { LineAmounts } from '../lib/totals';

type LineEditorProps = {
  index: number;
  line: LineDraft;
  /** The form's own checks (shown once the user submitted or left the field). */
  errors: Partial<Record<LineField, RuleError>>;
  /** Field messages from the API's 422, by line field. */
  serverErrors: Partial<Record<LineField | 'category', string>>;
  showErrors: boolean;
  amounts: LineAmounts | null;
  currency: string;
  canRemove: boolean;
  onChange: (line: LineDraft) => void;
  onRemove: () => void;
};

/** One invoice line: item, quantity × price − discount, VAT category (official codes). */
export function LineEditor({
  index,
  line,
  errors,
  serverErrors,
  showErrors,
  amounts,
  currency,
  canRemove,
  onChange,
  onRemove,
}: LineEditorProps) {
  const { t, i18n } = useTranslation();
  const set =
    <K extends keyof LineDraft>(key: K) =>
    (value: LineDraft[K]) =>
      onChange({ ...line, [key]: value });
  const error = (field: LineField) =>
    serverErrors[field] ??
    (showErrors && errors[field] ? t(`invoices.errors.${errors[field]}`) : undefined);
  const category = vatCategory(line.category);
  const rate = lineRate(line);
  const number = index + 1;
  return (
    <Paper withBorder radius="md" p="md" data-testid={`line-${index}`}>
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm" id={`line-${index}-title`}>
          {t('invoices.form.lineTitle', { number })}
        </Text>
        <Group gap="sm">
          <Text size="sm" c="dimmed">
            {t('invoices.form.lineNet')}{' '}
            <Text
              span
              ff="monospace"
              fw={600}
              c="var(--mantine-color-text)"
              data-testid={`line-${index}-net`}
              data-value={amounts?.net_amount ?? ''}
            >
              {formatMoney(amounts?.net_amount, currency, i18n.language)}
            </Text>
          </Text>
          <Tooltip label={t('invoices.form.removeLine', { number })}>
            <ActionIcon
              variant="subtle"
              color="red"
              onClick={onRemove}
              disabled={!canRemove}
              aria-label={t('invoices.form.removeLine', { number })}
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <TextInput
            label={t('invoices.form.itemName')}
            value={line.itemName}
            onChange={(e) => set('itemName')(e.currentTarget.value)}
            required
            error={error('itemName')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <TextInput
            label={t('invoices.form.description')}
            description={t('invoices.form.descriptionHint')}
            value={line.description}
            onChange={(e) => set('description')(e.currentTarget.value)}
            error={error('description')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
          <TextInput
            label={t('invoices.form.quantity')}
            value={line.quantity}
            onChange={(e) => set('quantity')(e.currentTarget.value)}
            inputMode="decimal"
            dir="ltr"
            required
            error={error('quantity')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <NativeSelect
            label={t('invoices.form.unit')}
            value={line.unitCode}
            onChange={(e) => set('unitCode')(e.currentTarget.value)}
            data={UNITS.map((unit) => ({
              value: unit.code,
              label: `${t(`invoices.units.${unit.code as 'C62'}`)} (${unit.code})`,
            }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 4 }}>
          <TextInput
            label={t('invoices.form.unitPrice')}
            value={line.unitPrice}
            onChange={(e) => set('unitPrice')(e.currentTarget.value)}
            inputMode="decimal"
            dir="ltr"
            required
            error={error('unitPrice')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <TextInput
            label={t('invoices.form.discount')}
            value={line.discount}
            onChange={(e) => set('discount')(e.currentTarget.value)}
            inputMode="decimal"
            dir="ltr"
            error={error('discount')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <NativeSelect
            label={t('invoices.form.vatCategory')}
            value={line.category}
            onChange={(e) =>
              onChange({
                ...line,
                category: e.currentTarget.value,
                rate: '',
                exemptionCode: '',
                exemptionText: '',
              })
            }
            data={VAT_CATEGORIES.map((option) => ({
              value: option.code,
              label: `${option.code} · ${t(`invoices.vatCategories.${option.code as 'S'}`)}${
                option.line_rate !== null ? ` (${option.line_rate}%)` : ''
              }`,
            }))}
            error={serverErrors.category}
          />
        </Grid.Col>
        {category?.line_rate === null && category.rate_required && (
          <Grid.Col span={{ base: 6, md: 3 }}>
            <TextInput
              label={t('invoices.form.rate')}
              value={line.rate}
              onChange={(e) => set('rate')(e.currentTarget.value)}
              inputMode="decimal"
              dir="ltr"
              required
              rightSection="%"
              error={error('rate')}
            />
          </Grid.Col>
        )}
        {(line.category === 'E' || line.category === 'O') && (
          <>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <NativeSelect
                label={t('invoices.form.exemptionCode')}
                value={line.exemptionCode}
                onChange={(e) => set('exemptionCode')(e.currentTarget.value)}
                required={line.category === 'E'}
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
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput
                label={t('invoices.form.exemptionText')}
                value={line.exemptionText}
                onChange={(e) => set('exemptionText')(e.currentTarget.value)}
              />
            </Grid.Col>
          </>
        )}
        <Grid.Col span={{ base: 6, md: 3 }}>
          <NativeSelect
            label={t('invoices.form.itemType')}
            value={line.itemType}
            onChange={(e) => set('itemType')(e.currentTarget.value)}
            data={[
              { value: '', label: t('invoices.form.notGiven') },
              ...(['G', 'S', 'B'] as const).map((code) => ({
                value: code,
                label: t(`invoices.itemTypes.${code}`),
              })),
            ]}
            error={error('itemType')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput
            label={t('invoices.form.classificationCode')}
            description={t('invoices.form.classificationCodeHint')}
            value={line.classificationCode}
            onChange={(e) => set('classificationCode')(e.currentTarget.value)}
            dir="ltr"
            maxLength={20}
            error={error('classificationCode')}
          />
        </Grid.Col>
        {line.category === 'AE' && (
          <>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <NativeSelect
                label={t('invoices.form.rcmGoodsType')}
                value={line.rcmGoodsType}
                onChange={(e) => set('rcmGoodsType')(e.currentTarget.value)}
                required
                data={[
                  { value: '', label: t('invoices.form.choose') },
                  ...RCM_GOODS_TYPES.map((type) => ({
                    value: type.code,
                    label: `${type.code} · ${t(`invoices.goodsTypes.${type.code.replaceAll('.', '_') as 'DL8_48_8_1'}`)}`,
                  })),
                ]}
                error={error('rcmGoodsType')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput
                label={t('invoices.form.standardItemId')}
                value={line.standardItemId}
                onChange={(e) => set('standardItemId')(e.currentTarget.value)}
                dir="ltr"
                required
                error={error('standardItemId')}
              />
            </Grid.Col>
          </>
        )}
      </Grid>
      <Text size="xs" c="dimmed" mt="xs">
        {rate !== null
          ? t('invoices.form.lineVat', {
              rate,
              vat: formatMoney(amounts?.vat_amount ?? null, currency, i18n.language),
            })
          : t('invoices.form.lineNoVat')}
      </Text>
    </Paper>
  );
}
