"""3-way matching of stored inward invoices: load, call the pure engine, store the outcome.

* Which PO: the one whose number is the invoice's order reference (IBT-013), else among the
  supplier's open orders (same TRN, SENT / PARTIALLY_RECEIVED / RECEIVED) the engine's
  `choose_purchase_order` pick. A referenced order of another supplier is still shown, as
  NOT_MATCHED with the reason, when the supplier has no open order of its own to match.
* What is left to invoice: accepted receipt quantities minus what other invoices' matches
  consumed (`match_consumptions`). Matching the same invoice again first releases its own
  consumption, so an invoice never competes with itself; two invoices never draw on the same
  received quantity. The candidate orders are locked (FOR UPDATE) for the duration.
* Tolerances: `Company.settings["matching"]`, default the engine's (0.01 and 5 %).
* Outcome: FULL_MATCH makes the invoice READY_TO_PAY; anything else NEEDS_REVIEW, where a user
  can approve the variance, dispute, or hold it. Every run is kept (`invoice_matches`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.core.types import utcnow
from involinks.errors import NotFound
from involinks.payables.goods_receipts.models import GoodsReceipt, GoodsReceiptLine
from involinks.payables.inward_invoices import history
from involinks.payables.inward_invoices.models import InwardInvoice, InwardInvoiceStatus
from involinks.payables.matching import engine
from involinks.payables.matching.engine import MatchResult, MatchStatus, MatchTolerances
from involinks.payables.matching.models import InvoiceMatch, MatchConsumption
from involinks.payables.matching.schemas import (
    InvoiceMatchRead,
    MatchingSettingsIn,
    MatchingSettingsRead,
)
from involinks.payables.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from involinks.payables.purchase_orders.service import OPEN_STATUSES
from involinks.payables.suppliers.models import Supplier

SETTINGS_KEY = "matching"
# Statuses from which the invoice's standing follows the match outcome.
_FOLLOWS_MATCH = frozenset(
    {
        InwardInvoiceStatus.RECEIVED,
        InwardInvoiceStatus.NEEDS_REVIEW,
        InwardInvoiceStatus.READY_TO_PAY,
        InwardInvoiceStatus.DISPUTED,  # matched again on release
    }
)


# --------------------------------------------------------------------------- settings


def tolerances_from(company_settings: dict[str, Any] | None) -> MatchTolerances:
    raw = (company_settings or {}).get(SETTINGS_KEY) or {}
    default = engine.DEFAULT_TOLERANCES
    try:
        return MatchTolerances(
            full_match_amount=Decimal(str(raw.get("full_match_amount", default.full_match_amount))),
            variance_percent=Decimal(str(raw.get("variance_percent", default.variance_percent))),
        )
    except (InvalidOperation, ValueError):
        return default


def settings_read(tolerances: MatchTolerances) -> MatchingSettingsRead:
    return MatchingSettingsRead(
        full_match_amount=tolerances.full_match_amount,
        variance_percent=tolerances.variance_percent,
    )


async def _company(session: AsyncSession, company_id: uuid.UUID) -> Company:
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("Company not found.")
    return company


async def get_tolerances(session: AsyncSession, company_id: uuid.UUID) -> MatchTolerances:
    return tolerances_from((await _company(session, company_id)).settings)


async def update_tolerances(
    session: AsyncSession, company_id: uuid.UUID, data: MatchingSettingsIn, *, actor: User
) -> MatchTolerances:
    company = await _company(session, company_id)
    before = tolerances_from(company.settings)
    tolerances = MatchTolerances(
        full_match_amount=data.full_match_amount, variance_percent=data.variance_percent
    )
    # A new dict: in-place changes of a JSON column are not tracked.
    company.settings = {
        **(company.settings or {}),
        SETTINGS_KEY: {
            "full_match_amount": str(tolerances.full_match_amount),
            "variance_percent": str(tolerances.variance_percent),
        },
    }
    await session.flush()
    await audit.record(
        session,
        "payables.settings_updated",
        actor=actor,
        company_id=company_id,
        subject_type="company",
        subject_id=str(company_id),
        details={
            "before": {k: str(v) for k, v in dataclasses.asdict(before).items()},
            "after": {k: str(v) for k, v in dataclasses.asdict(tolerances).items()},
        },
    )
    return tolerances


# --------------------------------------------------------------------------- engine input


def engine_invoice(invoice: InwardInvoice) -> engine.SupplierInvoice:
    """The stored invoice (with its lines loaded) as the engine's input."""
    return engine.SupplierInvoice(
        number=invoice.invoice_number,
        supplier_trn=invoice.supplier_trn or "",
        currency=invoice.currency,
        net_total=invoice.net_amount,
        tax_total=invoice.tax_amount,
        payable_amount=invoice.payable_amount,
        order_reference=invoice.order_reference,
        lines=tuple(
            engine.InvoiceLine(
                line_id=line.line_id,
                item_name=line.item_name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_amount=line.net_amount,
                item_code=line.item_code,
                order_line_reference=line.order_line_reference,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
            )
            for line in invoice.lines
        ),
    )


@dataclasses.dataclass(frozen=True)
class _Candidate:
    order: PurchaseOrder
    state: engine.PurchaseOrderState
    # engine line id (the PO line number) -> purchase_order_lines.id
    line_ids: dict[str, uuid.UUID]


def _reference_key(reference: str | None) -> str | None:
    key = "".join((reference or "").split()).lower()
    return key or None


async def _candidates(
    session: AsyncSession, invoice: InwardInvoice
) -> tuple[list[_Candidate], _Candidate | None]:
    """The supplier's open orders (oldest first) and the order the invoice refers to."""
    ids: list[uuid.UUID] = []
    if invoice.supplier_trn:
        ids += (
            await session.execute(
                sa.select(PurchaseOrder.id)
                .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
                .where(
                    Supplier.trn == invoice.supplier_trn,
                    PurchaseOrder.status.in_(OPEN_STATUSES),
                )
                .order_by(PurchaseOrder.order_date, PurchaseOrder.number)
            )
        ).scalars()
    reference_id: uuid.UUID | None = None
    key = _reference_key(invoice.order_reference)
    if key:
        reference_id = (
            await session.execute(
                sa.select(PurchaseOrder.id).where(
                    sa.func.lower(PurchaseOrder.number) == key,
                    PurchaseOrder.status.not_in(
                        (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED)
                    ),
                )
            )
        ).scalar_one_or_none()
        if reference_id is not None and reference_id not in ids:
            ids.append(reference_id)
    if not ids:
        return [], None

    # Lock in a fixed order (by id) so two matches never wait on each other crosswise.
    orders = {
        order.id: order
        for order in (
            await session.execute(
                sa.select(PurchaseOrder)
                .where(PurchaseOrder.id.in_(ids))
                .order_by(PurchaseOrder.id)
                .with_for_update(of=PurchaseOrder)
                .options(selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.supplier))
                .execution_options(populate_existing=True)
            )
        ).scalars()
    }
    receipts = (
        await session.execute(
            sa.select(GoodsReceipt)
            .where(GoodsReceipt.purchase_order_id.in_(ids))
            .options(
                selectinload(GoodsReceipt.lines).selectinload(GoodsReceiptLine.purchase_order_line)
            )
            .order_by(GoodsReceipt.received_date, GoodsReceipt.number)
        )
    ).scalars()
    receipts_by_order: dict[uuid.UUID, list[engine.GoodsReceipt]] = {}
    for receipt in receipts:
        order = orders[receipt.purchase_order_id]
        receipts_by_order.setdefault(order.id, []).append(
            engine.GoodsReceipt(
                number=receipt.number,
                order_number=order.number,
                lines=tuple(
                    engine.GoodsReceiptLine(
                        order_line_id=str(line.purchase_order_line.line_no),
                        quantity_received=line.quantity_received,
                        quantity_rejected=line.quantity_rejected,
                    )
                    for line in receipt.lines
                ),
            )
        )
    line_ids = [line.id for order in orders.values() for line in order.lines]
    consumed: dict[uuid.UUID, Decimal] = {
        row.purchase_order_line_id: row.quantity
        for row in (
            await session.execute(
                sa.select(
                    MatchConsumption.purchase_order_line_id,
                    sa.func.sum(MatchConsumption.quantity).label("quantity"),
                )
                .where(
                    MatchConsumption.purchase_order_line_id.in_(line_ids),
                    MatchConsumption.inward_invoice_id != invoice.id,
                )
                .group_by(MatchConsumption.purchase_order_line_id)
            )
        ).all()
    }

    built: dict[uuid.UUID, _Candidate] = {}
    for order_id in ids:
        order = orders[order_id]
        built[order_id] = _Candidate(
            order=order,
            state=engine.PurchaseOrderState(
                order=engine.PurchaseOrder(
                    number=order.number,
                    supplier_trn=order.supplier.trn or "",
                    currency=order.currency,
                    lines=tuple(
                        engine.PurchaseOrderLine(
                            line_id=str(line.line_no),
                            item_name=line.item_name,
                            quantity=line.quantity,
                            unit_price=line.unit_price,
                            item_code=line.item_code,
                            vat_category=line.vat_category,
                            vat_rate=line.vat_rate,
                        )
                        for line in order.lines
                    ),
                ),
                receipts=tuple(receipts_by_order.get(order_id, ())),
                previously_invoiced={
                    str(line.line_no): consumed[line.id]
                    for line in order.lines
                    if consumed.get(line.id)
                },
            ),
            line_ids={str(line.line_no): line.id for line in order.lines},
        )
    return [built[i] for i in ids], built.get(reference_id) if reference_id else None


# --------------------------------------------------------------------------- storing results


def _plain(value: Any) -> Any:
    """Engine dataclasses as JSON: Decimals as exact strings, enums as their value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def result_json(result: MatchResult) -> dict[str, Any]:
    data: dict[str, Any] = _plain(dataclasses.asdict(result))
    for finding, stored in zip(result.lines, data["lines"], strict=True):
        stored["reason"] = finding.reason
    return data


async def release_consumption(session: AsyncSession, invoice: InwardInvoice) -> None:
    await session.execute(
        sa.delete(MatchConsumption)
        .where(MatchConsumption.inward_invoice_id == invoice.id)
        .execution_options(synchronize_session=False)
    )


def _credit_note_result(invoice: engine.SupplierInvoice) -> MatchResult:
    base = engine.match_invoice_to_po(invoice, None)
    issue = "credit notes are not matched against purchase orders; review it by hand"
    return dataclasses.replace(
        base,
        issues=(issue,),
        unmatched_invoice_lines=tuple(
            dataclasses.replace(line, reason=issue) for line in base.unmatched_invoice_lines
        ),
    )


async def match_invoice(
    session: AsyncSession,
    invoice: InwardInvoice,
    *,
    actor: User | None,
    trigger: str = "manual",
) -> InvoiceMatch:
    """Match `invoice` (lines loaded) now and store the outcome; see the module docstring."""
    await release_consumption(session, invoice)
    await session.execute(
        sa.update(InvoiceMatch)
        .where(InvoiceMatch.inward_invoice_id == invoice.id, InvoiceMatch.is_current.is_(True))
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    )
    tolerances = await get_tolerances(session, invoice.company_id)
    supplier_invoice = engine_invoice(invoice)
    chosen: _Candidate | None = None
    if invoice.is_credit_note:
        result = _credit_note_result(supplier_invoice)
    else:
        candidates, referenced = await _candidates(session, invoice)
        state = engine.choose_purchase_order(supplier_invoice, [c.state for c in candidates])
        if state is not None:
            chosen = next(c for c in candidates if c.state is state)
        elif referenced is not None:
            chosen = referenced  # shown as NOT_MATCHED, with the reason
        result = engine.match_invoice_to_po(
            supplier_invoice, chosen.state if chosen else None, tolerances
        )

    matched = chosen is not None and result.status is not MatchStatus.NOT_MATCHED
    match = InvoiceMatch(
        id=uuid.uuid4(),
        inward_invoice_id=invoice.id,
        purchase_order_id=chosen.order.id if chosen else None,
        order_number=result.order_number,
        status=result.status,
        is_current=True,
        trigger=trigger,
        matched_at=utcnow(),
        matched_by_id=actor.id if actor else None,
        currency=result.currency,
        expected_net=result.expected_net,
        invoiced_net=result.invoiced_net,
        variance_amount=result.variance_amount,
        variance_percent=result.variance_percent,
        expected_tax=result.expected_tax,
        invoiced_tax=result.invoiced_tax,
        tax_variance=result.tax_variance,
        tolerances=_plain(dataclasses.asdict(tolerances)),
        result=result_json(result),
    )
    session.add(match)
    if matched and chosen is not None:
        for line_id, quantity in result.consumption.items():
            if quantity > 0:
                session.add(
                    MatchConsumption(
                        id=uuid.uuid4(),
                        inward_invoice_id=invoice.id,
                        invoice_match_id=match.id,
                        purchase_order_line_id=chosen.line_ids[line_id],
                        quantity=quantity,
                    )
                )

    previous = invoice.status
    invoice.matching_status = result.status
    invoice.purchase_order_id = chosen.order.id if matched and chosen else None
    invoice.matched_at = match.matched_at
    invoice.variance_amount = result.variance_amount
    invoice.variance_approved_at = None
    invoice.variance_approved_by_id = None
    invoice.variance_approval_note = None
    if previous in _FOLLOWS_MATCH:
        invoice.status = (
            InwardInvoiceStatus.READY_TO_PAY
            if result.status is MatchStatus.FULL_MATCH
            else InwardInvoiceStatus.NEEDS_REVIEW
        )
        invoice.status_reason = None
    await session.flush()
    await history.record(
        session,
        invoice,
        "matched",
        actor=actor,
        from_status=previous,
        note=f"{result.status.value}"
        + (f" against {result.order_number}" if result.order_number else "")
        + (f": {result.issues[0]}" if result.issues else ""),
        details={
            "trigger": trigger,
            "purchase_order": result.order_number,
            "variance": str(result.variance_amount) if result.variance_amount is not None else None,
            "consumption": _plain(dict(result.consumption)) if matched else {},
        },
    )
    return match


# --------------------------------------------------------------------------- reading


def match_read(match: InvoiceMatch) -> InvoiceMatchRead:
    data = dict(match.result)
    issues = [str(issue) for issue in data.get("issues", [])]
    return InvoiceMatchRead.model_validate(
        {
            **data,
            "id": match.id,
            "status": match.status,
            "matching_status": match.status,
            "explanation": f"{MatchStatus(match.status).value}: "
            + ("; ".join(issues) or "no differences"),
            "is_current": match.is_current,
            "trigger": match.trigger,
            "matched_at": match.matched_at,
            "matched_by_id": match.matched_by_id,
            "purchase_order_id": match.purchase_order_id,
            "order_number": match.order_number,
            "tolerances": match.tolerances,
        }
    )


async def current_match(session: AsyncSession, invoice_id: uuid.UUID) -> InvoiceMatch | None:
    return (
        await session.execute(
            sa.select(InvoiceMatch).where(
                InvoiceMatch.inward_invoice_id == invoice_id, InvoiceMatch.is_current.is_(True)
            )
        )
    ).scalar_one_or_none()


async def match_history(session: AsyncSession, invoice_id: uuid.UUID) -> Sequence[InvoiceMatch]:
    return (
        (
            await session.execute(
                sa.select(InvoiceMatch)
                .where(InvoiceMatch.inward_invoice_id == invoice_id)
                .order_by(InvoiceMatch.matched_at.desc())
            )
        )
        .scalars()
        .all()
    )
