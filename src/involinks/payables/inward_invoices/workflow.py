"""What users do with a matched inward invoice.

    approve-variance: NEEDS_REVIEW with VARIANCE_DETECTED / PARTIAL_MATCH -> READY_TO_PAY
    dispute:          RECEIVED / NEEDS_REVIEW / READY_TO_PAY / ON_HOLD -> DISPUTED
                      (its consumed quantities are released for a corrected invoice)
    hold:             RECEIVED / NEEDS_REVIEW / READY_TO_PAY -> ON_HOLD
    release:          ON_HOLD -> back to where the match puts it (READY_TO_PAY when fully
                      matched or the variance was approved, NEEDS_REVIEW otherwise);
                      DISPUTED -> matched again, status from the new result
    match (on demand): RECEIVED / NEEDS_REVIEW / READY_TO_PAY
    accept:           READY_TO_PAY stays READY_TO_PAY (the buyer's "accepted" for the supplier)
    reject:           RECEIVED / NEEDS_REVIEW / ON_HOLD / DISPUTED -> REJECTED (final; its consumed
                      quantities are released; the supplier must credit it and reissue)
    pay (in parts):   READY_TO_PAY stays READY_TO_PAY while something is still owed; the payment
                      that settles the payable amount makes it PAID (an invoice, not a credit note)
    mark paid:        READY_TO_PAY -> PAID (final); on an invoice, what was still owed is
                      recorded as its last payment

Anything else is a 409. Each action is kept in the invoice history and the audit log. An invoice
received over Peppol gets the buyer's answer back as a Peppol Invoice Response (AP accepted,
RE rejected with the reason, PD paid; ``peppol.responses``), sent by a job after the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.core.types import utcnow
from involinks.errors import Conflict, Unprocessable
from involinks.payables.inward_invoices import history
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceStatus,
    InwardPayment,
)
from involinks.payables.matching import service as matching_service
from involinks.payables.matching.engine import MatchStatus
from involinks.payables.matching.models import InvoiceMatch
from involinks.peppol import responses
from involinks.peppol.invoice_response import ResponseCode

St = InwardInvoiceStatus
APPROVABLE_MATCHES = frozenset({MatchStatus.VARIANCE_DETECTED, MatchStatus.PARTIAL_MATCH})
DISPUTABLE = frozenset({St.RECEIVED, St.NEEDS_REVIEW, St.READY_TO_PAY, St.ON_HOLD})
HOLDABLE = frozenset({St.RECEIVED, St.NEEDS_REVIEW, St.READY_TO_PAY})
MATCHABLE = frozenset({St.RECEIVED, St.NEEDS_REVIEW, St.READY_TO_PAY})
REJECTABLE = frozenset({St.RECEIVED, St.NEEDS_REVIEW, St.ON_HOLD, St.DISPUTED})
PAYABLE = frozenset({St.READY_TO_PAY})


class InvalidInvoiceAction(Conflict):
    code = "invalid_status_transition"


def _refuse(invoice: InwardInvoice, action: str, hint: str = "") -> InvalidInvoiceAction:
    return InvalidInvoiceAction(
        f"Invoice {invoice.invoice_number} is {invoice.status.value} "
        f"({invoice.matching_status.value}); it cannot be {action}.{hint}",
        details={
            "status": invoice.status.value,
            "matching_status": invoice.matching_status.value,
        },
    )


async def approve_variance(
    session: AsyncSession, invoice: InwardInvoice, *, note: str, actor: User
) -> InwardInvoice:
    if invoice.status is not St.NEEDS_REVIEW or invoice.matching_status not in APPROVABLE_MATCHES:
        hint = (
            " Match it against a purchase order first."
            if invoice.matching_status is MatchStatus.NOT_MATCHED
            else ""
        )
        raise _refuse(invoice, "approved with a variance", hint)
    previous = invoice.status
    invoice.status = St.READY_TO_PAY
    invoice.status_reason = None
    invoice.variance_approved_at = utcnow()
    invoice.variance_approved_by_id = actor.id
    invoice.variance_approval_note = note
    await history.record(
        session,
        invoice,
        "variance_approved",
        actor=actor,
        from_status=previous,
        note=note,
        details={"variance": str(invoice.variance_amount)},
    )
    return invoice


async def dispute(
    session: AsyncSession, invoice: InwardInvoice, *, reason: str, actor: User
) -> InwardInvoice:
    if invoice.status not in DISPUTABLE:
        raise _refuse(invoice, "disputed")
    previous = invoice.status
    await matching_service.release_consumption(session, invoice)
    invoice.status = St.DISPUTED
    invoice.status_reason = reason
    await history.record(
        session, invoice, "disputed", actor=actor, from_status=previous, note=reason
    )
    return invoice


async def hold(
    session: AsyncSession, invoice: InwardInvoice, *, reason: str, actor: User
) -> InwardInvoice:
    if invoice.status not in HOLDABLE:
        raise _refuse(invoice, "put on hold")
    previous = invoice.status
    invoice.status = St.ON_HOLD
    invoice.status_reason = reason
    await history.record(session, invoice, "held", actor=actor, from_status=previous, note=reason)
    return invoice


async def release(session: AsyncSession, invoice: InwardInvoice, *, actor: User) -> InwardInvoice:
    previous = invoice.status
    if previous is St.DISPUTED:
        invoice.status = St.RECEIVED
        invoice.status_reason = None
        await history.record(session, invoice, "released", actor=actor, from_status=previous)
        # Its quantities were released on dispute: take them again if they are still open.
        await matching_service.match_invoice(session, invoice, actor=actor, trigger="release")
        return invoice
    if previous is not St.ON_HOLD:
        raise _refuse(invoice, "released", " Only held or disputed invoices are released.")
    ready = invoice.matching_status is MatchStatus.FULL_MATCH or (
        invoice.variance_approved_at is not None
    )
    invoice.status = St.READY_TO_PAY if ready else St.NEEDS_REVIEW
    invoice.status_reason = None
    await history.record(session, invoice, "released", actor=actor, from_status=previous)
    return invoice


async def match_now(session: AsyncSession, invoice: InwardInvoice, *, actor: User) -> InvoiceMatch:
    if invoice.status not in MATCHABLE:
        raise _refuse(invoice, "matched now", " Release it first.")
    return await matching_service.match_invoice(session, invoice, actor=actor, trigger="manual")


async def _answer(
    session: AsyncSession,
    invoice: InwardInvoice,
    code: ResponseCode,
    *,
    actor: User,
    reason: str | None = None,
) -> None:
    queued = await responses.queue_response(session, invoice, code, actor=actor, reason=reason)
    if queued is not None:
        await history.record(
            session,
            invoice,
            "response_queued",
            actor=actor,
            note=f"Peppol Invoice Response {code.value} to {queued.receiver_id}",
            details={"response_id": str(queued.id), "response_code": code.value},
        )


async def accept(session: AsyncSession, invoice: InwardInvoice, *, actor: User) -> InwardInvoice:
    if invoice.status not in PAYABLE:
        raise _refuse(invoice, "accepted", " Match it or approve its variance first.")
    await history.record(session, invoice, "accepted", actor=actor, from_status=invoice.status)
    await _answer(session, invoice, ResponseCode.ACCEPTED, actor=actor)
    return invoice


async def reject(
    session: AsyncSession, invoice: InwardInvoice, *, reason: str, actor: User
) -> InwardInvoice:
    if invoice.status not in REJECTABLE:
        raise _refuse(invoice, "rejected")
    previous = invoice.status
    if previous is not St.DISPUTED:  # a dispute released them already
        await matching_service.release_consumption(session, invoice)
    invoice.status = St.REJECTED
    invoice.status_reason = reason
    await history.record(
        session, invoice, "rejected", actor=actor, from_status=previous, note=reason
    )
    await _answer(session, invoice, ResponseCode.REJECTED, actor=actor, reason=reason)
    return invoice


async def payments_of(session: AsyncSession, invoice: InwardInvoice) -> list[InwardPayment]:
    """The payments recorded on the invoice, oldest first."""
    return list(
        await session.scalars(
            sa.select(InwardPayment)
            .where(InwardPayment.inward_invoice_id == invoice.id)
            .order_by(InwardPayment.paid_on, InwardPayment.recorded_at)
        )
    )


async def paid_by_invoice(
    session: AsyncSession, invoices: Sequence[InwardInvoice]
) -> dict[uuid.UUID, Decimal]:
    """What the payments on each of the invoices add up to (one query for a whole page)."""
    if not invoices:
        return {}
    rows = await session.execute(
        sa.select(InwardPayment.inward_invoice_id, sa.func.sum(InwardPayment.amount))
        .where(InwardPayment.inward_invoice_id.in_([invoice.id for invoice in invoices]))
        .group_by(InwardPayment.inward_invoice_id)
    )
    return dict(rows.all())


def outstanding(invoice: InwardInvoice, paid: Decimal) -> Decimal:
    """What is still owed on the invoice, given what was paid: nothing once settled."""
    if invoice.status in (St.PAID, St.REJECTED):
        return Decimal("0.00")
    return invoice.payable_amount - paid


async def paid_so_far(session: AsyncSession, invoice: InwardInvoice) -> Decimal:
    """What the payments recorded on the invoice add up to."""
    return (await paid_by_invoice(session, [invoice])).get(invoice.id, Decimal("0.00"))


async def record_payment(
    session: AsyncSession,
    invoice: InwardInvoice,
    *,
    amount: Decimal,
    paid_on: date,
    reference: str | None,
    actor: User,
) -> InwardPayment:
    """A payment on an invoice ready to pay (locked by the caller); the one that pays what is
    still owed settles it (PAID, and the supplier is told over Peppol)."""
    if amount <= 0:
        raise Unprocessable(
            "A payment must be more than zero.", details=[{"field": "amount", "message": "> 0"}]
        )
    if invoice.status not in PAYABLE:
        raise _refuse(invoice, "paid", " Only an invoice ready to pay is paid.")
    if invoice.is_credit_note:
        raise InvalidInvoiceAction(
            f"Credit note {invoice.invoice_number} is not paid in parts: mark it paid once the "
            "supplier has refunded or offset it."
        )
    owed = invoice.payable_amount - await paid_so_far(session, invoice)
    if amount > owed:
        raise Unprocessable(
            f"The payment of {invoice.currency} {amount} is more than the {invoice.currency} "
            f"{owed} still owed on invoice {invoice.invoice_number}.",
            code="payment_exceeds_outstanding",  # as a payment received on our own invoice
            details=[{"field": "amount", "message": f"at most {owed}"}],
        )
    payment = InwardPayment(
        id=uuid.uuid4(),
        company_id=invoice.company_id,
        inward_invoice_id=invoice.id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_at=utcnow(),
        recorded_by_id=actor.id,
    )
    session.add(payment)
    if amount == owed:
        await _settle(session, invoice, paid_on=paid_on, reference=reference, actor=actor)
        return payment
    await history.record(
        session,
        invoice,
        "payment_recorded",
        actor=actor,
        from_status=invoice.status,
        note=_paid_note(invoice, amount, paid_on, reference) + f"; {owed - amount} still owed",
        details={
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "still_owed": str(owed - amount),
        },
    )
    return payment


async def mark_paid(
    session: AsyncSession,
    invoice: InwardInvoice,
    *,
    paid_on: date,
    reference: str | None,
    actor: User,
) -> InwardInvoice:
    if invoice.status not in PAYABLE:
        raise _refuse(invoice, "marked paid", " Only an invoice ready to pay is paid.")
    if not invoice.is_credit_note:
        # What is still owed is its last payment: the payments add up to the payable amount.
        owed = invoice.payable_amount - await paid_so_far(session, invoice)
        if owed > 0:
            await record_payment(
                session, invoice, amount=owed, paid_on=paid_on, reference=reference, actor=actor
            )
            return invoice
    await _settle(session, invoice, paid_on=paid_on, reference=reference, actor=actor)
    return invoice


def _paid_note(invoice: InwardInvoice, amount: Decimal, paid_on: date, ref: str | None) -> str:
    note = f"{invoice.currency} {amount} paid on {paid_on.isoformat()}"
    return note + (f", reference {ref}" if ref else "")


async def _settle(
    session: AsyncSession,
    invoice: InwardInvoice,
    *,
    paid_on: date,
    reference: str | None,
    actor: User,
) -> None:
    previous = invoice.status
    invoice.status = St.PAID
    invoice.status_reason = None
    note = f"Paid on {paid_on.isoformat()}" + (f", reference {reference}" if reference else "")
    await history.record(
        session,
        invoice,
        "paid",
        actor=actor,
        from_status=previous,
        note=note,
        details={
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "amount": str(invoice.payable_amount),
        },
    )
    await _answer(session, invoice, ResponseCode.PAID, actor=actor)
