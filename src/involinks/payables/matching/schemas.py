from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from involinks.core.schemas import DecimalStr, InputSchema, Money, Schema
from involinks.payables.matching.engine import MatchStatus, PairingMethod


class MatchingSettingsIn(InputSchema):
    """Tolerances of the 3-way match (see `involinks.payables.matching.engine`)."""

    # A difference below this amount (in the documents' currency) is no difference: FULL_MATCH.
    full_match_amount: Annotated[Decimal, Field(ge=0, le=1000000, decimal_places=2)]
    # Below this percentage of the expected net: VARIANCE_DETECTED, else PARTIAL_MATCH.
    variance_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]


class PayablesSettingsIn(InputSchema):
    matching: MatchingSettingsIn


class MatchingSettingsRead(Schema):
    full_match_amount: Money
    variance_percent: DecimalStr


class PayablesSettingsRead(Schema):
    matching: MatchingSettingsRead


class LineFindingRead(Schema):
    invoice_line_id: str
    order_line_id: str
    pairing: PairingMethod
    item_name: str
    ordered_item_name: str
    ordered_quantity: DecimalStr
    received_quantity: DecimalStr
    rejected_quantity: DecimalStr
    previously_invoiced_quantity: DecimalStr
    available_quantity: DecimalStr
    invoiced_quantity: DecimalStr
    matched_quantity: DecimalStr
    quantity_variance: DecimalStr
    ordered_unit_price: DecimalStr
    invoiced_unit_price: DecimalStr
    expected_amount: Money
    invoiced_amount: Money
    price_variance: DecimalStr | None
    amount_variance: Money | None
    is_clean: bool
    reasons: list[str]
    reason: str


class UnmatchedInvoiceLineRead(Schema):
    invoice_line_id: str
    item_name: str
    quantity: DecimalStr
    net_amount: Money
    reason: str


class UninvoicedOrderLineRead(Schema):
    order_line_id: str
    item_name: str
    ordered_quantity: DecimalStr
    accepted_quantity: DecimalStr
    previously_invoiced_quantity: DecimalStr
    open_quantity: DecimalStr


class InvoiceMatchRead(Schema):
    id: uuid.UUID
    status: MatchStatus
    matching_status: MatchStatus  # same as `status`: the name the inward invoice uses
    explanation: str  # the issues in one sentence, for a reviewer
    is_current: bool
    trigger: str
    matched_at: datetime
    matched_by_id: uuid.UUID | None
    purchase_order_id: uuid.UUID | None
    order_number: str | None
    currency: str
    expected_net: Money
    invoiced_net: Money
    net_difference: Money | None
    variance_amount: Money | None
    variance_percent: DecimalStr | None
    expected_tax: Money
    invoiced_tax: Money
    tax_variance: Money | None
    invoiced_payable: Money
    tolerances: MatchingSettingsRead
    lines: list[LineFindingRead]
    unmatched_invoice_lines: list[UnmatchedInvoiceLineRead]
    uninvoiced_order_lines: list[UninvoicedOrderLineRead]
    # Order line id -> quantity this match draws on (0 lines: nothing consumed).
    consumption: dict[str, DecimalStr]
    issues: list[str]
