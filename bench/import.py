"""Bulk import: parse + validate customer rows from CSV and from .xlsx.

For each format the import path (streaming reader + row validation, units consumed one by one) is
measured beside a baseline in the same run:

* CSV: ``csv.DictReader`` alone (no validation): the raw parsing speed;
* XLSX: openpyxl in its default full-load mode (the whole workbook in memory), the usual way.

Each is run at two sizes. Speed is rows per second; memory is the peak of Python allocations
(tracemalloc) during the run. A streaming reader's peak should barely move with the row count;
a full load grows with it. (Validation remembers one entry per TRN to report duplicates, which is
the small growth left in the import path.)

    .venv/bin/python bench/import.py [rows] [--lines N] [--no-postgres]

Second part (the issue's check): ``--lines`` invoice lines (default 100,000, five lines per
invoice: 20,000 invoices) imported into PostgreSQL through the real import path
(``service.start_import``: format check, row count, validation with the invoice API's rules, the
new drafts written in batches by ``imports.bulk`` (COPY into a temporary table, then INSERT ...
SELECT under row-level security), all in one transaction, committed), when PostgreSQL is
reachable at TEST_POSTGRES_URL
(default postgresql+asyncpg://postgres@127.0.0.1:5432/test; a scratch database is created and
dropped). In the same run the rows the import wrote (invoices, lines, timeline entries, ledger)
are read back and loaded with PostgreSQL's COPY (asyncpg ``copy_records_to_table``) into
temporary tables ``LIKE`` the real ones ``INCLUDING ALL`` (same columns, constraints and indexes),
the baseline of the target. For comparison the earlier, easier baseline is printed too: the
file's rows COPYed into a scratch table of the file's columns without any index. Printed: the
times, rows/s, and the ratio import/COPY (target: within 10x of COPY).
"""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import os
import socket
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.customers.models import Customer
from involinks.imports import service
from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.parsers import open_table
from involinks.imports.templates import TEMPLATES
from involinks.imports.validation import Lookups, validate_table
from involinks.storage import store_for

HEADER = (
    "legal_name",
    "trn",
    "email",
    "address_line1",
    "city",
    "emirate",
    "country",
    "phone",
    "vat_registered",
)
EMIRATES = ("AUH", "DXB", "SHJ", "UAQ", "FUJ", "AJM", "RAK")


def customer(n: int) -> list[str]:
    return [
        f"Customer {n} Trading LLC",
        f"1{n:012d}03",
        f"accounts{n}@customer{n}.ae",
        f"Office {n % 900 + 1}, Business Bay Tower {n % 40}",
        "Dubai",
        EMIRATES[n % len(EMIRATES)],
        "AE",
        f"04 {n % 1000:03d} {n % 10000:04d}",
        "true",
    ]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(customer(n))


def write_xlsx(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("customers")
    sheet.append(list(HEADER))
    for n in range(rows):
        sheet.append(customer(n))
    workbook.save(path)


def import_path(path: Path, file_format: FileFormat) -> int:
    """What an import does before writing: stream the rows, validate each, drop the units."""
    count = 0
    invalid = 0
    with (
        path.open("rb") as handle,
        open_table(
            handle, file_format, known_columns=TEMPLATES[ImportKind.CUSTOMERS].known
        ) as table,
    ):
        for unit in validate_table(ImportKind.CUSTOMERS, table, Lookups()):
            count += len(unit.rows)
            invalid += not unit.ok
    if invalid:
        raise SystemExit(f"benchmark data should be valid: {invalid} invalid rows")
    return count


def csv_dictreader(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def openpyxl_full_load(path: Path) -> int:
    workbook = load_workbook(path)  # default mode: every cell object in memory
    sheet = workbook.worksheets[0]
    count = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    workbook.close()
    return count


def measure(func: Callable[[Path], int], path: Path) -> tuple[int, float, float]:
    """Rows, seconds and peak MiB. Timed without tracemalloc (it slows allocation-heavy code
    several times over), then run again under tracemalloc for the peak."""
    gc.collect()
    started = time.perf_counter()
    rows = func(path)
    elapsed = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    func(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, elapsed, peak / (1024 * 1024)


def customers_bench(total: int) -> None:
    sizes = (max(total // 4, 1), total)
    print(f"bulk import benchmark: {total} customer rows (also {sizes[0]} to show the trend)")
    print(f"{'case':44} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, dict[int, float]] = {}
        for rows in sizes:
            csv_path = Path(tmp) / f"customers-{rows}.csv"
            xlsx_path = Path(tmp) / f"customers-{rows}.xlsx"
            write_csv(csv_path, rows)
            write_xlsx(xlsx_path, rows)
            cases: list[tuple[str, Callable[[Path], int], Path]] = [
                ("CSV  baseline: csv.DictReader only", csv_dictreader, csv_path),
                (
                    "CSV  import: stream + validate",
                    lambda p: import_path(p, FileFormat.CSV),
                    csv_path,
                ),
                ("XLSX baseline: openpyxl full load", openpyxl_full_load, xlsx_path),
                (
                    "XLSX import: read-only stream + validate",
                    lambda p: import_path(p, FileFormat.XLSX),
                    xlsx_path,
                ),
            ]
            for name, func, path in cases:
                count, seconds, peak = measure(func, path)
                if count != rows:
                    raise SystemExit(f"{name}: read {count} rows, expected {rows}")
                results.setdefault(name, {})[rows] = peak
                print(f"{name:44} {rows:>7} {seconds:>8.2f} {rows / seconds:>9.0f} {peak:>9.1f}")
        print()
        print(f"peak memory from {sizes[0]} to {sizes[1]} rows (growth per extra row):")
        for name, peaks in results.items():
            small, large = peaks[sizes[0]], peaks[sizes[1]]
            per_row = (large - small) * 1024 * 1024 / (sizes[1] - sizes[0])
            print(f"  {name:44} {small:6.1f} -> {large:6.1f} MiB  ({per_row:6.0f} bytes/row)")
        print(
            "The import path's small growth is the duplicate index (one entry per TRN) and, for\n"
            ".xlsx, the workbook's shared-string table, which openpyxl always loads whole."
        )


# --- invoices into PostgreSQL beside COPY ----------------------------------------------------

INVOICE_COLUMNS = (
    "invoice_ref",
    "customer_trn",
    "issue_date",
    "currency",
    "item_name",
    "quantity",
    "unit_price",
    "vat_category",
)
LINES_PER_INVOICE = 5
BUYER_TRN = "100000000000003"  # 15 digits, starts with 1, ends with 03 (ibr-132-ae)
FIRST_DAY = date(2026, 1, 1)


def invoice_line(n: int) -> tuple[str, str, date, str, str, Decimal, Decimal, str]:
    """Line ``n`` as typed values (the COPY records); the CSV holds the same as text."""
    invoice = n // LINES_PER_INVOICE
    return (
        f"INV-{invoice:07d}",
        BUYER_TRN,
        FIRST_DAY + timedelta(days=invoice % 300),
        "AED",
        f"Service item {n % 97}",
        Decimal(n % 9 + 1),
        Decimal(f"{n % 500 + 1}.25"),
        "S" if n % 4 else "Z",
    )


def invoice_csv(records: Iterable[tuple[Any, ...]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(INVOICE_COLUMNS)
    for record in records:
        writer.writerow([v.isoformat() if isinstance(v, date) else str(v) for v in record])
    return text.getvalue().encode("utf-8")


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _setup(settings: Settings) -> tuple[uuid.UUID, uuid.UUID]:
    """A company on the unlimited plan, its admin and the buyer every invoice refers to."""
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            company = Company(
                legal_name="Bench Seller LLC",
                trn="100000000100003",
                email="accounts@seller.ae",
                phone="+97142345678",
                address_line1="Office 1, Bench Tower",
                city="Dubai",
                emirate="DXB",
                country="AE",
                legal_registration_type="TL",
                legal_registration_id="TL-000001",
                legal_registration_authority="Department of Economy and Tourism",
                status=CompanyStatus.ACTIVE,
                approved_at=datetime.now(UTC),
                plan_code="ENTERPRISE",
                peppol_id="0235:1000000001",
                settings={},
            )
            with tenancy.system_scope(session):
                session.add(company)
                await session.flush()
                user = User(
                    company_id=company.id,
                    email="bench@seller.ae",
                    full_name="Bench Admin",
                    password_hash="!",  # never logs in
                    role=Role.COMPANY_ADMIN,
                    is_active=True,
                )
                session.add(user)
                await session.flush()
            tenancy.bind_company(session, company.id)
            session.add(
                Customer(
                    legal_name="Bench Buyer LLC",
                    trn=BUYER_TRN,
                    vat_registered=True,
                    email="ap@buyer.ae",
                    address_line1="Office 2, Buyer Tower",
                    city="Abu Dhabi",
                    emirate="AUH",
                    country="AE",
                    peppol_id="0235:1000000000",
                )
            )
            await session.commit()
            return company.id, user.id
    finally:
        await engine.dispose()


async def _import(
    settings: Settings, company_id: uuid.UUID, user_id: uuid.UUID, data: bytes
) -> Any:
    """``start_import`` as the endpoint runs it, committed at the end.

    The session is bound to one connection (as the test suite binds it), not to the engine as a
    request's is: with an engine-bound session, core.rls's after_transaction_end hook fails on
    PostgreSQL when an ``async with session.begin_nested()`` block commits ("Can't operate on
    closed transaction inside context manager"), which the import does per batch of invoices.
    Reported to the lead; the writes measured are the same either way.
    """
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            session = AsyncSession(bind=connection, expire_on_commit=False, autoflush=False)
            with tenancy.system_scope(session):
                user = await session.get(User, user_id)
            if user is None:
                raise SystemExit("bench user missing")
            tenancy.bind_company(session, company_id)
            started = await service.start_import(
                session,
                user=user,
                settings=settings,
                store=store_for(settings),
                data=data,
                filename="invoices.csv",
                kind=ImportKind.INVOICES,
            )
            await session.flush()
            await transaction.commit()
            await session.close()
            return started.job
    finally:
        await engine.dispose()


UNINDEXED_CASE = "COPY of the file's rows into an unindexed table"
#: What an import of invoices writes, parents first.
WRITTEN_TABLES = ("invoices", "invoice_lines", "invoice_status_events", "import_keys")


async def _copy_written(url: str) -> tuple[float, float, int]:
    """COPY the rows the import wrote into tables of the same definition: seconds into
    temporary twins, seconds into the real tables, and the number of rows.

    The rows are read back from the four tables the import filled, then COPYed twice, each time
    in a transaction that is rolled back:

    * into temporary twins ``(LIKE ... INCLUDING ALL)``: same columns, defaults, CHECK and NOT
      NULL constraints and indexes (unique ones included), but no foreign keys, no row-level
      security and no write-ahead log, so COPY has less to do than the import (the baseline
      of the target: the stricter one);
    * into the real tables themselves, emptied first (TRUNCATE, rolled back with the rest):
      every index, constraint and foreign key, logged like the import's writes.
    """
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        loads: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
        for table in WRITTEN_TABLES:
            rows = await connection.fetch(f"SELECT * FROM {table}")
            if rows:
                loads.append((table, list(rows[0].keys()), [tuple(row) for row in rows]))

        async def timed(prepare: list[str], prefix: str) -> float:
            transaction = connection.transaction()
            await transaction.start()
            try:
                for statement in prepare:
                    await connection.execute(statement)
                started = time.perf_counter()
                for table, columns, records in loads:
                    await connection.copy_records_to_table(
                        f"{prefix}{table}", records=records, columns=columns
                    )
                return time.perf_counter() - started
            finally:
                await transaction.rollback()

        twins = await timed(
            [
                f"CREATE TEMPORARY TABLE copy_{table} (LIKE {table} INCLUDING ALL)"
                for table, _, _ in loads
            ],
            "copy_",
        )
        real = await timed([f"TRUNCATE {', '.join(WRITTEN_TABLES)} CASCADE"], "")
        return twins, real, sum(len(records) for _, _, records in loads)
    finally:
        await connection.close()


async def _copy(url: str, records: list[tuple[Any, ...]]) -> float:
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(
            "CREATE TABLE bench_copy (invoice_ref text, customer_trn text, issue_date date, "
            "currency text, item_name text, quantity numeric(19,6), unit_price numeric(19,6), "
            "vat_category text)"
        )
        started = time.perf_counter()
        async with connection.transaction():
            await connection.copy_records_to_table(
                "bench_copy", records=records, columns=list(INVOICE_COLUMNS)
            )
        seconds = time.perf_counter() - started
        copied = await connection.fetchval("SELECT count(*) FROM bench_copy")
        if copied != len(records):
            raise SystemExit(f"COPY loaded {copied} rows, expected {len(records)}")
        return seconds
    finally:
        await connection.close()


def postgres_bench(lines: int) -> None:
    server = os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    invoices = -(-lines // LINES_PER_INVOICE)
    print()
    print(f"invoices into PostgreSQL: {lines:,} lines ({invoices:,} invoices) beside COPY")
    if not _pg_reachable(server):
        print("  skipped: PostgreSQL is not reachable (set TEST_POSTGRES_URL)")
        return
    # The file is made without keeping the typed rows: the import should not pay for the
    # collector walking 100,000 tuples of the benchmark's own.
    data = invoice_csv(invoice_line(n) for n in range(lines))
    name = f"involinks_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)  # Alembic runs its own event loop
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                environment="test",
                database_url=url,
                data_dir=Path(tmp),
                secret_key=SecretStr("bench-secret-key-with-enough-entropy-0123456789"),
                web_dist_dir=Path(tmp) / "web",
                max_upload_bytes=max(len(data) + 1024, 10 * 1024 * 1024),
                import_max_rows=max(lines, 1),
                import_background_rows=lines + 1,  # in this process, not queued
            )
            company_id, user_id = asyncio.run(_setup(settings))
            gc.collect()
            started = time.perf_counter()
            cpu_started = time.process_time()
            job = asyncio.run(_import(settings, company_id, user_id, data))
            import_seconds = time.perf_counter() - started
            import_cpu = time.process_time() - cpu_started
            if job.status.value != "succeeded" or job.created_count != invoices:
                raise SystemExit(f"import did not succeed: {job.status} {job.message}")
        written_seconds, real_seconds, written_rows = asyncio.run(_copy_written(url))
        records = [invoice_line(n) for n in range(lines)]
        copy_seconds = asyncio.run(_copy(url, records))
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(f"{'case':57} {'rows':>7} {'seconds':>8} {'rows/s':>9}")
    print(
        f"{'import (validate + batched writes, commit)':57} {lines:>7} {import_seconds:>8.2f} "
        f"{lines / import_seconds:>9.0f}"
    )
    print(
        f"{'COPY of the written rows into same-definition tables':57} {written_rows:>7} "
        f"{written_seconds:>8.2f} {lines / written_seconds:>9.0f}"
    )
    print(
        f"{'COPY of the same rows into the real tables (rolled back)':57} {written_rows:>7} "
        f"{real_seconds:>8.2f} {lines / real_seconds:>9.0f}"
    )
    print(f"{UNINDEXED_CASE:57} {lines:>7} {copy_seconds:>8.2f} {lines / copy_seconds:>9.0f}")
    print(
        f"  rows/s are per invoice line throughout. The first COPY loads what the import wrote\n"
        f"  ({written_rows:,} rows: invoices, lines, timeline, import ledger) into temporary\n"
        f"  tables LIKE the real ones INCLUDING ALL (same columns, constraints and indexes; no\n"
        f"  foreign keys, row-level security or WAL): the baseline of the target. The second\n"
        f"  loads them into the real tables, emptied in a transaction that is rolled back. The\n"
        f"  last, the earlier baseline, loads the file's {lines:,} rows into a scratch table of\n"
        f"  the file's columns without indexes.\n"
        f"  The import's own CPU time: {import_cpu:.2f} s (load average {_load_average()})."
    )
    ratio = import_seconds / written_seconds
    verdict = "met" if ratio <= 10 else "NOT met"
    print(
        f"import takes {ratio:.1f}x the time of COPY into same-definition tables "
        f"(target: within 10x): {verdict}; {import_seconds / real_seconds:.1f}x COPY into the real tables, "
        f"{import_seconds / copy_seconds:.1f}x the unindexed COPY"
    )


def _load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "unknown"


def main() -> None:
    args = sys.argv[1:]
    lines = 100_000
    if "--lines" in args:
        at = args.index("--lines")
        lines = int(args[at + 1])
        del args[at : at + 2]
    positional = [a for a in args if not a.startswith("--")]
    customers_bench(int(positional[0]) if positional else 20_000)
    if "--no-postgres" not in args:
        postgres_bench(lines)


if __name__ == "__main__":
    main()
