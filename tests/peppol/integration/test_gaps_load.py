"""200 invoices through a flaky access point over real TCP: 30 % of the provider API requests fail
(injected 503s, and hangs past the client's timeout). Every invoice still ends DELIVERED, and the
sandbox counts exactly one dispatch and one delivery per invoice: retries reuse the idempotency
key, so a request that took effect before its answer was lost is not repeated.

The sends run on the embedded queue's own retry loop (``jobs.queue.run_with_retries``), with the
backoff shortened through the settings (``PEPPOL_SEND_*``), several at a time so that the hangs
overlap. Job sessions share the test's connection (its transaction is rolled back at the end), so
they take turns on it; the provider calls between them run concurrently.

Runs on SQLite and on PostgreSQL (INVOLINKS_TEST_DB=postgres), like every DB test here.
INVOLINKS_PEPPOL_LOAD_COUNT changes the number of invoices."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from involinks.config import Settings
from involinks.core import tenancy
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.schemas import InvoiceCreate
from involinks.jobs import queue as job_queue
from involinks.peppol import service as peppol_service
from involinks.peppol import tasks as peppol_tasks
from involinks.peppol.models import PeppolTransmission, TransmissionState
from tests.customers.factories import invoice_payload

from .conftest import Network, World, body

COUNT = int(os.environ.get("INVOLINKS_PEPPOL_LOAD_COUNT", "200"))
CLIENT_TIMEOUT = 0.5  # seconds; injected hangs last longer
HANG_SECONDS = 0.6
# 30 % of requests: 10 % hang, and 2/9 of the other 90 % answer 503.
TIMEOUT_RATE = 0.1
ERROR_RATE = 2 / 9
CONCURRENT_SENDS = 24
# A send makes three provider requests, so an attempt fails ~66 % of the time here: enough
# attempts that giving up is practically impossible (0.66 ** 60 ~ 1e-11 per invoice).
SEND_ATTEMPTS = 60


def serialized_sessions(
    connection: AsyncConnection, lock: asyncio.Lock
) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """Job sessions on the test's connection, one at a time (a connection runs one statement at
    a time); their commits are savepoints of the test's transaction."""

    @asynccontextmanager
    async def factory() -> AsyncIterator[AsyncSession]:
        async with lock:
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


class EmbeddedQueue:
    """The in-process queue's retry loop, with a bound on the sends in flight; status polls are
    noted, not run (the callbacks report the statuses here)."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.running: list[asyncio.Task[Any]] = []
        self.polls: list[dict[str, Any]] = []

    def dispatch(self, name: str, kwargs: dict[str, Any]) -> None:
        if name == peppol_service.SEND_JOB:
            self.running.append(asyncio.ensure_future(self._run(name, kwargs)))
        elif name == peppol_service.POLL_JOB:
            self.polls.append(kwargs)

    async def _run(self, name: str, kwargs: dict[str, Any]) -> None:
        async with self.slots:
            await job_queue.run_with_retries(name, kwargs)

    async def join(self) -> None:
        while self.running:
            batch, self.running = self.running, []
            await asyncio.gather(*batch)


async def approved_invoices(
    sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    world: World,
    settings: Settings,
    count: int,
) -> list[Invoice]:
    """``count`` invoices from A to B, created, finalized (validated, signed) and approved
    through the invoicing service, in one unit of work."""
    async with job_queue.collecting() as follow_ups, sessions() as session:
        tenancy.bind_company(session, world.a.company.id)
        invoices = []
        for _ in range(count):
            data = InvoiceCreate.model_validate(invoice_payload(world.b_as_customer))
            invoice = await invoicing_service.create_draft(session, data, user=world.a.admin)
            await invoicing_service.finalize(
                session, invoice, user=world.a.admin, settings=settings
            )
            invoices.append(await invoicing_service.approve(session, invoice, user=world.a.admin))
        await session.commit()
        follow_ups.discard()  # the PDF renderings: not this test's subject
    return invoices


async def request_sends(
    sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    world: World,
    settings: Settings,
    invoices: list[Invoice],
) -> None:
    """What ``POST /invoices/{id}/send`` does for each invoice, in one unit of work; the send jobs
    are dispatched once it has committed."""
    async with job_queue.collecting() as jobs:
        async with sessions() as session:
            tenancy.bind_company(session, world.a.company.id)
            for invoice in invoices:
                await peppol_service.queue_send(
                    session, invoice, user=world.a.admin, settings=settings
                )
            await session.commit()
        await jobs.send()


async def states(
    sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]], world: World
) -> tuple[list[InvoiceStatus], list[TransmissionState]]:
    async with sessions() as session:
        tenancy.bind_company(session, world.a.company.id)
        invoices = (await session.execute(sa.select(Invoice.status))).scalars().all()
        transmissions = (
            (await session.execute(sa.select(PeppolTransmission.status))).scalars().all()
        )
    return list(invoices), list(transmissions)


async def test_every_invoice_arrives_once_despite_faults(
    app: FastAPI,
    client: httpx.AsyncClient,
    db_connection: AsyncConnection,
    world: World,
    network: Network,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings: Settings = app.state.settings.model_copy(
        update={
            "peppol_timeout_seconds": CLIENT_TIMEOUT,
            "peppol_send_max_attempts": SEND_ATTEMPTS,
            "peppol_send_backoff_seconds": 0.01,
            "peppol_send_backoff_max_seconds": 0.1,
        }
    )
    app.state.settings = settings
    sessions = serialized_sessions(db_connection, asyncio.Lock())
    monkeypatch.setattr(peppol_tasks, "job_context", lambda: (sessions, settings))
    queue = EmbeddedQueue(CONCURRENT_SENDS)
    job_queue.set_dispatcher(queue.dispatch)

    invoices = await approved_invoices(sessions, world, settings, COUNT)
    await network.faults(
        error_rate=ERROR_RATE, timeout_rate=TIMEOUT_RATE, hang_seconds=HANG_SECONDS
    )
    await request_sends(sessions, world, settings, invoices)
    await queue.join()

    invoice_states, transmission_states = await states(sessions, world)
    assert set(transmission_states) == {TransmissionState.SENT}, transmission_states
    assert len(transmission_states) == COUNT  # one transmission each: none had to start over
    assert set(invoice_states) == {InvoiceStatus.SENT}
    stats = await network.stats()
    faults = stats.get("fault_error", 0) + stats.get("fault_timeout", 0)
    assert 0.25 * stats["api_requests"] < faults < 0.35 * stats["api_requests"], stats
    assert stats["messages_received"] == COUNT  # dispatched once each

    # Faults off; the sandbox moves every message on: delivered to B, reported back to A.
    await network.faults()
    await network.advance(3)

    invoice_states, transmission_states = await states(sessions, world)
    assert set(invoice_states) == {InvoiceStatus.DELIVERED}, invoice_states
    assert set(transmission_states) == {TransmissionState.DELIVERED}
    messages = await network.messages()
    assert len(messages) == COUNT
    assert {m["document_number"] for m in messages} == {i.number for i in invoices}
    stats = await network.stats()
    assert stats["messages_received"] == COUNT
    assert stats["inbound_ok"] == COUNT  # delivered once each
    assert stats.get("inbound_failed", 0) == 0

    inbox = body(
        await client.get(
            "/api/v1/inward-invoices", params={"page_size": 200}, headers=world.b.headers
        ),
        200,
    )
    received = {item["invoice_number"]: Decimal(item["payable_amount"]) for item in inbox["items"]}
    while len(inbox["items"]) == 200:  # more than a page (INVOLINKS_PEPPOL_LOAD_COUNT > 200)
        inbox = body(
            await client.get(
                "/api/v1/inward-invoices",
                params={"page_size": 200, "page": inbox["page"] + 1},
                headers=world.b.headers,
            ),
            200,
        )
        received |= {i["invoice_number"]: Decimal(i["payable_amount"]) for i in inbox["items"]}
    assert received == {i.number: i.payable_amount for i in invoices}
