/**
 * Turns the API's match result into what the inward-invoice page shows: per line, which figures
 * differ (to highlight them) and the sentences that explain why, as i18n keys with values. The
 * API's own English reasons stay available beside them; these are for the user's language.
 */
import type { InvoiceMatch, LineFinding, MatchStatus } from '../api/types';
import { fromMicro, toMicro } from './decimal';

/** Interpolation values; `context` is excluded so i18next does not read keys as contexts. */
export type Values = { [name: string]: string } & { context?: undefined };

export type Explanation = {
  key:
    | 'payables.match.why.quantityNotReceived'
    | 'payables.match.why.nothingReceived'
    | 'payables.match.why.alreadyInvoiced'
    | 'payables.match.why.priceHigher'
    | 'payables.match.why.priceLower'
    | 'payables.match.why.amount'
    | 'payables.match.why.clean';
  /** What the figures in `values` are (percent excepted), so they are shown as such. */
  figures: 'quantity' | 'price' | 'amount' | 'none';
  values: Values;
};

export type LineView = {
  finding: LineFinding;
  /** Invoiced more than the received, not yet invoiced quantity. */
  quantityDiffers: boolean;
  priceDiffers: boolean;
  amountDiffers: boolean;
  explanations: Explanation[];
};

const isZero = (value: string | null) => value === null || (toMicro(value) ?? 0n) === 0n;

const sign = (value: string) => ((toMicro(value) ?? 0n) > 0n ? `+${value}` : value);

/** Percent of `part` in `whole`, 2 decimals, or null for a zero whole. */
export function percentOf(part: string, whole: string): string | null {
  const p = toMicro(part);
  const w = toMicro(whole);
  if (p === null || w === null || w === 0n) return null;
  // hundredths of a percent, rounded half away from zero
  const scaled = p * 10000n * 2n;
  const q = (scaled / w + (scaled % w === 0n ? 0n : scaled > 0n === w > 0n ? 1n : -1n)) / 2n;
  return fromMicro(q * 10n ** 4n);
}

export function explainLine(finding: LineFinding): LineView {
  const explanations: Explanation[] = [];
  const quantityDiffers = !isZero(finding.quantity_variance);
  if (quantityDiffers) {
    const values = {
      invoiced: finding.invoiced_quantity,
      available: finding.available_quantity,
      ordered: finding.ordered_quantity,
      received: finding.received_quantity,
      invoicedBefore: finding.previously_invoiced_quantity,
      over: finding.quantity_variance,
    };
    if (!isZero(finding.previously_invoiced_quantity) && isZero(finding.available_quantity)) {
      explanations.push({ key: 'payables.match.why.alreadyInvoiced', figures: 'quantity', values });
    } else if (isZero(finding.received_quantity)) {
      explanations.push({ key: 'payables.match.why.nothingReceived', figures: 'quantity', values });
    } else {
      explanations.push({
        key: 'payables.match.why.quantityNotReceived',
        figures: 'quantity',
        values,
      });
    }
  }
  const priceDiffers = !isZero(finding.price_variance);
  if (priceDiffers && finding.price_variance !== null) {
    const higher = (toMicro(finding.price_variance) ?? 0n) > 0n;
    explanations.push({
      key: higher ? 'payables.match.why.priceHigher' : 'payables.match.why.priceLower',
      figures: 'price',
      values: {
        invoiced: finding.invoiced_unit_price,
        ordered: finding.ordered_unit_price,
        percent:
          percentOf(finding.price_variance, finding.ordered_unit_price)?.replace(/^-/, '') ?? '—',
      },
    });
  }
  const amountDiffers = !isZero(finding.amount_variance);
  if (amountDiffers && finding.amount_variance !== null) {
    explanations.push({
      key: 'payables.match.why.amount',
      figures: 'amount',
      values: {
        invoiced: finding.invoiced_amount,
        expected: finding.expected_amount,
        difference: sign(finding.amount_variance),
      },
    });
  }
  if (explanations.length === 0 && finding.is_clean) {
    explanations.push({ key: 'payables.match.why.clean', figures: 'none', values: {} });
  }
  return { finding, quantityDiffers, priceDiffers, amountDiffers, explanations };
}

export type MatchSummary = {
  status: MatchStatus;
  key:
    | 'payables.match.summary.FULL_MATCH'
    | 'payables.match.summary.VARIANCE_DETECTED'
    | 'payables.match.summary.PARTIAL_MATCH'
    | 'payables.match.summary.NOT_MATCHED'
    | 'payables.match.summary.notComparable';
  values: Values;
  /** Lines that differ from the order or the receipts. */
  differingLines: number;
};

/** One sentence for the whole match: invoiced vs expected, and the tolerance it was held to. */
export function summarizeMatch(match: InvoiceMatch): MatchSummary {
  const differingLines =
    match.lines.filter((line) => !line.is_clean).length + match.unmatched_invoice_lines.length;
  const values = {
    invoiced: match.invoiced_net,
    expected: match.expected_net,
    variance: match.variance_amount ?? '—',
    percent: match.variance_percent ?? '—',
    tolerance: match.tolerances.variance_percent,
    fullMatch: match.tolerances.full_match_amount,
    order: match.order_number ?? '—',
    lines: String(differingLines),
  };
  const comparable = match.status === 'NOT_MATCHED' || match.variance_amount !== null;
  return {
    status: match.status,
    key: comparable
      ? `payables.match.summary.${match.status}`
      : 'payables.match.summary.notComparable',
    values,
    differingLines,
  };
}
