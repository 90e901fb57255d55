"""Invoice and credit note payloads.

Pydantic checks shapes and number formats (a field error names its path, e.g.
``lines.0.quantity``). The PINT AE rules that tie fields together (VAT category vs rate and
exemption reason, type code vs categories, currency vs exchange rate) are checked by
:func:`check_document_input`, which names the offending field the same way, so that POST, PATCH
and credit notes answer alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from involinks.core.schemas import DecimalStr, InputSchema, Money, Schema
from involinks.customers.schemas import CustomerSummary
from involinks.invoicing import codes
from involinks.invoicing.models import AED, InvoiceKind, InvoiceStatus

# Exactness limits of the storage columns (core.types): refused with 422, never rounded.
AmountIn = Annotated[Decimal, Field(max_digits=16, decimal_places=2, ge=0)]
QuantityIn = Annotated[Decimal, Field(max_digits=18, decimal_places=6, gt=0)]
UnitPriceIn = Annotated[Decimal, Field(max_digits=20, decimal_places=6, ge=0)]
RateIn = Annotated[Decimal, Field(max_digits=12, decimal_places=6, ge=0)]
# ibr-002-ae: at most 6 decimals.
ExchangeRateIn = Annotated[Decimal, Field(max_digits=12, decimal_places=6, gt=0)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=16)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

INVOICE_TYPE_CODES = ("380", "480")  # tax invoice, out of scope of tax (commercial)
CREDIT_NOTE_TYPE_CODES = ("381", "81")
OUT_OF_SCOPE_TYPE_CODES = frozenset({"480", "81"})


class PaymentMeansIn(InputSchema):
    code: Code = "30"  # UNCL 4461 (AE subset); 30 credit transfer
    account_id: Annotated[str, StringConstraints(max_length=64)] | None = None  # IBAN
    account_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    payment_id: Annotated[str, StringConstraints(max_length=140)] | None = None


class TransactionTypeIn(InputSchema):
    """BTAE-02 flags (positions 1-8 of ``transactiontype.gc``)."""

    free_zone: bool = False
    deemed_supply: bool = False
    margin_scheme: bool = False
    summary_invoice: bool = False
    continuous_supply: bool = False
    disclosed_agent: bool = False
    ecommerce: bool = False
    exports: bool = False


class DeliveryIn(InputSchema):
    """IBG-13: where and when the goods or services are delivered."""

    delivery_date: date | None = None  # IBT-072 actual delivery date
    line1: Annotated[str, StringConstraints(max_length=300)] | None = None
    line2: Annotated[str, StringConstraints(max_length=300)] | None = None
    city: Annotated[str, StringConstraints(max_length=120)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    emirate: Annotated[str, StringConstraints(max_length=3)] | None = None
    subdivision: Annotated[str, StringConstraints(max_length=100)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    incoterms: Annotated[str, StringConstraints(max_length=3)] | None = None  # BTAE-22


class InvoiceLineIn(InputSchema):
    item_name: Text300
    description: LongText | None = None
    quantity: QuantityIn
    unit_code: Annotated[str, StringConstraints(min_length=1, max_length=3)] = "C62"
    unit_price: UnitPriceIn
    discount_amount: AmountIn | None = None
    discount_reason: ShortText | None = None
    vat_category: Annotated[str, StringConstraints(min_length=1, max_length=2)]
    vat_rate: RateIn | None = None
    exemption_reason_code: Code | None = None
    exemption_reason: Text300 | None = None
    item_type: Literal["G", "S", "B"] | None = None
    classification_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    service_accounting_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    standard_item_id: Annotated[str, StringConstraints(max_length=20)] | None = None
    sellers_item_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    rcm_goods_type: Code | None = None
    note: LongText | None = None


class AllowanceChargeIn(InputSchema):
    """A document-level allowance (``is_charge`` false) or charge. Give ``amount``, or
    ``base_amount`` and ``percentage`` (the amount is then computed, ``ibr-131-ae``)."""

    is_charge: bool = False
    amount: AmountIn | None = None
    base_amount: AmountIn | None = None
    percentage: RateIn | None = None
    reason: Text300 | None = None
    reason_code: Annotated[str, StringConstraints(min_length=1, max_length=8)] | None = None
    vat_category: Annotated[str, StringConstraints(min_length=1, max_length=2)]
    vat_rate: RateIn | None = None
    exemption_reason_code: Code | None = None
    exemption_reason: Text300 | None = None


class _DocumentFields(InputSchema):
    supply_date: date | None = None
    due_date: date | None = None
    payment_terms: LongText | None = None
    purchase_order_reference: ShortText | None = None
    buyer_reference: ShortText | None = None
    period_start: date | None = None
    period_end: date | None = None
    billing_frequency: Annotated[str, StringConstraints(max_length=8)] | None = None
    beneficiary_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    principal_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    transaction_type: TransactionTypeIn | None = None
    notes: list[LongText] | None = None
    payment_means: PaymentMeansIn | None = None
    delivery: DeliveryIn | None = None


class InvoiceCreate(_DocumentFields):
    customer_id: uuid.UUID
    type_code: Literal["380", "480"] = "380"
    # Self-billing: the company (the buyer) issues the invoice on behalf of its supplier, who is
    # then the customer record given here; issued as PINT AE self-billing (type 389 / 261).
    self_billing: bool = False
    issue_date: date
    currency: Currency = AED
    exchange_rate: ExchangeRateIn | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=1000)]
    allowances_charges: Annotated[list[AllowanceChargeIn], Field(max_length=100)] = []


class InvoiceUpdate(_DocumentFields):
    """PATCH of a draft: only the fields sent change; ``lines`` / ``allowances_charges``, when
    sent, replace the whole list."""

    customer_id: uuid.UUID | None = None
    type_code: Literal["380", "480", "381", "81"] | None = None
    self_billing: bool | None = None
    issue_date: date | None = None
    currency: Currency | None = None
    exchange_rate: ExchangeRateIn | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=1000)] | None = None
    allowances_charges: Annotated[list[AllowanceChargeIn], Field(max_length=100)] | None = None
    credit_reason_code: Code | None = None
    credit_reason: LongText | None = None


class CreditNoteCreate(InputSchema):
    """A credit note for a finalized invoice. Without ``lines`` it credits the whole invoice
    (its lines and allowances/charges are copied)."""

    type_code: Literal["381", "81"] = "381"
    reason_code: Code  # BTAE-03, CreditReason code list (ibr-158-ae, ibr-001-ae)
    reason: LongText | None = None
    issue_date: date | None = None
    notes: list[LongText] | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=1000)] | None = None
    allowances_charges: Annotated[list[AllowanceChargeIn], Field(max_length=100)] | None = None


# --- cross-field checks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldIssue:
    field: str
    message: str
    rule_id: str | None = None  # the PINT AE rule a check anticipates, when there is one


def resolve_rate(
    category: str, given: Decimal | None, *, document_level: bool, field: str
) -> tuple[Decimal | None, list[FieldIssue]]:
    """The VAT rate a line or allowance/charge gets: fixed by the category where the rules fix
    it (S 5 %, Z 0 %, ...), the given rate where the category leaves a choice (N)."""
    try:
        rule = codes.tax_category(category)
    except codes.UnknownCodeError:
        allowed = ", ".join(codes.tax_categories())
        return None, [FieldIssue(f"{field}.vat_category", f"{category} is not one of {allowed}")]
    fixed = rule.document_level_rate if document_level else rule.line_rate
    if document_level and not rule.allowed_at_document_level:
        # ibr-114-ae / ibr-115-ae
        message = f"{category} cannot be used on a document-level allowance or charge"
        return None, [FieldIssue(f"{field}.vat_category", message)]
    if fixed is not None:
        if given is not None and given != fixed:
            return None, [
                FieldIssue(f"{field}.vat_rate", f"{category} is always {fixed}% (got {given})")
            ]
        return fixed, []
    if rule.rate_required:
        if given is None or given <= 0:
            # ibr-111-ae
            return None, [FieldIssue(f"{field}.vat_rate", f"{category} needs a rate above 0")]
        return given, []
    if given is not None:
        return None, [FieldIssue(f"{field}.vat_rate", f"{category} carries no VAT rate")]
    return None, []


def _check_exemption(
    category: str, code: str | None, text: str | None, field: str
) -> list[FieldIssue]:
    try:
        rule = codes.tax_category(category)
    except codes.UnknownCodeError:
        return []  # reported by resolve_rate
    if rule.exemption_reason_required and code is None:
        # ibr-167-ae / ibr-168-ae / ibr-169-ae
        return [FieldIssue(f"{field}.vat_category", f"{category} requires an exemption reason")]
    if code is not None and code not in codes.exemption_reasons():
        allowed = ", ".join(c.code for c in codes.exemption_reasons())
        return [FieldIssue(f"{field}.exemption_reason_code", f"{code} is not one of {allowed}")]
    if (code is not None or text is not None) and category not in ("E", "O"):
        # aligned-ibrp-s-10 and the like: only exempt / out-of-scope supplies give a reason.
        return [
            FieldIssue(f"{field}.exemption_reason_code", f"{category} takes no exemption reason")
        ]
    return []


def check_line(line: InvoiceLineIn, field: str) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    _, rate_issues = resolve_rate(
        line.vat_category, line.vat_rate, document_level=False, field=field
    )
    issues += rate_issues
    issues += _check_exemption(
        line.vat_category, line.exemption_reason_code, line.exemption_reason, field
    )
    if line.unit_code not in codes.unit_codes():
        issues.append(
            FieldIssue(f"{field}.unit_code", f"{line.unit_code} is not a UN/ECE Rec 20 unit code")
        )
    if line.vat_category == "AE":
        # ibr-166-ae / ibr-006-ae: reverse-charge items name their RCM goods/services type.
        if line.rcm_goods_type is None:
            issues.append(
                FieldIssue(f"{field}.rcm_goods_type", "AE (reverse charge) needs the goods type")
            )
        # ibr-174-ae: and a standard item identifier (GTIN, scheme 0160).
        if line.standard_item_id is None:
            issues.append(
                FieldIssue(
                    f"{field}.standard_item_id",
                    "AE (reverse charge) needs the item's standard identifier (GTIN)",
                )
            )
    if line.rcm_goods_type is not None and line.rcm_goods_type not in codes.rcm_goods_types():
        issues.append(
            FieldIssue(f"{field}.rcm_goods_type", f"{line.rcm_goods_type} is not an RCM type")
        )
    # ibr-184-ae / ibr-185-ae / ibr-186-ae
    if line.item_type in ("G", "B") and not line.classification_code:
        issues.append(
            FieldIssue(f"{field}.classification_code", "goods need their HS classification code")
        )
    if line.item_type in ("S", "B") and not line.service_accounting_code:
        issues.append(
            FieldIssue(f"{field}.service_accounting_code", "services need their SAC code")
        )
    if line.discount_amount is not None and line.discount_amount > 0 and not line.quantity:
        issues.append(FieldIssue(f"{field}.quantity", "a discounted line needs a quantity"))
    return issues


def check_allowance_charge(ac: AllowanceChargeIn, field: str) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    _, rate_issues = resolve_rate(ac.vat_category, ac.vat_rate, document_level=True, field=field)
    issues += rate_issues
    issues += _check_exemption(
        ac.vat_category, ac.exemption_reason_code, ac.exemption_reason, field
    )
    if ac.amount is None and (ac.base_amount is None or ac.percentage is None):
        issues.append(
            FieldIssue(f"{field}.amount", "give the amount, or base_amount and percentage")
        )
    # ibr-033 / ibr-038
    if ac.reason is None and ac.reason_code is None:
        issues.append(FieldIssue(f"{field}.reason", "give a reason or a reason code"))
    if ac.reason_code is not None:
        code_list = codes.charge_reason_codes() if ac.is_charge else codes.allowance_reason_codes()
        if ac.reason_code not in code_list:
            kind = "charge (UNCL 7161)" if ac.is_charge else "allowance (UNCL 5189)"
            issues.append(
                FieldIssue(f"{field}.reason_code", f"{ac.reason_code} is not a {kind} reason code")
            )
    return issues


def _check_delivery(delivery: DeliveryIn) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    if delivery.country is not None and delivery.country not in codes.countries():
        issues.append(
            FieldIssue("delivery.country", f"{delivery.country} is not an ISO 3166-1 country code")
        )
    if delivery.emirate is not None:
        if delivery.country != "AE":
            issues.append(FieldIssue("delivery.emirate", "only a UAE address has an emirate"))
        elif not codes.is_emirate(delivery.emirate):
            issues.append(FieldIssue("delivery.emirate", f"{delivery.emirate} is not an emirate"))
    return issues


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """The values a draft would have after a create or update, for :func:`check_document_input`."""

    type_code: str
    issue_date: date
    supply_date: date | None
    currency: str
    exchange_rate: Decimal | None
    payment_means_code: str
    transaction_type: TransactionTypeIn
    period_start: date | None
    period_end: date | None
    billing_frequency: str | None
    delivery: DeliveryIn | None
    lines: list[InvoiceLineIn] | None  # None: unchanged (already checked)
    allowances_charges: list[AllowanceChargeIn] | None
    categories: list[str]  # every VAT category used (lines and allowances/charges)
    is_credit_note: bool
    credit_reason_code: str | None


def check_document_input(doc: DocumentInput) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    if doc.currency not in codes.currencies():
        issues.append(FieldIssue("currency", f"{doc.currency} is not an ISO 4217 currency code"))
    if doc.currency != AED and doc.exchange_rate is None:
        # ibr-159-ae
        issues.append(
            FieldIssue("exchange_rate", f"an invoice in {doc.currency} needs the rate to AED")
        )
    if doc.currency == AED and doc.exchange_rate is not None and doc.exchange_rate != 1:
        issues.append(FieldIssue("exchange_rate", "an invoice in AED has no exchange rate"))
    if doc.payment_means_code not in codes.payment_means_codes():
        allowed = ", ".join(c.code for c in codes.payment_means_codes())
        issues.append(
            FieldIssue("payment_means.code", f"{doc.payment_means_code} is not one of {allowed}")
        )
    if doc.supply_date is not None:
        if doc.is_credit_note:
            # ibr-124-ae
            issues.append(FieldIssue("supply_date", "a credit note carries no date of supply"))
        elif doc.supply_date >= doc.issue_date:
            # ibr-141-ae as coded: strictly before (leave it out when it is the issue date).
            issues.append(
                FieldIssue("supply_date", "the date of supply must be before the issue date")
            )
    if doc.delivery is not None:
        issues += _check_delivery(doc.delivery)
    if doc.period_start and doc.period_end and doc.period_end < doc.period_start:
        issues.append(FieldIssue("period_end", "the period cannot end before it starts"))
    if (
        doc.billing_frequency is not None
        and doc.billing_frequency not in codes.billing_frequencies()
    ):
        issues.append(
            FieldIssue("billing_frequency", f"{doc.billing_frequency} is not a billing frequency")
        )
    if doc.type_code in OUT_OF_SCOPE_TYPE_CODES:
        # ibr-122-ae
        for category in sorted(set(doc.categories) - {"E", "O", "Z"}):
            issues.append(
                FieldIssue(
                    "type_code",
                    f"type {doc.type_code} allows only VAT categories E, O and Z (found {category})",
                )
            )
        # ibr-157-ae
        flags = doc.transaction_type
        if flags.summary_invoice or flags.deemed_supply or flags.margin_scheme:
            issues.append(
                FieldIssue(
                    "transaction_type",
                    f"type {doc.type_code} cannot be a summary invoice, deemed supply or margin "
                    "scheme",
                )
            )
    elif doc.categories and set(doc.categories) <= {"E", "O"}:
        # ibr-151-ae
        issues.append(
            FieldIssue(
                "type_code",
                f"a {doc.type_code} document cannot carry only exempt / out-of-scope lines; "
                "use 480 (invoice) or 81 (credit note)",
            )
        )
    if doc.transaction_type.margin_scheme and any(c != "N" for c in doc.categories):
        # ibr-116-ae
        issues.append(
            FieldIssue("transaction_type", "a margin scheme invoice uses VAT category N only")
        )
    if doc.is_credit_note:
        if doc.credit_reason_code is None:
            issues.append(FieldIssue("reason_code", "a credit note needs its reason code"))
        elif doc.credit_reason_code not in codes.credit_reasons():
            allowed = ", ".join(c.code for c in codes.credit_reasons())
            issues.append(
                FieldIssue("reason_code", f"{doc.credit_reason_code} is not one of {allowed}")
            )
    for index, line in enumerate(doc.lines or ()):
        issues += check_line(line, f"lines.{index}")
    for index, ac in enumerate(doc.allowances_charges or ()):
        issues += check_allowance_charge(ac, f"allowances_charges.{index}")
    return issues


# --- responses -------------------------------------------------------------------------------


class PaymentMeansRead(Schema):
    code: str
    account_id: str | None = None
    account_name: str | None = None
    payment_id: str | None = None


class TransactionTypeRead(Schema):
    free_zone: bool
    deemed_supply: bool
    margin_scheme: bool
    summary_invoice: bool
    continuous_supply: bool
    disclosed_agent: bool
    ecommerce: bool
    exports: bool


class InvoiceLineRead(Schema):
    id: uuid.UUID
    position: int
    item_name: str
    description: str | None
    quantity: DecimalStr
    unit_code: str
    unit_price: DecimalStr
    discount_amount: Money | None
    discount_reason: str | None
    vat_category: str
    vat_rate: DecimalStr | None
    exemption_reason_code: str | None
    exemption_reason: str | None
    item_type: str | None
    classification_code: str | None
    service_accounting_code: str | None
    standard_item_id: str | None
    sellers_item_id: str | None
    rcm_goods_type: str | None
    note: str | None
    line_extension_amount: Money
    vat_amount: Money | None
    amount_with_vat: Money


class AllowanceChargeRead(Schema):
    id: uuid.UUID
    position: int
    is_charge: bool
    amount: Money
    base_amount: Money | None
    percentage: DecimalStr | None
    reason: str | None
    reason_code: str | None
    vat_category: str
    vat_rate: DecimalStr | None
    exemption_reason_code: str | None
    exemption_reason: str | None


class VatBreakdownRead(Schema):
    category: str
    rate: DecimalStr | None
    taxable_amount: Money
    tax_amount: Money


class StatusEventRead(Schema):
    status: InvoiceStatus
    at: datetime
    by_id: uuid.UUID | None
    note: str | None


class DeliveryRead(Schema):
    delivery_date: date | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    emirate: str | None = None
    subdivision: str | None = None
    country: str | None = None
    incoterms: str | None = None


class InvoiceRead(Schema):
    id: uuid.UUID
    kind: InvoiceKind
    type_code: str
    self_billing: bool
    status: InvoiceStatus
    number: str | None
    customer_id: uuid.UUID
    customer: CustomerSummary
    credited_invoice_id: uuid.UUID | None
    credited_invoice_number: str | None
    credit_reason_code: str | None
    credit_reason: str | None
    issue_date: date
    supply_date: date | None
    due_date: date | None
    payment_terms: str | None
    purchase_order_reference: str | None
    buyer_reference: str | None
    external_reference: str | None  # an import's invoice_ref
    period_start: date | None
    period_end: date | None
    billing_frequency: str | None
    beneficiary_id: str | None
    principal_id: str | None
    transaction_type: TransactionTypeRead
    notes: list[str]
    currency: str
    exchange_rate: DecimalStr | None
    payment_means: PaymentMeansRead
    delivery: DeliveryRead | None
    lines: list[InvoiceLineRead]
    allowances_charges: list[AllowanceChargeRead]
    line_extension_amount: Money
    allowance_total_amount: Money
    charge_total_amount: Money
    tax_exclusive_amount: Money
    tax_amount: Money
    tax_inclusive_amount: Money
    payable_amount: Money
    tax_amount_aed: Money
    tax_inclusive_amount_aed: Money
    vat_breakdown: list[VatBreakdownRead]
    seller: dict[str, Any] | None
    buyer: dict[str, Any] | None
    finalized_at: datetime | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class InvoiceDetail(InvoiceRead):
    status_history: list[StatusEventRead]


class InvoicePage(Schema):
    view: Literal["full"] = "full"
    items: list[InvoiceRead]
    total: int
    page: int
    page_size: int


class InvoiceSummary(Schema):
    """One row of a list screen: who, when, how much and where it stands; no lines, no party
    snapshots. ``GET /invoices?view=summary`` returns these."""

    id: uuid.UUID
    kind: InvoiceKind
    type_code: str
    self_billing: bool
    status: InvoiceStatus
    number: str | None
    customer_id: uuid.UUID
    customer: CustomerSummary
    credited_invoice_id: uuid.UUID | None
    credited_invoice_number: str | None
    issue_date: date
    due_date: date | None
    purchase_order_reference: str | None
    buyer_reference: str | None
    external_reference: str | None
    currency: str
    tax_exclusive_amount: Money
    tax_amount: Money
    payable_amount: Money
    tax_amount_aed: Money
    finalized_at: datetime | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class InvoiceSummaryPage(Schema):
    view: Literal["summary"] = "summary"
    items: list[InvoiceSummary]
    total: int
    page: int
    page_size: int


ListView = Literal["full", "summary"]
# Told apart by ``view``: the response is checked against the one page type it names.
InvoiceListPage = Annotated[InvoicePage | InvoiceSummaryPage, Field(discriminator="view")]


SortField = Literal["issue_date", "number", "payable_amount", "created_at"]
SortOrder = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class InvoiceFilters:
    statuses: tuple[InvoiceStatus, ...] = ()
    kind: InvoiceKind | None = None
    customer_id: uuid.UUID | None = None
    issue_date_from: date | None = None
    issue_date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    number: str | None = None
