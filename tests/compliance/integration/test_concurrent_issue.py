"""Concurrent finalizes on PostgreSQL: the chain stays gapless and linear, one key is created.

Runs against committed data (each finalize in its own connection and transaction, as in
production), so it cleans up after itself. Audit recording is switched off here: audit rows are
append-only and would outlive the cleanup; the audit event itself is tested in test_service.py.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.compliance import service as compliance_service
from involinks.compliance.chain import GENESIS_HASH
from involinks.compliance.models import DocumentChainHead, IssuedDocument, SigningKey
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.customers.models import Customer
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceNumberCounter
from involinks.invoicing.schemas import InvoiceCreate
from involinks.storage import store_for
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user

CONCURRENT = 8

Committed = tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]


@pytest.fixture
async def committed_company(settings: Settings, audit_off: None) -> AsyncIterator[Committed]:
    engine = create_engine(settings.database_url)
    maker = create_sessionmaker(engine)
    async with maker() as session:
        company = await create_company(session)
        user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
        customer = await create_customer(session, company)
        tenancy.bind_company(session, company.id)
        drafts = []
        for _ in range(CONCURRENT):
            data = InvoiceCreate.model_validate(invoice_payload(customer))
            drafts.append((await invoicing_service.create_draft(session, data, user=user)).id)
        await session.commit()
        ids = (company.id, user.id, drafts)
    try:
        yield ids
    finally:
        async with maker() as session:
            tenancy.bind_system(session)
            company_id = ids[0]
            models: tuple[Any, ...] = (
                IssuedDocument,
                DocumentChainHead,
                SigningKey,
                Invoice,
                InvoiceNumberCounter,
                Customer,
                User,
            )
            for model in models:
                await session.execute(sa.delete(model).where(model.company_id == company_id))
            await session.execute(sa.delete(Company).where(Company.id == company_id))
            await session.commit()
        await engine.dispose()


@pytest.mark.postgres_only
async def test_concurrent_finalizes_build_one_linear_chain(
    settings: Settings, committed_company: Committed
) -> None:
    company_id, user_id, drafts = committed_company
    store = store_for(settings)
    engine = create_engine(settings.database_url, pool_size=CONCURRENT // 2)
    maker = create_sessionmaker(engine)
    start = asyncio.Event()

    async def finalize(invoice_id: uuid.UUID) -> None:
        async with maker() as session:
            tenancy.bind_company(session, company_id)
            user = await session.get(User, user_id)
            assert user is not None
            invoice = await invoicing_service.get_invoice(session, invoice_id)
            await start.wait()
            await invoicing_service.finalize(
                session, invoice, user=user, settings=settings, store=store
            )
            await session.commit()

    try:
        tasks = [asyncio.create_task(finalize(invoice_id)) for invoice_id in drafts]
        await asyncio.sleep(0.2)  # every task has its transaction open before the race starts
        start.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)

        async with maker() as session:
            tenancy.bind_company(session, company_id)
            records = list(
                await session.scalars(sa.select(IssuedDocument).order_by(IssuedDocument.position))
            )
            keys = list(await session.scalars(sa.select(SigningKey)))
            report = await compliance_service.verify_company_chains(session, store=store)
    finally:
        await engine.dispose()

    assert [r.position for r in records] == list(range(1, CONCURRENT + 1))
    expected_previous = [GENESIS_HASH] + [r.document_hash for r in records[:-1]]
    assert [r.previous_hash for r in records] == expected_previous
    assert len(keys) == 1
    assert report.intact, report.first_break
    assert report.checked == CONCURRENT
