from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from involinks.core.schemas import DecimalStr, InputSchema, Money, Schema
from involinks.payables.inward_invoices.models import InwardInvoiceSource, InwardInvoiceStatus
from involinks.payables.matching.engine import MatchStatus
from involinks.payables.matching.schemas import InvoiceMatchRead
from involinks.payables.purchase_orders.schemas import (
    ZERO_RATED,
    PositiveQuantity,
    Price,
    UnitCode,
    VatCategory,
    VatRate,
)
from involinks.payables.suppliers.schemas import Currency, normalize_trn

AmountIn = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


class InwardInvoiceLineIn(InputSchema):
    line_id: str | None = Field(default=None, max_length=100)  # 1, 2, ... when omitted
    item_name: str = Field(min_length=1, max_length=1000)
    item_code: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    quantity: PositiveQuantity
    unit_code: UnitCode | None = None
    unit_price: Price
    # As printed on the invoice; quantity x unit price (rounded) when omitted.
    net_amount: AmountIn | None = None
    vat_category: VatCategory = "S"
    vat_rate: VatRate = Decimal(5)
    order_line_reference: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _rate_fits_category(self) -> InwardInvoiceLineIn:
        if self.vat_category in ZERO_RATED and self.vat_rate != 0:
            raise ValueError(f"VAT category {self.vat_category} has rate 0")
        return self


class InwardInvoiceCreate(InputSchema):
    """Manual entry of a paper or PDF supplier invoice. The supplier is named by `supplier_id`
    or by TRN (and name); amounts not given are computed from the lines the PINT AE way."""

    supplier_id: uuid.UUID | None = None
    supplier_trn: str | None = None
    supplier_name: str | None = Field(default=None, min_length=1, max_length=300)
    invoice_number: str = Field(min_length=1, max_length=200)
    document_kind: Literal["Invoice", "CreditNote"] = "Invoice"
    issue_date: date
    due_date: date | None = None
    currency: Currency = "AED"
    order_reference: str | None = Field(default=None, max_length=200)
    net_amount: AmountIn | None = None
    tax_amount: AmountIn | None = None
    total_amount: AmountIn | None = None
    notes: str | None = Field(default=None, max_length=4000)
    lines: list[InwardInvoiceLineIn] = Field(min_length=1, max_length=1000)

    @field_validator("supplier_trn", mode="before")
    @classmethod
    def _trn(cls, value: str | None) -> str | None:
        return normalize_trn(value)

    @model_validator(mode="after")
    def _supplier_named(self) -> InwardInvoiceCreate:
        if self.supplier_id is None and self.supplier_trn is None:
            raise ValueError("give supplier_id or supplier_trn")
        if self.due_date is not None and self.due_date < self.issue_date:
            raise ValueError("the due date cannot be before the issue date")
        return self


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class NoteIn(InputSchema):
    note: str = Field(min_length=1, max_length=2000)


class MarkPaidIn(InputSchema):
    paid_on: date | None = None  # today (UAE) when left out
    reference: str | None = Field(default=None, max_length=200)


class InwardPaymentIn(InputSchema):
    """A payment made on the invoice, part or whole, in its currency."""

    amount: Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
    paid_on: date | None = None  # today (UAE) when left out
    reference: str | None = Field(default=None, max_length=200)


class InwardPaymentRead(Schema):
    id: uuid.UUID
    amount: Money
    paid_on: date
    reference: str | None
    recorded_at: datetime
    recorded_by_id: uuid.UUID | None


class InwardInvoiceLineRead(Schema):
    id: uuid.UUID
    position: int
    line_id: str
    item_name: str
    item_code: str | None
    description: str | None
    quantity: DecimalStr
    unit_code: str | None
    unit_price: DecimalStr
    net_amount: Money
    vat_category: str | None
    vat_rate: DecimalStr | None
    order_line_reference: str | None


class InwardInvoiceEventRead(Schema):
    id: uuid.UUID
    occurred_at: datetime
    action: str
    from_status: str | None
    to_status: str | None
    matching_status: str | None
    actor_id: uuid.UUID | None
    note: str | None


class InwardInvoiceListItem(Schema):
    id: uuid.UUID
    source: InwardInvoiceSource
    document_kind: str
    invoice_number: str
    supplier_id: uuid.UUID | None
    supplier_name: str
    supplier_trn: str | None
    issue_date: date
    due_date: date | None
    currency: str
    net_amount: Money
    tax_amount: Money
    total_amount: Money
    payable_amount: Money  # IBT-115
    tax_exclusive_amount: Money  # IBT-109 (= net_amount)
    tax_inclusive_amount: Money  # IBT-112 (= total_amount)
    status: InwardInvoiceStatus
    matching_status: MatchStatus
    purchase_order_id: uuid.UUID | None
    order_reference: str | None
    variance_amount: Money | None
    received_at: datetime
    # What the payments made so far add up to, and what is still owed (nothing once the invoice
    # is paid or rejected).
    paid_amount: Money = Decimal("0.00")
    outstanding_amount: Money = Decimal("0.00")


class InwardInvoiceRead(InwardInvoiceListItem):
    type_code: str | None
    supplier_peppol_id: str | None
    buyer_trn: str | None
    # Kept, not dropped: a document whose buyer TRN / endpoint is not this company's.
    addressed_to_other_buyer: bool
    buyer_flag_reason: str | None
    line_extension_amount: Money  # IBT-106
    matched_at: datetime | None
    status_reason: str | None
    variance_approved_at: datetime | None
    variance_approved_by_id: uuid.UUID | None
    variance_approval_note: str | None
    document_hash: str
    has_original_xml: bool
    peppol_message_id: str | None
    notes: str | None
    lines: list[InwardInvoiceLineRead]
    events: list[InwardInvoiceEventRead]
    match: InvoiceMatchRead | None = None
    payments: list[InwardPaymentRead] = []  # oldest first


class ValidationIssueRead(Schema):
    rule_id: str
    severity: str
    layer: str
    message: str
    location: str | None
    field: str | None


class ValidationResultRead(Schema):
    """The official PINT AE validation of an uploaded document (UBL XSD + Schematron)."""

    valid: bool
    document_type: str | None
    customization_id: str | None
    rule_set: str | None
    errors: list[ValidationIssueRead]
    warnings: list[ValidationIssueRead]


class InwardInvoiceUploadRead(InwardInvoiceRead):
    validation: ValidationResultRead


class AmountByCurrency(Schema):
    currency: str
    amount: Money


class MatchingStatusTotal(Schema):
    matching_status: MatchStatus
    count: int
    amounts: list[AmountByCurrency]


class StatusTotal(Schema):
    status: InwardInvoiceStatus
    count: int
    amounts: list[AmountByCurrency]


class InboxSummary(Schema):
    """Totals (with VAT) of the invoices that pass the filters; amounts per currency."""

    count: int
    by_matching_status: list[MatchingStatusTotal]
    by_status: list[StatusTotal]
