"""Document numbers: formats, counters per company / kind / period, and concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.base import Base
from involinks.core.db import create_engine, create_sessionmaker
from involinks.invoicing import numbering
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import InvoiceKind
from involinks.invoicing.schemas import InvoiceCreate
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user


class TestFormats:
    @pytest.mark.parametrize(
        ("fmt", "seq", "issued", "expected"),
        [
            ("INV-{yyyy}-{seq:06}", 7, date(2026, 3, 10), "INV-2026-000007"),
            ("CN-{yyyy}-{seq:06}", 1234567, date(2026, 3, 10), "CN-2026-1234567"),
            ("{yy}{mm}/{seq:04}", 12, date(2027, 1, 31), "2701/0012"),
            ("A{seq}", 5, date(2026, 3, 10), "A5"),
        ],
    )
    def test_render(self, fmt: str, seq: int, issued: date, expected: str) -> None:
        numbering.validate_format(fmt)
        assert numbering.render(fmt, seq, issued) == expected

    @pytest.mark.parametrize(
        ("fmt", "period"),
        [
            ("INV-{yyyy}-{seq:06}", "2026"),
            ("{yy}-{seq}", "2026"),
            ("{mm}-{seq}", "2026-03"),
            ("INV{seq:05}", ""),
        ],
    )
    def test_period_follows_the_format(self, fmt: str, period: str) -> None:
        assert numbering.period_of(fmt, date(2026, 3, 10)) == period

    @pytest.mark.parametrize(
        "fmt",
        [
            "INV-{yyyy}",
            "{seq}-{seq}",
            "INV-{year}-{seq}",
            "{seq!r}",
            "{yyyy:>8}-{seq}",
            "{seq",
            "",
            "x" * 70 + "{seq}",
        ],
    )
    def test_invalid_formats(self, fmt: str) -> None:
        with pytest.raises(numbering.InvalidNumberFormat):
            numbering.validate_format(fmt)

    def test_company_settings_choose_the_format(self) -> None:
        settings = {"numbering": {"invoice": "F{seq}", "credit_note": "{seq!r}"}}
        assert numbering.format_for(settings, InvoiceKind.INVOICE) == "F{seq}"
        # An invalid configured format falls back to the default rather than block finalizing.
        assert numbering.format_for(settings, InvoiceKind.CREDIT_NOTE) == "CN-{yyyy}-{seq:06}"
        assert numbering.format_for({}, InvoiceKind.INVOICE) == "INV-{yyyy}-{seq:06}"


class TestCounters:
    async def test_sequences_per_kind_and_period(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session)
        tenancy.bind_company(db_session, company.id)
        values = [
            await numbering.next_value(db_session, company.id, InvoiceKind.INVOICE, "2026")
            for _ in range(3)
        ]
        assert values == [1, 2, 3]
        assert (
            await numbering.next_value(db_session, company.id, InvoiceKind.CREDIT_NOTE, "2026") == 1
        )
        assert await numbering.next_value(db_session, company.id, InvoiceKind.INVOICE, "2027") == 1
        assert await numbering.next_value(db_session, company.id, InvoiceKind.INVOICE, "2026") == 4

    async def test_refuses_another_company(self, db_session: AsyncSession) -> None:
        mine = await create_company(db_session)
        other = await create_company(db_session)
        tenancy.bind_company(db_session, mine.id)
        with pytest.raises(tenancy.TenancyError):
            await numbering.next_value(db_session, other.id, InvoiceKind.INVOICE, "")

    async def test_assign_number_uses_company_format(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session)
        tenancy.bind_company(db_session, company.id)
        number = await numbering.assign_number(
            db_session,
            company_id=company.id,
            company_settings={"numbering": {"credit_note": "CR/{yyyy}/{seq:03}"}},
            kind=InvoiceKind.CREDIT_NOTE,
            issue_date=date(2026, 12, 31),
        )
        assert number == "CR/2026/001"


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

CONCURRENT = 32


Committed = tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]


@pytest.fixture
async def committed_company(settings: Settings, audit_off: None) -> AsyncIterator[Committed]:
    """A company with a user and 32 drafts, committed for real; everything removed afterwards
    (only numbering is under test: no audit rows, which would outlive the clean-up)."""
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
            # Every tenant table, children first, so rows that finalize adds elsewhere (issued
            # documents, chain heads, keys) go too. The append-only audit log is never written here.
            for table in reversed(Base.metadata.sorted_tables):
                if "company_id" in table.c and table.name != "audit_events":
                    await session.execute(sa.delete(table).where(table.c.company_id == company_id))
            await session.execute(sa.delete(Company).where(Company.id == company_id))
            await session.commit()
        await engine.dispose()


@pytest.mark.postgres_only
async def test_concurrent_finalize_gives_distinct_consecutive_numbers(
    settings: Settings, committed_company: Committed
) -> None:
    company_id, user_id, drafts = committed_company
    engine = create_engine(settings.database_url, pool_size=CONCURRENT // 2)
    maker = create_sessionmaker(engine)
    start = asyncio.Event()

    async def finalize(invoice_id: uuid.UUID) -> str:
        async with maker() as session:  # one session, one connection, one transaction each
            tenancy.bind_company(session, company_id)
            user = await session.get(User, user_id)
            assert user is not None
            invoice = await invoicing_service.get_invoice(session, invoice_id)
            await start.wait()
            await invoicing_service.finalize(session, invoice, user=user)
            await session.commit()
            assert invoice.number is not None
            return invoice.number

    try:
        tasks = [asyncio.create_task(finalize(invoice_id)) for invoice_id in drafts]
        await asyncio.sleep(0.2)  # let every task open its transaction before the race starts
        start.set()
        numbers = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    finally:
        await engine.dispose()
    assert sorted(numbers) == [f"INV-2026-{n:06d}" for n in range(1, CONCURRENT + 1)]
