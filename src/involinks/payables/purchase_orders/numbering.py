"""Gapless document numbers per company and year: PO-2026-00001, GRN-2026-00001.

The counter lives in a row of `payables_sequences` that is incremented by an UPDATE inside the
caller's transaction. On PostgreSQL the UPDATE holds the row lock until commit, so concurrent
requests queue behind it; on SQLite `BEGIN IMMEDIATE` already serialises writers. A rolled-back
transaction rolls its increment back too, so no number is lost and none is handed out twice.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.core import tenancy
from involinks.payables.purchase_orders.models import PayablesSequence

PURCHASE_ORDER = "PO"
GOODS_RECEIPT = "GRN"


def format_number(kind: str, year: int, value: int) -> str:
    return f"{kind}-{year:04d}-{value:05d}"


async def next_number(session: AsyncSession, kind: str, on: date) -> str:
    company_id = tenancy.current_company_id(session)
    if company_id is None:
        raise tenancy.TenancyError("numbering needs a company bound to the session")
    year = on.year
    values = {
        "id": uuid.uuid4(),
        "company_id": company_id,
        "kind": kind,
        "year": year,
        "last_value": 0,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(PayablesSequence)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["company_id", "kind", "year"])
    )
    value = (
        await session.execute(
            sa.update(PayablesSequence)
            .where(PayablesSequence.kind == kind, PayablesSequence.year == year)
            .values(last_value=PayablesSequence.last_value + 1)
            .returning(PayablesSequence.last_value)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one()
    return format_number(kind, year, value)
