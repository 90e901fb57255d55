import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { formatMoney } from '@/lib/format';

import { PLAN_FEATURES, type Plan, usePlans, useSavePlan } from '../api/plans';

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,31}$/;
const PRICE_PATTERN = /^\d{1,8}(\.\d{1,2})?$/;

const EMPTY_PLAN: Plan = {
  code: '',
  name: '',
  description: '',
  position: 0,
  monthly_invoice_limit: 100,
  user_limit: 5,
  features: { peppol_sending: false, accounts_payable: false, bulk_import: false },
  price_aed_monthly: '0.00',
  active: true,
};

type LimitFieldProps = {
  label: string;
  value: number | null;
  min: number;
  onChange: (value: number | null) => void;
  testId: string;
};

/** A limit with an "unlimited" switch (the API's null). */
function LimitField({ label, value, min, onChange, testId }: LimitFieldProps) {
  const { t } = useTranslation();
  const unlimited = value === null;
  return (
    <Stack gap={4}>
      <NumberInput
        label={label}
        value={unlimited ? '' : value}
        min={min}
        allowDecimal={false}
        allowNegative={false}
        disabled={unlimited}
        onChange={(next) => onChange(typeof next === 'number' ? next : min)}
        data-testid={testId}
      />
      <Checkbox
        size="xs"
        label={t('admin.plans.unlimited')}
        checked={unlimited}
        onChange={(event) => onChange(event.currentTarget.checked ? null : min)}
      />
    </Stack>
  );
}

function PlanModal({
  plan,
  creating,
  onClose,
}: {
  plan: Plan;
  creating: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Plan>(plan);
  const [submitted, setSubmitted] = useState(false);
  const save = useSavePlan();
  const set = <K extends keyof Plan>(key: K, value: Plan[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const codeError =
    creating && !CODE_PATTERN.test(draft.code) ? t('admin.plans.codeInvalid') : undefined;
  const nameError = draft.name.trim() === '' ? t('validation.required') : undefined;
  const priceError = !PRICE_PATTERN.test(draft.price_aed_monthly)
    ? t('admin.plans.priceInvalid')
    : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (codeError || nameError || priceError) return;
    save.mutate(
      { ...draft, name: draft.name.trim() },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: 'teal',
            message: t('admin.plans.saved', { name: saved.name }),
          });
          onClose();
        },
      },
    );
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={creating ? t('admin.plans.newTitle') : t('admin.plans.editTitle', { name: plan.name })}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate data-testid="plan-form">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('admin.plans.code')}
              description={creating ? t('admin.plans.codeHelp') : undefined}
              value={draft.code}
              disabled={!creating}
              required={creating}
              onChange={(event) => set('code', event.currentTarget.value.toUpperCase())}
              error={submitted ? codeError : undefined}
            />
            <TextInput
              label={t('admin.plans.name')}
              value={draft.name}
              required
              maxLength={100}
              onChange={(event) => set('name', event.currentTarget.value)}
              error={submitted ? nameError : undefined}
              data-autofocus
            />
          </SimpleGrid>
          <Textarea
            label={t('admin.plans.description')}
            value={draft.description}
            maxLength={2000}
            autosize
            minRows={2}
            onChange={(event) => set('description', event.currentTarget.value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <LimitField
              label={t('admin.plans.invoiceLimit')}
              value={draft.monthly_invoice_limit}
              min={0}
              onChange={(value) => set('monthly_invoice_limit', value)}
              testId="plan-invoice-limit"
            />
            <LimitField
              label={t('admin.plans.userLimit')}
              value={draft.user_limit}
              min={1}
              onChange={(value) => set('user_limit', value)}
              testId="plan-user-limit"
            />
            <TextInput
              label={t('admin.plans.price')}
              value={draft.price_aed_monthly}
              inputMode="decimal"
              dir="ltr"
              onChange={(event) => set('price_aed_monthly', event.currentTarget.value.trim())}
              error={submitted ? priceError : undefined}
            />
            <NumberInput
              label={t('admin.plans.position')}
              value={draft.position}
              min={0}
              allowDecimal={false}
              allowNegative={false}
              onChange={(value) => set('position', typeof value === 'number' ? value : 0)}
            />
          </SimpleGrid>
          <Checkbox.Group
            label={t('admin.plans.features')}
            value={PLAN_FEATURES.filter((feature) => draft.features[feature])}
            onChange={(values) =>
              set('features', {
                peppol_sending: values.includes('peppol_sending'),
                accounts_payable: values.includes('accounts_payable'),
                bulk_import: values.includes('bulk_import'),
              })
            }
          >
            <Group mt={6}>
              {PLAN_FEATURES.map((feature) => (
                <Checkbox
                  key={feature}
                  value={feature}
                  label={t(`admin.plans.feature.${feature}`)}
                />
              ))}
            </Group>
          </Checkbox.Group>
          <Switch
            label={t('admin.plans.active')}
            description={t('admin.plans.activeHelp')}
            checked={draft.active}
            onChange={(event) => set('active', event.currentTarget.checked)}
          />
          {save.isError && <ApiErrorAlert error={save.error} withDetails />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('admin.plans.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** After the last plan, so a new plan is listed last until it is given its place. */
export function nextPosition(plans: Plan[]): number {
  return Math.min(100_000, Math.max(0, ...plans.map((plan) => plan.position)) + 10);
}

/** Plans and their limits as data: the super admin edits them here. */
export function PlansEditor() {
  const { t, i18n } = useTranslation();
  const plans = usePlans();
  const [editing, setEditing] = useState<{ plan: Plan; creating: boolean } | null>(null);
  const limit = (value: number | null) =>
    value === null
      ? t('admin.plans.unlimited')
      : new Intl.NumberFormat(i18n.language).format(value);
  if (plans.isError) return <ApiErrorAlert error={plans.error} />;
  return (
    <Stack gap="md">
      <Group justify="flex-end">
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          onClick={() =>
            setEditing({
              plan: { ...EMPTY_PLAN, position: nextPosition(plans.data ?? []) },
              creating: true,
            })
          }
        >
          {t('admin.plans.new')}
        </Button>
      </Group>
      <Paper withBorder radius="md">
        <ScrollTable minWidth={820} label={t('admin.plans.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="plans-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.plans.name')}</Table.Th>
                <Table.Th>{t('admin.plans.invoiceLimit')}</Table.Th>
                <Table.Th>{t('admin.plans.userLimit')}</Table.Th>
                <Table.Th>{t('admin.plans.features')}</Table.Th>
                <Table.Th>{t('admin.plans.price')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plans.data?.map((plan) => (
                <Table.Tr key={plan.code} data-testid="plan-row">
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm" fw={600}>
                        {plan.name}
                      </Text>
                      <Badge variant="light" size="sm">
                        {plan.code}
                      </Badge>
                      {!plan.active && (
                        <Badge color="gray" size="sm">
                          {t('admin.plans.inactive')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{limit(plan.monthly_invoice_limit)}</Table.Td>
                  <Table.Td>{limit(plan.user_limit)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {PLAN_FEATURES.filter((feature) => plan.features[feature]).map((feature) => (
                        <Badge key={feature} variant="outline" size="sm">
                          {t(`admin.plans.feature.${feature}`)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{formatMoney(plan.price_aed_monthly, 'AED', i18n.language)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => setEditing({ plan, creating: false })}
                      aria-label={t('admin.plans.editTitle', { name: plan.name })}
                    >
                      {t('admin.plans.edit')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {plans.isPending && (
          <Text c="dimmed" p="md" ta="center">
            {t('common.loading')}
          </Text>
        )}
      </Paper>
      {editing && (
        <PlanModal
          key={editing.plan.code || 'new'}
          plan={editing.plan}
          creating={editing.creating}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}
