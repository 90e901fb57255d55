from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from involinks.core.schemas import DecimalStr, InputSchema, Money, Schema
from involinks.payables.purchase_orders.models import PurchaseOrderStatus
from involinks.payables.suppliers.schemas import Currency, SupplierBrief

# Aligned-TaxCategoryCodes (PINT AE): standard, zero, exempt, out of scope, reverse charge,
# standard rate additional VAT.
VatCategory = Annotated[str, StringConstraints(pattern=r"^(S|Z|E|O|AE|N)$")]
UnitCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")]
ZERO_RATED = frozenset({"Z", "E", "O"})

PositiveQuantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
Price = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=6)]
VatRate = Annotated[Decimal, Field(ge=0, le=100, max_digits=12, decimal_places=6)]


class PurchaseOrderLineIn(InputSchema):
    item_code: str | None = Field(default=None, max_length=100)
    item_name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=2000)
    unit_code: UnitCode = "H87"
    quantity: PositiveQuantity
    unit_price: Price
    vat_category: VatCategory = "S"
    vat_rate: VatRate = Decimal(5)

    @model_validator(mode="after")
    def _rate_fits_category(self) -> PurchaseOrderLineIn:
        if self.vat_category in ZERO_RATED and self.vat_rate != 0:
            raise ValueError(f"VAT category {self.vat_category} has rate 0")
        return self


class PurchaseOrderCreate(InputSchema):
    supplier_id: uuid.UUID
    order_date: date | None = None
    expected_delivery_date: date | None = None
    currency: Currency | None = None  # the supplier's currency when omitted
    delivery_address: str | None = Field(default=None, max_length=1000)
    payment_terms: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=4000)
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=500)


class PurchaseOrderUpdate(InputSchema):
    """Drafts only. `lines`, when given, replaces every line."""

    supplier_id: uuid.UUID | None = None
    order_date: date | None = None
    expected_delivery_date: date | None = None
    currency: Currency | None = None
    delivery_address: str | None = Field(default=None, max_length=1000)
    payment_terms: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=4000)
    lines: list[PurchaseOrderLineIn] | None = Field(default=None, min_length=1, max_length=500)


class ReasonIn(InputSchema):
    reason: str | None = Field(default=None, max_length=2000)


class PurchaseOrderLineRead(Schema):
    id: uuid.UUID
    line_no: int
    item_code: str | None
    item_name: str
    description: str | None
    unit_code: str
    quantity: DecimalStr
    unit_price: DecimalStr
    vat_category: str
    vat_rate: DecimalStr
    net_amount: Money
    received_quantity: DecimalStr
    rejected_quantity: DecimalStr
    accepted_quantity: DecimalStr


class PurchaseOrderListItem(Schema):
    id: uuid.UUID
    number: str
    external_reference: str | None  # an import's po_ref
    status: PurchaseOrderStatus
    supplier: SupplierBrief
    order_date: date
    expected_delivery_date: date | None
    currency: str
    net_amount: Money
    tax_amount: Money
    total_amount: Money
    sent_at: datetime | None
    created_at: datetime


class PurchaseOrderRead(PurchaseOrderListItem):
    delivery_address: str | None
    payment_terms: str | None
    notes: str | None
    sent_to: str | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    status_reason: str | None
    updated_at: datetime
    lines: list[PurchaseOrderLineRead]
