"""The buyer answers over Peppol: B accepts, rejects or pays an invoice A sent, and A sees it.

Both companies are hosted here; the sandbox access point (real HTTP, manual clock) carries the
invoice from A to B and B's Invoice Response (UBL ApplicationResponse) back to A's inbound
endpoint. The sandbox's own simulated business answer is off (``response="none"``): what A learns
comes from B's decisions only.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from lxml import etree

from involinks.jobs.registry import get_task
from involinks.peppol.invoice_response import parse_response
from involinks.peppol.sandbox import SandboxParticipant

from .conftest import JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"
INWARD = "/api/v1/inward-invoices"


@pytest.fixture
def sandbox_options(world: World) -> dict[str, Any]:
    return {
        "participants": [
            SandboxParticipant(
                participant_id=str(p.company.peppol_id),
                name=p.company.legal_name,
                hosted=True,
                response="none",
            )
            for p in (world.a, world.b)
        ]
    }


async def _b_orders_the_goods(client: httpx.AsyncClient, world: World) -> None:
    """B's purchase order and goods receipt for what A invoices (2 x Consulting at 100)."""
    headers = world.b.headers
    supplier = body(
        await client.post(
            "/api/v1/suppliers",
            json={
                "name": world.a.company.legal_name,
                "trn": world.a.company.trn,
                "email": "billing@supplier.example",
            },
            headers=headers,
        ),
        201,
    )
    order = body(
        await client.post(
            "/api/v1/purchase-orders",
            json={
                "supplier_id": supplier["id"],
                "order_date": "2026-03-01",
                "lines": [{"item_name": "Consulting", "quantity": "2", "unit_price": "100.00"}],
            },
            headers=headers,
        ),
        201,
    )
    body(await client.post(f"/api/v1/purchase-orders/{order['id']}/send", headers=headers), 200)
    body(
        await client.post(
            f"/api/v1/purchase-orders/{order['id']}/goods-receipts",
            json={"lines": [{"line_no": 1, "quantity_received": "2"}]},
            headers=headers,
        ),
        201,
    )


async def _deliver_to_b(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> tuple[dict[str, Any], dict[str, Any]]:
    invoice = await world.approved_invoice(client)
    body(await client.post(f"{INVOICES}/{invoice['id']}/send", headers=world.a.headers), 202)
    await jobs.run()
    await network.advance(3)  # RECEIVED -> SENT -> DELIVERED into B's inbox
    mine = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert mine["status"] == "DELIVERED"
    items = body(await client.get(INWARD, headers=world.b.headers), 200)["items"]
    [received] = [i for i in items if i["invoice_number"] == invoice["number"]]
    return invoice, received


async def _timeline(
    client: httpx.AsyncClient, world: World, invoice_id: str
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = body(
        await client.get(f"{INVOICES}/{invoice_id}/timeline", headers=world.a.headers), 200
    )
    return result


async def _carry_response(network: Network, jobs: JobRunner) -> None:
    """Run B's send job, then let the sandbox deliver the response to A."""
    assert [name for name, _ in jobs.queued] == ["peppol.send_response"]
    await jobs.run()
    assert [r for r in jobs.retries if r.name == "peppol.send_response"] == []
    await network.advance(3)


async def test_buyer_accepts_then_pays(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    await _b_orders_the_goods(client, world)
    invoice, received = await _deliver_to_b(client, world, network, jobs)
    assert (received["status"], received["matching_status"]) == ("READY_TO_PAY", "FULL_MATCH")
    jobs.done.clear()

    # B accepts: an Invoice Response AP goes back to A.
    accepted = body(
        await client.post(f"{INWARD}/{received['id']}/accept", headers=world.b.headers), 200
    )
    assert accepted["status"] == "READY_TO_PAY"
    assert [e["action"] for e in accepted["events"]][-2:] == ["accepted", "response_queued"]
    await _carry_response(network, jobs)

    mine = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert mine["status"] == "ACCEPTED"
    [answer] = [
        e for e in await _timeline(client, world, invoice["id"]) if e["kind"] == "buyer_response"
    ]
    assert answer["status"] == "ACCEPTED"
    assert answer["message_id"], "the network message is kept as evidence"
    # The sandbox carried the ApplicationResponse from B to A, and it names A's invoice.
    messages = await network.messages()
    [response_message] = [m for m in messages if m["document_type"] == "ApplicationResponse"]
    assert response_message["message_id"] == answer["message_id"]
    assert response_message["sender_id"] == world.b.company.peppol_id
    xml = (
        await network.admin.get(f"/sandbox/admin/messages/{response_message['message_id']}/xml")
    ).content
    parsed = parse_response(xml)
    assert (parsed.code.value, parsed.invoice_number) == ("AP", invoice["number"])
    assert str(parsed.receiver) == world.a.company.peppol_id

    # Accepting again sends nothing new (one response per answer).
    body(await client.post(f"{INWARD}/{received['id']}/accept", headers=world.b.headers), 200)
    assert jobs.queued == []

    # B pays: PD goes back, A's invoice is settled and leaves its receivables.
    paid = body(
        await client.post(
            f"{INWARD}/{received['id']}/mark-paid",
            json={"paid_on": "2026-04-01", "reference": "TT-7781"},
            headers=world.b.headers,
        ),
        200,
    )
    assert paid["status"] == "PAID"
    await _carry_response(network, jobs)

    mine = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert mine["status"] == "PAID"
    payments = body(
        await client.get(f"{INVOICES}/{invoice['id']}/payments", headers=world.a.headers), 200
    )
    assert payments["outstanding_amount"] == "0.00"
    [payment] = payments["payments"]
    assert (payment["source"], payment["amount"]) == ("PEPPOL", mine["payable_amount"])
    timeline = await _timeline(client, world, invoice["id"])
    answers = [e["status"] for e in timeline if e["kind"] == "buyer_response"]
    assert answers == ["ACCEPTED", "PAID"]
    assert [e["kind"] for e in timeline].count("payment") == 1
    # B's responses ended DELIVERED at the access point (status callbacks about them).
    assert all(status < 300 for _, status in network.relayed)

    dashboard = body(await client.get("/api/v1/dashboard", headers=world.a.headers), 200)
    assert dashboard["receivables"]["count"] == 0
    dashboard_b = body(await client.get("/api/v1/dashboard", headers=world.b.headers), 200)
    assert dashboard_b["payables"]["count"] == 0


async def test_a_lost_or_replayed_response_job_delivers_once(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    await _b_orders_the_goods(client, world)
    invoice, received = await _deliver_to_b(client, world, network, jobs)
    body(await client.post(f"{INWARD}/{received['id']}/accept", headers=world.b.headers), 200)
    [job] = jobs.queued
    jobs.queued.clear()  # lost with a restart of the in-process queue
    jobs.retries.clear()
    await get_task("peppol.resume").func()
    assert job in jobs.queued, "the periodic resume finds the response still queued"
    jobs.queued.append(job)  # and a second copy of the same job (e.g. a redelivered task)
    await jobs.run()
    await network.advance(3)
    responses = [m for m in await network.messages() if m["document_type"] == "ApplicationResponse"]
    assert len(responses) == 1
    timeline = await _timeline(client, world, invoice["id"])
    assert [e["status"] for e in timeline if e["kind"] == "buyer_response"] == ["ACCEPTED"]


async def test_a_rejection_is_not_a_transport_failure(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    invoice, received = await _deliver_to_b(client, world, network, jobs)
    assert received["status"] in ("RECEIVED", "NEEDS_REVIEW")
    rejected = body(
        await client.post(
            f"{INWARD}/{received['id']}/reject",
            json={"reason": "We never ordered consulting hours"},
            headers=world.b.headers,
        ),
        200,
    )
    assert (rejected["status"], rejected["status_reason"]) == (
        "REJECTED",
        "We never ordered consulting hours",
    )
    await _carry_response(network, jobs)

    mine = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert mine["status"] == "REJECTED"
    # The transmission itself went fine: delivered, not failed.
    [transmission] = body(
        await client.get(f"{INVOICES}/{invoice['id']}/transmissions", headers=world.a.headers),
        200,
    )
    assert transmission["status"] == "DELIVERED"
    [answer] = [
        e for e in await _timeline(client, world, invoice["id"]) if e["kind"] == "buyer_response"
    ]
    assert answer["status"] == "REJECTED"
    assert answer["note"] == "We never ordered consulting hours"
    assert answer["reason_code"] == "OTH"
    # A rejected invoice is no longer receivable, nor payable for B.
    dashboard = body(await client.get("/api/v1/dashboard", headers=world.a.headers), 200)
    assert dashboard["receivables"]["count"] == 0


def test_response_xml_has_no_dtd_and_round_trips() -> None:
    from datetime import date

    from involinks.peppol.invoice_response import ResponseCode, build_response
    from involinks.peppol.participants import parse_participant_id

    xml = build_response(
        response_id="r-1",
        issue_date=date(2026, 4, 1),
        code=ResponseCode.REJECTED,
        invoice_number="INV-1",
        document_type_code="380",
        sender=parse_participant_id("0235:1000000001"),
        sender_name=None,
        receiver=parse_participant_id("0235:1000000002"),
        receiver_name="Supplier",
        reason="wrong price",
    )
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "ApplicationResponse"
    parsed = parse_response(xml)
    assert (parsed.code, parsed.reason, parsed.reason_code, parsed.issue_date) == (
        ResponseCode.REJECTED,
        "wrong price",
        "OTH",
        date(2026, 4, 1),
    )
