"""Peppol send outcomes reach /metrics (``involinks_peppol_sends_total{outcome}``)."""

from __future__ import annotations

import re

import httpx

from .conftest import JobRunner, Network, World, body


async def _sends(client: httpx.AsyncClient) -> dict[str, float]:
    text = (await client.get("/metrics")).text
    return {
        outcome: float(value)
        for outcome, value in re.findall(
            r'^involinks_peppol_sends_total\{outcome="(\w+)"\} (\S+)$', text, re.M
        )
    }


async def _send(client: httpx.AsyncClient, world: World) -> None:
    invoice = await world.approved_invoice(client)
    body(await client.post(f"/api/v1/invoices/{invoice['id']}/send", headers=world.a.headers), 202)


async def test_send_outcomes_are_counted(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    before = await _sends(client)

    await network.faults(script=["rate_limit"], retry_after_seconds=7)
    await _send(client, world)
    await jobs.run()  # 429: another attempt is scheduled
    await jobs.retry()  # ... and it goes through

    await network.faults(script=["none", "error"], error_status=400)
    await _send(client, world)
    await jobs.run()  # the document is refused

    after = await _sends(client)
    gained = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in ("retry", "sent", "rejected")}
    assert gained == {"retry": 1.0, "sent": 1.0, "rejected": 1.0}
