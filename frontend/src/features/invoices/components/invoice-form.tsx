import {
  Alert,
  Button,
  Checkbox,
  Grid,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, type FieldProblem, fieldProblems } from '@/components/api-error-alert';
import { addDays, todayInUae } from '@/lib/format';

import { useCreateInvoice } from '../api/create-invoice';
import type { Invoice, InvoiceDetail, InvoiceInput } from '../api/types';
import { useUpdateInvoice } from '../api/update-invoice';
import {
  AED,
  type AllowanceChargeDraft,
  type AllowanceChargeField,
  CURRENCIES,
  type LineDraft,
  type LineField,
  PAYMENT_MEANS,
  allowanceChargeRate,
  checkAllowanceCharge,
  checkExchangeRate,
  checkLine,
  formTotals,
  lineRate,
} from '../lib/invoice-rules';
import { AllowanceChargeEditor } from './allowance-charge-editor';
import { LineEditor } from './line-editor';
import { TotalsPanel } from './totals-panel';

export type CustomerFieldProps = {
  value: string | null;
  onChange: (customerId: string | null) => void;
  error: string | undefined;
};

type InvoiceFormProps = {
  /** Edit this draft; without it a new invoice is created. */
  draft?: InvoiceDetail;
  /** The customer picker (from the customers feature, composed by the page). */
  renderCustomerField: (props: CustomerFieldProps) => ReactNode;
  onSaved: (invoice: Invoice) => void;
  onCancel: () => void;
};

let nextKey = 0;
const newKey = () => `line-${(nextKey += 1)}`;

export const emptyLine = (): LineDraft => ({
  key: newKey(),
  itemName: '',
  description: '',
  quantity: '1',
  unitCode: 'C62',
  unitPrice: '',
  discount: '',
  category: 'S',
  rate: '',
  exemptionCode: '',
  exemptionText: '',
  rcmGoodsType: '',
  standardItemId: '',
  itemType: '',
  classificationCode: '',
});

export const emptyAllowanceCharge = (isCharge: boolean): AllowanceChargeDraft => ({
  key: newKey(),
  isCharge,
  amount: '',
  reason: '',
  category: 'S',
  exemptionCode: '',
});

function allowancesChargesOf(draft: InvoiceDetail | undefined): AllowanceChargeDraft[] {
  return (draft?.allowances_charges ?? []).map((ac) => ({
    key: newKey(),
    isCharge: ac.is_charge,
    amount: ac.amount,
    reason: ac.reason ?? ac.reason_code ?? '',
    category: ac.vat_category,
    exemptionCode: ac.exemption_reason_code ?? '',
  }));
}

function linesOf(draft: InvoiceDetail | undefined): LineDraft[] {
  if (draft === undefined || draft.lines.length === 0) return [emptyLine()];
  return draft.lines.map((line) => ({
    ...emptyLine(),
    itemName: line.item_name,
    description: line.description ?? '',
    quantity: line.quantity,
    unitCode: line.unit_code,
    unitPrice: line.unit_price,
    discount: line.discount_amount ?? '',
    category: line.vat_category,
    rate: line.vat_category === 'N' ? (line.vat_rate ?? '') : '',
    exemptionCode: line.exemption_reason_code ?? '',
    exemptionText: line.exemption_reason ?? '',
    itemType: line.item_type ?? '',
    classificationCode: line.classification_code ?? '',
  }));
}

// API field names of a line (lines.<i>.<name>) -> the editor's fields.
const LINE_FIELDS: Record<string, LineField | 'category'> = {
  item_name: 'itemName',
  description: 'description',
  quantity: 'quantity',
  unit_price: 'unitPrice',
  discount_amount: 'discount',
  vat_rate: 'rate',
  vat_category: 'category',
  exemption_reason_code: 'exemptionCode',
  rcm_goods_type: 'rcmGoodsType',
  standard_item_id: 'standardItemId',
  item_type: 'itemType',
  classification_code: 'classificationCode',
};

// API field names of an allowance or charge (allowances_charges.<i>.<name>).
const ALLOWANCE_CHARGE_FIELDS: Record<string, AllowanceChargeField> = {
  amount: 'amount',
  reason: 'reason',
  reason_code: 'reason',
  vat_category: 'category',
  vat_rate: 'category',
  exemption_reason_code: 'exemptionCode',
};

const HEADER_FIELDS = [
  'customer_id',
  'issue_date',
  'due_date',
  'supply_date',
  'currency',
  'exchange_rate',
  'payment_means.account_id',
  'payment_means.code',
  'type_code',
] as const;
type HeaderField = (typeof HEADER_FIELDS)[number];

type ServerErrors = {
  header: Partial<Record<HeaderField, string>>;
  lines: Partial<Record<LineField | 'category', string>>[];
  allowancesCharges: Partial<Record<AllowanceChargeField, string>>[];
  other: FieldProblem[];
};

/** Sorts the problems of a 422 onto the fields they name ("lines.2.quantity", "due_date"). */
export function sortServerErrors(
  problems: FieldProblem[],
  lineCount: number,
  allowanceChargeCount = 0,
): ServerErrors {
  const result: ServerErrors = {
    header: {},
    lines: Array.from({ length: lineCount }, () => ({})),
    allowancesCharges: Array.from({ length: allowanceChargeCount }, () => ({})),
    other: [],
  };
  for (const problem of problems) {
    const match = /^lines\.(\d+)\.(\w+)$/.exec(problem.field);
    const text = problem.rule_id ? `[${problem.rule_id}] ${problem.message}` : problem.message;
    if (match) {
      const field = LINE_FIELDS[match[2] ?? ''];
      const line = result.lines[Number(match[1])];
      if (field !== undefined && line !== undefined) {
        line[field] = text;
        continue;
      }
    }
    const acMatch = /^allowances_charges\.(\d+)\.(\w+)$/.exec(problem.field);
    if (acMatch) {
      const field = ALLOWANCE_CHARGE_FIELDS[acMatch[2] ?? ''];
      const entry = result.allowancesCharges[Number(acMatch[1])];
      if (field !== undefined && entry !== undefined) {
        entry[field] = text;
        continue;
      }
    }
    if ((HEADER_FIELDS as readonly string[]).includes(problem.field)) {
      result.header[problem.field as HeaderField] = text;
      continue;
    }
    result.other.push(problem);
  }
  return result;
}

export function InvoiceForm({ draft, renderCustomerField, onSaved, onCancel }: InvoiceFormProps) {
  const { t } = useTranslation();
  const today = todayInUae();
  const [customerId, setCustomerId] = useState<string | null>(draft?.customer_id ?? null);
  const [selfBilling, setSelfBilling] = useState(draft?.self_billing ?? false);
  const [typeCode, setTypeCode] = useState<'380' | '480'>(
    draft?.type_code === '480' ? '480' : '380',
  );
  const [issueDate, setIssueDate] = useState(draft?.issue_date ?? today);
  const [dueDate, setDueDate] = useState(draft?.due_date ?? addDays(today, 30));
  const [supplyDate, setSupplyDate] = useState(draft?.supply_date ?? '');
  const [currency, setCurrency] = useState(draft?.currency ?? AED);
  const [exchangeRate, setExchangeRate] = useState(draft?.exchange_rate ?? '');
  const [paymentCode, setPaymentCode] = useState(draft?.payment_means.code ?? '30');
  const [iban, setIban] = useState(draft?.payment_means.account_id ?? '');
  const [reference, setReference] = useState(draft?.purchase_order_reference ?? '');
  const [note, setNote] = useState(draft?.notes[0] ?? '');
  const [lines, setLines] = useState<LineDraft[]>(() => linesOf(draft));
  const [allowancesCharges, setAllowancesCharges] = useState<AllowanceChargeDraft[]>(() =>
    allowancesChargesOf(draft),
  );
  const [submitted, setSubmitted] = useState(false);
  const create = useCreateInvoice();
  const update = useUpdateInvoice();
  const save = draft ? update : create;

  const totals = useMemo(
    () => formTotals(lines, currency, exchangeRate, allowancesCharges),
    [lines, currency, exchangeRate, allowancesCharges],
  );
  const lineErrors = lines.map(checkLine);
  const acErrors = allowancesCharges.map(checkAllowanceCharge);
  const rateError = checkExchangeRate(currency, exchangeRate);
  const server = sortServerErrors(
    fieldProblems(save.error),
    lines.length,
    allowancesCharges.length,
  );
  const hasOwnErrors = [...lineErrors, ...acErrors].some((e) => Object.keys(e).length > 0);

  const header = (field: HeaderField, own: string | null | undefined) =>
    server.header[field] ?? (submitted && own ? own : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const valid = customerId !== null && issueDate !== '' && rateError === null && !hasOwnErrors;
    if (!valid || customerId === null) return;
    const body: InvoiceInput = {
      customer_id: customerId,
      type_code: typeCode,
      self_billing: selfBilling,
      issue_date: issueDate,
      due_date: dueDate || null,
      supply_date: supplyDate || null,
      currency,
      exchange_rate: currency === AED ? null : exchangeRate.trim(),
      // Left out when untouched, so the company's default payment means (and IBAN) apply.
      ...(paymentCode !== '30' || iban.trim() !== ''
        ? { payment_means: { code: paymentCode, account_id: iban.trim() || null } }
        : {}),
      purchase_order_reference: reference.trim() || null,
      notes: note.trim() ? [note.trim()] : [],
      lines: lines.map((line) => ({
        item_name: line.itemName.trim(),
        description: line.description.trim() || null,
        quantity: line.quantity.trim(),
        unit_code: line.unitCode,
        unit_price: line.unitPrice.trim(),
        discount_amount: line.discount.trim() || null,
        vat_category: line.category,
        // Only N takes a typed rate; the API fixes the others from the category.
        vat_rate: line.category === 'N' ? lineRate(line) : null,
        exemption_reason_code: line.exemptionCode || null,
        exemption_reason: line.exemptionText.trim() || null,
        item_type: line.itemType || null,
        classification_code: line.classificationCode.trim() || null,
        ...(line.category === 'AE'
          ? { rcm_goods_type: line.rcmGoodsType, standard_item_id: line.standardItemId.trim() }
          : {}),
      })),
      allowances_charges: allowancesCharges.map((ac) => ({
        is_charge: ac.isCharge,
        amount: ac.amount.trim(),
        reason: ac.reason.trim(),
        vat_category: ac.category,
        // The API fixes the rate from the category; O carries none.
        vat_rate: allowanceChargeRate(ac.category),
        exemption_reason_code: ac.exemptionCode || null,
      })),
    };
    if (draft) update.mutate({ id: draft.id, ...body }, { onSuccess: onSaved });
    else create.mutate(body, { onSuccess: onSaved });
  };

  const updateLine = (index: number, line: LineDraft) =>
    setLines((current) => current.map((item, i) => (i === index ? line : item)));

  return (
    <form onSubmit={submit} noValidate data-testid="invoice-form">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t('invoices.form.details')}
                </Title>
                {renderCustomerField({
                  value: customerId,
                  onChange: setCustomerId,
                  error:
                    server.header.customer_id ??
                    (submitted && customerId === null ? t('validation.required') : undefined),
                })}
                <Checkbox
                  label={t('invoices.form.selfBilling')}
                  description={t('invoices.form.selfBillingHint')}
                  checked={selfBilling}
                  onChange={(e) => setSelfBilling(e.currentTarget.checked)}
                />
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <NativeSelect
                    label={t('invoices.form.typeCode')}
                    value={typeCode}
                    onChange={(e) => setTypeCode(e.currentTarget.value === '480' ? '480' : '380')}
                    data={[
                      { value: '380', label: t('invoices.typeCodes.380') },
                      { value: '480', label: t('invoices.typeCodes.480') },
                    ]}
                    error={server.header.type_code}
                  />
                  <TextInput
                    type="date"
                    label={t('invoices.form.issueDate')}
                    value={issueDate}
                    onChange={(e) => setIssueDate(e.currentTarget.value)}
                    required
                    error={header('issue_date', issueDate === '' ? t('validation.required') : null)}
                  />
                  <TextInput
                    type="date"
                    label={t('invoices.form.dueDate')}
                    value={dueDate}
                    onChange={(e) => setDueDate(e.currentTarget.value)}
                    error={header('due_date', null)}
                  />
                </SimpleGrid>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <TextInput
                    type="date"
                    label={t('invoices.form.supplyDate')}
                    description={t('invoices.form.supplyDateHint')}
                    value={supplyDate}
                    onChange={(e) => setSupplyDate(e.currentTarget.value)}
                    error={header('supply_date', null)}
                  />
                  <NativeSelect
                    label={t('invoices.form.currency')}
                    value={currency}
                    onChange={(e) => setCurrency(e.currentTarget.value)}
                    data={CURRENCIES}
                    error={header('currency', null)}
                  />
                  {currency !== AED && (
                    <TextInput
                      label={t('invoices.form.exchangeRate', { currency })}
                      description={t('invoices.form.exchangeRateHint')}
                      value={exchangeRate}
                      onChange={(e) => setExchangeRate(e.currentTarget.value)}
                      inputMode="decimal"
                      dir="ltr"
                      required
                      error={header(
                        'exchange_rate',
                        rateError ? t(`invoices.errors.${rateError}`) : null,
                      )}
                    />
                  )}
                </SimpleGrid>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <NativeSelect
                    label={t('invoices.form.paymentMeans')}
                    value={paymentCode}
                    onChange={(e) => setPaymentCode(e.currentTarget.value)}
                    data={PAYMENT_MEANS.map((means) => ({
                      value: means.code,
                      label: t(`invoices.paymentMeans.${means.code as '30'}`),
                    }))}
                    error={server.header['payment_means.code']}
                  />
                  <TextInput
                    label={t('invoices.form.iban')}
                    description={t('invoices.form.ibanHint')}
                    value={iban}
                    onChange={(e) => setIban(e.currentTarget.value)}
                    dir="ltr"
                    error={server.header['payment_means.account_id']}
                  />
                  <TextInput
                    label={t('invoices.form.poReference')}
                    value={reference}
                    onChange={(e) => setReference(e.currentTarget.value)}
                  />
                </SimpleGrid>
                <Textarea
                  label={t('invoices.form.note')}
                  value={note}
                  onChange={(e) => setNote(e.currentTarget.value)}
                  autosize
                  minRows={1}
                />
              </Stack>
            </Paper>
            <Group justify="space-between">
              <Title order={2} size="h4">
                {t('invoices.form.lines')}
              </Title>
            </Group>
            {lines.map((line, index) => (
              <LineEditor
                key={line.key}
                index={index}
                line={line}
                errors={lineErrors[index] ?? {}}
                serverErrors={server.lines[index] ?? {}}
                showErrors={submitted}
                amounts={totals?.lines[index] ?? null}
                currency={currency}
                canRemove={lines.length > 1}
                onChange={(next) => updateLine(index, next)}
                onRemove={() => setLines((current) => current.filter((_, i) => i !== index))}
              />
            ))}
            <Button
              variant="light"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setLines((current) => [...current, emptyLine()])}
              w="fit-content"
              data-testid="add-line"
            >
              {t('invoices.form.addLine')}
            </Button>
            <Title order={2} size="h4">
              {t('invoices.form.allowancesCharges')}
            </Title>
            {allowancesCharges.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('invoices.form.allowancesChargesHint')}
              </Text>
            )}
            {allowancesCharges.map((ac, index) => (
              <AllowanceChargeEditor
                key={ac.key}
                index={index}
                value={ac}
                errors={acErrors[index] ?? {}}
                serverErrors={server.allowancesCharges[index] ?? {}}
                showErrors={submitted}
                onChange={(next) =>
                  setAllowancesCharges((current) =>
                    current.map((item, i) => (i === index ? next : item)),
                  )
                }
                onRemove={() =>
                  setAllowancesCharges((current) => current.filter((_, i) => i !== index))
                }
              />
            ))}
            <Group gap="xs">
              {[false, true].map((isCharge) => (
                <Button
                  key={String(isCharge)}
                  variant="light"
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() =>
                    setAllowancesCharges((current) => [...current, emptyAllowanceCharge(isCharge)])
                  }
                  data-testid={isCharge ? 'add-charge' : 'add-allowance'}
                >
                  {isCharge ? t('invoices.form.addCharge') : t('invoices.form.addAllowance')}
                </Button>
              ))}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md" pos="sticky" top={76}>
            <TotalsPanel
              source="live"
              currency={currency}
              totals={
                totals && {
                  ...totals,
                  tax_amount_aed: totals.tax_amount_in_tax_currency,
                  tax_inclusive_amount_aed: totals.tax_inclusive_amount_in_tax_currency,
                }
              }
            />
            {save.isError && (
              <ApiErrorAlert error={save.error} withDetails={server.other.length > 0} />
            )}
            {submitted && !save.isPending && !save.isError && hasOwnErrors && (
              <Alert color="red" variant="light" role="alert">
                {t('invoices.form.fixErrors')}
              </Alert>
            )}
            <Group grow>
              <Button variant="default" onClick={onCancel}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="save-invoice">
                {draft ? t('invoices.form.saveDraft') : t('invoices.form.createDraft')}
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
      </Grid>
    </form>
  );
}
