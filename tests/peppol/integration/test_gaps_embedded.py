"""With no access point configured, the sandbox runs inside the app: an invoice goes from company
A to company B with nothing else started.

The app (``PEPPOL_BASE_URL`` left at its default, ``embedded``) runs under a real uvicorn server
on a free port, with committed data in its own SQLite database and the in-process job queue: the
send job calls the mounted sandbox over HTTP, and the sandbox, on wall time, delivers the document
to the app's inbound endpoint and reports the statuses to its callback, all over TCP.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from involinks.app import create_app
from involinks.auth.permissions import Role
from involinks.config import Settings, get_settings
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.jobs import queue as job_queue
from involinks.peppol import tasks as peppol_tasks
from involinks.peppol.embedded import MOUNT_PATH, embedded_sandbox_enabled, provider_base_url
from involinks.peppol.sandbox import SandboxAccessPoint, serve_app_in_background
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import auth_headers, create_company, create_user

from .conftest import body

INVOICES = "/api/v1/invoices"
# The sandbox's wall-time progression (SandboxTimings defaults): delivered 3 s after dispatch.
DEADLINE_SECONDS = 25.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def embedded_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings of a fresh installation; every job (of any domain) reads these same ones."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'embedded.db'}"
    upgrade(url)
    port = _free_port()
    environment = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "embedded-test-secret-key-with-enough-entropy-0123456789",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "WEB_DIST_DIR": str(tmp_path / "web"),
        "BCRYPT_ROUNDS": "4",
        "PEPPOL_PROVIDER": "sandbox",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PEPPOL_BASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        get_settings.cache_clear()


async def _seed(settings: Settings) -> dict[str, Any]:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            a = await create_company(session, legal_name="Embedded Supplier LLC")
            b = await create_company(session, legal_name="Embedded Buyer LLC")
            a_admin = await create_user(session, company=a, role=Role.COMPANY_ADMIN)
            b_admin = await create_user(session, company=b, role=Role.COMPANY_ADMIN)
            b_as_customer = await create_customer(session, a, trn=b.trn, legal_name=b.legal_name)
            payload = invoice_payload(b_as_customer)
            await session.commit()
            return {
                "a": auth_headers(settings, a_admin),
                "b": auth_headers(settings, b_admin),
                "b_peppol_id": b.peppol_id,
                "payload": payload,
            }
    finally:
        await engine.dispose()


async def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


def test_embedded_is_the_default() -> None:
    settings = Settings(_env_file=None, environment="test", secret_key="k" * 48)
    assert settings.peppol_base_url == "embedded"
    assert embedded_sandbox_enabled(settings)
    assert provider_base_url(settings) == settings.public_base_url + MOUNT_PATH
    # A configured URL (the Makefile's separately started sandbox) or another provider: no mount.
    remote = settings.model_copy(update={"peppol_base_url": "http://127.0.0.1:8081"})
    assert not embedded_sandbox_enabled(remote)
    assert provider_base_url(remote) == "http://127.0.0.1:8081"
    other = settings.model_copy(update={"peppol_provider": "tradeshift"})
    assert not embedded_sandbox_enabled(other)
    assert not hasattr(create_app(remote, check_migrations=False).state, "peppol_sandbox")


async def test_send_works_with_nothing_else_started(
    embedded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = embedded_settings
    seeded = await _seed(settings)
    app = create_app(settings)
    # Jobs run in-process (no broker), on the app's own sessions.
    job_queue.set_dispatcher(None)
    monkeypatch.setattr(peppol_tasks, "job_context", lambda: (app.state.sessionmaker, settings))
    access_point: SandboxAccessPoint = app.state.peppol_sandbox.state.access_point

    async def stop_jobs(timeout: float = 0) -> None:
        # The status poll keeps following the invoice for minutes; the graceful shutdown would
        # wait for it. What the test checks is done by then.
        running = list(job_queue._background)
        for job in running:
            job.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    monkeypatch.setattr(job_queue, "drain", stop_jobs)

    with serve_app_in_background(app, port=int(settings.public_base_url.rsplit(":", 1)[1])) as url:
        assert url == settings.public_base_url
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            health = await client.get(f"{MOUNT_PATH}/healthz")
            assert body(health, 200) == {"status": "ok"}

            draft = body(
                await client.post(INVOICES, json=seeded["payload"], headers=seeded["a"]), 201
            )
            invoice_url = f"{INVOICES}/{draft['id']}"
            body(await client.post(f"{invoice_url}/finalize", headers=seeded["a"]), 200)
            body(await client.post(f"{invoice_url}/approve", headers=seeded["a"]), 200)
            queued = body(await client.post(f"{invoice_url}/send", headers=seeded["a"]), 202)
            assert queued["receiver_id"] == seeded["b_peppol_id"]

            async def delivered() -> dict[str, Any] | None:
                invoice = body(await client.get(invoice_url, headers=seeded["a"]), 200)
                return invoice if invoice["status"] in ("DELIVERED", "ACCEPTED") else None

            await _until(delivered, "the DELIVERED status to come back to A")

            async def in_bs_inbox() -> list[dict[str, Any]]:
                page = body(await client.get("/api/v1/inward-invoices", headers=seeded["b"]), 200)
                items: list[dict[str, Any]] = page["items"]
                return items

            [received] = await _until(in_bs_inbox, "the invoice in B's inbox")
            transmissions = body(
                await client.get(f"{invoice_url}/transmissions", headers=seeded["a"]), 200
            )
            [transmission] = transmissions
            assert transmission["provider"] == "sandbox"
            assert transmission["status"] in ("DELIVERED", "ACCEPTED")
            # The embedded sandbox holds exactly that one message, delivered once over HTTP.
            assert list(access_point.messages) == [transmission["provider_message_id"]]
            assert access_point.stats.counters["inbound_ok"] == 1
            assert (
                received["invoice_number"]
                == (body(await client.get(invoice_url, headers=seeded["a"]), 200)["number"])
            )
