"""PO numbers stay gapless and unique when transactions run at once and some roll back.

This test commits for real (concurrent transactions cannot share the per-test transaction),
so it creates its own company and removes everything it wrote at the end.
"""

from __future__ import annotations

import asyncio
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.core.db import create_sessionmaker
from involinks.payables.purchase_orders import numbering
from involinks.payables.purchase_orders.models import PayablesSequence
from tests.factories import create_company


async def test_numbers_are_gapless_under_concurrency(engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as session:
        company = await create_company(session)
        await session.commit()
    company_id = company.id
    try:

        async def allocate(attempt: int) -> str | None:
            async with maker() as session:
                tenancy.bind_company(session, company_id)
                number = await numbering.next_number(
                    session, numbering.PURCHASE_ORDER, date(2026, 5, 1)
                )
                await asyncio.sleep(0.01)  # keep the counter row locked a moment
                if attempt % 3 == 0:
                    await session.rollback()  # its number goes back to the next one
                    return None
                await session.commit()
                return number

        results = await asyncio.gather(*(allocate(i) for i in range(9)))
        committed = sorted(r for r in results if r is not None)
        assert committed == [f"PO-2026-{n:05d}" for n in range(1, 7)]
    finally:
        async with maker() as session, session.begin():
            with tenancy.system_scope(session):
                await session.execute(
                    sa.delete(PayablesSequence).where(PayablesSequence.company_id == company_id)
                )
                await session.execute(sa.delete(Company).where(Company.id == company_id))
