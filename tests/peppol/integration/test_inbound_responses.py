"""Invoice Responses delivered to ``POST /api/v1/peppol/inbound``: only the invoice's buyer may
answer it, a replay changes nothing, and hostile or incomplete documents are refused with 4xx."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI

from involinks.peppol.inbound_signature import sign_inbound
from involinks.peppol.invoice_response import ResponseCode, build_response
from involinks.peppol.participants import parse_participant_id

from .conftest import World, body

INBOUND = "/api/v1/peppol/inbound"
INVOICES = "/api/v1/invoices"


def _response(
    world: World, number: str, code: ResponseCode, *, sender: str | None = None, **extra: Any
) -> bytes:
    return build_response(
        response_id=str(uuid.uuid4()),
        issue_date=date(2026, 4, 1),
        code=code,
        invoice_number=number,
        document_type_code="380",
        sender=parse_participant_id(sender or str(world.b.company.peppol_id)),
        sender_name=None,
        receiver=parse_participant_id(str(world.a.company.peppol_id)),
        receiver_name=None,
        **extra,
    )


async def _deliver(
    client: httpx.AsyncClient,
    app: FastAPI,
    world: World,
    xml: bytes,
    *,
    sender: str | None = None,
    message_id: str | None = None,
) -> httpx.Response:
    headers = sign_inbound(
        xml,
        secret=app.state.settings.peppol_inbound_secret.get_secret_value(),
        sender_id=sender or str(world.b.company.peppol_id),
        receiver_id=str(world.a.company.peppol_id),
        message_id=message_id or str(uuid.uuid4()),
    )
    return await client.post(
        INBOUND, content=xml, headers={**headers, "Content-Type": "application/xml"}
    )


async def _answers(client: httpx.AsyncClient, world: World, invoice_id: str) -> list[str]:
    timeline = body(
        await client.get(f"{INVOICES}/{invoice_id}/timeline", headers=world.a.headers), 200
    )
    return [e["status"] for e in timeline if e["kind"] == "buyer_response"]


async def test_acceptance_is_recorded_once(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    invoice = await world.approved_invoice(client)
    xml = _response(world, invoice["number"], ResponseCode.ACCEPTED)
    message_id = str(uuid.uuid4())
    first = body(await _deliver(client, app, world, xml, message_id=message_id), 202)
    assert first["inward_invoice_id"] is None
    assert first["buyer_response_id"]
    again = body(await _deliver(client, app, world, xml, message_id=message_id), 200)
    assert (again["duplicate"], again["buyer_response_id"]) == (True, first["buyer_response_id"])
    assert await _answers(client, world, invoice["id"]) == ["ACCEPTED"]
    # Not sent over Peppol yet, so no status to move: APPROVED -> ACCEPTED is no transition.
    detail = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert detail["status"] == "APPROVED"


async def test_paid_response_settles_the_invoice(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    invoice = await world.approved_invoice(client)
    body(
        await client.post(
            f"{INVOICES}/{invoice['id']}/payments",
            json={"amount": "10.00", "paid_on": "2026-03-20"},
            headers=world.a.headers,
        ),
        201,
    )
    xml = _response(world, invoice["number"], ResponseCode.PAID)
    body(await _deliver(client, app, world, xml), 202)
    payments = body(
        await client.get(f"{INVOICES}/{invoice['id']}/payments", headers=world.a.headers), 200
    )
    assert (payments["status"], payments["outstanding_amount"]) == ("PAID", "0.00")
    # The buyer's "paid" covers what was still owed after the part payment.
    peppol = [p for p in payments["payments"] if p["source"] == "PEPPOL"]
    assert [p["amount"] for p in peppol] == [str(Decimal(invoice["payable_amount"]) - 10)]
    assert peppol[0]["paid_on"] == "2026-04-01"


async def test_refusals(app: FastAPI, client: httpx.AsyncClient, world: World) -> None:
    invoice = await world.approved_invoice(client)
    number = invoice["number"]
    stranger = "0235:1999999999"

    # Only the buyer the invoice was issued to may answer it.
    xml = _response(world, number, ResponseCode.REJECTED, sender=stranger, reason="no")
    refused = await _deliver(client, app, world, xml, sender=stranger)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "response_sender_mismatch"
    # The SenderParty must be who the access point says sent it.
    xml = _response(world, number, ResponseCode.ACCEPTED, sender=stranger)
    refused = await _deliver(client, app, world, xml)
    assert refused.json()["error"]["code"] == "routing_mismatch"
    # An invoice A never issued.
    refused = await _deliver(client, app, world, _response(world, "NOPE-1", ResponseCode.PAID))
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "unknown_invoice")
    # A rejection without any reason is not a usable Invoice Response.
    xml = (
        _response(world, number, ResponseCode.REJECTED, reason="x")
        .replace(b'<cbc:StatusReasonCode listID="OPStatusReason">OTH</cbc:StatusReasonCode>', b"")
        .replace(b"<cbc:StatusReason>x</cbc:StatusReason>", b"")
    )
    refused = await _deliver(client, app, world, xml)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_document")
    # An external entity is never resolved: the document is refused as it stands.
    xml = _response(world, number, ResponseCode.REJECTED, reason="XXE-HERE")
    text = xml.decode().replace("XXE-HERE", "&xxe;")
    head, rest = text.split("?>", 1)
    hostile = (
        head
        + '?>\n<!DOCTYPE ApplicationResponse [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + rest
    ).encode()
    refused = await _deliver(client, app, world, hostile)
    assert 400 <= refused.status_code < 500, refused.text

    assert await _answers(client, world, invoice["id"]) == []
    detail = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert detail["status"] == "APPROVED"
