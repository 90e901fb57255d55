"""Hostile deliveries to ``POST /api/v1/peppol/inbound``: each is refused with a 4xx and leaves
nothing in the receiver's inbox (and a replay never makes a second inward invoice)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from involinks.config import Settings
from involinks.peppol.inbound_signature import DEFAULT_TOLERANCE_SECONDS, sign_inbound
from tests.peppol.documents import invoice

from .conftest import World, body

INBOUND = "/api/v1/peppol/inbound"
SENDER = "0235:1987654321"  # the official example's seller endpoint


def _signed(
    settings: Settings,
    xml: bytes,
    *,
    receiver: str,
    message_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    headers = sign_inbound(
        xml,
        secret=settings.peppol_inbound_secret.get_secret_value(),
        sender_id=SENDER,
        receiver_id=receiver,
        message_id=message_id or str(uuid.uuid4()),
        timestamp=timestamp,
    )
    return {**headers, "Content-Type": "application/xml"}


async def _inbox(client: httpx.AsyncClient, world: World) -> list[str]:
    page = body(await client.get("/api/v1/inward-invoices", headers=world.b.headers), 200)
    return [item["invoice_number"] for item in page["items"]]


def _with_doctype(xml: bytes, doctype: str, number_text: str) -> bytes:
    """The official example with a DTD in front and its invoice number replaced by an entity."""
    text = xml.decode()
    start = text.index("?>") + 2 if text.startswith("<?xml") else 0
    head, rest = text[:start], text[start:]
    rest = rest.replace("<cbc:ID>GAP-ENTITY</cbc:ID>", f"<cbc:ID>{number_text}</cbc:ID>", 1)
    assert number_text in rest, "the entity reference is in the document"
    return (head + "\n" + doctype + "\n" + rest).encode()


@pytest.mark.parametrize(
    ("doctype", "reference"),
    [
        # XXE: an external entity reading a local file.
        pytest.param(
            '<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;", id="xxe"
        ),
        # XXE over the network (would reach an internal service).
        pytest.param(
            '<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>',
            "&xxe;",
            id="xxe-http",
        ),
        # Billion laughs: nested internal entities, 10^9 "lol"s when expanded.
        pytest.param(
            '<!DOCTYPE Invoice [<!ENTITY lol "lol">'
            + "".join(
                f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                for i in range(1, 10)
            )
            + "]>",
            "&lol9;",
            id="billion-laughs",
        ),
    ],
)
async def test_entity_attacks_are_refused(
    client: httpx.AsyncClient, world: World, settings: Settings, doctype: str, reference: str
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = _with_doctype(invoice("GAP-ENTITY", receiver_tin=world.b.company.tin), doctype, reference)
    started = time.monotonic()
    answer = await client.post(
        INBOUND, content=xml, headers=_signed(settings, xml, receiver=receiver)
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert "root:" not in answer.text  # no file content echoed back
    assert time.monotonic() - started < 5, "entities were not expanded"
    assert await _inbox(client, world) == []


async def test_wrong_signature_header_is_refused(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = invoice("GAP-SIG-1", receiver_tin=world.b.company.tin)
    headers = _signed(settings, xml, receiver=receiver)
    signature = headers["X-Peppol-Signature"]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for bad in (flipped, "v2=" + signature[3:], "v1=", signature[3:], "v1=zz"):
        answer = await client.post(
            INBOUND, content=xml, headers={**headers, "X-Peppol-Signature": bad}
        )
        assert answer.status_code == 401, (bad, answer.text)
    # Re-addressed to another company with the original signature: the MAC covers the routing.
    readdressed = await client.post(
        INBOUND,
        content=xml,
        headers={**headers, "X-Peppol-Receiver": str(world.a.company.peppol_id)},
    )
    assert readdressed.status_code == 401
    assert await _inbox(client, world) == []


async def test_replayed_delivery_creates_nothing_new(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = invoice("GAP-REPLAY-1", receiver_tin=world.b.company.tin)
    headers = _signed(settings, xml, receiver=receiver)
    first = body(await client.post(INBOUND, content=xml, headers=headers), 202)

    # The very same request again (same signature, same timestamp): one inward invoice.
    replay = await client.post(INBOUND, content=xml, headers=headers)
    assert replay.status_code in (200, 409), replay.text
    if replay.status_code == 200:
        assert replay.json()["inward_invoice_id"] == first["inward_invoice_id"]
        assert replay.json()["duplicate"] is True
    assert await _inbox(client, world) == ["GAP-REPLAY-1"]


async def test_stale_timestamp_is_refused(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    receiver = str(world.b.company.peppol_id)
    xml = invoice("GAP-STALE-1", receiver_tin=world.b.company.tin)
    now = int(time.time())
    for skew in (DEFAULT_TOLERANCE_SECONDS + 60, -(DEFAULT_TOLERANCE_SECONDS + 60)):
        # Correctly signed, but captured long ago (or dated in the future).
        headers = _signed(settings, xml, receiver=receiver, timestamp=now - skew)
        answer = await client.post(INBOUND, content=xml, headers=headers)
        assert answer.status_code == 401, (skew, answer.text)
    assert await _inbox(client, world) == []
