"""Jobs left without a queue entry are picked up again; the sandbox learns our hosted companies."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.companies.models import CompanyStatus
from involinks.jobs.registry import get_task
from involinks.peppol import service as peppol_service
from tests.factories import create_company

from .conftest import JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"


async def _latest(client: httpx.AsyncClient, world: World, invoice_id: str) -> dict[str, Any]:
    transmissions = body(
        await client.get(f"{INVOICES}/{invoice_id}/transmissions", headers=world.a.headers), 200
    )
    latest: dict[str, Any] = transmissions[0]
    return latest


async def test_resume_requeues_what_lost_its_job(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    sent = await world.approved_invoice(client)
    body(await client.post(f"{INVOICES}/{sent['id']}/send", headers=world.a.headers), 202)
    await jobs.run()
    waiting = await world.approved_invoice(client)
    body(await client.post(f"{INVOICES}/{waiting['id']}/send", headers=world.a.headers), 202)
    # A restart loses every queued and parked job.
    jobs.queued.clear()
    jobs.retries.clear()

    await get_task("peppol.resume").func()
    assert sorted(name for name, _ in jobs.queued) == ["peppol.poll_status", "peppol.send"]
    await jobs.run()
    assert (await _latest(client, world, waiting["id"]))["status"] == "SENT"
    await network.advance(3)
    await jobs.retry()
    assert (await _latest(client, world, sent["id"]))["status"] == "DELIVERED"


async def test_the_sandbox_directory_lists_active_hosted_companies(
    db_session: AsyncSession, world: World
) -> None:
    suspended = await create_company(db_session, status=CompanyStatus.SUSPENDED)
    listed = {p.participant_id: p for p in await peppol_service.hosted_participants(db_session)}
    for party in (world.a, world.b):
        entry = listed[str(party.company.peppol_id)]
        assert (entry.hosted, entry.name) == (True, party.company.legal_name)
    assert str(suspended.peppol_id) not in listed
