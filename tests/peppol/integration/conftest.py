"""Harness of the Peppol integration tests.

* ``network``: the sandbox access point as a real uvicorn server on a free port (manual clock),
  the app's settings pointed at it. The sandbox delivers inbound documents and status callbacks
  over TCP to a relay server, which hands each request to the app in the test's event loop: the
  app then works inside the test's rolled-back transaction, like every other API test;
* ``jobs``: captures the jobs the app enqueues and runs them in-process through the task
  registry, with job sessions on the test's connection. A job asking to come back later
  (``RetryLater``) is parked with its delay instead of sleeping; ``jobs.retry()`` runs it again;
* ``world``: two hosted companies, A (supplier) and B (buyer), and B as a customer of A.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core.types import utcnow
from involinks.customers.models import Customer
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, get_task
from involinks.peppol import service as peppol_service
from involinks.peppol import tasks as peppol_tasks
from involinks.peppol.sandbox import (
    FaultConfig,
    SandboxParticipant,
    SandboxSettings,
    serve_app_in_background,
    serve_in_background,
)
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import auth_headers, create_company, create_user

SANDBOX_KEY = "integration-sandbox-key"
# The provider client's timeout. Generous: on a busy machine a fault-free request can take well
# over half a second, and must not turn into a timeout (and a parked retry) in tests that are not
# about timeouts. Tests of timeouts set SHORT_TIMEOUT and hang the sandbox longer.
CLIENT_TIMEOUT = 30.0
SHORT_TIMEOUT = 0.5


def body(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


# --- jobs ----------------------------------------------------------------------------------------


@dataclass
class Retry:
    name: str
    kwargs: dict[str, Any]
    delay_seconds: float | None
    reason: str


@dataclass
class JobRunner:
    queued: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    retries: list[Retry] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    # Other domains' jobs (e.g. the PDF rendering after finalize) are noted, not run.
    others: list[str] = field(default_factory=list)
    # How far the Peppol service's clock is ahead of the wall clock: waiting is simulated.
    skew: timedelta = timedelta(0)

    def now(self) -> datetime:
        return utcnow() + self.skew

    def dispatch(self, name: str, kwargs: dict[str, Any]) -> None:
        if name.startswith("peppol."):
            self.queued.append((name, dict(kwargs)))
        else:
            self.others.append(name)

    async def run(self) -> None:
        """Run everything queued, and whatever those jobs enqueue, until the queue is empty."""
        while self.queued:
            name, kwargs = self.queued.pop(0)
            try:
                await get_task(name).func(**kwargs)
            except RetryLater as exc:
                self.retries.append(Retry(name, kwargs, exc.delay_seconds, str(exc)))
            else:
                self.done.append(name)

    async def retry(self) -> list[Retry]:
        """Run the parked jobs once more, as the queue would after their delay (the service's
        clock jumps ahead by the longest one)."""
        parked, self.retries = self.retries, []
        self.skew += timedelta(seconds=max((r.delay_seconds or 0.0 for r in parked), default=0.0))
        self.queued.extend((r.name, r.kwargs) for r in parked)
        await self.run()
        return parked


def sessions_on(
    connection: AsyncConnection,
) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """Job sessions on the test's connection: their commits are savepoints of the test."""

    @asynccontextmanager
    async def factory() -> AsyncIterator[AsyncSession]:
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield session
        finally:
            await session.close()

    return factory


@pytest.fixture
def jobs(
    app: FastAPI, db_connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> Iterator[JobRunner]:
    runner = JobRunner()
    job_queue.set_dispatcher(runner.dispatch)
    monkeypatch.setattr(
        peppol_tasks, "job_context", lambda: (sessions_on(db_connection), app.state.settings)
    )
    monkeypatch.setattr(peppol_service, "utcnow", runner.now)
    yield runner
    job_queue.set_dispatcher(None)


# --- the sandbox and the relay back into the app --------------------------------------------------


def relay_to(
    client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, log: list[tuple[str, int]]
) -> Starlette:
    """Forwards the sandbox's POSTs to the app, run on the test's loop (and so its transaction);
    notes each (path, answer status) in ``log``."""

    async def forward(request: Request) -> Response:
        content = await request.body()
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower().startswith("x-peppol-") or k.lower() == "content-type"
        }
        future = asyncio.run_coroutine_threadsafe(
            client.post(request.url.path, content=content, headers=headers), loop
        )
        answer = await asyncio.wrap_future(future)
        log.append((request.url.path, answer.status_code))
        return Response(
            answer.content,
            status_code=answer.status_code,
            media_type=answer.headers.get("content-type"),
        )

    return Starlette(routes=[Route("/{path:path}", forward, methods=["POST"])])


@dataclass
class Network:
    url: str
    admin: httpx.AsyncClient
    relayed: list[tuple[str, int]]

    async def advance(self, seconds: float) -> int:
        answer = await self.admin.post("/sandbox/admin/clock/advance", json={"seconds": seconds})
        return int(body(answer, 200)["transitions"])

    async def faults(self, **values: Any) -> None:
        body(
            await self.admin.put("/sandbox/admin/faults", json=FaultConfig(**values).model_dump()),
            200,
        )

    async def messages(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = body(await self.admin.get("/sandbox/admin/messages"), 200)
        return result

    async def message(self, message_id: str) -> dict[str, Any]:
        result: dict[str, Any] = body(
            await self.admin.get(f"/sandbox/admin/messages/{message_id}"), 200
        )
        return result

    async def stats(self) -> dict[str, int]:
        result: dict[str, int] = body(await self.admin.get("/sandbox/admin/state"), 200)["stats"]
        return result


@dataclass
class Party:
    company: Company
    admin: User
    headers: dict[str, str]


@dataclass
class World:
    a: Party
    b: Party
    b_as_customer: Customer  # company B in company A's customer list

    async def approved_invoice(self, client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
        url = "/api/v1/invoices"
        draft = body(
            await client.post(
                url, json=invoice_payload(self.b_as_customer, **overrides), headers=self.a.headers
            ),
            201,
        )
        body(await client.post(f"{url}/{draft['id']}/finalize", headers=self.a.headers), 200)
        approved: dict[str, Any] = body(
            await client.post(f"{url}/{draft['id']}/approve", headers=self.a.headers), 200
        )
        return approved


async def _party(session: AsyncSession, settings: Settings, **company: Any) -> Party:
    created = await create_company(session, **company)
    admin = await create_user(session, company=created, role=Role.COMPANY_ADMIN)
    return Party(created, admin, auth_headers(settings, admin))


@pytest.fixture
async def world(db_session: AsyncSession, settings: Settings) -> World:
    a = await _party(db_session, settings, legal_name="Supplier Trading LLC")
    b = await _party(db_session, settings, legal_name="Buyer Industries LLC")
    as_customer = await create_customer(
        db_session, a.company, trn=b.company.trn, legal_name=b.company.legal_name
    )
    assert as_customer.peppol_id == b.company.peppol_id
    return World(a, b, as_customer)


def participants(world: World) -> list[SandboxParticipant]:
    return [
        SandboxParticipant(
            participant_id=str(p.company.peppol_id), name=p.company.legal_name, hosted=True
        )
        for p in (world.a, world.b)
    ]


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """SandboxSettings fields a test module may override (e.g. no status callbacks)."""
    return {}


@pytest.fixture
async def network(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    tmp_path: Path,
    sandbox_options: dict[str, Any],
) -> AsyncIterator[Network]:
    loop = asyncio.get_running_loop()
    settings: Settings = app.state.settings
    relayed: list[tuple[str, int]] = []
    with contextlib.ExitStack() as stack:
        relay_url = stack.enter_context(serve_app_in_background(relay_to(client, loop, relayed)))
        values: dict[str, Any] = {
            "data_dir": tmp_path / "sandbox",
            "api_key": SANDBOX_KEY,
            "manual_clock": True,
            "participants": participants(world),
            "inbound_url": f"{relay_url}/api/v1/peppol/inbound",
            "inbound_secret": settings.peppol_inbound_secret,
            "status_callback_url": f"{relay_url}/api/v1/peppol/status-callback",
            "seed": 11,
            # The app answers through the relay; a busy machine must not make that a failure.
            "outbound_timeout_seconds": 60.0,
            **sandbox_options,
        }
        sandbox_url = stack.enter_context(
            serve_in_background(SandboxSettings.model_validate(values))
        )
        app.state.settings = settings.model_copy(
            update={
                "peppol_provider": "sandbox",
                "peppol_base_url": sandbox_url,
                "peppol_api_key": SecretStr(SANDBOX_KEY),
                "peppol_timeout_seconds": CLIENT_TIMEOUT,
            }
        )
        # A clock advance delivers everything that is due, one message after another: with a
        # few hundred messages on a busy machine that takes a while.
        async with httpx.AsyncClient(base_url=sandbox_url, timeout=300) as admin:
            yield Network(sandbox_url, admin, relayed)
        app.state.settings = settings


def transmission_id(answer: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(answer["id"])
