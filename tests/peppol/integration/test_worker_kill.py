"""A Celery worker killed mid-send loses and duplicates nothing.

Everything real: a PostgreSQL database of its own (committed data: the worker is another process),
the local Redis as broker (a queue name and key prefix of this run only, on a db number of the
tests), the sandbox access point under uvicorn with latency injected, and `involinks worker`
subprocesses. The first worker takes a send whose dispatch reaches the sandbox and whose answer
is held back; the whole worker (its process group) is SIGKILLed while it waits. The job was never
acknowledged (acks_late), so once the visibility timeout has passed a second worker gets it again,
and the provider idempotency key makes the second attempt find the first dispatch instead of
making another.

Needs Redis and PostgreSQL: skipped with the reason when either is missing, failed under CI=true.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.schemas import InvoiceCreate
from involinks.jobs import queue as job_queue
from involinks.jobs.celery_app import create_celery, install_dispatcher
from involinks.peppol import service as peppol_service
from involinks.peppol.models import PeppolTransmission, TransmissionState
from involinks.peppol.sandbox import (
    FaultConfig,
    SandboxParticipant,
    SandboxSettings,
    serve_in_background,
)
from tests.conftest import _pg_admin, _pg_reachable, postgres_server_url
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user

REDIS_URL = os.environ.get("INVOLINKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
SANDBOX_KEY = "worker-kill-sandbox-key"
INVOICES = 6
LATENCY = 0.3  # seconds per provider request
HOLD_ANSWER = 10.0  # the killed worker's dispatch: taken, its answer held this long
VISIBILITY_TIMEOUT = 6  # seconds; longer than any job here takes
DEADLINE = 120.0  # bound on every wait (seconds); not a performance assertion


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _reachable(url: str, default_port: int) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection(
            (parsed.host or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def _services_or_skip() -> None:
    missing = [
        what
        for what, up in (
            (f"Redis at {REDIS_URL} (INVOLINKS_TEST_REDIS_URL)", _reachable(REDIS_URL, 6379)),
            (
                f"PostgreSQL at {make_url(postgres_server_url()).render_as_string()} "
                "(TEST_POSTGRES_URL)",
                _pg_reachable(postgres_server_url()),
            ),
        )
        if not up
    ]
    if not missing:
        return
    reason = "a real Celery worker needs " + " and ".join(missing)
    if _in_ci():
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test only (the worker reads committed rows)."""
    _services_or_skip()
    server = postgres_server_url()
    name = f"involinks_worker_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def key_prefix() -> Iterator[str]:
    prefix = f"involinks-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes (one process group): nothing is cleaned
        up, nothing acknowledged."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _involinks() -> str:
    return str(Path(sys.executable).parent / "involinks")


def _worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEPPOL_", "CELERY_"))}
    env.update(
        {
            "ENVIRONMENT": "test",
            "DATABASE_URL": settings.database_url,
            "DATA_DIR": str(settings.data_dir),
            "SECRET_KEY": settings.secret_key.get_secret_value(),
            "REDIS_URL": "",
            "CELERY_BROKER_URL": settings.celery_broker_url,
            "CELERY_QUEUE": settings.celery_queue,
            "CELERY_KEY_PREFIX": settings.celery_key_prefix,
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(settings.celery_visibility_timeout_seconds),
            "PEPPOL_PROVIDER": "sandbox",
            "PEPPOL_BASE_URL": settings.peppol_base_url,
            "PEPPOL_API_KEY": settings.peppol_api_key.get_secret_value(),
            "PEPPOL_TIMEOUT_SECONDS": str(settings.peppol_timeout_seconds),
            "PEPPOL_SEND_BACKOFF_SECONDS": str(settings.peppol_send_backoff_seconds),
            "PEPPOL_SEND_BACKOFF_MAX_SECONDS": str(settings.peppol_send_backoff_max_seconds),
        }
    )
    return env


@contextlib.contextmanager
def running_workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


def start_worker(settings: Settings, logs: Path, started: list[Worker], concurrency: int) -> Worker:
    log = logs / f"worker-{len(started) + 1}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_involinks(), "worker", "--concurrency", str(concurrency)],
            env=_worker_env(settings),
            cwd=logs,  # no stray .env
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to kill it whole
        )
    worker = Worker(process, log)
    started.append(worker)
    return worker


async def wait_for(what: str, check: Any, *watched: Worker) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        result = await check()
        if result:
            return result
        for worker in watched:
            assert worker.alive(), f"worker exited while waiting for {what}:\n{worker.output()}"
        if loop.time() > deadline:
            logs = "\n".join(w.output() for w in watched)
            raise AssertionError(f"gave up waiting for {what}\n{logs}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url, pool_size=2)
    try:
        yield engine
    finally:
        await engine.dispose()


@dataclass
class Supplier:
    admin: User
    invoices: list[Invoice]
    buyer_id: str  # the buyer's Peppol participant id


async def approved_invoices(engine: AsyncEngine, settings: Settings) -> Supplier:
    """A supplier with INVOICES approved invoices to a buyer, committed."""
    async with create_sessionmaker(engine)() as session, job_queue.collecting() as jobs:
        supplier = await create_company(session, legal_name="Supplier Trading LLC")
        buyer = await create_company(session, legal_name="Buyer Industries LLC")
        admin = await create_user(session, company=supplier, role=Role.COMPANY_ADMIN)
        customer = await create_customer(
            session, supplier, trn=buyer.trn, legal_name=buyer.legal_name
        )
        tenancy.bind_company(session, supplier.id)
        invoices = []
        for _ in range(INVOICES):
            data = InvoiceCreate.model_validate(invoice_payload(customer))
            invoice = await invoicing_service.create_draft(session, data, user=admin)
            await invoicing_service.finalize(session, invoice, user=admin, settings=settings)
            invoices.append(await invoicing_service.approve(session, invoice, user=admin))
        await session.commit()
        jobs.discard()  # PDF renderings: not this test's subject
    return Supplier(admin, invoices, str(buyer.peppol_id))


async def request_sends(engine: AsyncEngine, settings: Settings, supplier: Supplier) -> None:
    """What `POST /invoices/{id}/send` does for each invoice: committed, then queued (on the
    broker, through the Celery dispatcher)."""
    async with create_sessionmaker(engine)() as session, job_queue.collecting() as sends:
        tenancy.bind_company(session, supplier.invoices[0].company_id)
        for invoice in supplier.invoices:
            await peppol_service.queue_send(
                session, invoice, user=supplier.admin, settings=settings
            )
        await session.commit()
    await sends.send()


async def transmissions(engine: AsyncEngine) -> list[PeppolTransmission]:
    async with create_sessionmaker(engine)() as session:
        with tenancy.system_scope(session):
            rows = await session.execute(
                sa.select(PeppolTransmission).order_by(PeppolTransmission.document_number)
            )
            return list(rows.scalars().all())


async def invoice_statuses(engine: AsyncEngine) -> list[InvoiceStatus]:
    async with create_sessionmaker(engine)() as session:
        with tenancy.system_scope(session):
            return list((await session.execute(sa.select(Invoice.status))).scalars().all())


def test_celery_redelivers_what_a_dead_worker_held(tmp_path: Path) -> None:
    """The settings the test below relies on, as production gets them."""
    settings = Settings(
        data_dir=tmp_path,
        secret_key=SecretStr("celery-settings-secret-key-with-enough-entropy"),
        celery_broker_url="redis://127.0.0.1:6379/0",
        celery_queue="jobs-q",
        celery_key_prefix="tenant-x:",
        celery_visibility_timeout_seconds=600,
    )
    conf = create_celery(settings).conf
    assert conf.task_acks_late is True  # acknowledged when done, not when taken
    assert conf.task_reject_on_worker_lost is True  # a killed pool process: back on the queue
    assert conf.worker_prefetch_multiplier == 1  # a dead worker held one job, not a batch
    assert conf.task_default_queue == "jobs-q"
    transport = conf.broker_transport_options
    assert transport["visibility_timeout"] == 600
    assert transport["global_keyprefix"] == "tenant-x:"
    # Longer than the longest retry countdown of a send, or a waiting retry is handed out twice.
    defaults = Settings(data_dir=tmp_path, secret_key=SecretStr("x" * 40))
    assert defaults.celery_visibility_timeout_seconds > defaults.peppol_send_backoff_max_seconds


@pytest.mark.services
async def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(
    pg_url: str, key_prefix: str, tmp_path: Path
) -> None:
    logs = tmp_path / "workers"
    logs.mkdir()
    settings = Settings(
        environment="test",
        database_url=pg_url,
        data_dir=tmp_path / "data",
        secret_key=SecretStr("worker-kill-secret-key-with-enough-entropy-0123456789"),
        bcrypt_rounds=4,
        celery_broker_url=REDIS_URL,
        celery_queue=f"{key_prefix}jobs",
        celery_key_prefix=key_prefix,
        celery_visibility_timeout_seconds=VISIBILITY_TIMEOUT,
        peppol_provider="sandbox",
        peppol_api_key=SecretStr(SANDBOX_KEY),
        peppol_timeout_seconds=HOLD_ANSWER * 2,  # the worker is still waiting when killed
        peppol_send_backoff_seconds=0.5,
        peppol_send_backoff_max_seconds=2.0,
    )
    async with database(pg_url) as engine:
        supplier = await approved_invoices(engine, settings)
        sandbox = SandboxSettings(
            data_dir=tmp_path / "sandbox",
            api_key=SecretStr(SANDBOX_KEY),
            # Not hosted here: the sandbox moves it on without an inbound endpoint.
            participants=[SandboxParticipant(participant_id=supplier.buyer_id, response="none")],
            faults=FaultConfig(
                latency_seconds=LATENCY,
                # The first send (the worker runs one job at a time): the read of its latest
                # dispatch and the store go through; the dispatch is taken, its answer held.
                script=["none", "none", "timeout_after_processing"],
                hang_seconds=HOLD_ANSWER,
            ),
        )
        with (
            serve_in_background(sandbox) as sandbox_url,
            running_workers() as started,
        ):
            settings = settings.model_copy(update={"peppol_base_url": sandbox_url})
            async with httpx.AsyncClient(base_url=sandbox_url, timeout=30) as admin:

                async def stats() -> dict[str, int]:
                    answer = await admin.get("/sandbox/admin/state")
                    answer.raise_for_status()
                    result: dict[str, int] = answer.json()["stats"]
                    return result

                async def messages() -> list[dict[str, Any]]:
                    answer = await admin.get("/sandbox/admin/messages")
                    answer.raise_for_status()
                    result: list[dict[str, Any]] = answer.json()
                    return result

                install_dispatcher(create_celery(settings))
                await request_sends(engine, settings, supplier)
                first = start_worker(settings, logs, started, concurrency=1)

                async def dispatched_once() -> bool:
                    return (await stats()).get("messages_received", 0) >= 1

                await wait_for("the first dispatch", dispatched_once, first)
                first.kill()

                # Mid-send: the access point took the document, InvoLinks never heard back.
                [taken] = await messages()
                queued = await transmissions(engine)
                assert [t.status for t in queued] == [TransmissionState.QUEUED] * INVOICES
                [held] = [t for t in queued if t.document_number == taken["document_number"]]
                assert (held.attempts, held.last_error) == (1, None)  # still waiting when killed

                answer = await admin.put(
                    "/sandbox/admin/faults",
                    json=FaultConfig(latency_seconds=LATENCY).model_dump(),
                )
                answer.raise_for_status()
                second = start_worker(settings, logs, started, concurrency=2)

                async def all_sent() -> bool:
                    done = {TransmissionState.SENT, TransmissionState.DELIVERED}
                    return all(t.status in done for t in await transmissions(engine))

                await wait_for("every transmission sent", all_sent, second)

                sent = await transmissions(engine)
                received = await messages()
                received_count = (await stats())["messages_received"]

        assert len(sent) == INVOICES  # no transmission had to start over
        by_number = {t.document_number: t for t in sent}
        assert sorted(by_number) == sorted(str(i.number) for i in supplier.invoices)
        assert set(await invoice_statuses(engine)) <= {InvoiceStatus.SENT, InvoiceStatus.DELIVERED}
        # The interrupted send was attempted again, and found the dispatch it had made.
        interrupted = by_number[taken["document_number"]]
        assert interrupted.attempts == 2
        assert interrupted.provider_message_id == taken["message_id"]
        # Exactly one delivery each at the access point.
        assert sorted(m["document_number"] for m in received) == sorted(by_number)
        assert {m["message_id"] for m in received} == {t.provider_message_id for t in sent}
        assert received_count == INVOICES
