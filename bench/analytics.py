"""Platform analytics and a company dashboard over a million invoices, SQLite and PostgreSQL.

For each database (PostgreSQL when reachable at TEST_POSTGRES_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; a scratch database is created and dropped):

1. migrate a scratch database and bulk-insert (SQLAlchemy Core, executemany in chunks) the rows:
   500 companies, 2,000 users, 1,000,000 invoices (finalized over the last 730 days; one company
   holds 10% of them), a Peppol transmission for every 5th invoice, 100,000 inward invoices and
   200,000 audit events;
2. time a plain `SELECT count(*) FROM invoices` (the whole table; also restricted to each range),
   the floor any query over the table stands beside;
3. time `GET /admin/analytics`'s computation (`analytics.platform.platform_analytics`) for the
   default 30-day range and for the longest allowed range (366 days), best of 3, printed beside
   the plain count(*) and as a multiple of it;
4. as extra information, the same invoice figures computed the naive way: load the range's rows
   into Python (first 100,000 rows) and aggregate there, extrapolated to all rows of the range;
5. time the per-company work on the largest company: the plan check (`check_invoice_limit`) and
   the dashboard (`analytics.company.company_dashboard`);
6. drop the analytics index and time the 366-day query again, to show what it buys.

    .venv/bin/python bench/analytics.py [invoices] [--sqlite-only | --postgres-only]

`invoices` defaults to 1,000,000 (or BENCH_INVOICES); a smaller number makes a quick check run.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from involinks.analytics import company as company_analytics
from involinks.analytics import platform
from involinks.analytics.sql import uae_today
from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyStatus
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.customers.models import Customer
from involinks.errors import PaymentRequired
from involinks.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceSource,
    InwardInvoiceStatus,
)
from involinks.payables.matching.engine import MatchStatus
from involinks.peppol.models import PeppolTransmission, TransmissionState
from involinks.plans import enforcement

COMPANIES = 500
USERS = 2_000
INWARD = 100_000
AUDIT = 200_000
DAYS = 730
CHUNK = 20_000
SUBSET = 100_000
NOW = datetime.now(UTC)
STATUSES = [
    (InvoiceStatus.FINALIZED, 10),
    (InvoiceStatus.APPROVED, 5),
    (InvoiceStatus.SENT, 5),
    (InvoiceStatus.DELIVERED, 30),
    (InvoiceStatus.ACCEPTED, 40),
    (InvoiceStatus.REJECTED, 3),
    (InvoiceStatus.FAILED, 2),
    (InvoiceStatus.CANCELLED, 5),
]
PLANS = ["FREE", "BASIC", "PRO", "ENTERPRISE"]
CENTS = Decimal("0.01")


def _chunks(total: int, make: Callable[[int], dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, total, CHUNK):
        yield [make(n) for n in range(start, min(start + CHUNK, total))]


async def _insert(engine: AsyncEngine, table: Any, total: int, make: Any, label: str) -> None:
    started = time.perf_counter()
    for rows in _chunks(total, make):
        async with engine.begin() as connection:
            await connection.execute(sa.insert(table), rows)
    seconds = time.perf_counter() - started
    print(f"  inserted {total:>9,} {label:<16} {seconds:6.1f} s ({total / seconds:,.0f} rows/s)")


async def populate(engine: AsyncEngine, invoices: int) -> uuid.UUID:
    """Bulk-insert the data set; returns the id of the largest company."""
    rnd = random.Random(42)
    companies = [uuid.uuid4() for _ in range(COMPANIES)]
    customers = [uuid.uuid4() for _ in range(COMPANIES)]
    users = [uuid.uuid4() for _ in range(USERS)]
    big = companies[0]

    def company(n: int) -> dict[str, Any]:
        created = NOW - timedelta(days=rnd.randrange(DAYS), minutes=rnd.randrange(1440))
        status = CompanyStatus.ACTIVE if n % 10 else CompanyStatus.PENDING_APPROVAL
        return {
            "id": companies[n],
            "legal_name": f"Bench Company {n} LLC",
            "trn": f"100{n:012d}",
            "email": f"accounts{n}@bench.ae",
            "phone": "+97142345678",
            "address_line1": "Bench Tower",
            "city": "Dubai",
            "emirate": "DXB",
            "country": "AE",
            "legal_registration_type": "TL",
            "legal_registration_id": f"TL-{n}",
            "status": status,
            "approved_at": created + timedelta(days=1) if status is CompanyStatus.ACTIVE else None,
            "plan_code": PLANS[n % 4],
            "mfa_required": False,
            "settings": {},
            "created_at": created,
            "updated_at": created,
        }

    def customer(n: int) -> dict[str, Any]:
        return {
            "id": customers[n],
            "company_id": companies[n],
            "legal_name": f"Buyer {n} LLC",
            "vat_registered": False,
            "email": f"ap{n}@buyer.ae",
            "address_line1": "Buyer Tower",
            "city": "Abu Dhabi",
            "country": "AE",
            "created_at": NOW,
            "updated_at": NOW,
        }

    def user(n: int) -> dict[str, Any]:
        login = NOW - timedelta(days=rnd.randrange(DAYS)) if n % 3 else None
        return {
            "id": users[n],
            "company_id": companies[n % COMPANIES],
            "email": f"user{n}@bench.ae",
            "full_name": f"User {n}",
            "role": Role.COMPANY_ADMIN,
            "is_active": True,
            "last_login_at": login,
            "failed_login_count": 0,
            "token_version": 0,
            "mfa_email_enabled": False,
            "created_at": NOW,
            "updated_at": NOW,
        }

    status_pool = [s for s, weight in STATUSES for _ in range(weight)]

    sent: list[tuple[uuid.UUID, uuid.UUID, datetime]] = []  # (invoice, company, finalized)

    def invoice(n: int) -> dict[str, Any]:
        owner = 0 if n % 10 == 0 else rnd.randrange(1, COMPANIES)
        finalized = NOW - timedelta(days=rnd.randrange(DAYS), seconds=rnd.randrange(86400))
        credit = n % 20 == 19
        total = Decimal(rnd.randrange(1_000, 5_000_000)) * CENTS
        tax = (total / 21).quantize(CENTS)
        invoice_id = uuid.uuid4()
        if n % 5 == 0:
            sent.append((invoice_id, companies[owner], finalized))
        return {
            "id": invoice_id,
            "company_id": companies[owner],
            "kind": InvoiceKind.CREDIT_NOTE if credit else InvoiceKind.INVOICE,
            "status": InvoiceStatus.FINALIZED if credit else rnd.choice(status_pool),
            "number": f"INV-{n:09d}",
            "type_code": "381" if credit else "380",
            "customer_id": customers[owner],
            "issue_date": (finalized + timedelta(hours=4)).date(),
            "due_date": (finalized + timedelta(days=30)).date(),
            "transaction_type_code": "00000000",
            "notes": [],
            "currency": "AED",
            "payment_means_code": "30",
            "line_extension_amount": total - tax,
            "allowance_total_amount": Decimal(0),
            "charge_total_amount": Decimal(0),
            "tax_exclusive_amount": total - tax,
            "tax_amount": tax,
            "tax_inclusive_amount": total,
            "payable_amount": total,
            "tax_amount_aed": tax,
            "tax_inclusive_amount_aed": total,
            "vat_breakdown": [],
            "finalized_at": finalized,
            "created_at": finalized,
            "updated_at": finalized,
        }

    tx_states = [
        *[TransmissionState.DELIVERED] * 40,
        *[TransmissionState.ACCEPTED] * 45,
        *[TransmissionState.REJECTED] * 5,
        *[TransmissionState.FAILED] * 5,
        *[TransmissionState.SENT] * 5,
    ]

    def transmission(n: int) -> dict[str, Any]:
        invoice_id, owner, finalized = sent[n]
        state = rnd.choice(tx_states)
        return {
            "id": uuid.uuid4(),
            "company_id": owner,
            "invoice_id": invoice_id,
            "provider": "sandbox",
            "idempotency_key": f"{n:032x}",
            "status": state,
            "provider_status": "REJECTED_BY_RECEIVER"
            if state is TransmissionState.REJECTED
            else None,
            "attempts": 1,
            "sender_id": "0235:1000000000",
            "receiver_id": "0235:1000000001",
            "document_number": f"INV-{n:09d}",
            "created_at": finalized + timedelta(minutes=5),
            "updated_at": finalized + timedelta(minutes=5),
        }

    matching = list(MatchStatus)

    def inward(n: int) -> dict[str, Any]:
        owner = 0 if n % 10 == 0 else rnd.randrange(1, COMPANIES)
        received = NOW - timedelta(days=rnd.randrange(DAYS), seconds=rnd.randrange(86400))
        total = Decimal(rnd.randrange(1_000, 1_000_000)) * CENTS
        tax = (total / 21).quantize(CENTS)
        return {
            "id": uuid.uuid4(),
            "company_id": companies[owner],
            "source": InwardInvoiceSource.PEPPOL,
            "document_kind": "Invoice",
            "invoice_number": f"S-{n}",
            "invoice_number_key": f"s-{n}",
            "issue_date": received.date(),
            "due_date": (received + timedelta(days=30)).date(),
            "currency": "AED",
            "supplier_name": "Supplier LLC",
            "supplier_trn": "100000000000003",
            "net_amount": total - tax,
            "tax_amount": tax,
            "total_amount": total,
            "payable_amount": total,
            "status": InwardInvoiceStatus.RECEIVED,
            "matching_status": matching[n % len(matching)],
            "document_hash": f"{n:064x}",
            "received_at": received,
            "created_at": received,
            "updated_at": received,
        }

    def audit(n: int) -> dict[str, Any]:
        owner = n % COMPANIES
        return {
            "id": uuid.uuid4(),
            "company_id": companies[owner],
            "chain_key": str(companies[owner]),
            "seq": n // COMPANIES + 1,
            "occurred_at": NOW - timedelta(days=rnd.randrange(DAYS), seconds=n % 86400),
            "action": "invoice.finalized",
            "actor_id": users[n % USERS],
            "details": {},
            "prev_hash": "0" * 64,
            "hash": "f" * 64,
        }

    await _insert(engine, Company.__table__, COMPANIES, company, "companies")
    await _insert(engine, Customer.__table__, COMPANIES, customer, "customers")
    await _insert(engine, User.__table__, USERS, user, "users")
    await _insert(engine, Invoice.__table__, invoices, invoice, "invoices")
    await _insert(engine, PeppolTransmission.__table__, len(sent), transmission, "transmissions")
    await _insert(engine, InwardInvoice.__table__, INWARD, inward, "inward invoices")
    await _insert(engine, AuditEvent.__table__, AUDIT, audit, "audit events")
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "postgresql":
        # VACUUM cannot run in a transaction; it also sets the visibility map for index-only scans.
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as connection:
            await connection.exec_driver_sql("VACUUM ANALYZE")
    return big


async def best_of(runs: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return min(times), result


def _naive(rows: list[Any]) -> dict[str, Any]:
    """The invoice figures of the analytics, computed in Python from loaded rows."""
    per_day: dict[str, list[Any]] = {}
    outcomes: dict[str, int] = {}
    for finalized_at, kind, status, total_aed in rows:
        if kind is not InvoiceKind.INVOICE:
            continue
        day = (finalized_at + timedelta(hours=4)).date().isoformat()
        entry = per_day.setdefault(day, [0, Decimal(0)])
        entry[0] += 1
        entry[1] += total_aed
        outcomes[status.value] = outcomes.get(status.value, 0) + 1
    per_month: dict[str, list[Any]] = {}
    for day, (count, value) in per_day.items():
        month = per_month.setdefault(day[:7], [0, Decimal(0)])
        month[0] += count
        month[1] += value
    return {"days": per_day, "months": per_month, "outcomes": outcomes}


async def naive_baseline(session: AsyncSession, rng: platform.DateRange) -> tuple[float, int]:
    """Seconds to load (at most SUBSET) rows of the range and aggregate them in Python,
    extrapolated to every row of the range; and the number of rows in the range."""
    start, end = rng.bounds
    in_range = sa.and_(Invoice.finalized_at >= start, Invoice.finalized_at < end)
    total = int(await session.scalar(sa.select(sa.func.count(Invoice.id)).where(in_range)) or 0)

    async def load_and_aggregate() -> int:
        rows = (
            await session.execute(
                sa.select(
                    Invoice.finalized_at, Invoice.kind, Invoice.status,
                    Invoice.tax_inclusive_amount_aed,
                )
                .where(in_range)
                .limit(SUBSET)
            )
        ).all()  # fmt: skip
        _naive(list(rows))
        return len(rows)

    seconds, loaded = await best_of(2, load_and_aggregate)
    return seconds * (total / loaded if loaded else 1), total


def _times(seconds: float, baseline: float) -> str:
    return f"{seconds / baseline:,.1f}x" if baseline > 0 else "n/a x"


async def count_baseline(
    session: AsyncSession, rng: platform.DateRange | None = None
) -> tuple[float, int]:
    """Best of 3 for a plain `SELECT count(*)` over the invoices table (within `rng` if given)."""
    if rng is None:
        statement = sa.text("SELECT count(*) FROM invoices")
        params: dict[str, Any] = {}
    else:
        statement = sa.text(
            "SELECT count(*) FROM invoices WHERE finalized_at >= :start AND finalized_at < :end"
        ).bindparams(
            sa.bindparam("start", type_=Invoice.__table__.c.finalized_at.type),
            sa.bindparam("end", type_=Invoice.__table__.c.finalized_at.type),
        )
        start, end = rng.bounds
        params = {"start": start, "end": end}

    async def work() -> int:
        return int((await session.execute(statement, params)).scalar_one())

    return await best_of(3, work)


def _invoice_figures(
    session: AsyncSession, rng: platform.DateRange
) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        total, _, _ = await platform.invoice_volumes(session, rng)
        # The same figures as the naive baseline: Peppol outcomes from the invoice statuses.
        await platform.peppol_summary(session, rng, source=platform.INVOICE_STATUS_SOURCE)
        return total.count

    return work


def _whole(session: AsyncSession, rng: platform.DateRange) -> Callable[[], Awaitable[Any]]:
    async def work() -> Any:
        return await platform.platform_analytics(session, rng)

    return work


def _parts(
    session: AsyncSession, rng: platform.DateRange
) -> dict[str, Callable[[], Awaitable[Any]]]:
    async def companies() -> Any:
        return await platform.companies_summary(session)

    async def volumes() -> Any:
        return await platform.invoice_volumes(session, rng)

    async def peppol() -> Any:
        return await platform.peppol_summary(session, rng)

    async def peppol_by_invoice() -> Any:
        return await platform.peppol_summary(session, rng, source=platform.INVOICE_STATUS_SOURCE)

    async def payables() -> Any:
        return await platform.payables_summary(session, rng)

    async def users() -> Any:
        return await platform.active_users(session, rng)

    return {
        "companies": companies,
        "invoices per day": volumes,
        "peppol outcomes (transmissions)": peppol,
        "peppol outcomes (invoice statuses)": peppol_by_invoice,
        "AP matching": payables,
        "active users": users,
    }


def _dashboard_parts(session: AsyncSession, today: date) -> dict[str, Callable[[], Awaitable[Any]]]:
    async def receivables() -> Any:
        return await company_analytics.receivables(session, today=today)

    async def payables() -> Any:
        return await company_analytics.payables(session, today=today)

    async def vat() -> Any:
        return await company_analytics.vat_by_period(session, today=today, unit="month", count=12)

    async def activity() -> Any:
        return await company_analytics.recent_activity(session)

    return {
        "receivables and overdue": receivables,
        "payables and overdue": payables,
        "VAT, 12 months": vat,
        "recent activity": activity,
    }


async def run(url: str, invoices: int) -> None:
    engine = create_engine(url)
    try:
        big = await populate(engine, invoices)
        maker = create_sessionmaker(engine)
        today = uae_today(NOW)
        ranges = {
            "30 days": platform.resolve_range(None, None, today=today),
            "366 days": platform.resolve_range(today - timedelta(days=365), today, today=today),
        }
        print(f"  {'measure':<44} {'seconds':>9} {'rows':>14}")
        async with maker() as session:
            tenancy.bind_platform_read(session)
            table_count, table_rows = await count_baseline(session)
            print(f"  {'SELECT count(*) FROM invoices':<44} {table_count:>9.3f} {table_rows:>14,}")
            for name, rng in ranges.items():
                range_count, rows = await count_baseline(session, rng)
                seconds, volumes = await best_of(3, _invoice_figures(session, rng))
                whole, _ = await best_of(3, _whole(session, rng))
                baseline, _ = await naive_baseline(session, rng)
                print(
                    f"  {'SELECT count(*) ... WHERE in ' + name:<44} {range_count:>9.3f} {rows:>14,}"
                )
                print(f"  {'invoice figures, SQL GROUP BY, ' + name:<44} {seconds:>9.3f}")
                print(f"  {'whole analytics response, ' + name:<44} {whole:>9.3f}")
                print(
                    f"    -> invoice figures {_times(seconds, table_count)}, whole response "
                    f"{_times(whole, table_count)} a plain count(*) of the table "
                    f"({_times(whole, range_count)} a count(*) of the range); issued {volumes:,}"
                )
                print(f"  {'invoice figures, rows into Python, ' + name:<44} {baseline:>9.3f}")
                print(f"    -> rows into Python take {_times(baseline, seconds)} the SQL GROUP BY")
                for part, work in _parts(session, rng).items():
                    seconds, _ = await best_of(3, work)
                    print(f"      {part:<40} {seconds:>9.3f}")
            company = await session.get(Company, big)
            assert company is not None
        async with maker() as session:
            tenancy.bind_company(session, big)

            async def plan_check() -> int:
                try:
                    await enforcement.check_invoice_limit(session, company, now=NOW)
                except PaymentRequired as refused:  # the largest company is on the Free plan
                    return int(refused.details["used"])
                return -1

            seconds, used = await best_of(3, plan_check)
            print(f"  {'plan check, largest company':<44} {seconds:>9.3f} {used:>14,}")
            seconds, dash = await best_of(
                3, lambda: company_analytics.company_dashboard(session, today=today)
            )
            print(
                f"  {'dashboard, largest company':<44} {seconds:>9.3f} {dash.receivables.count:>14,}"
            )
            for part, work in _dashboard_parts(session, today).items():
                seconds, _ = await best_of(3, work)
                print(f"      {part:<40} {seconds:>9.3f}")
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP INDEX ix_invoices_finalized_at")
        async with maker() as session:
            tenancy.bind_platform_read(session)
            for name in ("30 days", "366 days"):
                seconds, _ = await best_of(3, _invoice_figures(session, ranges[name]))
                label = "invoice figures without the index, " + name
                print(f"  {label:<44} {seconds:>9.3f}")
    finally:
        await engine.dispose()


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url).set(drivername="postgresql")
    connection = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    invoices = int(args[0]) if args else int(os.environ.get("BENCH_INVOICES", "1000000"))
    print(f"analytics benchmark: {invoices:,} invoices, {INWARD:,} inward, {AUDIT:,} audit events")
    if "--postgres-only" in sys.argv:
        print("--- SQLite: skipped (--postgres-only)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print("--- SQLite")
            upgrade(f"sqlite+aiosqlite:///{tmp}/bench.db")  # Alembic runs its own event loop
            asyncio.run(run(f"sqlite+aiosqlite:///{tmp}/bench.db", invoices))
    server = os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    if "--sqlite-only" in sys.argv or not _pg_reachable(server):
        print("--- PostgreSQL: skipped (not reachable or --sqlite-only)")
        return
    name = f"involinks_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        print("--- PostgreSQL")
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        asyncio.run(run(url, invoices))
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
