"""Payments received against the company's own issued invoices (receivables).

A payment is recorded by hand (``POST /api/v1/invoices/{id}/payments``) or from the buyer's Peppol
Invoice Response "paid" (``peppol.responses``). What is still owed is the payable amount (IBT-115)
less the finalized credit notes against the invoice and the payments so far; a payment larger than
that is refused. The payment that settles it moves the invoice to PAID (``TRANSITIONS``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, status
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.base import Base, CompanyScoped, IdMixin
from involinks.core.db import DbSession
from involinks.core.schemas import Schema
from involinks.core.types import Amount, UtcDateTime, utcnow
from involinks.errors import Conflict, Unprocessable
from involinks.invoicing import repository
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.dependencies import InvoiceFromPath
from involinks.invoicing.models import Invoice, InvoiceStatus

__all__ = [
    "InvoicePayment",
    "PaymentCreate",
    "PaymentSource",
    "PaymentSummary",
    "outstanding",
    "record_payment",
    "router",
]

_CENT = Decimal("0.01")

#: Statuses an invoice can receive a payment in (issued, owed, not settled otherwise).
PAYABLE_STATUSES = frozenset(
    status
    for status, targets in invoicing_service.TRANSITIONS.items()
    if InvoiceStatus.PAID in targets
)


class PaymentSource(StrEnum):
    MANUAL = "MANUAL"
    PEPPOL = "PEPPOL"  # the buyer's Invoice Response with status PD


class InvoicePayment(IdMixin, CompanyScoped, Base):
    __tablename__ = "invoice_payments"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Amount())  # in the invoice's currency
    paid_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[PaymentSource] = mapped_column(
        sa.Enum(PaymentSource, native_enum=False, length=16)
    )
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class PaymentCreate(Schema):
    amount: Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
    paid_on: date
    reference: Annotated[str | None, Field(max_length=200)] = None


class PaymentRead(Schema):
    id: uuid.UUID
    amount: Decimal
    paid_on: date
    reference: str | None
    source: PaymentSource
    recorded_at: datetime


class PaymentSummary(Schema):
    invoice_id: uuid.UUID
    status: InvoiceStatus
    currency: str
    payable_amount: Decimal
    credited_amount: Decimal
    paid_amount: Decimal
    outstanding_amount: Decimal
    payments: list[PaymentRead]


async def _payments(session: AsyncSession, invoice_id: uuid.UUID) -> list[InvoicePayment]:
    return list(
        (
            await session.execute(
                sa.select(InvoicePayment)
                .where(InvoicePayment.invoice_id == invoice_id)
                .order_by(InvoicePayment.recorded_at, InvoicePayment.id)
            )
        )
        .scalars()
        .all()
    )


async def _paid_total(session: AsyncSession, invoice_id: uuid.UUID) -> Decimal:
    total = (
        await session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(InvoicePayment.amount), 0)).where(
                InvoicePayment.invoice_id == invoice_id
            )
        )
    ).scalar_one()
    return Decimal(total).quantize(_CENT)


async def outstanding(session: AsyncSession, invoice: Invoice) -> Decimal:
    """What the buyer still owes on ``invoice`` (never below zero)."""
    credited = Decimal(await repository.credited_total(session, invoice.id))
    paid = await _paid_total(session, invoice.id)
    return max(Decimal(0), invoice.payable_amount - credited - paid).quantize(_CENT)


async def summary(session: AsyncSession, invoice: Invoice) -> PaymentSummary:
    payments = await _payments(session, invoice.id)
    credited = Decimal(await repository.credited_total(session, invoice.id)).quantize(_CENT)
    paid = sum((p.amount for p in payments), Decimal(0)).quantize(_CENT)
    return PaymentSummary(
        invoice_id=invoice.id,
        status=invoice.status,
        currency=invoice.currency,
        payable_amount=invoice.payable_amount,
        credited_amount=credited,
        paid_amount=paid,
        outstanding_amount=max(Decimal(0), invoice.payable_amount - credited - paid).quantize(
            _CENT
        ),
        payments=[PaymentRead.model_validate(p) for p in payments],
    )


class InvoiceNotPayable(Conflict):
    code = "invoice_not_payable"


async def record_payment(
    session: AsyncSession,
    invoice: Invoice,
    *,
    amount: Decimal,
    paid_on: date,
    reference: str | None,
    source: PaymentSource,
    user: User | None,
    note: str | None = None,
) -> InvoicePayment:
    """Record one payment (flushes); the one that settles the invoice makes it PAID."""
    if invoice.is_credit_note:
        raise InvoiceNotPayable(
            "A credit note is not paid by the buyer; record the payment on the invoice.",
        )
    if invoice.status not in PAYABLE_STATUSES:
        raise InvoiceNotPayable(
            f"Invoice {invoice.number or '(draft)'} is {invoice.status.value}; only an issued "
            "invoice that is still owed can receive a payment.",
            details={"status": invoice.status.value},
        )
    amount = amount.quantize(_CENT)
    owed = await outstanding(session, invoice)
    if amount <= 0 or amount > owed:
        raise Unprocessable(
            f"The payment of {amount} {invoice.currency} is more than the {owed} "
            f"{invoice.currency} still owed on invoice {invoice.number}.",
            code="payment_exceeds_outstanding",
            details=[{"field": "amount", "message": f"at most {owed}"}],
        )
    payment = InvoicePayment(
        id=uuid.uuid4(),
        company_id=invoice.company_id,
        invoice_id=invoice.id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        source=source,
        recorded_at=utcnow(),
        recorded_by_id=user.id if user else None,
    )
    session.add(payment)
    await session.flush()
    remaining = owed - amount
    await invoicing_service.record_audit(
        session,
        "invoice.payment_recorded",
        user=user,
        company_id=invoice.company_id,
        subject_type="invoice",
        subject_id=invoice.id,
        details={
            "number": invoice.number,
            "payment_id": str(payment.id),
            "amount": str(amount),
            "currency": invoice.currency,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "source": source.value,
            "outstanding": str(remaining),
        },
    )
    if remaining == 0:
        settled = f"Paid in full ({source.value.lower()} payment {reference or payment.id})"
        await invoicing_service.transition(
            session, invoice, InvoiceStatus.PAID, user=user, note=note or settled
        )
    return payment


# --- HTTP ----------------------------------------------------------------------------------------

router = APIRouter(prefix="/invoices", tags=["invoices"])

CanRecordPayments = Annotated[User, Depends(require(Permission.INVOICE_APPROVE))]


@router.get("/{invoice_id}/payments", response_model=PaymentSummary)
async def list_payments(invoice: InvoiceFromPath, session: DbSession) -> PaymentSummary:
    """Payments recorded against the invoice and what is still owed."""
    return await summary(session, invoice)


@router.post(
    "/{invoice_id}/payments", response_model=PaymentSummary, status_code=status.HTTP_201_CREATED
)
async def create_payment(
    data: PaymentCreate, invoice: InvoiceFromPath, user: CanRecordPayments, session: DbSession
) -> PaymentSummary:
    """Record a payment received; the one that settles the invoice marks it PAID."""
    locked = await repository.get(session, invoice.id, for_update=True)
    invoice = locked or invoice
    await record_payment(
        session,
        invoice,
        amount=data.amount,
        paid_on=data.paid_on,
        reference=data.reference,
        source=PaymentSource.MANUAL,
        user=user,
    )
    return await summary(session, invoice)
