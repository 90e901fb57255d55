"""The send job against a misbehaving access point (sandbox fault injection over real TCP).

Fault scripts are consumed one per provider API request. A first send through the sandbox makes
three requests, in this order (``providers/tradeshift.py``): read the latest dispatch of the
document (404 the first time), store the document, dispatch it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.companies.models import CompanyStatus
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.peppol.service import SEND_RETRY_POLICY

from .conftest import SANDBOX_KEY, SHORT_TIMEOUT, JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"


async def _send(client: httpx.AsyncClient, world: World, invoice_id: str) -> dict[str, Any]:
    result: dict[str, Any] = body(
        await client.post(f"{INVOICES}/{invoice_id}/send", headers=world.a.headers), 202
    )
    return result


async def _latest(client: httpx.AsyncClient, world: World, invoice_id: str) -> dict[str, Any]:
    transmissions = body(
        await client.get(f"{INVOICES}/{invoice_id}/transmissions", headers=world.a.headers), 200
    )
    latest: dict[str, Any] = transmissions[0]
    return latest


async def _status(client: httpx.AsyncClient, world: World, invoice_id: str) -> str:
    detail = body(await client.get(f"{INVOICES}/{invoice_id}", headers=world.a.headers), 200)
    return str(detail["status"])


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_429_is_retried_after_the_retry_after_delay(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    await network.faults(script=["rate_limit"], retry_after_seconds=7)
    invoice = await world.approved_invoice(client)
    await _send(client, world, invoice["id"])

    before = utcnow()
    await jobs.run()
    [retry] = jobs.retries
    assert (retry.name, retry.delay_seconds) == ("peppol.send", 7.0)  # the sandbox's Retry-After
    waiting = await _latest(client, world, invoice["id"])
    assert (waiting["status"], waiting["attempts"]) == ("QUEUED", 1)
    assert "HTTP 429" in waiting["last_error"]
    next_at = _at(waiting["next_attempt_at"])
    assert before + timedelta(seconds=7) <= next_at <= utcnow() + timedelta(seconds=7)
    assert await _status(client, world, invoice["id"]) == "APPROVED"
    assert await network.messages() == []  # refused before anything was stored

    # A spare copy of the job arriving early waits for the attempt time, without calling out.
    requests = (await network.stats())["api_requests"]
    jobs.queued.append((retry.name, retry.kwargs))
    await jobs.run()
    [_, early] = jobs.retries
    assert early.delay_seconds is not None
    assert 5 < early.delay_seconds <= 7
    assert (await network.stats())["api_requests"] == requests
    jobs.retries.pop()

    await jobs.retry()
    sent = await _latest(client, world, invoice["id"])
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("SENT", 2, None)
    assert await _status(client, world, invoice["id"]) == "SENT"
    assert len(await network.messages()) == 1


async def test_a_lost_answer_is_retried_without_sending_twice(
    app: FastAPI, client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    # The dispatch takes effect, then its answer never comes within the client's timeout.
    await network.faults(
        script=["none", "none", "timeout_after_processing"], hang_seconds=SHORT_TIMEOUT + 1
    )
    invoice = await world.approved_invoice(client)
    queued = await _send(client, world, invoice["id"])

    patient = app.state.settings
    app.state.settings = patient.model_copy(update={"peppol_timeout_seconds": SHORT_TIMEOUT})
    await jobs.run()
    app.state.settings = patient  # the retry must not time out because the machine is busy
    [retry] = jobs.retries
    assert retry.name == "peppol.send"
    waiting = await _latest(client, world, invoice["id"])
    assert (waiting["status"], waiting["attempts"]) == ("QUEUED", 1)
    assert "no response" in waiting["last_error"]
    [message] = await network.messages()
    assert message["status"] == "RECEIVED"  # the access point did take it

    await jobs.retry()  # same idempotency key: the adapter finds the dispatch it made
    sent = await _latest(client, world, invoice["id"])
    assert (sent["id"], sent["status"], sent["attempts"]) == (queued["id"], "SENT", 2)
    assert sent["provider_message_id"] == message["message_id"]
    assert await network.messages() == [message]
    stats = await network.stats()
    assert (stats["documents_stored"], stats["messages_received"]) == (1, 1)

    # And the buyer gets it once.
    await network.advance(6)
    inbox = body(await client.get("/api/v1/inward-invoices", headers=world.b.headers), 200)
    assert [item["invoice_number"] for item in inbox["items"]] == [invoice["number"]]
    assert await _status(client, world, invoice["id"]) == "ACCEPTED"


async def test_it_gives_up_after_the_last_attempt_and_can_be_sent_again(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    attempts = SEND_RETRY_POLICY.max_attempts
    await network.faults(script=["error"] * attempts, error_status=503)
    invoice = await world.approved_invoice(client)
    first = await _send(client, world, invoice["id"])

    await jobs.run()
    delays = []
    while jobs.retries:
        delays += [r.delay_seconds for r in await jobs.retry()]
    # Backing off: each wait longer than the one before.
    assert len(delays) == attempts - 1
    waits = [d for d in delays if d is not None]
    assert waits == sorted(set(waits)), waits

    failed = await _latest(client, world, invoice["id"])
    assert (failed["status"], failed["attempts"]) == ("FAILED", attempts)
    assert failed["last_error"].startswith(f"gave up after {attempts} attempts")
    assert "HTTP 503" in failed["last_error"]
    # Never accepted by the provider: the invoice is still APPROVED, so it can be sent again.
    assert await _status(client, world, invoice["id"]) == "APPROVED"

    second = await _send(client, world, invoice["id"])
    assert second["id"] != first["id"]
    await jobs.run()
    assert (await _latest(client, world, invoice["id"]))["status"] == "SENT"
    history = body(
        await client.get(f"{INVOICES}/{invoice['id']}/transmissions", headers=world.a.headers),
        200,
    )
    assert [(t["id"], t["status"]) for t in history] == [
        (second["id"], "SENT"),
        (first["id"], "FAILED"),
    ]


async def test_a_document_the_provider_refuses_is_rejected_at_once(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    await network.faults(script=["none", "error"], error_status=400)  # the store is refused
    invoice = await world.approved_invoice(client)
    await _send(client, world, invoice["id"])

    await jobs.run()
    assert jobs.retries == []
    rejected = await _latest(client, world, invoice["id"])
    assert (rejected["status"], rejected["attempts"]) == ("REJECTED", 1)
    assert "HTTP 400" in rejected["last_error"]
    assert rejected["events"][-1]["reason"] == rejected["last_error"]
    assert await _status(client, world, invoice["id"]) == "APPROVED"


async def test_wrong_credentials_fail_at_once_and_a_new_key_fixes_it(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    settings_url = "/api/v1/peppol/settings"
    body(
        await client.put(
            settings_url,
            json={"provider": "sandbox", "api_key": "not-the-key"},
            headers=world.a.headers,
        ),
        200,
    )
    invoice = await world.approved_invoice(client)
    await _send(client, world, invoice["id"])
    await jobs.run()
    assert jobs.retries == []
    failed = await _latest(client, world, invoice["id"])
    assert (failed["status"], failed["attempts"]) == ("FAILED", 1)
    assert "HTTP 401" in failed["last_error"]

    # Same provider and address: the key is rotated in place, and sending again works.
    body(
        await client.put(
            settings_url,
            json={"provider": "sandbox", "api_key": SANDBOX_KEY},
            headers=world.a.headers,
        ),
        200,
    )
    await _send(client, world, invoice["id"])
    await jobs.run()
    assert (await _latest(client, world, invoice["id"]))["status"] == "SENT"


async def test_a_failed_delivery_fails_the_invoice_and_it_can_be_sent_again(
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    db_session: AsyncSession,
) -> None:
    invoice = await world.approved_invoice(client)
    first = await _send(client, world, invoice["id"])
    await jobs.run()

    # B cannot take documents for a while: our inbound endpoint answers 404 (unknown receiver)
    # and the sandbox gives up after its 3 delivery attempts, 5 s apart (SandboxTimings).
    await _set_status(db_session, world, CompanyStatus.SUSPENDED)
    await network.advance(3)
    await network.advance(5)
    await network.advance(5)
    assert await _status(client, world, invoice["id"]) == "FAILED"
    failed = await _latest(client, world, invoice["id"])
    assert failed["status"] == "FAILED"
    assert "HTTP 404" in failed["last_error"]
    inbound = [status for path, status in network.relayed if path.endswith("/inbound")]
    assert inbound == [404, 404, 404]

    await _set_status(db_session, world, CompanyStatus.ACTIVE)
    second = await _send(client, world, invoice["id"])
    assert second["id"] != first["id"]
    await jobs.run()
    assert await _status(client, world, invoice["id"]) == "SENT"
    await network.advance(6)
    assert await _status(client, world, invoice["id"]) == "ACCEPTED"
    detail = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert [e["status"] for e in detail["status_history"]][-4:] == [
        "FAILED",
        "SENT",
        "DELIVERED",
        "ACCEPTED",
    ]


async def _set_status(session: AsyncSession, world: World, status: CompanyStatus) -> None:
    with tenancy.system_scope(session):
        await session.execute(
            sa.update(type(world.b.company))
            .where(type(world.b.company).id == world.b.company.id)
            .values(status=status)
        )
        await session.flush()
