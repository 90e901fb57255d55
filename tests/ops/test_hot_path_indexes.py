"""The hot paths of the seed's section 8.4 use their indexes on PostgreSQL: the statements the
invoice list, the AP inbox and the company analytics really send are captured and EXPLAINed
(FORMAT JSON) on a table big enough, and ANALYZEd, for the planner to choose freely. No planner
switch is forced: a sequential scan would be what the planner thinks best, and the test fails."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from involinks.analytics import company as company_analytics
from involinks.analytics.sql import uae_today
from involinks.core import tenancy
from involinks.core.db import create_engine
from involinks.core.migrate import upgrade
from involinks.invoicing import repository
from involinks.invoicing.models import InvoiceStatus
from involinks.invoicing.schemas import InvoiceFilters
from involinks.payables import inbox
from involinks.payables.matching.engine import MatchStatus
from tests.conftest import _pg_admin, postgres_server_url

pytestmark = [pytest.mark.db, pytest.mark.postgres_only]

INDEX_SCANS = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}


def _bench_analytics() -> Any:
    """bench/analytics.py's bulk loader, made smaller (the planner needs thousands, not millions)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "analytics.py"
    spec = importlib.util.spec_from_file_location("bench_analytics", path)
    assert spec is not None
    assert spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_analytics", module)
    spec.loader.exec_module(module)
    module.COMPANIES, module.USERS, module.INWARD, module.AUDIT = 50, 50, 30_000, 100
    return module


@pytest.fixture(scope="module")
def loaded() -> Iterator[tuple[str, uuid.UUID]]:
    server = postgres_server_url()
    name = f"involinks_explain_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)

        async def fill() -> uuid.UUID:
            engine = create_engine(url)
            try:
                # populate() ends with VACUUM ANALYZE: the planner knows the real sizes.
                big: uuid.UUID = await _bench_analytics().populate(engine, 60_000)
                return big
            finally:
                await engine.dispose()

        yield url, asyncio.run(fill())
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def session(loaded: tuple[str, uuid.UUID]) -> AsyncIterator[tuple[AsyncSession, list[Any]]]:
    url, big = loaded
    engine: AsyncEngine = create_engine(url)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with AsyncSession(engine, expire_on_commit=False) as opened:
        tenancy.bind_company(opened, big)
        yield opened, captured
        await opened.rollback()
    await engine.dispose()


async def _plans(session: AsyncSession, captured: list[tuple[str, Any]], table: str) -> list[Any]:
    """The plan of every captured statement that reads ``table`` (run as the request ran it:
    same connection, role and tenant settings)."""
    connection = await session.connection()
    plans = []
    for statement, parameters in captured:
        if f"FROM {table}" not in statement:
            continue
        result = await connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plans.append(result.scalar_one()[0]["Plan"])
    captured.clear()
    assert plans, f"no statement on {table} was captured"
    return plans


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _assert_indexed(plan: dict[str, Any], table: str, indexes: set[str]) -> None:
    nodes = list(_nodes(plan))
    seq = [n for n in nodes if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == table]
    assert not seq, f"sequential scan on {table}: {plan}"
    used = {str(n.get("Index Name")) for n in nodes if n["Node Type"] in INDEX_SCANS}
    # "name*" accepts any index whose name starts so (any index leading with company_id).
    wanted = [i for i in indexes if not i.endswith("*")]
    prefixes = tuple(i[:-1] for i in indexes if i.endswith("*"))
    assert any(u in wanted or u.startswith(prefixes or ("\0",)) for u in used), (
        f"none of {indexes} used (used: {used}): {plan}"
    )


async def test_invoice_list(session: tuple[AsyncSession, list[Any]]) -> None:
    db, captured = session
    await repository.page(
        db, InvoiceFilters(), sort="created_at", order="desc", page=1, page_size=20
    )
    for plan in await _plans(db, captured, "invoices"):
        _assert_indexed(
            plan,
            "invoices",
            {
                "ix_invoices_company_id_created_at",
                "ix_invoices_company_id_status_issue_date",
                "ix_invoices_company_id",
                "ix_invoices_company_id_status",
                "ix_invoices_company_id_issue_date",
            },
        )

    await repository.page(
        db,
        InvoiceFilters(statuses=(InvoiceStatus.REJECTED,)),
        sort="issue_date",
        order="desc",
        page=1,
        page_size=20,
    )
    for plan in await _plans(db, captured, "invoices"):
        _assert_indexed(
            plan,
            "invoices",
            {"ix_invoices_company_id_status_issue_date", "ix_invoices_company_id_status"},
        )


async def test_ap_inbox(session: tuple[AsyncSession, list[Any]]) -> None:
    db, captured = session
    await inbox.list_invoices(db, inbox.InboxFilters(), page=1, page_size=50)
    for plan in await _plans(db, captured, "inward_invoices"):
        _assert_indexed(
            plan,
            "inward_invoices",
            {
                "ix_inward_invoices_company_id_received_at",
                "ix_inward_invoices_company_id",
                "ix_inward_invoices_company_id_matching_status",
            },
        )
    await inbox.list_invoices(
        db, inbox.InboxFilters(matching_status=MatchStatus.PARTIAL_MATCH), page=1, page_size=50
    )
    for plan in await _plans(db, captured, "inward_invoices"):
        # The page may walk the received_at index (already in order, stops after 50 rows).
        _assert_indexed(
            plan,
            "inward_invoices",
            {
                "ix_inward_invoices_company_id_matching_status",
                "ix_inward_invoices_company_id_received_at",
            },
        )


async def test_company_analytics(session: tuple[AsyncSession, list[Any]]) -> None:
    db, captured = session
    today = uae_today(datetime.now(UTC))
    await company_analytics.vat_by_period(db, today=today, unit="month", count=3)
    plans = await _plans(db, captured, "invoices")
    _assert_indexed(
        plans[0],
        "invoices",
        {"ix_invoices_company_id_status_issue_date", "ix_invoices_company_id_issue_date"},
    )
    await company_analytics.receivables(db, today=today)
    for plan in await _plans(db, captured, "invoices"):
        _assert_indexed(
            plan,
            "invoices",
            # Most of a company's invoices are receivable: any index that finds the company's
            # rows (or, for the credit notes, the credited invoice) is the right plan.
            {"ix_invoices_company_id*", "ix_invoices_credited_invoice_id"},
        )
