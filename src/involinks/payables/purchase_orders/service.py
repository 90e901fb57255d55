"""Purchase orders: drafting, numbering, status transitions and sending to the supplier.

Status machine (anything else is a 409):

    DRAFT -> SENT | CANCELLED
    SENT -> PARTIALLY_RECEIVED | RECEIVED | CANCELLED       (receipts move it on)
    PARTIALLY_RECEIVED -> PARTIALLY_RECEIVED | RECEIVED | CLOSED
    RECEIVED -> CLOSED
    CLOSED, CANCELLED: final

Receipt-driven status follows the accepted quantities (received - rejected) of the lines:
every line accepted in full -> RECEIVED, something accepted -> PARTIALLY_RECEIVED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.auth.tokens import InvalidToken, create_purpose_token, decode
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.errors import Conflict, NotFound, Unprocessable
from involinks.mail.service import send_mail
from involinks.payables.pdf import render_purchase_order
from involinks.payables.purchase_orders import numbering
from involinks.payables.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from involinks.payables.purchase_orders.schemas import (
    PurchaseOrderCreate,
    PurchaseOrderLineIn,
    PurchaseOrderUpdate,
)
from involinks.payables.suppliers import service as suppliers_service
from involinks.payables.suppliers.models import Supplier
from involinks.storage import ArtifactStore

S = PurchaseOrderStatus
TRANSITIONS: dict[PurchaseOrderStatus, frozenset[PurchaseOrderStatus]] = {
    S.DRAFT: frozenset({S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.PARTIALLY_RECEIVED, S.RECEIVED, S.CANCELLED}),
    S.PARTIALLY_RECEIVED: frozenset({S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED}),
    S.RECEIVED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Statuses in which goods can arrive and invoices can be matched against the order.
OPEN_STATUSES = frozenset({S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED})

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class InvalidTransition(Conflict):
    code = "invalid_status_transition"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_by_group(lines: Iterable[tuple[str, Decimal, Decimal]]) -> Decimal:
    """VAT of (category, rate, net) lines: per (category, rate) group, rounded per group (the
    PINT AE way: IBT-117 = IBT-116 x IBT-119 / 100 per breakdown line)."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for category, rate, net in lines:
        groups[(category, rate)] = groups.get((category, rate), Decimal(0)) + net
    return sum((money(base * rate / HUNDRED) for (_c, rate), base in groups.items()), Decimal(0))


def ensure_transition(order: PurchaseOrder, target: PurchaseOrderStatus) -> None:
    if target not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            f"Purchase order {order.number} is {order.status.value}; it cannot become "
            f"{target.value}.",
            details={"status": order.status.value, "requested": target.value},
        )


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, *, for_update: bool = False
) -> PurchaseOrder:
    query = sa.select(PurchaseOrder).where(PurchaseOrder.id == order_id)
    if for_update:
        # Serialises receipts and matches against one order (PostgreSQL; SQLite's BEGIN
        # IMMEDIATE already serialises writers).
        query = query.with_for_update(of=PurchaseOrder)
    order = (
        await session.execute(
            query.options(
                selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.supplier)
            ).execution_options(populate_existing=for_update)
        )
    ).scalar_one_or_none()
    if order is None:
        raise NotFound("Purchase order not found.")
    return order


async def list_orders(
    session: AsyncSession,
    *,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    q: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[PurchaseOrder], int]:
    query = sa.select(PurchaseOrder)
    if status is not None:
        query = query.where(PurchaseOrder.status == status)
    if supplier_id is not None:
        query = query.where(PurchaseOrder.supplier_id == supplier_id)
    if q:
        query = query.where(
            sa.func.lower(PurchaseOrder.number).contains(q.strip().lower(), autoescape=True)
        )
    if date_from is not None:
        query = query.where(PurchaseOrder.order_date >= date_from)
    if date_to is not None:
        query = query.where(PurchaseOrder.order_date <= date_to)
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(query.subquery()))
    ).scalar_one()
    rows = (
        await session.execute(
            query.options(selectinload(PurchaseOrder.supplier))
            .order_by(PurchaseOrder.order_date.desc(), PurchaseOrder.number.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).scalars()
    return list(rows), total


def _build_lines(lines: Sequence[PurchaseOrderLineIn]) -> list[PurchaseOrderLine]:
    built = []
    for number, line in enumerate(lines, start=1):
        built.append(
            PurchaseOrderLine(
                id=uuid.uuid4(),
                line_no=number,
                item_code=line.item_code,
                item_name=line.item_name,
                description=line.description,
                unit_code=line.unit_code,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
                net_amount=money(line.quantity * line.unit_price),
                received_quantity=Decimal(0),
                rejected_quantity=Decimal(0),
            )
        )
    return built


def _recompute_totals(order: PurchaseOrder) -> None:
    order.net_amount = sum((line.net_amount for line in order.lines), Decimal(0))
    order.tax_amount = vat_by_group(
        (line.vat_category, line.vat_rate, line.net_amount) for line in order.lines
    )
    order.total_amount = order.net_amount + order.tax_amount


async def _active_supplier(session: AsyncSession, supplier_id: uuid.UUID) -> Supplier:
    supplier = await suppliers_service.get_supplier(session, supplier_id)
    if not supplier.is_active:
        raise Unprocessable(
            f"Supplier {supplier.name} is inactive; activate it before ordering from it.",
            details=[{"field": "supplier_id", "message": "supplier is inactive"}],
        )
    return supplier


async def create_order(
    session: AsyncSession, data: PurchaseOrderCreate, *, actor: User
) -> PurchaseOrder:
    supplier = await _active_supplier(session, data.supplier_id)
    order_date = data.order_date or utcnow().date()
    order = PurchaseOrder(
        id=uuid.uuid4(),
        number=await numbering.next_number(session, numbering.PURCHASE_ORDER, order_date),
        supplier_id=supplier.id,
        status=PurchaseOrderStatus.DRAFT,
        order_date=order_date,
        expected_delivery_date=data.expected_delivery_date,
        currency=data.currency or supplier.currency,
        delivery_address=data.delivery_address,
        payment_terms=data.payment_terms or supplier.payment_terms,
        notes=data.notes,
        created_by_id=actor.id,
        lines=_build_lines(data.lines),
    )
    _recompute_totals(order)
    session.add(order)
    await session.flush()
    await audit.record(
        session,
        "purchase_order.created",
        actor=actor,
        company_id=order.company_id,
        subject_type="purchase_order",
        subject_id=str(order.id),
        details={"number": order.number, "total": str(order.total_amount)},
    )
    return await get_order(session, order.id)


async def update_order(
    session: AsyncSession, order: PurchaseOrder, data: PurchaseOrderUpdate, *, actor: User
) -> PurchaseOrder:
    if order.status is not PurchaseOrderStatus.DRAFT:
        raise InvalidTransition(
            f"Purchase order {order.number} is {order.status.value}; only drafts can be edited.",
            details={"status": order.status.value},
        )
    changes = data.model_dump(exclude_unset=True)
    if changes.get("supplier_id") is not None:
        await _active_supplier(session, changes["supplier_id"])
        order.supplier_id = changes["supplier_id"]
    for field in ("expected_delivery_date", "delivery_address", "payment_terms", "notes"):
        if field in changes:
            setattr(order, field, changes[field])
    for field in ("order_date", "currency"):
        if changes.get(field) is not None:
            setattr(order, field, changes[field])
    if data.lines is not None:
        # Old lines go first: the new ones reuse their line numbers (unique per order).
        order.lines.clear()
        await session.flush()
        order.lines.extend(_build_lines(data.lines))
        _recompute_totals(order)
    await session.flush()
    await audit.record(
        session,
        "purchase_order.updated",
        actor=actor,
        company_id=order.company_id,
        subject_type="purchase_order",
        subject_id=str(order.id),
        details={"number": order.number, "fields": sorted(changes)},
    )
    order_id = order.id
    session.expire(order)
    return await get_order(session, order_id)


async def _change_status(
    session: AsyncSession,
    order: PurchaseOrder,
    target: PurchaseOrderStatus,
    *,
    actor: User | None,
    action: str,
    reason: str | None = None,
) -> PurchaseOrder:
    ensure_transition(order, target)
    previous = order.status
    order.status = target
    if reason is not None:
        order.status_reason = reason
    if target is PurchaseOrderStatus.CANCELLED:
        order.cancelled_at = utcnow()
    elif target is PurchaseOrderStatus.CLOSED:
        order.closed_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        action,
        actor=actor,
        company_id=order.company_id,
        subject_type="purchase_order",
        subject_id=str(order.id),
        details={"number": order.number, "from": previous.value, "to": target.value}
        | ({"reason": reason} if reason else {}),
    )
    return order


async def cancel_order(
    session: AsyncSession, order: PurchaseOrder, *, actor: User, reason: str | None
) -> PurchaseOrder:
    # The row stays (its number is used), so numbering stays gapless and the trail complete.
    return await _change_status(
        session,
        order,
        PurchaseOrderStatus.CANCELLED,
        actor=actor,
        action="purchase_order.cancelled",
        reason=reason,
    )


async def close_order(
    session: AsyncSession, order: PurchaseOrder, *, actor: User, reason: str | None
) -> PurchaseOrder:
    return await _change_status(
        session,
        order,
        PurchaseOrderStatus.CLOSED,
        actor=actor,
        action="purchase_order.closed",
        reason=reason,
    )


def status_from_receipts(order: PurchaseOrder) -> PurchaseOrderStatus:
    """The status the accepted quantities call for (SENT when nothing was accepted yet)."""
    accepted = [line.accepted_quantity for line in order.lines]
    if all(a >= line.quantity for a, line in zip(accepted, order.lines, strict=True)):
        return PurchaseOrderStatus.RECEIVED
    if any(a > 0 for a in accepted):
        return PurchaseOrderStatus.PARTIALLY_RECEIVED
    return PurchaseOrderStatus.SENT


async def follow_receipts(session: AsyncSession, order: PurchaseOrder, *, actor: User) -> None:
    target = status_from_receipts(order)
    if target is order.status:
        return
    await _change_status(
        session, order, target, actor=actor, action="purchase_order.status_changed"
    )


# --------------------------------------------------------------------------- sending

PDF_TOKEN_PURPOSE = "purchase_order_pdf"
PDF_CONTENT_TYPE = "application/pdf"
PDF_LINK_DAYS = 60


def recipient(supplier: Supplier) -> str | None:
    """The supplier's order address: its e-mail, else the first contact with one."""
    if supplier.email:
        return supplier.email
    for contact in supplier.contacts or []:
        if contact.get("email"):
            return str(contact["email"])
    return None


def pdf_link(settings: Settings, order: PurchaseOrder) -> str:
    token = create_purpose_token(
        settings,
        subject=str(order.id),
        purpose=PDF_TOKEN_PURPOSE,
        minutes=PDF_LINK_DAYS * 24 * 60,
        extra={"cid": str(order.company_id)},
    )
    base = settings.public_base_url.rstrip("/")
    return f"{base}/api/v1/purchase-orders/{order.id}/document?token={token}"


def storage_namespace(company_id: uuid.UUID) -> str:
    return f"payables-po/{company_id}"


async def send_order(
    session: AsyncSession,
    order: PurchaseOrder,
    *,
    actor: User,
    settings: Settings,
    store: ArtifactStore,
) -> PurchaseOrder:
    """E-mail the order to the supplier and mark it SENT.

    `send_mail` carries no attachments, so the PDF goes to the artifact store and the e-mail
    carries a signed download link (valid PDF_LINK_DAYS days).
    """
    ensure_transition(order, PurchaseOrderStatus.SENT)
    to = recipient(order.supplier)
    if to is None:
        raise Unprocessable(
            f"Supplier {order.supplier.name} has no e-mail address to send the order to.",
            details=[{"field": "supplier.email", "message": "missing"}],
        )
    company = await session.get(Company, order.company_id)
    if company is None:
        raise NotFound("Company not found.")
    pdf = render_purchase_order(order, buyer=company)
    stored = await store.put(
        storage_namespace(order.company_id), pdf, content_type=PDF_CONTENT_TYPE
    )
    order.pdf_storage_key = stored.key
    link = pdf_link(settings, order)
    text = (
        f"Dear {order.supplier.name},\n\n"
        f"{company.legal_name} sends you purchase order {order.number} of "
        f"{order.order_date.isoformat()} for {order.currency} {order.total_amount} "
        f"(VAT included).\n\n"
        f"Download the order (PDF): {link}\n"
        f"The link is valid for {PDF_LINK_DAYS} days.\n\n"
        f"Please quote {order.number} and its line numbers on your invoice.\n\n"
        f"{company.legal_name}\n"
    )
    await send_mail(
        session,
        to=to,
        subject=f"Purchase order {order.number} from {company.legal_name}",
        text=text,
    )
    order.sent_at = utcnow()
    order.sent_to = to
    return await _change_status(
        session, order, PurchaseOrderStatus.SENT, actor=actor, action="purchase_order.sent"
    )


async def read_pdf(session: AsyncSession, order: PurchaseOrder, store: ArtifactStore) -> bytes:
    """The PDF as sent; rendered now for an order that was never sent."""
    if order.pdf_storage_key:
        return await store.get(order.pdf_storage_key)
    company = await session.get(Company, order.company_id)
    if company is None:
        raise NotFound("Company not found.")
    return render_purchase_order(order, buyer=company)


async def order_for_pdf_token(
    session: AsyncSession, order_id: uuid.UUID, token: str, settings: Settings
) -> PurchaseOrder:
    """The order a supplier's download link points at. Any problem is a plain 404."""
    try:
        claims = decode(settings, token, purpose=PDF_TOKEN_PURPOSE)
        company_id = uuid.UUID(str(claims["cid"]))
    except (InvalidToken, KeyError, ValueError) as exc:
        raise NotFound("This link is invalid or has expired.") from exc
    if claims.get("sub") != str(order_id):
        raise NotFound("This link is invalid or has expired.")
    tenancy.bind_company(session, company_id)
    order = await get_order(session, order_id)
    if order.pdf_storage_key is None or order.status is PurchaseOrderStatus.DRAFT:
        raise NotFound("This link is invalid or has expired.")
    return order
