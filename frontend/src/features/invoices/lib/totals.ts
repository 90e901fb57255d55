/**
 * VAT and document totals of a PINT AE invoice, ported from the API's
 * src/involinks/invoicing/totals.py so the form shows, while the user types, the very figures the
 * server will store (to the fils). Same rules, same order of rounding:
 *
 * - line net amount (IBT-131, ibr-147-ae): quantity × price / base quantity + charges − allowances,
 *   rounded with XPath `round(x * 100) div 100` (a tie goes towards +infinity);
 * - VAT breakdown (IBG-23) per category and rate (S, N) or per category only (E, Z, O, AE), taxable
 *   amount = Σ rounded line nets ± document allowances/charges; VAT rounded ONCE per breakdown
 *   (aligned-ibrp-s-09), never the sum of rounded line VAT; Z, E, O, AE and N carry 0 VAT;
 *   E and O carry no rate (ibr-119-ae);
 * - document totals ibr-co-10 … ibr-co-16; amounts in AED = document totals × exchange rate,
 *   rounded half-up (ibr-053, ibr-175-ae);
 * - per line, VAT (BTAE-08) and amount with VAT (BTAE-10) from the unrounded net, rounded once.
 *
 * All arithmetic is exact (decimal.ts); values go in and come out as decimal strings.
 */
import {
  type Decimal,
  HUNDRED,
  ZERO,
  abs,
  add,
  compare,
  div,
  isNegative,
  mul,
  neg,
  parseDecimal,
  roundAmount,
  roundHalfUp,
  sub,
  sum,
  toFixed,
  toPlainString,
} from './decimal';

/** Categories whose breakdown VAT must be 0 (VAT is not charged on this invoice). */
export const ZERO_VAT_CATEGORIES: ReadonlySet<string> = new Set(['Z', 'E', 'O', 'AE', 'N']);
const NO_RATE_CATEGORIES: ReadonlySet<string> = new Set(['E', 'O']);
const CATEGORY_ONLY_GROUPS: ReadonlySet<string> = new Set(['E', 'Z', 'O', 'AE']);
const NO_LINE_VAT_CATEGORIES: ReadonlySet<string> = new Set(['E']);

export type LineInput = {
  quantity: string;
  net_price: string;
  category: string;
  /** null for E and O */
  rate: string | null;
  base_quantity?: string;
  allowances?: readonly string[];
  charges?: readonly string[];
};

export type AllowanceChargeInput = {
  charge: boolean;
  amount: string;
  category: string;
  rate: string | null;
};

export type LineAmounts = {
  net_amount: string;
  /** null for exempt (E) lines */
  vat_amount: string | null;
  amount_with_vat: string;
};

export type VatBreakdown = {
  category: string;
  rate: string | null;
  taxable_amount: string;
  tax_amount: string;
};

export type DocumentTotals = {
  lines: LineAmounts[];
  breakdown: VatBreakdown[];
  line_extension_amount: string;
  allowance_total_amount: string;
  charge_total_amount: string;
  tax_exclusive_amount: string;
  tax_amount: string;
  tax_inclusive_amount: string;
  prepaid_amount: string;
  payable_rounding_amount: string;
  payable_amount: string;
  tax_amount_in_tax_currency: string | null;
  tax_inclusive_amount_in_tax_currency: string | null;
};

export type TotalsOptions = {
  prepaid_amount?: string;
  payable_rounding_amount?: string;
  /** AED per unit of the document currency (BTAE-04); gives the AED amounts. */
  exchange_rate?: string | null;
};

const money = (value: Decimal): string => toFixed(value, 2);

/** VAT on `base` rounded once, with the sign of `base` (aligned-ibrp-s-09 uses abs). */
function vat(base: Decimal, rate: Decimal): Decimal {
  const amount = roundAmount(div(mul(abs(base), rate), HUNDRED));
  return isNegative(base) ? neg(amount) : amount;
}

function lineNetExact(line: LineInput): Decimal {
  const baseQuantity = parseDecimal(line.base_quantity ?? '1');
  const gross = div(mul(parseDecimal(line.quantity), parseDecimal(line.net_price)), baseQuantity);
  const charges = sum((line.charges ?? []).map(parseDecimal));
  const allowances = sum((line.allowances ?? []).map(parseDecimal));
  return sub(add(gross, charges), allowances);
}

type ComputedLine = { net: Decimal; amounts: LineAmounts };

function computeLineExact(line: LineInput): ComputedLine {
  const exact = lineNetExact(line);
  const net = roundAmount(exact);
  if (NO_LINE_VAT_CATEGORIES.has(line.category)) {
    return {
      net,
      amounts: { net_amount: money(net), vat_amount: null, amount_with_vat: money(net) },
    };
  }
  if (ZERO_VAT_CATEGORIES.has(line.category) || line.rate === null) {
    return {
      net,
      amounts: { net_amount: money(net), vat_amount: money(ZERO), amount_with_vat: money(net) },
    };
  }
  const rate = parseDecimal(line.rate);
  const exactVat = div(mul(exact, rate), HUNDRED);
  return {
    net,
    amounts: {
      net_amount: money(net),
      vat_amount: money(vat(exact, rate)),
      amount_with_vat: money(roundHalfUp(add(exact, exactVat))),
    },
  };
}

/** Line net amount (ibr-147-ae), VAT line amount (BTAE-08) and amount with VAT (BTAE-10). */
export function computeLine(line: LineInput): LineAmounts {
  return computeLineExact(line).amounts;
}

function groupKey(category: string, rate: string | null): string {
  if (CATEGORY_ONLY_GROUPS.has(category)) return `${category}|`;
  // Equal rates written differently ("5" and "5.00") are one group, as Decimal keys are in Python.
  return `${category}|${toPlainString(rate === null ? ZERO : parseDecimal(rate))}`;
}

type Group = { category: string; rate: string | null; taxable: Decimal };

/** Line amounts, the VAT breakdown (in order of first appearance) and the document totals. */
export function computeTotals(
  lines: readonly LineInput[],
  allowancesCharges: readonly AllowanceChargeInput[] = [],
  options: TotalsOptions = {},
): DocumentTotals {
  const computed = lines.map(computeLineExact);
  const groups = new Map<string, Group>();
  const addToGroup = (category: string, rate: string | null, amount: Decimal) => {
    const key = groupKey(category, rate);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { category, rate, taxable: amount });
    else group.taxable = add(group.taxable, amount);
  };
  lines.forEach((line, index) => addToGroup(line.category, line.rate, computed[index]!.net));
  for (const ac of allowancesCharges) {
    const amount = parseDecimal(ac.amount);
    addToGroup(ac.category, ac.rate, ac.charge ? amount : neg(amount));
  }

  const breakdown = [...groups.values()].map((group) => {
    const base = roundAmount(group.taxable);
    const rate = NO_RATE_CATEGORIES.has(group.category) ? null : group.rate;
    const tax =
      ZERO_VAT_CATEGORIES.has(group.category) || rate === null
        ? roundAmount(ZERO)
        : vat(base, parseDecimal(rate));
    return { category: group.category, rate, base, tax };
  });

  const acAmounts = (charge: boolean) =>
    allowancesCharges.filter((ac) => ac.charge === charge).map((ac) => parseDecimal(ac.amount));
  const lineExtension = roundAmount(sum(computed.map((line) => line.net)));
  const allowanceTotal = roundAmount(sum(acAmounts(false)));
  const chargeTotal = roundAmount(sum(acAmounts(true)));
  const taxExclusive = roundAmount(add(sub(lineExtension, allowanceTotal), chargeTotal));
  const taxAmount = roundAmount(sum(breakdown.map((entry) => entry.tax)));
  const taxInclusive = roundAmount(add(taxExclusive, taxAmount));
  const prepaid = roundAmount(parseDecimal(options.prepaid_amount ?? '0'));
  const rounding = roundAmount(parseDecimal(options.payable_rounding_amount ?? '0'));
  const payable = roundAmount(add(sub(taxInclusive, prepaid), rounding));

  const exchangeRate =
    options.exchange_rate === null || options.exchange_rate === undefined
      ? null
      : parseDecimal(options.exchange_rate);

  return {
    lines: computed.map((line) => line.amounts),
    breakdown: breakdown.map((entry) => ({
      category: entry.category,
      rate: entry.rate,
      taxable_amount: money(entry.base),
      tax_amount: money(entry.tax),
    })),
    line_extension_amount: money(lineExtension),
    allowance_total_amount: money(allowanceTotal),
    charge_total_amount: money(chargeTotal),
    tax_exclusive_amount: money(taxExclusive),
    tax_amount: money(taxAmount),
    tax_inclusive_amount: money(taxInclusive),
    prepaid_amount: money(prepaid),
    payable_rounding_amount: money(rounding),
    payable_amount: money(payable),
    tax_amount_in_tax_currency:
      exchangeRate === null ? null : money(roundHalfUp(mul(taxAmount, exchangeRate))),
    tax_inclusive_amount_in_tax_currency:
      exchangeRate === null ? null : money(roundHalfUp(mul(taxInclusive, exchangeRate))),
  };
}

/** Amount of a percentage allowance/charge: base × percentage / 100, 2 decimals (ibr-131-ae). */
export function allowanceChargeAmount(baseAmount: string, percentage: string): string {
  return money(roundAmount(div(mul(parseDecimal(baseAmount), parseDecimal(percentage)), HUNDRED)));
}

/** True when the line's discount is more than its gross amount (the API refuses it). */
export function discountExceedsLine(
  quantity: string,
  unitPrice: string,
  discount: string,
): boolean {
  const net = roundAmount(
    sub(mul(parseDecimal(quantity), parseDecimal(unitPrice)), parseDecimal(discount)),
  );
  return compare(net, ZERO) < 0;
}
