"""200 invoices through a flaky access point (real TCP): 30 % of the provider API requests fail
(injected 503s and hangs past the client's timeout; seeded, so reproducible). Every invoice still
ends SENT or better, and the sandbox counts exactly one delivery per invoice: retries reuse the
idempotency key, so a request that took effect before its answer was lost is not repeated.

Runs on SQLite and on PostgreSQL (INVOLINKS_TEST_DB=postgres), like every DB test here."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from .conftest import JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"
# 200 is the target of the issue; at present one invoice costs ~1 s of setup and sending on
# 2 cores, so the default run uses fewer (INVOLINKS_PEPPOL_LOAD_COUNT=200 for the full run).
COUNT = int(os.environ.get("INVOLINKS_PEPPOL_LOAD_COUNT", "10"))
CLIENT_TIMEOUT = 0.2  # seconds; injected hangs last 0.3 s
MAX_ROUNDS = 12


@pytest.mark.parametrize("sandbox_options", [{"seed": 2026}])
async def test_every_invoice_arrives_once_despite_faults(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    sandbox_options: dict[str, Any],
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"peppol_timeout_seconds": CLIENT_TIMEOUT}
    )
    invoices = [await world.approved_invoice(client) for _ in range(COUNT)]
    await network.faults(error_rate=0.2, timeout_rate=0.1, hang_seconds=0.3)
    for invoice in invoices:
        body(await client.post(f"{INVOICES}/{invoice['id']}/send", headers=world.a.headers), 202)

    await jobs.run()
    polls = []
    for _ in range(MAX_ROUNDS):
        sends = [r for r in jobs.retries if r.name == "peppol.send"]
        polls += [r for r in jobs.retries if r.name != "peppol.send"]
        if not sends:
            break
        jobs.retries = sends
        await jobs.retry()
    assert not [r for r in jobs.retries if r.name == "peppol.send"], "sends left after retries"
    stats = await network.stats()
    assert stats.get("fault_error", 0) + stats.get("fault_timeout", 0) > 0.2 * COUNT

    # Faults off for the hand-offs' own checks; the sandbox delivers everything that was sent.
    await network.faults()
    jobs.skew += timedelta(seconds=10)
    await network.advance(3)

    statuses = []
    for invoice in invoices:
        detail = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
        statuses.append(detail["status"])
    assert set(statuses) <= {"SENT", "DELIVERED", "ACCEPTED"}, sorted(set(statuses))

    messages = await network.messages()
    assert len(messages) == COUNT
    assert len({m["document_number"] for m in messages}) == COUNT
    stats = await network.stats()
    assert stats["messages_received"] == COUNT  # dispatched once each
    assert stats["inbound_ok"] == COUNT  # delivered once each
    inbox = body(
        await client.get(
            f"/api/v1/inward-invoices?page_size={max(COUNT, 1)}", headers=world.b.headers
        ),
        200,
    )
    numbers = [item["invoice_number"] for item in inbox["items"]]
    assert sorted(numbers) == sorted(i["number"] for i in invoices)
