from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from involinks.core.schemas import DecimalStr, InputSchema, Schema

NonNegativeQuantity = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]


class GoodsReceiptLineIn(InputSchema):
    """One PO line delivered: name it by `line_no` (as on the order) or by `purchase_order_line_id`."""

    line_no: int | None = Field(default=None, ge=1)
    purchase_order_line_id: uuid.UUID | None = None
    quantity_received: NonNegativeQuantity
    quantity_rejected: NonNegativeQuantity = Decimal(0)
    rejection_reason: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _check(self) -> GoodsReceiptLineIn:
        if (self.line_no is None) == (self.purchase_order_line_id is None):
            raise ValueError("give either line_no or purchase_order_line_id")
        if self.quantity_rejected > self.quantity_received:
            raise ValueError("the rejected quantity cannot exceed the received quantity")
        if self.quantity_received == 0:
            raise ValueError("the received quantity must be more than 0")
        return self


class GoodsReceiptCreate(InputSchema):
    received_date: date | None = None
    delivery_note_reference: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=4000)
    # Accept more than ordered on some line. Without it such a receipt is refused (422).
    allow_over_receipt: bool = False
    lines: list[GoodsReceiptLineIn] = Field(min_length=1, max_length=500)


class GoodsReceiptCreateForOrder(GoodsReceiptCreate):
    """POST /goods-receipts: the same receipt, naming its purchase order in the body."""

    purchase_order_id: uuid.UUID


class GoodsReceiptLineRead(Schema):
    id: uuid.UUID
    purchase_order_line_id: uuid.UUID
    line_no: int
    item_name: str
    quantity_received: DecimalStr
    quantity_rejected: DecimalStr
    quantity_accepted: DecimalStr
    rejection_reason: str | None


class GoodsReceiptRead(Schema):
    id: uuid.UUID
    number: str
    purchase_order_id: uuid.UUID
    purchase_order_number: str
    received_date: date
    delivery_note_reference: str | None
    notes: str | None
    over_receipt: bool
    received_by_id: uuid.UUID | None
    created_at: datetime
    lines: list[GoodsReceiptLineRead]
