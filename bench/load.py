"""Load test of the production profile on this machine: `involinks serve --workers 2` on
PostgreSQL with Redis (rate limits, job broker), 50 concurrent users.

1. create a scratch PostgreSQL database (TEST_POSTGRES_URL, default
   postgresql+asyncpg://postgres@127.0.0.1:5432/test), migrate it, and create 100 companies
   (Enterprise plan), an admin and a customer each, through the application's models, and issue
   one invoice per company a user signs in to (its signing key is generated then, once, as for
   any company that has issued before); then bulk-insert 100,000 issued invoices spread over the
   companies (SQLAlchemy Core, executemany in chunks) and VACUUM ANALYZE;
2. start `involinks serve --workers 2` against it, with REDIS_URL (default redis://127.0.0.1:6379/0;
   jobs and rate-limit keys under a scratch prefix, deleted at the end) and wait for
   /api/v1/health/ready;
3. phase "health": 50 users call GET /api/v1/health/live as fast as they can, for the
   framework's own ceiling on this machine;
4. phase "mixed": 50 users, each signed in as the admin of one company, loop over: list invoices
   (50%, a page of 20 summaries, newest first, as the web app's invoice list asks for it; every
   4th request filtered by status), view one (30%),
   create a draft (10%), finalize one of their drafts (10%: numbered, validated, hash-chained,
   signed, stored);
   after an untimed warm-up of the same mix (each server process opens the keys it uses);
5. print requests/s and p50/p95/p99 per phase and per action, then check the targets: mixed
   requests/s at least a third of health's, and p95 of the invoice list under 100 ms.

The generator runs in this process (httpx, asyncio) and shares the machine's cores with the
server and PostgreSQL, so the figures are a floor. Jobs the finalizations queue stay in Redis (no
worker runs: it would take CPU from the server being measured) and are deleted afterwards.

    .venv/bin/python bench/load.py

Environment: BENCH_LOAD_INVOICES (100000), BENCH_LOAD_COMPANIES (100), BENCH_LOAD_USERS (50),
BENCH_LOAD_SECONDS (30 per phase), BENCH_LOAD_PORT (a free one), REDIS_URL. Exit status 1 when a target
is missed or a request fails.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test factories build valid companies, users and customers

from tests.customers.factories import create_customer, invoice_payload  # noqa: E402
from tests.factories import create_company, create_user  # noqa: E402

from involinks.auth.permissions import Role  # noqa: E402
from involinks.auth.tokens import create_access_token  # noqa: E402
from involinks.config import Settings  # noqa: E402
from involinks.core import tenancy  # noqa: E402
from involinks.core.db import create_engine, dispose_task_engines, task_session  # noqa: E402
from involinks.core.migrate import upgrade  # noqa: E402
from involinks.invoicing import service as invoicing_service  # noqa: E402
from involinks.invoicing.models import Invoice, InvoiceKind, InvoiceStatus  # noqa: E402
from involinks.invoicing.schemas import InvoiceCreate  # noqa: E402
from involinks.storage import store_for  # noqa: E402

INVOICES = int(os.environ.get("BENCH_LOAD_INVOICES", "100000"))
COMPANIES = int(os.environ.get("BENCH_LOAD_COMPANIES", "100"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
WARM_UP = min(15.0, SECONDS / 2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = int(os.environ.get("BENCH_LOAD_PORT", "0")) or _free_port()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SECRET = secrets.token_urlsafe(48)
CHUNK = 5_000
CENTS = Decimal("0.01")
ISSUED = [InvoiceStatus.FINALIZED, InvoiceStatus.SENT, InvoiceStatus.DELIVERED]
MIX = [("list", 50), ("view", 30), ("create", 10), ("finalize", 10)]


# --- data --------------------------------------------------------------------------------------


class Tenant:
    def __init__(self, company_id: uuid.UUID, user: Any, customer: Any) -> None:
        self.company_id = company_id
        self.user = user
        self.customer = customer
        self.invoice_ids: list[uuid.UUID] = []


async def seed(url: str, settings: Settings) -> list[Tenant]:
    started = time.perf_counter()
    tenants: list[Tenant] = []
    try:
        async with task_session(url) as session:
            for _ in range(COMPANIES):
                company = await create_company(session, plan_code="ENTERPRISE")
                user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
                customer = await create_customer(session, company)
                tenants.append(Tenant(company.id, user, customer))
            await session.commit()
        print(
            f"  {COMPANIES} companies, admins, customers   {time.perf_counter() - started:6.1f} s"
        )
        # The companies the users sign in to have issued before: their signing key exists (an RSA
        # key is generated once per company, at its first finalization, not on every request).
        started = time.perf_counter()
        store = store_for(settings)
        async with task_session(url) as session:
            for tenant in tenants[:USERS]:
                tenancy.bind_company(session, tenant.company_id)
                data = InvoiceCreate.model_validate(invoice_payload(tenant.customer))
                draft = await invoicing_service.create_draft(session, data, user=tenant.user)
                await invoicing_service.finalize(
                    session, draft, user=tenant.user, settings=settings, store=store
                )
                await session.commit()
        print(
            f"  {min(USERS, COMPANIES)} first invoices issued (signing keys) "
            f"{time.perf_counter() - started:6.1f} s"
        )
    finally:
        await dispose_task_engines()

    rnd = random.Random(7)
    now = datetime.now(UTC)

    def invoice(n: int) -> dict[str, Any]:
        tenant = tenants[n % len(tenants)]
        finalized = now - timedelta(days=rnd.randrange(365), seconds=rnd.randrange(86400))
        total = Decimal(rnd.randrange(1_000, 5_000_000)) * CENTS
        tax = (total / 21).quantize(CENTS)
        invoice_id = uuid.uuid4()
        tenant.invoice_ids.append(invoice_id)
        return {
            "id": invoice_id,
            "company_id": tenant.company_id,
            "kind": InvoiceKind.INVOICE,
            "status": rnd.choice(ISSUED),
            "number": f"BULK-{n:09d}",
            "type_code": "380",
            "customer_id": tenant.customer.id,
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

    def chunks() -> Iterator[list[dict[str, Any]]]:
        for start in range(0, INVOICES, CHUNK):
            yield [invoice(n) for n in range(start, min(start + CHUNK, INVOICES))]

    started = time.perf_counter()
    engine = create_engine(url)
    try:
        for rows in chunks():
            async with engine.begin() as connection:
                await connection.execute(sa.insert(Invoice), rows)
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as connection:
            await connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()
    seconds = time.perf_counter() - started
    print(f"  {INVOICES:,} invoices (bulk insert, ANALYZE)  {seconds:6.1f} s")
    return tenants


# --- the server --------------------------------------------------------------------------------


def start_server(url: str, data_dir: Path, prefix: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(data_dir),
        "REDIS_URL": REDIS_URL,
        "CELERY_KEY_PREFIX": prefix,
        "CELERY_QUEUE": "bench-load",
        "LOG_LEVEL": "WARNING",  # no access log line per request: it would cost the server CPU
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        str(ROOT / ".venv" / "bin" / "involinks"),
        "serve",
        "--workers",
        "2",
        "--port",
        str(PORT),
    ]
    return subprocess.Popen(command, env=env, cwd=data_dir, start_new_session=True)


async def wait_ready(process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}") as client:
        for _ in range(240):
            if process.poll() is not None:
                raise SystemExit(f"the server exited with status {process.returncode}")
            try:
                if (await client.get("/api/v1/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("the server did not become ready within 2 minutes")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the whole group: uvicorn and its workers
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- load --------------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []

    def add(self, action: str, seconds: float, response: httpx.Response, expected: int) -> None:
        self.latencies[action].append(seconds)
        if response.status_code != expected:
            self.errors[action] += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{action}: {response.status_code} {response.text[:200]}")


async def health_user(client: httpx.AsyncClient, results: Results, deadline: float) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = await client.get("/api/v1/health/live")
        results.add("health", time.perf_counter() - started, response, 200)


async def mixed_user(
    client: httpx.AsyncClient, tenant: Tenant, results: Results, deadline: float, seed: int
) -> None:
    rnd = random.Random(seed)
    settings = Settings(environment="production", secret_key=SECRET, database_url="sqlite://")
    token = create_access_token(
        settings,
        user_id=tenant.user.id,
        role=tenant.user.role,
        company_id=tenant.company_id,
        token_version=tenant.user.token_version,
    )
    headers = {"Authorization": f"Bearer {token}"}
    actions = [name for name, weight in MIX for _ in range(weight)]
    drafts: list[str] = []
    lists = 0
    payload = invoice_payload(tenant.customer)
    while time.perf_counter() < deadline:
        action = rnd.choice(actions)
        if action == "finalize" and not drafts:
            action = "create"
        started = time.perf_counter()
        if action == "list":
            lists += 1
            params = {"page_size": "20", "view": "summary"}
            if lists % 4 == 0:
                params["status"] = rnd.choice(ISSUED).value
            response = await client.get("/api/v1/invoices", params=params, headers=headers)
            results.add("list", time.perf_counter() - started, response, 200)
        elif action == "view":
            invoice_id = rnd.choice(tenant.invoice_ids)
            response = await client.get(f"/api/v1/invoices/{invoice_id}", headers=headers)
            results.add("view", time.perf_counter() - started, response, 200)
        elif action == "create":
            response = await client.post("/api/v1/invoices", json=payload, headers=headers)
            results.add("create", time.perf_counter() - started, response, 201)
            if response.status_code == 201:
                drafts.append(response.json()["id"])
        else:
            draft = drafts.pop()
            response = await client.post(f"/api/v1/invoices/{draft}/finalize", headers=headers)
            results.add("finalize", time.perf_counter() - started, response, 200)


async def run_phase(
    name: str, users: list[Any], seconds: float | None = None
) -> tuple[Results, float]:
    results = Results()
    # One client (one keep-alive connection) per user: a single pool shared by 50 tasks spends
    # more time arbitrating its connections than the server spends answering.
    clients = [
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{PORT}",
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=60,
        )
        for _ in users
    ]
    try:
        # Warm-up: every connection opened and every worker's code paths touched once.
        await asyncio.gather(*(client.get("/api/v1/health/live") for client in clients))
        started = time.perf_counter()
        deadline = started + (SECONDS if seconds is None else seconds)
        await asyncio.gather(
            *(user(client, results, deadline) for user, client in zip(users, clients, strict=True))
        )
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    print(f"  phase {name}: {elapsed:.1f} s")
    return results, elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def row(label: str, values: list[float], elapsed: float, errors: int) -> str:
    if not values:
        return f"  {label:<10} no requests"
    return (
        f"  {label:<10} {len(values):>8,} {len(values) / elapsed:>9,.1f} "
        f"{percentile(values, 50) * 1000:>8.1f} {percentile(values, 95) * 1000:>8.1f} "
        f"{percentile(values, 99) * 1000:>8.1f} {errors:>7}"
    )


# --- main --------------------------------------------------------------------------------------


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def _pg_admin(statement: str) -> None:
    import asyncpg

    parsed = make_url(PG_SERVER).set(drivername="postgresql")
    connection = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _drop_redis_keys(prefix: str) -> None:
    from redis.asyncio import Redis

    client: Any = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def main() -> int:
    if not _pg_reachable(PG_SERVER):
        print("PostgreSQL is not reachable: set TEST_POSTGRES_URL.")
        return 1
    name = f"involinks_load_{uuid.uuid4().hex[:10]}"
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    prefix = f"bench-load-{uuid.uuid4().hex[:8]}:"
    print(
        f"Load test: {INVOICES:,} invoices, {COMPANIES} companies, {USERS} concurrent users, "
        f"{SECONDS:.0f} s per phase; serve --workers 2, PostgreSQL, Redis"
    )
    await _pg_admin(f'CREATE DATABASE "{name}"')
    process: subprocess.Popen[bytes] | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="involinks-load-") as scratch:
            data_dir = Path(scratch)
            settings = Settings(
                environment="production", secret_key=SECRET, database_url=url, data_dir=data_dir
            )
            await asyncio.to_thread(upgrade, url)
            tenants = await seed(url, settings)
            process = start_server(url, data_dir, prefix)
            await wait_ready(process)

            health, health_time = await run_phase("health", [health_user for _ in range(USERS)])

            def user_for(n: int) -> Any:
                tenant = tenants[n % len(tenants)]
                return lambda client, results, deadline: mixed_user(
                    client, tenant, results, deadline, n
                )

            # Untimed warm-up: each server process opens the signing keys it will use (once per
            # process and company) and fills its caches, as a server that has run a while has.
            await run_phase("warm-up", [user_for(n) for n in range(USERS)], WARM_UP)
            mixed, mixed_time = await run_phase("mixed", [user_for(n) for n in range(USERS)])
    finally:
        if process is not None:
            stop_server(process)
        await _drop_redis_keys(prefix)
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print()
    print(
        f"  {'':<10} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print(row("health", health.latencies["health"], health_time, health.errors["health"]))
    everything = [v for values in mixed.latencies.values() for v in values]
    print(row("mixed", everything, mixed_time, sum(mixed.errors.values())))
    for action, _weight in MIX:
        print(row(f" {action}", mixed.latencies[action], mixed_time, mixed.errors[action]))
    for sample in mixed.error_samples + health.error_samples:
        print("  error:", sample)

    health_rps = len(health.latencies["health"]) / health_time
    mixed_rps = len(everything) / mixed_time
    list_p95 = percentile(mixed.latencies["list"], 95) * 1000
    ratio_ok = mixed_rps >= health_rps / 3
    list_ok = list_p95 < 100
    print()
    print(
        f"  mixed/health requests/s: {mixed_rps:,.1f} / {health_rps:,.1f} = "
        f"{mixed_rps / health_rps:.2f} (target >= 0.33): {'met' if ratio_ok else 'MISSED'}"
    )
    print(
        f"  invoice list p95: {list_p95:.1f} ms (target < 100 ms): {'met' if list_ok else 'MISSED'}"
    )
    failed = sum(mixed.errors.values()) + sum(health.errors.values())
    return 0 if ratio_ok and list_ok and not failed else 1


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    # As Ctrl-C: main()'s clean-up runs (the server it started is stopped, its scratch database
    # and Redis keys dropped) instead of leaving the server running on its own.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    sys.exit(asyncio.run(main()))
