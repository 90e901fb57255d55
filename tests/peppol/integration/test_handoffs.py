"""The signed hand-offs from the access point: status callbacks and inbound documents."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from lxml import etree

from involinks.config import Settings
from involinks.peppol.inbound_signature import sign_inbound, sign_status_callback
from tests.peppol.documents import NS, invoice

from .conftest import JobRunner, Network, World, body

CALLBACK = "/api/v1/peppol/status-callback"
INBOUND = "/api/v1/peppol/inbound"
SENDER = "0235:1987654321"  # the official example's seller endpoint


def _secret(settings: Settings) -> str:
    return settings.peppol_inbound_secret.get_secret_value()


async def _callback(
    client: httpx.AsyncClient, settings: Settings, event: dict[str, Any], *, secret: str = ""
) -> httpx.Response:
    raw = json.dumps(event).encode()
    headers = sign_status_callback(raw, secret=secret or _secret(settings))
    return await client.post(
        CALLBACK, content=raw, headers={**headers, "Content-Type": "application/json"}
    )


async def _sent_invoice(
    client: httpx.AsyncClient, world: World, jobs: JobRunner
) -> tuple[dict[str, Any], dict[str, Any]]:
    invoice = await world.approved_invoice(client)
    body(await client.post(f"/api/v1/invoices/{invoice['id']}/send", headers=world.a.headers), 202)
    await jobs.run()
    [transmission] = body(
        await client.get(
            f"/api/v1/invoices/{invoice['id']}/transmissions", headers=world.a.headers
        ),
        200,
    )
    return invoice, transmission


async def _history(
    client: httpx.AsyncClient, world: World, invoice_id: str
) -> tuple[str, list[dict[str, Any]]]:
    detail = body(await client.get(f"/api/v1/invoices/{invoice_id}", headers=world.a.headers), 200)
    [transmission] = body(
        await client.get(f"/api/v1/invoices/{invoice_id}/transmissions", headers=world.a.headers),
        200,
    )
    return detail["status"], transmission["events"]


# --- status callbacks ------------------------------------------------------------------------


@pytest.mark.parametrize("sandbox_options", [{"faults": {"duplicate_callback_rate": 1.0}}])
async def test_every_callback_twice_counts_once(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    invoice, _ = await _sent_invoice(client, world, jobs)
    await network.advance(6)

    callbacks = [status for path, status in network.relayed if path == CALLBACK]
    # RECEIVED, SENT, DELIVERED, ACCEPTED, each posted twice, each copy answered 200.
    assert callbacks == [200] * 8
    status, events = await _history(client, world, invoice["id"])
    assert status == "ACCEPTED"
    reported = [e["provider_status"] for e in events if e["source"] == "callback"]
    assert reported == ["RECEIVED", "SENT", "DELIVERED", "ACCEPTED"]


async def test_a_repeated_or_stale_callback_changes_nothing(
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    settings: Settings,
) -> None:
    invoice, transmission = await _sent_invoice(client, world, jobs)
    event = {
        "event_id": str(uuid.uuid4()),
        "message_id": transmission["provider_message_id"],
        "api": "tradeshift",
        "status": "ACCEPTED",
        "occurred_at": "2026-03-11T08:00:00Z",
        "sender_id": transmission["sender_id"],
        "receiver_id": transmission["receiver_id"],
        "document_number": invoice["number"],
    }
    first = body(await _callback(client, settings, event), 200)
    assert (first["status"], first["duplicate"], first["applied"]) == ("ACCEPTED", False, True)
    after_first = await _history(client, world, invoice["id"])
    assert after_first[0] == "ACCEPTED"

    again = body(await _callback(client, settings, event), 200)
    assert (again["duplicate"], again["applied"]) == (True, False)
    assert await _history(client, world, invoice["id"]) == after_first

    # A late DELIVERED report (new event id) is kept for the record but moves nothing back.
    late = body(
        await _callback(
            client, settings, {**event, "event_id": str(uuid.uuid4()), "status": "DELIVERED"}
        ),
        200,
    )
    assert (late["status"], late["duplicate"], late["applied"]) == ("ACCEPTED", False, False)
    status, events = await _history(client, world, invoice["id"])
    assert status == "ACCEPTED"
    assert [(e["status"], e["applied"]) for e in events][-2:] == [
        ("ACCEPTED", True),
        ("DELIVERED", False),
    ]


async def test_callbacks_must_be_signed_and_known(
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    settings: Settings,
) -> None:
    invoice, transmission = await _sent_invoice(client, world, jobs)
    event = {
        "event_id": "e-1",
        "message_id": transmission["provider_message_id"],
        "status": "REJECTED",
        "reason": "forged",
    }
    forged = await _callback(client, settings, event, secret="someone-elses-secret")
    assert forged.status_code == 401
    unsigned = await client.post(CALLBACK, json=event)
    assert unsigned.status_code == 401
    unknown = await _callback(client, settings, {**event, "message_id": str(uuid.uuid4())})
    assert unknown.status_code == 404
    strange = await _callback(client, settings, {**event, "status": "TELEPORTED"})
    assert strange.status_code == 422
    status, events = await _history(client, world, invoice["id"])
    assert status == "SENT"
    assert [e["source"] for e in events] == ["request", "send"]


# --- inbound documents -----------------------------------------------------------------------


async def _deliver(
    client: httpx.AsyncClient,
    settings: Settings,
    xml: bytes,
    *,
    receiver: str,
    message_id: str | None = None,
    secret: str = "",
    tamper: bool = False,
) -> httpx.Response:
    headers = sign_inbound(
        xml,
        secret=secret or _secret(settings),
        sender_id=SENDER,
        receiver_id=receiver,
        message_id=message_id or str(uuid.uuid4()),
    )
    content = xml + b" " if tamper else xml
    return await client.post(
        INBOUND, content=content, headers={**headers, "Content-Type": "application/xml"}
    )


async def _inbox(client: httpx.AsyncClient, party_headers: dict[str, str]) -> list[str]:
    page = body(await client.get("/api/v1/inward-invoices", headers=party_headers), 200)
    return [item["invoice_number"] for item in page["items"]]


async def test_inbound_document_lands_once_in_the_receivers_inbox(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = invoice("IN-0001", receiver_tin=world.b.company.tin)
    message_id = str(uuid.uuid4())

    first = await _deliver(client, settings, xml, receiver=receiver, message_id=message_id)
    stored = body(first, 202)
    assert (stored["message_id"], stored["duplicate"]) == (message_id, False)
    # The access point retries after a lost answer: same message, same invoice, nothing new.
    again = body(
        await _deliver(client, settings, xml, receiver=receiver, message_id=message_id), 200
    )
    assert (again["inward_invoice_id"], again["duplicate"]) == (stored["inward_invoice_id"], True)
    assert await _inbox(client, world.b.headers) == ["IN-0001"]
    assert await _inbox(client, world.a.headers) == []

    # The same invoice under another message id is a duplicate the access point must reject.
    other = await _deliver(client, settings, xml, receiver=receiver)
    assert other.status_code == 409
    assert other.json()["error"]["details"]["existing_id"] == stored["inward_invoice_id"]


async def test_inbound_signature_and_receiver_are_checked(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = invoice("IN-0002", receiver_tin=world.b.company.tin)
    wrong_secret = await _deliver(client, settings, xml, receiver=receiver, secret="not-ours")
    assert wrong_secret.status_code == 401
    tampered = await _deliver(client, settings, xml, receiver=receiver, tamper=True)
    assert tampered.status_code == 401
    unsigned = await client.post(INBOUND, content=xml, headers={"Content-Type": "application/xml"})
    assert unsigned.status_code == 401

    nobody = "0235:1999999999"
    unknown = await _deliver(
        client, settings, invoice("IN-0003", receiver_tin="1999999999"), receiver=nobody
    )
    assert unknown.status_code == 404
    assert await _inbox(client, world.b.headers) == []


async def test_documents_we_cannot_take_are_refused(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    # Signed for B, but the document itself is addressed to A.
    misrouted = await _deliver(
        client, settings, invoice("IN-0004", receiver_tin=world.a.company.tin), receiver=receiver
    )
    assert misrouted.status_code == 422
    assert misrouted.json()["error"]["code"] == "routing_mismatch"

    # Routable but not PINT AE valid: the issue date (IBT-002) is mandatory.
    root = etree.fromstring(invoice("IN-0005", receiver_tin=world.b.company.tin))
    issue_date = root.find("cbc:IssueDate", NS)
    assert issue_date is not None
    root.remove(issue_date)
    invalid = await _deliver(client, settings, etree.tostring(root), receiver=receiver)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["details"], "the failed rules are listed"

    not_xml = await _deliver(client, settings, b"%PDF-1.7", receiver=receiver)
    assert not_xml.status_code == 422
    assert await _inbox(client, world.b.headers) == []
