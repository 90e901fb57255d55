"""The invoice timeline, and pressing send again on an invoice already on its way or delivered.

Over the sandbox access point on real TCP (manual clock; see conftest)."""

from __future__ import annotations

from datetime import datetime

import httpx

from .conftest import JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"


async def test_timeline_merges_invoice_and_transmission_events_oldest_first(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    invoice = await world.approved_invoice(client)
    url = f"{INVOICES}/{invoice['id']}"
    body(await client.post(f"{url}/send", headers=world.a.headers), 202)
    await jobs.run()
    await network.advance(3)  # RECEIVED -> SENT -> DELIVERED, reported by callbacks

    timeline = body(await client.get(f"{url}/timeline", headers=world.a.headers), 200)
    steps = [(e["kind"], e["status"], e["source"]) for e in timeline]
    # Every invoice step and every transmission event is there, each exactly once.
    invoice_steps = [s for k, s, _ in steps if k == "invoice"]
    assert invoice_steps == ["DRAFT", "FINALIZED", "APPROVED", "SENT", "DELIVERED"]
    [transmission] = body(await client.get(f"{url}/transmissions", headers=world.a.headers), 200)
    assert [(s, src) for k, s, src in steps if k == "transmission"] == [
        (e["status"], e["source"]) for e in transmission["events"]
    ]
    assert {e["transmission_id"] for e in timeline if e["kind"] == "transmission"} == {
        transmission["id"]
    }
    # Oldest first, and the merge interleaves: the send request comes after the approval and
    # before the delivery.
    times = [datetime.fromisoformat(e["at"]) for e in timeline]
    assert times == sorted(times)
    assert steps.index(("transmission", "QUEUED", "request")) > steps.index(
        ("invoice", "APPROVED", None)
    )
    assert steps.index(("transmission", "QUEUED", "request")) < steps.index(
        ("invoice", "DELIVERED", None)
    )

    # Another company does not see it; an unknown id is not found either.
    assert (await client.get(f"{url}/timeline", headers=world.b.headers)).status_code == 404


async def test_sending_again_never_delivers_a_second_copy(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    invoice = await world.approved_invoice(client)
    url = f"{INVOICES}/{invoice['id']}/send"
    first = body(await client.post(url, headers=world.a.headers), 202)

    # Twice more before the job ran (a double click): the same transmission, or refused.
    for _ in range(2):
        again = await client.post(url, headers=world.a.headers)
        assert again.status_code in (202, 409), again.text
        if again.status_code == 202:
            assert again.json()["id"] == first["id"]
    await jobs.run()
    await network.advance(3)
    detail = body(await client.get(f"{INVOICES}/{invoice['id']}", headers=world.a.headers), 200)
    assert detail["status"] == "DELIVERED"

    # Pressing send on the delivered invoice.
    late = await client.post(url, headers=world.a.headers)
    assert late.status_code in (202, 409), late.text
    if late.status_code == 202:
        assert late.json()["id"] == first["id"]
    await jobs.run()
    await jobs.retry()
    await network.advance(10)

    transmissions = body(
        await client.get(f"{INVOICES}/{invoice['id']}/transmissions", headers=world.a.headers), 200
    )
    assert [t["id"] for t in transmissions] == [first["id"]]
    assert len(await network.messages()) == 1
    stats = await network.stats()
    assert stats["inbound_ok"] == 1
    assert stats["messages_received"] == 1
    inbox = body(await client.get("/api/v1/inward-invoices", headers=world.b.headers), 200)
    assert len(inbox["items"]) == 1
