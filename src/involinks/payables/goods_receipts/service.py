"""Goods receipt notes: deliveries against a purchase order, line by line.

A receipt may cover part of the order; several receipts add up. Rejected goods (damaged, wrong)
are received but not accepted: accepted = received - rejected, and only accepted goods count
towards the order (its status) and can be invoiced (3-way matching). Accepting more than was
ordered on a line needs the explicit `allow_over_receipt` flag; without it the receipt is
refused with a 422 that names each line and its quantities.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.core.types import utcnow
from involinks.errors import Conflict, NotFound, Unprocessable
from involinks.payables.goods_receipts.models import GoodsReceipt, GoodsReceiptLine
from involinks.payables.goods_receipts.schemas import (
    GoodsReceiptCreate,
    GoodsReceiptLineRead,
    GoodsReceiptRead,
)
from involinks.payables.purchase_orders import numbering
from involinks.payables.purchase_orders import service as orders_service
from involinks.payables.purchase_orders.models import PurchaseOrderLine, PurchaseOrderStatus

RECEIVABLE = frozenset(
    {
        PurchaseOrderStatus.SENT,
        PurchaseOrderStatus.PARTIALLY_RECEIVED,
        PurchaseOrderStatus.RECEIVED,
    }
)


class OverReceipt(Unprocessable):
    code = "over_receipt"


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _options() -> Any:
    return (
        selectinload(GoodsReceipt.purchase_order),
        selectinload(GoodsReceipt.lines).selectinload(GoodsReceiptLine.purchase_order_line),
    )


def to_read(receipt: GoodsReceipt) -> GoodsReceiptRead:
    lines = sorted(receipt.lines, key=lambda line: line.purchase_order_line.line_no)
    return GoodsReceiptRead(
        id=receipt.id,
        number=receipt.number,
        purchase_order_id=receipt.purchase_order_id,
        purchase_order_number=receipt.purchase_order.number,
        received_date=receipt.received_date,
        delivery_note_reference=receipt.delivery_note_reference,
        notes=receipt.notes,
        over_receipt=receipt.over_receipt,
        received_by_id=receipt.received_by_id,
        created_at=receipt.created_at,
        lines=[
            GoodsReceiptLineRead(
                id=line.id,
                purchase_order_line_id=line.purchase_order_line_id,
                line_no=line.purchase_order_line.line_no,
                item_name=line.purchase_order_line.item_name,
                quantity_received=line.quantity_received,
                quantity_rejected=line.quantity_rejected,
                quantity_accepted=line.quantity_accepted,
                rejection_reason=line.rejection_reason,
            )
            for line in lines
        ],
    )


async def get_receipt(session: AsyncSession, receipt_id: uuid.UUID) -> GoodsReceipt:
    receipt = (
        await session.execute(
            sa.select(GoodsReceipt).where(GoodsReceipt.id == receipt_id).options(*_options())
        )
    ).scalar_one_or_none()
    if receipt is None:
        raise NotFound("Goods receipt not found.")
    return receipt


async def list_receipts(
    session: AsyncSession,
    *,
    purchase_order_id: uuid.UUID | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[GoodsReceipt], int]:
    query = sa.select(GoodsReceipt)
    if purchase_order_id is not None:
        query = query.where(GoodsReceipt.purchase_order_id == purchase_order_id)
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(query.subquery()))
    ).scalar_one()
    rows = (
        await session.execute(
            query.options(*_options())
            .order_by(GoodsReceipt.received_date.desc(), GoodsReceipt.number.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).scalars()
    return list(rows), total


async def create_receipt(
    session: AsyncSession, order_id: uuid.UUID, data: GoodsReceiptCreate, *, actor: User
) -> GoodsReceipt:
    order = await orders_service.get_order(session, order_id, for_update=True)
    if order.status not in RECEIVABLE:
        raise Conflict(
            f"Purchase order {order.number} is {order.status.value}; goods can be received only "
            "against a sent order that is not closed or cancelled.",
            code="invalid_status_transition",
            details={"status": order.status.value},
        )
    by_no = {line.line_no: line for line in order.lines}
    by_id = {line.id: line for line in order.lines}
    unknown: list[dict[str, Any]] = []
    picked: list[tuple[PurchaseOrderLine, Decimal, Decimal, str | None]] = []
    seen: set[uuid.UUID] = set()
    for index, item in enumerate(data.lines):
        po_line = (
            by_no.get(item.line_no)
            if item.line_no is not None
            else by_id.get(item.purchase_order_line_id)  # type: ignore[arg-type]
        )
        if po_line is None:
            unknown.append(
                {
                    "field": f"lines.{index}",
                    "message": f"purchase order {order.number} has no line "
                    f"{item.line_no if item.line_no is not None else item.purchase_order_line_id}",
                }
            )
            continue
        if po_line.id in seen:
            unknown.append(
                {
                    "field": f"lines.{index}",
                    "message": f"line {po_line.line_no} appears twice in this receipt",
                }
            )
            continue
        seen.add(po_line.id)
        picked.append(
            (po_line, item.quantity_received, item.quantity_rejected, item.rejection_reason)
        )
    if unknown:
        raise Unprocessable(
            "Please correct: " + "; ".join(str(u["message"]) for u in unknown), details=unknown
        )

    over: list[dict[str, Any]] = []
    for po_line, received, rejected, _reason in picked:
        total_accepted = po_line.accepted_quantity + received - rejected
        if total_accepted > po_line.quantity:
            over.append(
                {
                    "line_no": po_line.line_no,
                    "item_name": po_line.item_name,
                    "ordered": _qty(po_line.quantity),
                    "already_accepted": _qty(po_line.accepted_quantity),
                    "receiving": _qty(received - rejected),
                    "would_total": _qty(total_accepted),
                }
            )
    if over and not data.allow_over_receipt:
        summary = "; ".join(
            f"line {o['line_no']} ({o['item_name']}): ordered {o['ordered']}, already received "
            f"{o['already_accepted']}, this receipt {o['receiving']} would make {o['would_total']}"
            for o in over
        )
        raise OverReceipt(
            f"More than ordered would be received: {summary}. Set allow_over_receipt to accept it.",
            details=over,
        )

    received_date = data.received_date or utcnow().date()
    receipt = GoodsReceipt(
        id=uuid.uuid4(),
        number=await numbering.next_number(session, numbering.GOODS_RECEIPT, received_date),
        purchase_order_id=order.id,
        received_date=received_date,
        delivery_note_reference=data.delivery_note_reference,
        notes=data.notes,
        over_receipt=bool(over),
        received_by_id=actor.id,
        lines=[
            GoodsReceiptLine(
                id=uuid.uuid4(),
                purchase_order_line_id=po_line.id,
                quantity_received=received,
                quantity_rejected=rejected,
                rejection_reason=reason,
            )
            for po_line, received, rejected, reason in picked
        ],
    )
    session.add(receipt)
    for po_line, received, rejected, _reason in picked:
        po_line.received_quantity += received
        po_line.rejected_quantity += rejected
    await session.flush()
    await audit.record(
        session,
        "goods_receipt.created",
        actor=actor,
        company_id=receipt.company_id,
        subject_type="goods_receipt",
        subject_id=str(receipt.id),
        details={
            "number": receipt.number,
            "purchase_order": order.number,
            "over_receipt": receipt.over_receipt,
            "lines": [
                {"line_no": po_line.line_no, "received": str(rec), "rejected": str(rej)}
                for po_line, rec, rej, _reason in picked
            ],
        },
    )
    await orders_service.follow_receipts(session, order, actor=actor)
    return await get_receipt(session, receipt.id)
