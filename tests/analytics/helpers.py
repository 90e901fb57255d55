"""Rows for the plans and analytics tests, written directly (amounts and times chosen by hand)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceSource,
    InwardInvoiceStatus,
)
from involinks.payables.matching.engine import MatchStatus
from involinks.peppol.models import PeppolTransmission, TransmissionState
from tests.customers.factories import create_customer

_seq = itertools.count(1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def buyer(session: AsyncSession, company: Company) -> Customer:
    return await create_customer(session, company)


async def add_invoice(
    session: AsyncSession,
    company: Company,
    customer: Customer,
    *,
    status: InvoiceStatus = InvoiceStatus.FINALIZED,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    finalized_at: datetime | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    currency: str = "AED",
    total: str = "105.00",
    tax: str = "5.00",
    total_aed: str | None = None,
    tax_aed: str | None = None,
    credited: Invoice | None = None,
) -> Invoice:
    """A document with its stored totals; `total`/`tax` are in `currency`, the `_aed` figures
    default to them (AED documents)."""
    n = next(_seq)
    issued = status is not InvoiceStatus.DRAFT
    when = finalized_at or (utc(2026, 3, 10, 8) if issued else None)
    invoice = Invoice(
        company_id=company.id,
        kind=kind,
        status=status,
        number=f"T-{n:06d}" if issued else None,
        type_code="381" if kind is InvoiceKind.CREDIT_NOTE else "380",
        customer_id=customer.id,
        credited_invoice_id=credited.id if credited else None,
        issue_date=issue_date or (when.date() if when else date(2026, 3, 10)),
        due_date=due_date,
        currency=currency,
        exchange_rate=None,
        line_extension_amount=Decimal(total) - Decimal(tax),
        tax_exclusive_amount=Decimal(total) - Decimal(tax),
        tax_amount=Decimal(tax),
        tax_inclusive_amount=Decimal(total),
        payable_amount=Decimal(total),
        tax_amount_aed=Decimal(tax_aed or tax),
        tax_inclusive_amount_aed=Decimal(total_aed or total),
        finalized_at=when if issued else None,
    )
    with tenancy.system_scope(session):
        session.add(invoice)
        await session.flush()
    return invoice


async def add_inward(
    session: AsyncSession,
    company: Company,
    *,
    total: str,
    tax: str,
    currency: str = "AED",
    status: InwardInvoiceStatus = InwardInvoiceStatus.RECEIVED,
    matching: MatchStatus = MatchStatus.NOT_MATCHED,
    received_at: datetime | None = None,
    issue_date: date = date(2026, 3, 5),
    due_date: date | None = None,
    credit_note: bool = False,
) -> InwardInvoice:
    n = next(_seq)
    inward = InwardInvoice(
        company_id=company.id,
        source=InwardInvoiceSource.MANUAL,
        document_kind="CreditNote" if credit_note else "Invoice",
        invoice_number=f"SUP-{n}",
        invoice_number_key=f"sup-{n}",
        issue_date=issue_date,
        due_date=due_date,
        currency=currency,
        supplier_name=f"Supplier {n} LLC",
        supplier_trn=f"1000000000{n:05d}",
        net_amount=Decimal(total) - Decimal(tax),
        tax_amount=Decimal(tax),
        total_amount=Decimal(total),
        payable_amount=Decimal(total),
        status=status,
        matching_status=matching,
        document_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        received_at=received_at or utc(2026, 3, 6, 9),
    )
    with tenancy.system_scope(session):
        session.add(inward)
        await session.flush()
    return inward


async def add_audit_event(
    session: AsyncSession,
    *,
    company_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    action: str,
    at: datetime,
) -> AuditEvent:
    """An audit row at a chosen time (its own chain: the hash chain is not under test here)."""
    event = AuditEvent(
        id=uuid.uuid4(),
        company_id=company_id,
        chain_key=str(uuid.uuid4()),
        seq=1,
        occurred_at=at,
        action=action,
        actor_id=actor_id,
        actor_email="u***@example.ae",
        actor_role="COMPANY_ADMIN",
        subject_type="invoice",
        subject_id=str(next(_seq)),
        details={},
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with tenancy.system_scope(session):
        session.add(event)
        await session.flush()
    return event


async def add_transmission(
    session: AsyncSession,
    invoice: Invoice,
    state: TransmissionState,
    *,
    at: datetime,
    provider_status: str | None = None,
) -> PeppolTransmission:
    transmission = PeppolTransmission(
        company_id=invoice.company_id,
        invoice_id=invoice.id,
        provider="sandbox",
        idempotency_key=uuid.uuid4().hex,
        status=state,
        provider_status=provider_status,
        attempts=1,
        sender_id="0235:1000000000",
        receiver_id="0235:1000000001",
        document_number=invoice.number or "DRAFT",
        created_at=at,
        updated_at=at,
    )
    with tenancy.system_scope(session):
        session.add(transmission)
        await session.flush()
    return transmission
