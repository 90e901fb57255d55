"""Two people pay the same supplier invoice at once (PostgreSQL, committed data, a connection
each, as two requests would): the invoice row is locked while a payment is recorded, so the
second sees the first and is refused what would pay more than the invoice.

Audit recording is switched off here: audit rows are append-only and would outlive the clean-up
(the events themselves are tested in test_payments.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.errors import Unprocessable
from involinks.payables.inward_invoices import service, workflow
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceEvent,
    InwardInvoiceSource,
    InwardInvoiceStatus,
    InwardPayment,
)
from involinks.payables.matching.engine import MatchStatus
from tests.factories import create_company, create_user

pytestmark = pytest.mark.postgres_only

Committed = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


@pytest.fixture
async def ready_invoice(settings: Settings, audit_off: None) -> AsyncIterator[Committed]:
    engine = create_engine(settings.database_url)
    maker = create_sessionmaker(engine)
    async with maker() as session:
        company = await create_company(session)
        user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
        tenancy.bind_company(session, company.id)
        invoice = InwardInvoice(
            id=uuid.uuid4(),
            source=InwardInvoiceSource.MANUAL,
            document_kind="Invoice",
            invoice_number="RACE-1",
            invoice_number_key="race-1",
            issue_date=date(2026, 11, 1),
            currency="AED",
            supplier_name="Race Supplies LLC",
            net_amount=Decimal("95.24"),
            tax_amount=Decimal("4.76"),
            total_amount=Decimal("100.00"),
            payable_amount=Decimal("100.00"),
            status=InwardInvoiceStatus.READY_TO_PAY,
            matching_status=MatchStatus.FULL_MATCH,
            document_hash=uuid.uuid4().hex * 2,
            received_at=datetime.now(UTC),
        )
        session.add(invoice)
        await session.commit()
        ids = (company.id, user.id, invoice.id)
    try:
        yield ids
    finally:
        async with maker() as session:
            tenancy.bind_system(session)
            company_id = ids[0]
            for model in (InwardPayment, InwardInvoiceEvent, InwardInvoice, User):
                await session.execute(sa.delete(model).where(model.company_id == company_id))
            await session.execute(sa.delete(Company).where(Company.id == company_id))
            await session.commit()
        await engine.dispose()


async def test_two_payments_at_once_never_pay_more_than_the_invoice(
    settings: Settings, ready_invoice: Committed
) -> None:
    company_id, user_id, invoice_id = ready_invoice
    engine = create_engine(settings.database_url, pool_size=2)
    maker = create_sessionmaker(engine)
    start = asyncio.Event()

    async def pay(amount: str) -> str:
        async with maker() as session:
            tenancy.bind_company(session, company_id)
            user = await session.get(User, user_id)
            assert user is not None
            await start.wait()
            # As the route does (router._review): the invoice read locked, then the payment.
            invoice = await service.get_invoice(session, invoice_id, for_update=True)
            try:
                await workflow.record_payment(
                    session,
                    invoice,
                    amount=Decimal(amount),
                    paid_on=date(2026, 11, 20),
                    reference=None,
                    actor=user,
                )
            except Unprocessable:
                return "refused"
            await asyncio.sleep(0.2)  # the other request is waiting for the lock meanwhile
            await session.commit()
            return "paid"

    try:
        tasks = [asyncio.create_task(pay("60.00")) for _ in range(2)]
        await asyncio.sleep(0.2)
        start.set()
        outcomes = await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        async with maker() as session:
            tenancy.bind_company(session, company_id)
            paid = await session.scalar(sa.select(sa.func.sum(InwardPayment.amount)))
    finally:
        await engine.dispose()

    assert sorted(outcomes) == ["paid", "refused"]
    assert paid == Decimal("60.00")
