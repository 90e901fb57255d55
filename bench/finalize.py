"""Finalize cost: N invoices of 10 lines finalized through the invoicing service (checks, number,
party snapshot, UBL build, the three official validation layers, hash chain, signature, artifact
store, one commit per invoice as a request would), beside the cost of the official validation
alone (``validate_ubl`` on the same issued documents: UBL 2.1 XSD, the PINT and the AE
stylesheets), measured in the same run. The two are interleaved in chunks (finalize 50, then
validate those 50) so both see the same load on a shared machine; wall time is the measure.
CPU time is printed beside it: this process plus, for finalize, its validation helper
processes (compliance.validation.pool), where the official checks run while finalize does its
database work; the database server's CPU is not in it. Finalize runs on uvloop, the event loop
`involinks serve` (uvicorn) answers requests on.

    .venv/bin/python bench/finalize.py [--count N] [--sqlite]

PostgreSQL is used when reachable at TEST_POSTGRES_URL (default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; a scratch database is created and dropped),
else a temporary SQLite file (said so in the output). Target: finalize <= 2x validation alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
import uvloop
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from involinks.auth.dependencies import load_principal
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.auth.tokens import AccessClaims
from involinks.companies.models import Company, CompanyStatus
from involinks.compliance import service as compliance_service
from involinks.compliance.validation import pool as validation_pool
from involinks.compliance.validation import validate_ubl
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.customers.models import Customer
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice
from involinks.invoicing.schemas import InvoiceCreate
from involinks.jobs import queue as job_queue
from involinks.storage import ArtifactStore, store_for

LINES = 10
CHUNK = 50
WARM_UP = 5
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _payload(customer_id: uuid.UUID, n: int) -> InvoiceCreate:
    return InvoiceCreate.model_validate(
        {
            "customer_id": str(customer_id),
            "issue_date": "2026-03-10",
            "due_date": "2026-04-09",
            "payment_means": {"code": "30", "account_id": "AE070331234567890123456"},
            "lines": [
                {
                    "item_name": f"Service {n}-{i}",
                    "description": f"Consulting hours, workstream {i}",
                    "quantity": str(1 + i),
                    "unit_code": "HUR",
                    "unit_price": str(Decimal(100 + i) + Decimal(n % 100) / 100),
                    "vat_category": "S",
                }
                for i in range(LINES)
            ],
        }
    )


async def _setup(settings: Settings, count: int) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    """A company, its admin, a buyer and ``count`` drafts (not timed)."""
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
            customer = Customer(
                legal_name="Bench Buyer LLC",
                trn="100000000200003",
                vat_registered=True,
                email="ap@buyer.ae",
                address_line1="Office 2, Buyer Tower",
                city="Abu Dhabi",
                emirate="AUH",
                country="AE",
                peppol_id="0235:1000000002",
                legal_registration_type="TL",
                legal_registration_id="TL-000002",
                legal_registration_authority="Abu Dhabi DED",
            )
            session.add(customer)
            await session.flush()
            ids = []
            for n in range(count):
                draft = await invoicing_service.create_draft(
                    session, _payload(customer.id, n), user=user
                )
                ids.append(draft.id)
            await session.commit()
            return company.id, user.id, ids
    finally:
        await engine.dispose()


@dataclass
class Timings:
    """Wall and CPU seconds of each side, summed over the chunks."""

    finalize_wall: float = 0.0
    finalize_cpu: float = 0.0
    validate_wall: float = 0.0
    validate_cpu: float = 0.0
    documents: int = 0


def _helpers_cpu() -> float:
    """CPU seconds used so far by this process's validation helpers (Linux /proc)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in validation_pool.helper_pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


async def _finalize_chunk(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    store: ArtifactStore,
    company_id: uuid.UUID,
    user_id: uuid.UUID,
    ids: list[uuid.UUID],
) -> None:
    """Finalize each draft in its own unit of work, as one request each would."""
    claims = AccessClaims(
        user_id=user_id,
        role=Role.COMPANY_ADMIN,
        company_id=company_id,
        token_version=0,
        expires_at=datetime.now(UTC),
    )
    for invoice_id in ids:
        async with maker() as session:
            # As the API's finalize route: the principal (user, company, plan) in one query,
            # then the draft with its lines.
            user, _company = await load_principal(session, claims)
            assert user is not None
            invoice = await invoicing_service.get_invoice(session, invoice_id)
            await invoicing_service.finalize(
                session, invoice, user=user, settings=settings, store=store, savepoint=False
            )
            await session.commit()


async def _issued(
    maker: async_sessionmaker[AsyncSession],
    store: ArtifactStore,
    company_id: uuid.UUID,
    ids: list[uuid.UUID],
) -> list[bytes]:
    async with maker() as session:
        tenancy.bind_company(session, company_id)
        rows = await session.scalars(sa.select(Invoice).where(Invoice.id.in_(ids)))
        return [await compliance_service.issued_xml(session, row, store=store) for row in rows]


def _validate(xmls: list[bytes]) -> None:
    for xml in xmls:
        if not validate_ubl(xml).valid:
            raise SystemExit("an issued document does not validate")


async def _measure(
    settings: Settings, company_id: uuid.UUID, user_id: uuid.UUID, ids: list[uuid.UUID]
) -> Timings:
    """Finalize the drafts chunk by chunk; after each chunk, validate the issued documents of
    that chunk alone. Interleaving keeps both sides under the same machine load."""
    store = store_for(settings)
    engine = create_engine(settings.database_url)
    timings = Timings()
    try:
        maker = create_sessionmaker(engine)
        for first in range(0, len(ids), CHUNK):
            chunk = ids[first : first + CHUNK]
            wall, cpu = time.perf_counter(), time.process_time() + _helpers_cpu()
            await _finalize_chunk(maker, settings, store, company_id, user_id, chunk)
            timings.finalize_wall += time.perf_counter() - wall
            timings.finalize_cpu += time.process_time() + _helpers_cpu() - cpu
            xmls = await _issued(maker, store, company_id, chunk)  # not timed
            if len(xmls) != len(chunk):
                raise SystemExit(f"expected {len(chunk)} issued documents, found {len(xmls)}")
            wall, cpu = time.perf_counter(), time.process_time()
            _validate(xmls)
            timings.validate_wall += time.perf_counter() - wall
            timings.validate_cpu += time.process_time() - cpu
            timings.documents += len(xmls)
        return timings
    finally:
        await engine.dispose()


def run(url: str, backend: str, count: int) -> None:
    upgrade(url)  # Alembic runs its own event loop
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            environment="test",
            database_url=url,
            data_dir=Path(tmp),
            secret_key=SecretStr("bench-secret-key-with-enough-entropy-0123456789"),
            web_dist_dir=Path(tmp) / "web",
        )
        company_id, user_id, ids = asyncio.run(_setup(settings, count + WARM_UP))
        validate_ubl(b"<warm-up/>")  # not timed: loads the schemas and stylesheets once
        # Not timed either: the first finalizes create the signing key and warm the caches.
        uvloop.run(_measure(settings, company_id, user_id, ids[:WARM_UP]))
        t = uvloop.run(_measure(settings, company_id, user_id, ids[WARM_UP:]))
    n = t.documents
    print(f"backend: {backend}; {n} invoices x {LINES} lines (chunks of {CHUNK}, interleaved)")
    helpers = validation_pool.helper_pids()
    print(f"validation helper processes: {len(helpers) or 'none (VALIDATION_PROCESSES=0)'}")
    print(f"{'case':40} {'total s':>8} {'ms/invoice':>11} {'CPU ms/invoice':>15}")
    rows = (
        ("finalize (service, one commit each)", t.finalize_wall, t.finalize_cpu),
        ("official validation alone (same docs)", t.validate_wall, t.validate_cpu),
    )
    for label, wall, cpu in rows:
        print(f"{label:40} {wall:>8.2f} {wall / n * 1000:>11.1f} {cpu / n * 1000:>15.1f}")
    print(
        f"ratio finalize / validation: {t.finalize_wall / t.validate_wall:.2f}x wall, "
        f"{t.finalize_cpu / t.validate_cpu:.2f}x CPU (with the validation helpers; "
        "target <= 2x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000, help="invoices to finalize")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PG is up")
    args = parser.parse_args()
    job_queue.set_dispatcher(lambda _name, _kwargs: None)  # PDF jobs are not part of finalize
    server = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    if not args.sqlite and _pg_reachable(server):
        name = f"involinks_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            run(url, "PostgreSQL", args.count)
        finally:
            asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    print("PostgreSQL is not reachable (TEST_POSTGRES_URL): using a temporary SQLite database")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.count)


if __name__ == "__main__":
    main()
