"""Pure 3-way matching of a supplier (inward) invoice against a purchase order and its receipts.

No database, no web framework: frozen dataclasses in, a `MatchResult` out. The caller loads the
purchase order, its goods receipts and the quantities that earlier matched invoices already
consumed, calls `match_invoice_to_po`, shows the result, and on acceptance stores
`MatchResult.consumption` so the same received quantity can never be matched twice.

Definitions (architecture seed, section 4.2, pattern 2):

* accepted quantity of a PO line = sum over its receipts of (received - rejected).
* open quantity = max(0, min(ordered, accepted) - previously invoiced). Goods received beyond the
  ordered quantity are not payable against this PO.
* Line pairing, strongest rule first, over all invoice lines: (1) the invoice line's order line
  reference (PINT AE BT-132) equals a PO line id; (2) same item code; (3) same normalized item
  name (`normalize_item_name`); (4) last resort, same position, if no other invoice line took
  that PO line. Several invoice lines may pair with one PO line (split lines); they draw on its
  open quantity in invoice line order.
* matched quantity of an invoice line = max(0, min(invoiced quantity, open quantity left)).
  quantity variance = invoiced - matched (> 0 means invoiced but not received, or already paid).
* expected line net = round(matched quantity x ordered unit price).
  expected net = sum of expected line nets. Unpaired invoice lines expect nothing.
* invoiced net = the invoice header net total (total without VAT, BT-109), so document-level
  allowances and charges and unpaired lines count too.
* variance = |invoiced net - expected net|; variance percent = variance / expected net x 100.
* expected VAT = sum over the PO lines' (category, rate) groups of round(group expected net x
  rate / 100), the PINT AE way of computing VAT per category.

Classification (tolerances are per company, `MatchTolerances`; the amount is in the documents'
currency, AED in the seed):

* NOT_MATCHED: no purchase order, or one of another supplier (TRN differs).
* FULL_MATCH: variance < full_match_amount (0.01), and every paired line is clean (no quantity
  variance, line amount variance < full_match_amount, same VAT when the invoice line states it),
  no unpaired invoice line, and |invoiced VAT - expected VAT| < full_match_amount. Differences that
  cancel out in the total, or that sit only in the VAT, are never a full match.
* VARIANCE_DETECTED: otherwise, variance x 100 < variance_percent (5) x expected net.
* PARTIAL_MATCH: otherwise (variance >= 5 %, or nothing expected but something invoiced), and
  whenever the invoice currency differs from the PO currency (amounts cannot be compared).

Rounding: ROUND_HALF_UP to 2 decimals, only at these points: invoice amounts as read, each
expected line net, each expected VAT group, and the reported percentages. Quantities and unit
prices are never rounded; the classification compares exact values (no division).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Quantity (18,6) x unit price (20,6) fits comfortably; the default 28 digits might not.
_PRECISION = 60


class MatchStatus(StrEnum):
    FULL_MATCH = "FULL_MATCH"
    VARIANCE_DETECTED = "VARIANCE_DETECTED"
    PARTIAL_MATCH = "PARTIAL_MATCH"
    NOT_MATCHED = "NOT_MATCHED"


class PairingMethod(StrEnum):
    ORDER_LINE_REFERENCE = "order_line_reference"
    ITEM_CODE = "item_code"
    ITEM_NAME = "item_name"
    POSITION = "position"


class MatchingInputError(ValueError):
    """The purchase order, receipts or consumed quantities contradict each other."""


@dataclass(frozen=True)
class MatchTolerances:
    full_match_amount: Decimal = Decimal("0.01")
    variance_percent: Decimal = Decimal("5")

    def __post_init__(self) -> None:
        if self.full_match_amount < 0 or self.variance_percent < 0:
            raise ValueError("tolerances must not be negative")


DEFAULT_TOLERANCES = MatchTolerances()


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PurchaseOrderLine:
    line_id: str
    item_name: str
    quantity: Decimal
    unit_price: Decimal
    item_code: str | None = None
    vat_category: str = "S"
    vat_rate: Decimal = Decimal("5")


@dataclass(frozen=True)
class PurchaseOrder:
    number: str
    supplier_trn: str
    currency: str
    lines: tuple[PurchaseOrderLine, ...]


@dataclass(frozen=True)
class GoodsReceiptLine:
    order_line_id: str
    quantity_received: Decimal
    quantity_rejected: Decimal = ZERO


@dataclass(frozen=True)
class GoodsReceipt:
    """One delivery (GRN) against one purchase order."""

    number: str
    order_number: str
    lines: tuple[GoodsReceiptLine, ...]


@dataclass(frozen=True)
class PurchaseOrderState:
    """A purchase order with its receipts and what earlier matched invoices already consumed."""

    order: PurchaseOrder
    receipts: tuple[GoodsReceipt, ...] = ()
    # PO line id -> quantity consumed by earlier matches (sum of their `consumption`).
    previously_invoiced: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class InvoiceLine:
    line_id: str
    item_name: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    item_code: str | None = None
    order_line_reference: str | None = None
    vat_category: str | None = None
    vat_rate: Decimal | None = None


@dataclass(frozen=True)
class SupplierInvoice:
    number: str
    supplier_trn: str
    currency: str
    net_total: Decimal
    tax_total: Decimal
    payable_amount: Decimal
    lines: tuple[InvoiceLine, ...]
    order_reference: str | None = None


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class LineFinding:
    """One invoice line compared with the PO line it was paired with."""

    invoice_line_id: str
    order_line_id: str
    pairing: PairingMethod
    item_name: str
    ordered_item_name: str
    ordered_quantity: Decimal
    received_quantity: Decimal
    rejected_quantity: Decimal
    previously_invoiced_quantity: Decimal
    # Open quantity left for this line (after earlier lines of the same invoice drew on it).
    available_quantity: Decimal
    invoiced_quantity: Decimal
    matched_quantity: Decimal
    quantity_variance: Decimal
    ordered_unit_price: Decimal
    invoiced_unit_price: Decimal
    expected_amount: Decimal
    invoiced_amount: Decimal
    # None when the currencies differ.
    price_variance: Decimal | None
    amount_variance: Decimal | None
    is_clean: bool
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "matches the order and the receipts"


@dataclass(frozen=True)
class UnmatchedInvoiceLine:
    invoice_line_id: str
    item_name: str
    quantity: Decimal
    net_amount: Decimal
    reason: str


@dataclass(frozen=True)
class UninvoicedOrderLine:
    order_line_id: str
    item_name: str
    ordered_quantity: Decimal
    accepted_quantity: Decimal
    previously_invoiced_quantity: Decimal
    open_quantity: Decimal


@dataclass(frozen=True)
class MatchResult:
    status: MatchStatus
    invoice_number: str
    order_number: str | None
    currency: str
    expected_net: Decimal
    invoiced_net: Decimal
    # invoiced - expected (signed); variance_amount is its absolute value. None: not comparable.
    net_difference: Decimal | None
    variance_amount: Decimal | None
    # None also when nothing was expected but something was invoiced.
    variance_percent: Decimal | None
    expected_tax: Decimal
    invoiced_tax: Decimal
    tax_variance: Decimal | None
    invoiced_payable: Decimal
    lines: tuple[LineFinding, ...]
    unmatched_invoice_lines: tuple[UnmatchedInvoiceLine, ...]
    uninvoiced_order_lines: tuple[UninvoicedOrderLine, ...]
    # PO line id -> quantity this match consumes; store it when the match is accepted.
    consumption: Mapping[str, Decimal]
    issues: tuple[str, ...]


# --------------------------------------------------------------------------- helpers


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _price(value: Decimal) -> str:
    # At least 2 decimals, more only when the price has them.
    if value == value.quantize(CENT):
        return str(value.quantize(CENT))
    return format(value.normalize(), "f")


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return _money(part * HUNDRED / whole)


def _key(text: str | None) -> str:
    return "".join((text or "").split()).casefold()


def _trn(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_item_name(name: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form used to pair lines by name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", plain).strip()


@dataclass(frozen=True)
class _OrderLineQuantities:
    ordered: Decimal
    received: Decimal
    rejected: Decimal
    previously_invoiced: Decimal

    @property
    def accepted(self) -> Decimal:
        return self.received - self.rejected

    @property
    def open(self) -> Decimal:
        return max(ZERO, min(self.ordered, self.accepted) - self.previously_invoiced)


def _quantities(state: PurchaseOrderState) -> dict[str, _OrderLineQuantities]:
    order = state.order
    ids = [line.line_id for line in order.lines]
    if len(set(ids)) != len(ids):
        raise MatchingInputError(f"purchase order {order.number} has duplicate line ids")
    received = dict.fromkeys(ids, ZERO)
    rejected = dict.fromkeys(ids, ZERO)
    for line in order.lines:
        if line.quantity < 0 or line.unit_price < 0:
            raise MatchingInputError(f"PO line {line.line_id}: negative quantity or price")
    for receipt in state.receipts:
        if _key(receipt.order_number) != _key(order.number):
            raise MatchingInputError(
                f"goods receipt {receipt.number} belongs to order {receipt.order_number}, "
                f"not {order.number}"
            )
        for r_line in receipt.lines:
            if r_line.order_line_id not in received:
                raise MatchingInputError(
                    f"goods receipt {receipt.number} refers to unknown PO line "
                    f"{r_line.order_line_id}"
                )
            if not ZERO <= r_line.quantity_rejected <= r_line.quantity_received:
                raise MatchingInputError(
                    f"goods receipt {receipt.number}, line {r_line.order_line_id}: rejected "
                    "quantity must be between 0 and the received quantity"
                )
            received[r_line.order_line_id] += r_line.quantity_received
            rejected[r_line.order_line_id] += r_line.quantity_rejected
    for line_id, consumed in state.previously_invoiced.items():
        if line_id not in received:
            raise MatchingInputError(f"consumed quantity for unknown PO line {line_id}")
        if consumed < 0:
            raise MatchingInputError(f"negative consumed quantity for PO line {line_id}")
    return {
        line.line_id: _OrderLineQuantities(
            ordered=line.quantity,
            received=received[line.line_id],
            rejected=rejected[line.line_id],
            previously_invoiced=state.previously_invoiced.get(line.line_id, ZERO),
        )
        for line in order.lines
    }


def open_quantities(state: PurchaseOrderState) -> dict[str, Decimal]:
    """PO line id -> quantity received (accepted), within the order, and not yet invoiced."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return {line_id: q.open for line_id, q in _quantities(state).items()}


def open_received_value(state: PurchaseOrderState) -> Decimal:
    """Value at ordered prices of the open quantities (each line rounded, then summed)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        quantities = _quantities(state)
        return sum(
            (_money(quantities[line.line_id].open * line.unit_price) for line in state.order.lines),
            ZERO,
        )


def choose_purchase_order(
    invoice: SupplierInvoice, candidates: Sequence[PurchaseOrderState]
) -> PurchaseOrderState | None:
    """Pick the PO to match against among the supplier's open POs.

    Candidates of another supplier TRN are ignored. The PO whose number equals the invoice's
    order reference wins; otherwise, among candidates in the invoice currency, the one whose
    open received value is closest to the invoice net (first one on a tie, so pass them in the
    order you prefer, e.g. oldest first). None when no candidate is left.
    """
    trn = _trn(invoice.supplier_trn)
    same_supplier = [c for c in candidates if trn and _trn(c.order.supplier_trn) == trn]
    if invoice.order_reference and _key(invoice.order_reference):
        for candidate in same_supplier:
            if _key(candidate.order.number) == _key(invoice.order_reference):
                return candidate
    currency = _key(invoice.currency)
    same_currency = [c for c in same_supplier if _key(c.order.currency) == currency]
    if not same_currency:
        return None
    net = _money(invoice.net_total)
    return min(same_currency, key=lambda c: abs(open_received_value(c) - net))


# --------------------------------------------------------------------------- pairing


def _pair_lines(
    invoice_lines: Sequence[InvoiceLine], order: PurchaseOrder
) -> tuple[list[tuple[PurchaseOrderLine, PairingMethod] | None], list[list[str]]]:
    pairs: list[tuple[PurchaseOrderLine, PairingMethod] | None] = [None] * len(invoice_lines)
    notes: list[list[str]] = [[] for _ in invoice_lines]
    claimed: set[str] = set()

    def take(index: int, po_line: PurchaseOrderLine, method: PairingMethod) -> None:
        pairs[index] = (po_line, method)
        claimed.add(po_line.line_id)

    def first_unclaimed(matches: list[PurchaseOrderLine]) -> PurchaseOrderLine:
        return next((m for m in matches if m.line_id not in claimed), matches[0])

    by_id = {_key(line.line_id): line for line in order.lines}
    for i, inv in enumerate(invoice_lines):
        if inv.order_line_reference and _key(inv.order_line_reference):
            found = by_id.get(_key(inv.order_line_reference))
            if found is not None:
                take(i, found, PairingMethod.ORDER_LINE_REFERENCE)
            else:
                notes[i].append(
                    f"order line reference {inv.order_line_reference!r} is not on "
                    f"purchase order {order.number}"
                )
    for i, inv in enumerate(invoice_lines):
        if pairs[i] is None and _key(inv.item_code):
            code = _key(inv.item_code)
            matches = [line for line in order.lines if _key(line.item_code) == code]
            if matches:
                take(i, first_unclaimed(matches), PairingMethod.ITEM_CODE)
    for i, inv in enumerate(invoice_lines):
        name = normalize_item_name(inv.item_name)
        if pairs[i] is None and name:
            matches = [line for line in order.lines if normalize_item_name(line.item_name) == name]
            if matches:
                take(i, first_unclaimed(matches), PairingMethod.ITEM_NAME)
    for i, _inv in enumerate(invoice_lines):
        if pairs[i] is None and i < len(order.lines) and order.lines[i].line_id not in claimed:
            take(i, order.lines[i], PairingMethod.POSITION)
    return pairs, notes


# --------------------------------------------------------------------------- matching


def _not_matched(invoice: SupplierInvoice, order_number: str | None, issue: str) -> MatchResult:
    return MatchResult(
        status=MatchStatus.NOT_MATCHED,
        invoice_number=invoice.number,
        order_number=order_number,
        currency=invoice.currency,
        expected_net=ZERO,
        invoiced_net=_money(invoice.net_total),
        net_difference=None,
        variance_amount=None,
        variance_percent=None,
        expected_tax=ZERO,
        invoiced_tax=_money(invoice.tax_total),
        tax_variance=None,
        invoiced_payable=_money(invoice.payable_amount),
        lines=(),
        unmatched_invoice_lines=tuple(
            UnmatchedInvoiceLine(
                invoice_line_id=line.line_id,
                item_name=line.item_name,
                quantity=line.quantity,
                net_amount=_money(line.net_amount),
                reason=issue,
            )
            for line in invoice.lines
        ),
        uninvoiced_order_lines=(),
        consumption={},
        issues=(issue,),
    )


def _compare_line(
    inv: InvoiceLine,
    po_line: PurchaseOrderLine,
    method: PairingMethod,
    q: _OrderLineQuantities,
    available: Decimal,
    notes: Sequence[str],
    comparable: bool,
    tol: Decimal,
) -> LineFinding:
    invoiced_amount = _money(inv.net_amount)
    matched = max(ZERO, min(inv.quantity, available))
    expected_amount = _money(matched * po_line.unit_price)
    group = (po_line.vat_category.strip().upper(), po_line.vat_rate)
    quantity_variance = inv.quantity - matched
    price_variance = inv.unit_price - po_line.unit_price if comparable else None
    amount_variance = invoiced_amount - expected_amount if comparable else None

    reasons = list(notes)
    if method is PairingMethod.POSITION and normalize_item_name(
        inv.item_name
    ) != normalize_item_name(po_line.item_name):
        reasons.append(
            f"paired by position only: {inv.item_name!r} vs ordered {po_line.item_name!r}"
        )
    if inv.quantity < 0:
        reasons.append(f"negative quantity {_qty(inv.quantity)} cannot be matched to receipts")
    elif quantity_variance > 0:
        drawn = q.open - available
        context = (
            f"ordered {_qty(q.ordered)}, received {_qty(q.received)}, rejected "
            f"{_qty(q.rejected)}, previously invoiced {_qty(q.previously_invoiced)}"
        )
        if drawn:
            context += f", {_qty(drawn)} on earlier lines of this invoice"
        if available:
            reasons.append(
                f"invoiced {_qty(inv.quantity)} but only {_qty(available)} received and "
                f"not yet invoiced ({context})"
            )
        else:
            reasons.append(
                f"invoiced {_qty(inv.quantity)} but nothing is received and not yet "
                f"invoiced ({context})"
            )
    if price_variance:
        text = f"unit price {_price(inv.unit_price)} vs ordered {_price(po_line.unit_price)}"
        if po_line.unit_price:
            text += f" ({_signed(_percent(price_variance, po_line.unit_price))}%)"
        reasons.append(text)
    computed = _money(inv.quantity * inv.unit_price)
    if computed != invoiced_amount:
        reasons.append(
            f"line net {invoiced_amount} differs from {_qty(inv.quantity)} x "
            f"{_price(inv.unit_price)} = {computed} (line allowance, charge or arithmetic)"
        )
    if amount_variance:
        reasons.append(
            f"amount {invoiced_amount} vs expected {expected_amount} ({_signed(amount_variance)})"
        )
    vat_differs = (
        inv.vat_category is not None and inv.vat_category.strip().upper() != group[0]
    ) or (inv.vat_rate is not None and inv.vat_rate != po_line.vat_rate)
    if vat_differs:
        inv_category = inv.vat_category.strip().upper() if inv.vat_category else group[0]
        inv_rate = po_line.vat_rate if inv.vat_rate is None else inv.vat_rate
        reasons.append(
            f"VAT {inv_category} {_qty(inv_rate)}% vs ordered {group[0]} {_qty(po_line.vat_rate)}%"
        )
    is_clean = (
        comparable
        and quantity_variance == 0
        and amount_variance is not None
        and abs(amount_variance) < tol
        and not vat_differs
    )
    return LineFinding(
        invoice_line_id=inv.line_id,
        order_line_id=po_line.line_id,
        pairing=method,
        item_name=inv.item_name,
        ordered_item_name=po_line.item_name,
        ordered_quantity=q.ordered,
        received_quantity=q.received,
        rejected_quantity=q.rejected,
        previously_invoiced_quantity=q.previously_invoiced,
        available_quantity=available,
        invoiced_quantity=inv.quantity,
        matched_quantity=matched,
        quantity_variance=quantity_variance,
        ordered_unit_price=po_line.unit_price,
        invoiced_unit_price=inv.unit_price,
        expected_amount=expected_amount,
        invoiced_amount=invoiced_amount,
        price_variance=price_variance,
        amount_variance=amount_variance,
        is_clean=is_clean,
        reasons=tuple(reasons),
    )


def match_invoice_to_po(
    invoice: SupplierInvoice,
    state: PurchaseOrderState | None,
    tolerances: MatchTolerances = DEFAULT_TOLERANCES,
) -> MatchResult:
    """3-way match of `invoice` against a PO and its receipts; see the module docstring."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _match(invoice, state, tolerances)


def _match(
    invoice: SupplierInvoice, state: PurchaseOrderState | None, tolerances: MatchTolerances
) -> MatchResult:
    if state is None:
        return _not_matched(invoice, None, "no purchase order found for this invoice")
    order = state.order
    if not _trn(invoice.supplier_trn) or _trn(invoice.supplier_trn) != _trn(order.supplier_trn):
        return _not_matched(
            invoice,
            order.number,
            f"the invoice's supplier TRN differs from the supplier TRN of purchase order "
            f"{order.number}",
        )

    quantities = _quantities(state)
    comparable = _key(invoice.currency) == _key(order.currency)
    tol = tolerances.full_match_amount
    issues: list[str] = []
    if not comparable:
        issues.append(
            f"invoice currency {invoice.currency} differs from the order currency "
            f"{order.currency}; amounts cannot be compared"
        )
    if invoice.order_reference and _key(invoice.order_reference) != _key(order.number):
        issues.append(
            f"invoice refers to order {invoice.order_reference} but is matched against "
            f"purchase order {order.number}"
        )

    pairs, notes = _pair_lines(invoice.lines, order)
    remaining = {line_id: q.open for line_id, q in quantities.items()}
    consumption: dict[str, Decimal] = {}
    findings: list[LineFinding] = []
    unmatched: list[UnmatchedInvoiceLine] = []
    vat_groups: dict[tuple[str, Decimal], Decimal] = {}

    for inv, pair, line_notes in zip(invoice.lines, pairs, notes, strict=True):
        if pair is None:
            unmatched.append(
                UnmatchedInvoiceLine(
                    invoice_line_id=inv.line_id,
                    item_name=inv.item_name,
                    quantity=inv.quantity,
                    net_amount=_money(inv.net_amount),
                    reason="; ".join(
                        [
                            *line_notes,
                            "no purchase order line with this reference, item code "
                            "or item name, and none left to pair by position",
                        ]
                    ),
                )
            )
            continue
        po_line, method = pair
        available = remaining[po_line.line_id]
        finding = _compare_line(
            inv,
            po_line,
            method,
            quantities[po_line.line_id],
            available,
            line_notes,
            comparable,
            tol,
        )
        findings.append(finding)
        remaining[po_line.line_id] = available - finding.matched_quantity
        if finding.matched_quantity:
            consumption[po_line.line_id] = (
                consumption.get(po_line.line_id, ZERO) + finding.matched_quantity
            )
        group = (po_line.vat_category.strip().upper(), po_line.vat_rate)
        vat_groups[group] = vat_groups.get(group, ZERO) + finding.expected_amount

    paired_ids = {f.order_line_id for f in findings}
    uninvoiced = tuple(
        UninvoicedOrderLine(
            order_line_id=line.line_id,
            item_name=line.item_name,
            ordered_quantity=quantities[line.line_id].ordered,
            accepted_quantity=quantities[line.line_id].accepted,
            previously_invoiced_quantity=quantities[line.line_id].previously_invoiced,
            open_quantity=quantities[line.line_id].open,
        )
        for line in order.lines
        if line.line_id not in paired_ids
    )

    expected_net = sum((f.expected_amount for f in findings), ZERO)
    expected_tax = sum(
        (_money(base * rate / HUNDRED) for (_cat, rate), base in vat_groups.items()), ZERO
    )
    invoiced_net = _money(invoice.net_total)
    invoiced_tax = _money(invoice.tax_total)
    line_sum = sum((_money(line.net_amount) for line in invoice.lines), ZERO)
    if line_sum != invoiced_net:
        issues.append(
            f"header net {invoiced_net} differs from the sum of the line nets {line_sum} "
            "(document-level allowances or charges)"
        )

    net_difference: Decimal | None = None
    variance: Decimal | None = None
    percent: Decimal | None = None
    tax_variance: Decimal | None = None
    if not comparable:
        status = MatchStatus.PARTIAL_MATCH
    else:
        net_difference = invoiced_net - expected_net
        variance = abs(net_difference)
        tax_variance = invoiced_tax - expected_tax
        if expected_net:
            percent = _percent(variance, expected_net)
        elif not variance:
            percent = ZERO
        issues.append(
            f"invoice net {invoiced_net} vs expected {expected_net}: variance {variance}"
            + (f" ({percent}%)" if percent is not None else " (nothing expected)")
        )
        if abs(tax_variance) >= tol:
            issues.append(
                f"VAT {invoiced_tax} vs {expected_tax} expected at the ordered VAT rates "
                f"({_signed(tax_variance)})"
            )
        dirty = sum(1 for f in findings if not f.is_clean)
        if variance < tol and (dirty or unmatched):
            issues.append(f"totals agree but {dirty + len(unmatched)} line(s) differ")
        if variance < tol and not dirty and not unmatched and abs(tax_variance) < tol:
            status = MatchStatus.FULL_MATCH
        elif variance * HUNDRED < tolerances.variance_percent * expected_net:
            status = MatchStatus.VARIANCE_DETECTED
        else:
            status = MatchStatus.PARTIAL_MATCH

    return MatchResult(
        status=status,
        invoice_number=invoice.number,
        order_number=order.number,
        currency=invoice.currency,
        expected_net=expected_net,
        invoiced_net=invoiced_net,
        net_difference=net_difference,
        variance_amount=variance,
        variance_percent=percent,
        expected_tax=expected_tax,
        invoiced_tax=invoiced_tax,
        tax_variance=tax_variance,
        invoiced_payable=_money(invoice.payable_amount),
        lines=tuple(findings),
        unmatched_invoice_lines=tuple(unmatched),
        uninvoiced_order_lines=uninvoiced,
        consumption=consumption,
        issues=tuple(issues),
    )
