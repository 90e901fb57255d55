"""VAT and document totals of a PINT AE invoice or credit note: pure ``Decimal`` arithmetic.

The numbers computed here are the ones the official PINT AE 1.0.4 Schematron expects, so a document
built from them passes the arithmetic rules without tolerance. Rules mirrored
(``schematron/billing/*.sch``, identical in ``selfbilling/``):

* line net amount (IBT-131) — ``ibr-147-ae``: quantity × (net price / base quantity) + Σ line
  charges − Σ line allowances, compared after ``round(x * 100) div 100``;
* VAT breakdown taxable amount (IBT-116) per (category, rate) — ``aligned-ibrp-s-08`` (S),
  ``ibr-102-ae`` (N, lines only: document-level allowances/charges may not be N, ``ibr-114-ae``/
  ``ibr-115-ae``), ``aligned-ibrp-e-08``, ``aligned-ibrp-z-08``, ``aligned-ibrp-o-08``,
  ``aligned-ibrp-ae-08-ae``: Σ line net amounts + Σ document charges − Σ document allowances of the
  same category and rate. As coded, only S (and N) are checked per rate; the E, Z, O and AE
  rules sum every amount of the category whatever its rate, so those form one group per category
  (needed for AE: lines carry 5 %, document-level AE allowances/charges 0 %, ``aligned-ibrp-ae-06``
  / ``-07``). The group's rate is the first line rate; E and O carry none (``ibr-119-ae``);
* VAT breakdown tax amount (IBT-117) — ``aligned-ibrp-s-09``: ``round(|taxable| × rate / 100 ×
  100) div 100`` with the sign of the taxable amount, i.e. rounded ONCE per breakdown, never the
  sum of rounded line VAT. Z, E, O, AE and N must be 0 (``aligned-ibrp-z-09``,
  ``aligned-ibrp-e-09``, ``aligned-ibrp-o-09``, ``aligned-ibrp-ae-09-ae``, ``ibr-108-ae``);
* document totals — ``ibr-co-10`` (IBT-106 = round(Σ IBT-131)), ``ibr-co-11`` / ``ibr-co-12``
  (IBT-107 / IBT-108 = round(Σ document allowances / charges)), ``ibr-co-13`` (IBT-109 = IBT-106
  − IBT-107 + IBT-108), ``ibr-co-14`` (IBT-110 = round(Σ IBT-117)), ``ibr-co-15`` (IBT-112 =
  IBT-109 + IBT-110), ``ibr-co-16`` (IBT-115 = IBT-112 − IBT-113 + IBT-114); ``ibr-091``,
  ``ibr-121`` … ``ibr-125``: at most 2 decimals.

Rounding: the rules use XPath ``fn:round(x * 100) div 100``, which rounds a tie towards positive
infinity (``round(2.5) = 3``, ``round(-2.5) = -2``); for the usual positive amounts this is
half-up. The rules compare exactly (``=``) except the standard-rate breakdown, which allows a
slack of 0.02 (``u:slack``); we always produce the exact expected value.

Per line, PINT AE also carries the VAT line amount (BTAE-08) and the line amount with VAT
(BTAE-10, ``cac:ItemPriceExtension``). No rule checks their arithmetic (only presence and zero for
Z/AE, absence for E: ``ibr-104-ae``, ``ibr-162-ae``, ``ibr-163-ae``, ``ibr-165-ae``,
``ibr-194-ae``), so they follow the official examples: computed from the unrounded line net amount
and rounded once (``Disclosed.agent.billing.xml``: net 999.375 → BTAE-08 49.9688 ≈ 49.97, BTAE-10
1049.3438 ≈ 1049.34). Lines of a category whose breakdown VAT is 0 (Z, AE, O, N) carry 0, exempt
lines (E) carry none. The sum of BTAE-08 may differ from IBT-110 by a few fils; IBT-110 is the
legal figure.

Foreign currency (IBT-005 ≠ AED): the VAT total in AED (IBT-111, ``ibr-053``, ``ibr-175-ae``) and
the total with VAT in AED (BTAE-20) are the document-currency totals × the exchange rate (BTAE-04),
rounded half-up to 2 decimals. No rule states this arithmetic; the official ``Exports.xml``
(248750 USD × 3.67285 = ``AED 913621.44``) agrees with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from involinks.invoicing.document import AllowanceCharge, Document, DocumentLine

__all__ = [
    "ZERO_VAT_CATEGORIES",
    "AllowanceChargeInput",
    "DocumentTotals",
    "LineAmounts",
    "LineInput",
    "VatBreakdown",
    "allowance_charge_amount",
    "allowance_charge_input_from",
    "compute_document_totals",
    "compute_line",
    "compute_totals",
    "line_input_from",
    "round_amount",
    "round_half_up",
]

CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_ZERO = Decimal(0)

#: Categories whose breakdown VAT amount must be 0 (the VAT is not charged on this invoice).
ZERO_VAT_CATEGORIES = frozenset({"Z", "E", "O", "AE", "N"})
#: Categories that carry no rate in the breakdown (``ibr-119-ae``).
_NO_RATE_CATEGORIES = frozenset({"E", "O"})
#: Categories whose breakdown rules (``*-08``) sum all amounts of the category whatever the rate.
_CATEGORY_ONLY_GROUPS = frozenset({"E", "Z", "O", "AE"})
#: Exempt lines carry no VAT line amount (``ibr-163-ae``).
_NO_LINE_VAT_CATEGORIES = frozenset({"E"})


def round_amount(value: Decimal) -> Decimal:
    """XPath ``round(value * 100) div 100`` as a 2-decimal ``Decimal`` (ties towards +infinity)."""
    cents = (value * _HUNDRED + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
    return cents.scaleb(-2)


def round_half_up(value: Decimal) -> Decimal:
    """Round to 2 decimals, ties away from zero (what ``aligned-ibrp-s-09`` does via ``abs``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def allowance_charge_amount(base_amount: Decimal, percentage: Decimal) -> Decimal:
    """Amount of a percentage allowance/charge: base × percentage / 100, 2 decimals.

    ``ibr-131-ae`` / ``ibr-146-ae`` accept either the exact product or
    ``round(product * 100) div 100``; the rounded form keeps the document totals at 2 decimals.
    """
    return round_amount(base_amount * percentage / _HUNDRED)


@dataclass(frozen=True, slots=True)
class LineInput:
    """What a line contributes to the totals."""

    quantity: Decimal  # IBT-129
    net_price: Decimal  # IBT-146
    category: str  # IBT-151
    rate: Decimal | None  # IBT-152 (None for E and O)
    base_quantity: Decimal = _ONE  # IBT-149
    allowances: tuple[Decimal, ...] = ()  # IBT-136 amounts
    charges: tuple[Decimal, ...] = ()  # IBT-141 amounts


@dataclass(frozen=True, slots=True)
class AllowanceChargeInput:
    """A document-level allowance (IBG-20) or charge (IBG-21)."""

    charge: bool
    amount: Decimal  # IBT-092 / IBT-099
    category: str  # IBT-095 / IBT-102
    rate: Decimal | None  # IBT-096 / IBT-103


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """Computed amounts of one line."""

    net_amount: Decimal  # IBT-131, 2 decimals
    vat_amount: Decimal | None  # BTAE-08 (None for exempt lines)
    amount_with_vat: Decimal  # BTAE-10


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """One VAT breakdown (IBG-23) entry."""

    category: str  # IBT-118
    rate: Decimal | None  # IBT-119 (None for E and O)
    taxable_amount: Decimal  # IBT-116
    tax_amount: Decimal  # IBT-117


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """Everything a builder writes into ``cac:TaxTotal`` and ``cac:LegalMonetaryTotal``."""

    lines: tuple[LineAmounts, ...]
    breakdown: tuple[VatBreakdown, ...]  # in order of first appearance (lines, then doc level)
    line_extension_amount: Decimal  # IBT-106
    allowance_total_amount: Decimal  # IBT-107 (0 when there is no document allowance)
    charge_total_amount: Decimal  # IBT-108 (0 when there is no document charge)
    tax_exclusive_amount: Decimal  # IBT-109
    tax_amount: Decimal  # IBT-110
    tax_inclusive_amount: Decimal  # IBT-112
    prepaid_amount: Decimal  # IBT-113
    payable_rounding_amount: Decimal  # IBT-114
    payable_amount: Decimal  # IBT-115
    tax_amount_in_tax_currency: Decimal | None  # IBT-111 (AED), when an exchange rate is given
    tax_inclusive_amount_in_tax_currency: Decimal | None  # BTAE-20 (AED), idem


def _line_net_exact(line: LineInput) -> Decimal:
    # Multiply before dividing: q × p / bq is exact whenever q × (p / bq) is representable.
    return (
        line.quantity * line.net_price / line.base_quantity
        + sum(line.charges, _ZERO)
        - sum(line.allowances, _ZERO)
    )


def _vat(base: Decimal, rate: Decimal) -> Decimal:
    """VAT on ``base`` rounded once; sign-symmetric like ``aligned-ibrp-s-09`` (``abs``)."""
    amount = round_amount(abs(base) * rate / _HUNDRED)
    return -amount if base < 0 else amount


def compute_line(line: LineInput) -> LineAmounts:
    """Line net amount (``ibr-147-ae``), VAT line amount (BTAE-08) and amount with VAT (BTAE-10)."""
    with localcontext() as ctx:
        ctx.prec = 50
        exact = _line_net_exact(line)
        net = round_amount(exact)
        if line.category in _NO_LINE_VAT_CATEGORIES:
            return LineAmounts(net_amount=net, vat_amount=None, amount_with_vat=net)
        if line.category in ZERO_VAT_CATEGORIES or line.rate is None:
            return LineAmounts(net_amount=net, vat_amount=round_amount(_ZERO), amount_with_vat=net)
        exact_vat = exact * line.rate / _HUNDRED
        return LineAmounts(
            net_amount=net,
            vat_amount=_vat(exact, line.rate),
            amount_with_vat=round_half_up(exact + exact_vat),
        )


def _group_key(category: str, rate: Decimal | None) -> tuple[str, Decimal | None]:
    if category in _CATEGORY_ONLY_GROUPS:
        return (category, None)
    # A missing rate on a rated category is invalid anyway (aligned-ibrp-048); group it as 0.
    return (category, rate if rate is not None else _ZERO)


def compute_totals(
    lines: Sequence[LineInput],
    allowances_charges: Iterable[AllowanceChargeInput] = (),
    *,
    prepaid_amount: Decimal = _ZERO,
    payable_rounding_amount: Decimal = _ZERO,
    exchange_rate: Decimal | None = None,
) -> DocumentTotals:
    """Compute line amounts, the VAT breakdown and the document totals.

    ``exchange_rate`` is BTAE-04 (AED per unit of document currency); give it for documents not in
    AED to get IBT-111 and BTAE-20.
    """
    doc_acs = tuple(allowances_charges)
    with localcontext() as ctx:
        ctx.prec = 50
        line_amounts = tuple(compute_line(line) for line in lines)

        taxable: dict[tuple[str, Decimal | None], Decimal] = {}
        rates: dict[tuple[str, Decimal | None], Decimal | None] = {}
        for line, amounts in zip(lines, line_amounts, strict=True):
            key = _group_key(line.category, line.rate)
            taxable[key] = taxable.get(key, _ZERO) + amounts.net_amount
            rates.setdefault(key, line.rate)
        for ac in doc_acs:
            key = _group_key(ac.category, ac.rate)
            signed = ac.amount if ac.charge else -ac.amount
            taxable[key] = taxable.get(key, _ZERO) + signed
            rates.setdefault(key, ac.rate)

        breakdown: list[VatBreakdown] = []
        for key, base_sum in taxable.items():
            category = key[0]
            base = round_amount(base_sum)
            rate = None if category in _NO_RATE_CATEGORIES else rates[key]
            if category in ZERO_VAT_CATEGORIES or rate is None:
                tax = round_amount(_ZERO)
            else:
                tax = _vat(base, rate)
            breakdown.append(VatBreakdown(category, rate, base, tax))

        line_extension = round_amount(sum((a.net_amount for a in line_amounts), _ZERO))
        allowance_total = round_amount(sum((ac.amount for ac in doc_acs if not ac.charge), _ZERO))
        charge_total = round_amount(sum((ac.amount for ac in doc_acs if ac.charge), _ZERO))
        tax_exclusive = round_amount(line_extension - allowance_total + charge_total)
        tax_amount = round_amount(sum((b.tax_amount for b in breakdown), _ZERO))
        tax_inclusive = round_amount(tax_exclusive + tax_amount)
        prepaid = round_amount(prepaid_amount)
        rounding = round_amount(payable_rounding_amount)
        payable = round_amount(tax_inclusive - prepaid + rounding)

        tax_in_tax_currency: Decimal | None = None
        inclusive_in_tax_currency: Decimal | None = None
        if exchange_rate is not None:
            tax_in_tax_currency = round_half_up(tax_amount * exchange_rate)
            inclusive_in_tax_currency = round_half_up(tax_inclusive * exchange_rate)

    return DocumentTotals(
        lines=line_amounts,
        breakdown=tuple(breakdown),
        line_extension_amount=line_extension,
        allowance_total_amount=allowance_total,
        charge_total_amount=charge_total,
        tax_exclusive_amount=tax_exclusive,
        tax_amount=tax_amount,
        tax_inclusive_amount=tax_inclusive,
        prepaid_amount=prepaid,
        payable_rounding_amount=rounding,
        payable_amount=payable,
        tax_amount_in_tax_currency=tax_in_tax_currency,
        tax_inclusive_amount_in_tax_currency=inclusive_in_tax_currency,
    )


def line_input_from(line: DocumentLine) -> LineInput:
    """The totals input of a model line (amounts as stated in the document)."""
    category = line.item.classified_tax_category
    return LineInput(
        quantity=line.quantity,
        net_price=line.price.amount,
        base_quantity=line.price.base_quantity if line.price.base_quantity is not None else _ONE,
        category=category.code,
        rate=category.percent,
        allowances=tuple(ac.amount for ac in line.allowances_charges if not ac.charge_indicator),
        charges=tuple(ac.amount for ac in line.allowances_charges if ac.charge_indicator),
    )


def allowance_charge_input_from(ac: AllowanceCharge) -> AllowanceChargeInput:
    """The totals input of a model document-level allowance or charge."""
    if ac.tax_category is None:
        # aligned-ibrp-032 / aligned-ibrp-037: document level needs a VAT category.
        raise ValueError("a document-level allowance/charge needs a VAT category")
    return AllowanceChargeInput(
        charge=ac.charge_indicator,
        amount=ac.amount,
        category=ac.tax_category.code,
        rate=ac.tax_category.percent,
    )


def compute_document_totals(document: Document) -> DocumentTotals:
    """Recompute the totals of a model document from its lines and allowances/charges."""
    rate = document.tax_exchange_rate.calculation_rate if document.tax_exchange_rate else None
    return compute_totals(
        [line_input_from(line) for line in document.lines],
        [allowance_charge_input_from(ac) for ac in document.allowances_charges],
        prepaid_amount=document.totals.prepaid_amount or _ZERO,
        payable_rounding_amount=document.totals.payable_rounding_amount or _ZERO,
        exchange_rate=rate,
    )
