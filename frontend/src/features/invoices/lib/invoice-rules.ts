/**
 * The per-line rules the API checks on a draft (src/involinks/invoicing/schemas.py), applied while
 * the user types so most mistakes never reach the server. Categories and codes come from the
 * official PINT AE code lists (code-lists.json); the rules per category from invoicing/codes.py:
 *
 * - S is always 5.00 % (ibr-190-ae), Z 0 %, AE 5 % on lines; E and O carry no rate (ibr-121-ae,
 *   aligned-ibrp-o-05); N needs a rate above 0 (ibr-111-ae);
 * - E needs an exemption reason code (ibr-167-ae … ibr-169-ae); only E and O may give a reason;
 * - AE (reverse charge) names the goods type and the item's standard identifier (ibr-166-ae,
 *   ibr-174-ae);
 * - amounts fit the storage columns: quantity and price 6 decimals, money 2, exchange rate 6
 *   (ibr-002-ae); a foreign currency needs its rate to AED (ibr-159-ae).
 */
import codeLists from './code-lists.json';
import { compare, decimalPlaces, isDecimalText, parseDecimal, ZERO } from './decimal';
import {
  type AllowanceChargeInput,
  type DocumentTotals,
  type LineInput,
  computeTotals,
  discountExceedsLine,
} from './totals';

export type VatCategory = (typeof codeLists.vat_categories)[number];

export const VAT_CATEGORIES: readonly VatCategory[] = codeLists.vat_categories;
export const EXEMPTION_REASONS = codeLists.exemption_reasons;
export const CREDIT_REASONS = codeLists.credit_reasons;
export const CURRENCIES: readonly string[] = codeLists.currencies;
export const PAYMENT_MEANS = codeLists.payment_means;
export const RCM_GOODS_TYPES = codeLists.rcm_goods_types;
export const UNITS = codeLists.units;
export const AED = 'AED';

export function vatCategory(code: string): VatCategory | undefined {
  return VAT_CATEGORIES.find((category) => category.code === code);
}

/** What the user fills in for one line (all text, as typed). */
export type LineDraft = {
  key: string;
  itemName: string;
  description: string;
  quantity: string;
  unitCode: string;
  unitPrice: string;
  discount: string;
  category: string;
  /** Only for N, whose rate is not fixed by the category. */
  rate: string;
  exemptionCode: string;
  exemptionText: string;
  rcmGoodsType: string;
  standardItemId: string;
  /** BTAE-13: G goods, S services, B both ('' = not given). */
  itemType: string;
  /** IBT-158: the item's HS code ('' = not given). */
  classificationCode: string;
};

/** A document-level allowance or charge as the user fills it in (all text, as typed). */
export type AllowanceChargeDraft = {
  key: string;
  isCharge: boolean;
  amount: string;
  reason: string;
  category: string;
  exemptionCode: string;
};

export type AllowanceChargeField = 'amount' | 'reason' | 'category' | 'exemptionCode';

/** Categories an allowance or charge on the whole document may use (not N: ibr-114/115-ae). */
export const DOCUMENT_LEVEL_CATEGORIES: readonly VatCategory[] = VAT_CATEGORIES.filter(
  (category) => category.allowed_at_document_level,
);

/** The rate a document-level allowance or charge carries: fixed by its category. */
export function allowanceChargeRate(category: string): string | null {
  return vatCategory(category)?.document_level_rate ?? null;
}

export function checkAllowanceCharge(
  ac: AllowanceChargeDraft,
): Partial<Record<AllowanceChargeField, RuleError>> {
  const errors: Partial<Record<AllowanceChargeField, RuleError>> = {};
  const amount = checkDecimal(ac.amount, { places: 2, positive: false, required: true });
  if (amount) errors.amount = amount;
  // ibr-033 / ibr-038: a reason (text or code) is required.
  if (ac.reason.trim() === '') errors.reason = 'required';
  const category = vatCategory(ac.category);
  if (category === undefined || !category.allowed_at_document_level) errors.category = 'required';
  else if (category.exemption_reason_required && ac.exemptionCode === '') {
    errors.exemptionCode = 'exemptionRequired';
  }
  return errors;
}

export type LineField =
  | 'itemName'
  | 'description'
  | 'quantity'
  | 'unitPrice'
  | 'discount'
  | 'rate'
  | 'exemptionCode'
  | 'rcmGoodsType'
  | 'standardItemId'
  | 'itemType'
  | 'classificationCode';

/** i18n keys under invoices.errors. */
export type RuleError =
  | 'required'
  | 'notDecimal'
  | 'tooManyDecimals'
  | 'mustBePositive'
  | 'mustNotBeNegative'
  | 'discountTooLarge'
  | 'rateRequired'
  | 'exemptionRequired'
  | 'rcmGoodsTypeRequired'
  | 'gtinRequired';

type DecimalRule = { places: number; positive: boolean; required: boolean };

/** Checks typed decimal text: a number, not too many decimals, and > 0 or >= 0. */
export function checkDecimal(text: string, rule: DecimalRule): RuleError | null {
  const value = text.trim();
  if (value === '') return rule.required ? 'required' : null;
  if (!isDecimalText(value) || value.startsWith('+')) return 'notDecimal';
  if (decimalPlaces(value) > rule.places) return 'tooManyDecimals';
  const sign = compare(parseDecimal(value), ZERO);
  if (rule.positive && sign <= 0) return 'mustBePositive';
  if (sign < 0) return 'mustNotBeNegative';
  return null;
}

/** The VAT rate a line gets: fixed by its category, or the one typed (N); null for E and O. */
export function lineRate(line: Pick<LineDraft, 'category' | 'rate'>): string | null {
  const category = vatCategory(line.category);
  if (category === undefined) return null;
  if (category.line_rate !== null) return category.line_rate;
  return category.rate_required ? line.rate.trim() || null : null;
}

export function checkLine(line: LineDraft): Partial<Record<LineField, RuleError>> {
  const errors: Partial<Record<LineField, RuleError>> = {};
  if (line.itemName.trim() === '') errors.itemName = 'required';
  const quantity = checkDecimal(line.quantity, { places: 6, positive: true, required: true });
  if (quantity) errors.quantity = quantity;
  const price = checkDecimal(line.unitPrice, { places: 6, positive: false, required: true });
  if (price) errors.unitPrice = price;
  const discount = checkDecimal(line.discount, { places: 2, positive: false, required: false });
  if (discount) errors.discount = discount;
  else if (
    !quantity &&
    !price &&
    line.discount.trim() !== '' &&
    discountExceedsLine(line.quantity, line.unitPrice, line.discount)
  ) {
    errors.discount = 'discountTooLarge';
  }
  const category = vatCategory(line.category);
  if (category?.line_rate === null && category.rate_required) {
    const rate = checkDecimal(line.rate, { places: 6, positive: true, required: true });
    if (rate) errors.rate = rate === 'required' ? 'rateRequired' : rate;
  }
  if (category?.exemption_reason_required && line.exemptionCode === '') {
    errors.exemptionCode = 'exemptionRequired';
  }
  if (line.category === 'AE') {
    if (line.rcmGoodsType === '') errors.rcmGoodsType = 'rcmGoodsTypeRequired';
    if (line.standardItemId.trim() === '') errors.standardItemId = 'gtinRequired';
  }
  return errors;
}

export function checkExchangeRate(currency: string, rate: string): RuleError | null {
  if (currency === AED) return null;
  return checkDecimal(rate, { places: 6, positive: true, required: true });
}

/**
 * The live totals of the form, computed as the API's drafting.apply_totals does: the line
 * discount is a line allowance, and the AED figures use the exchange rate (1 for AED). Null while
 * a line or the rate cannot be read yet.
 */
export function formTotals(
  lines: readonly LineDraft[],
  currency: string,
  exchangeRate: string,
  allowancesCharges: readonly AllowanceChargeDraft[] = [],
): DocumentTotals | null {
  const inputs: LineInput[] = [];
  for (const line of lines) {
    const errors = checkLine(line);
    if (errors.quantity || errors.unitPrice || errors.discount || errors.rate) return null;
    if (vatCategory(line.category) === undefined) return null;
    const discount = line.discount.trim();
    inputs.push({
      quantity: line.quantity.trim(),
      net_price: line.unitPrice.trim(),
      category: line.category,
      rate: lineRate(line),
      allowances: discount !== '' && compare(parseDecimal(discount), ZERO) !== 0 ? [discount] : [],
    });
  }
  if (checkExchangeRate(currency, exchangeRate) !== null) return null;
  const documentLevel: AllowanceChargeInput[] = [];
  for (const ac of allowancesCharges) {
    const errors = checkAllowanceCharge(ac);
    if (errors.amount || errors.category) return null;
    documentLevel.push({
      charge: ac.isCharge,
      amount: ac.amount.trim(),
      category: ac.category,
      rate: allowanceChargeRate(ac.category),
    });
  }
  return computeTotals(inputs, documentLevel, {
    exchange_rate: currency === AED ? '1' : exchangeRate.trim(),
  });
}
