"""An invoice travels from company A to company B over the sandbox access point (real TCP).

A finalizes, approves and sends; the job hands the signed UBL to the sandbox; as the sandbox clock
moves, the document is delivered to B's inbound endpoint and the statuses come back to A through
callbacks and polling. Expected statuses follow the sandbox's documented progression
(RECEIVED -> SENT after 1 s, DELIVERED after 3 s, ACCEPTED after 6 s; ``SandboxTimings``).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.compliance import service as compliance_service
from involinks.core import tenancy
from involinks.invoicing import repository
from involinks.peppol.ubl_routing import read_routing
from involinks.storage import store_for

from .conftest import JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"


async def _invoice(client: httpx.AsyncClient, world: World, invoice_id: str) -> dict[str, Any]:
    result: dict[str, Any] = body(
        await client.get(f"{INVOICES}/{invoice_id}", headers=world.a.headers), 200
    )
    return result


async def _transmissions(
    client: httpx.AsyncClient, world: World, invoice_id: str
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = body(
        await client.get(f"{INVOICES}/{invoice_id}/transmissions", headers=world.a.headers), 200
    )
    return result


def _history(transmission: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return [(e["status"], e["source"], e["applied"]) for e in transmission["events"]]


async def test_invoice_goes_from_a_to_bs_inbox(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    db_session: AsyncSession,
) -> None:
    invoice = await world.approved_invoice(client)

    queued = body(
        await client.post(f"{INVOICES}/{invoice['id']}/send", headers=world.a.headers), 202
    )
    assert (queued["status"], queued["attempts"], queued["invoice_id"]) == (
        "QUEUED",
        0,
        invoice["id"],
    )
    assert queued["idempotency_key"] == queued["id"]
    assert queued["receiver_id"] == world.b.company.peppol_id
    assert queued["sender_id"] == world.a.company.peppol_id
    # The job carries the id only, and leaves after the request committed.
    assert jobs.queued == [("peppol.send", {"transmission_id": queued["id"]})]

    await jobs.run()
    [sent] = await _transmissions(client, world, invoice["id"])
    assert (sent["status"], sent["attempts"], sent["provider"]) == ("SENT", 1, "sandbox")
    assert (await _invoice(client, world, invoice["id"]))["status"] == "SENT"
    # The sandbox holds exactly what compliance issued (signed bytes, same routing).
    [message] = await network.messages()
    assert message["message_id"] == sent["provider_message_id"]
    xml = (await network.admin.get(f"/sandbox/admin/messages/{message['message_id']}/xml")).content
    tenancy.bind_company(db_session, world.a.company.id)
    stored = await repository.get(db_session, uuid.UUID(invoice["id"]))
    assert stored is not None
    issued = await compliance_service.issued_xml(
        db_session, stored, store=store_for(app.state.settings)
    )
    assert xml == issued
    assert str(read_routing(xml).receiver) == world.b.company.peppol_id
    # The status poll was scheduled and asked to come back: not final yet.
    assert [r.name for r in jobs.retries] == ["peppol.poll_status"]

    # 3 s later the sandbox has delivered it to B (through our inbound endpoint) and told us.
    assert await network.advance(3) == 2  # RECEIVED -> SENT -> DELIVERED
    assert (await _invoice(client, world, invoice["id"]))["status"] == "DELIVERED"
    await jobs.retry()  # the poll reads DELIVERED too, and asks to come back again
    assert [r.name for r in jobs.retries] == ["peppol.poll_status"]

    assert await network.advance(3) == 1  # DELIVERED -> ACCEPTED (the buyer's response)
    detail = await _invoice(client, world, invoice["id"])
    assert detail["status"] == "ACCEPTED"
    assert [e["status"] for e in detail["status_history"]] == [
        "DRAFT",
        "FINALIZED",
        "APPROVED",
        "SENT",
        "DELIVERED",
        "ACCEPTED",
    ]
    await jobs.retry()  # the last poll sees a final status and stops
    assert jobs.retries == []

    [done] = await _transmissions(client, world, invoice["id"])
    assert done["status"] == "ACCEPTED"
    assert done["completed_at"] is not None
    # Every callback is kept (a RECEIVED or SENT report after our own SENT changes nothing).
    assert _history(done) == [
        ("QUEUED", "request", True),
        ("SENT", "send", True),
        ("SENT", "callback", False),  # RECEIVED
        ("SENT", "callback", False),  # SENT
        ("DELIVERED", "callback", True),
        ("ACCEPTED", "callback", True),
    ]

    # B's accounts-payable inbox has it, unmatched (B has no purchase order for it).
    inbox = body(await client.get("/api/v1/inward-invoices", headers=world.b.headers), 200)
    [received] = inbox["items"]
    detail_b = body(
        await client.get(f"/api/v1/inward-invoices/{received['id']}", headers=world.b.headers),
        200,
    )
    assert detail_b["source"] == "PEPPOL"
    assert detail_b["invoice_number"] == invoice["number"]
    assert detail_b["supplier_trn"] == world.a.company.trn
    assert detail_b["peppol_message_id"] == done["provider_message_id"]
    assert detail_b["matching_status"] == "NOT_MATCHED"
    # A's own inbox stays empty: nothing leaked to the sender.
    assert (
        body(await client.get("/api/v1/inward-invoices", headers=world.a.headers), 200)["items"]
        == []
    )
    # Every hand-off from the sandbox was answered with success.
    assert network.relayed, "the sandbox reached the platform"
    assert all(status < 300 for _, status in network.relayed)


@pytest.mark.parametrize("sandbox_options", [{"status_callback_url": None}])
async def test_polling_alone_follows_the_invoice(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    """With no status callbacks at all, the poll job moves the invoice on by itself."""
    invoice = await world.approved_invoice(client)
    body(await client.post(f"{INVOICES}/{invoice['id']}/send", headers=world.a.headers), 202)
    await jobs.run()

    await network.advance(3)
    assert (await _invoice(client, world, invoice["id"]))["status"] == "SENT"  # nobody told us
    await jobs.retry()
    assert (await _invoice(client, world, invoice["id"]))["status"] == "DELIVERED"

    await network.advance(3)
    await jobs.retry()
    assert (await _invoice(client, world, invoice["id"]))["status"] == "ACCEPTED"
    assert jobs.retries == []
    [done] = await _transmissions(client, world, invoice["id"])
    assert _history(done) == [
        ("QUEUED", "request", True),
        ("SENT", "send", True),
        ("DELIVERED", "poll", True),
        ("ACCEPTED", "poll", True),
    ]
    assert [c for c in network.relayed if c[0].endswith("status-callback")] == []
