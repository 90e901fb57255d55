"""Send requests, provider settings per company and participant lookup, through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.crypto import secret_box
from involinks.core.types import utcnow
from involinks.invoicing.models import Invoice
from involinks.peppol.models import PeppolProviderAccount, PeppolTransmission
from tests.customers.factories import invoice_payload
from tests.factories import auth_headers, create_user

from .conftest import SANDBOX_KEY, JobRunner, Network, World, body

INVOICES = "/api/v1/invoices"
SETTINGS = "/api/v1/peppol/settings"


async def _send(client: httpx.AsyncClient, world: World, invoice_id: str) -> httpx.Response:
    return await client.post(f"{INVOICES}/{invoice_id}/send", headers=world.a.headers)


async def _transmissions(
    client: httpx.AsyncClient, world: World, invoice_id: str
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = body(
        await client.get(f"{INVOICES}/{invoice_id}/transmissions", headers=world.a.headers), 200
    )
    return result


# --- sending ---------------------------------------------------------------------------------


async def test_only_an_approved_invoice_is_sent(
    client: httpx.AsyncClient, world: World, jobs: JobRunner
) -> None:
    draft = body(
        await client.post(
            INVOICES, json=invoice_payload(world.b_as_customer), headers=world.a.headers
        ),
        201,
    )
    refused = await _send(client, world, draft["id"])
    assert refused.status_code == 409
    assert "DRAFT" in refused.json()["detail"]
    assert refused.json()["error"]["details"] == {"status": "DRAFT"}

    body(await client.post(f"{INVOICES}/{draft['id']}/finalize", headers=world.a.headers), 200)
    finalized = await _send(client, world, draft["id"])
    assert finalized.status_code == 409
    assert "FINALIZED" in finalized.json()["detail"]
    assert await _transmissions(client, world, draft["id"]) == []
    assert jobs.queued == []


async def test_asking_twice_answers_the_same_transmission(
    client: httpx.AsyncClient, world: World, jobs: JobRunner
) -> None:
    invoice = await world.approved_invoice(client)
    first = body(await _send(client, world, invoice["id"]), 202)
    second = body(await _send(client, world, invoice["id"]), 202)
    assert second["id"] == first["id"]
    assert jobs.queued == [("peppol.send", {"transmission_id": first["id"]})]
    assert len(await _transmissions(client, world, invoice["id"])) == 1


async def test_the_buyer_needs_a_peppol_id(
    client: httpx.AsyncClient, world: World, jobs: JobRunner, db_session: AsyncSession
) -> None:
    invoice = await world.approved_invoice(client)
    # An invoice issued before its buyer had a Peppol id (snapshots are kept as issued).
    tenancy.bind_company(db_session, world.a.company.id)
    stored = await db_session.get(Invoice, uuid.UUID(invoice["id"]))
    assert stored is not None
    assert stored.buyer_snapshot is not None
    await db_session.execute(
        sa.update(Invoice)
        .where(Invoice.id == stored.id)
        .values(buyer_snapshot={**stored.buyer_snapshot, "peppol_id": None})
    )
    await db_session.flush()

    refused = await _send(client, world, invoice["id"])
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "buyer_not_on_peppol"
    assert jobs.queued == []


async def test_who_may_send(
    client: httpx.AsyncClient,
    world: World,
    jobs: JobRunner,
    db_session: AsyncSession,
    settings: Settings,
) -> None:
    invoice = await world.approved_invoice(client)
    finance = await create_user(db_session, company=world.a.company, role=Role.FINANCE_USER)
    as_finance = await client.post(
        f"{INVOICES}/{invoice['id']}/send", headers=auth_headers(settings, finance)
    )
    assert as_finance.status_code == 403
    as_other_company = await client.post(
        f"{INVOICES}/{invoice['id']}/send", headers=world.b.headers
    )
    assert as_other_company.status_code == 404
    assert (
        await client.get(f"{INVOICES}/{invoice['id']}/transmissions", headers=world.b.headers)
    ).status_code == 404
    assert jobs.queued == []


async def test_a_rejected_invoice_cannot_be_sent_again(
    client: httpx.AsyncClient, world: World, network: Network, jobs: JobRunner
) -> None:
    # The buyer's access point answers with a business rejection (sandbox directory setting).
    body(
        await network.admin.put(
            f"/sandbox/admin/participants/{world.b.company.peppol_id}",
            json={"name": "Buyer", "hosted": True, "response": "reject"},
        ),
        200,
    )
    invoice = await world.approved_invoice(client)
    body(await _send(client, world, invoice["id"]), 202)
    await jobs.run()
    await network.advance(6)
    [rejected] = await _transmissions(client, world, invoice["id"])
    assert rejected["status"] == "REJECTED"
    assert rejected["last_error"] == "rejected by the receiver"
    again = await _send(client, world, invoice["id"])
    assert again.status_code == 409
    assert "REJECTED" in again.json()["detail"]


# --- provider settings -----------------------------------------------------------------------


async def _audit(session: AsyncSession, world: World, action: str) -> list[dict[str, Any]]:
    with tenancy.system_scope(session):
        rows = (
            (
                await session.execute(
                    sa.select(AuditEvent)
                    .where(AuditEvent.company_id == world.a.company.id, AuditEvent.action == action)
                    .order_by(AuditEvent.seq)
                )
            )
            .scalars()
            .all()
        )
    return [row.details for row in rows]


async def test_provider_settings_are_per_company_and_keys_are_sealed(
    client: httpx.AsyncClient, world: World, db_session: AsyncSession, settings: Settings
) -> None:
    default = body(await client.get(SETTINGS, headers=world.a.headers), 200)
    assert (default["source"], default["provider"]) == ("platform", settings.peppol_provider)
    assert {"sandbox", "tradeshift", "basware"} <= set(default["available_providers"])

    chosen = body(
        await client.put(
            SETTINGS,
            json={
                "provider": "tradeshift",
                "base_url": "https://api-sandbox.tradeshift.com/tradeshift",
                "api_key": "ts-secret-token",
                "options": {"tenant_id": "tenant-a"},
            },
            headers=world.a.headers,
        ),
        200,
    )
    assert (chosen["source"], chosen["provider"], chosen["has_api_key"]) == (
        "company",
        "tradeshift",
        True,
    )
    assert "ts-secret-token" not in str(chosen)
    # B still uses the platform's provider.
    assert body(await client.get(SETTINGS, headers=world.b.headers), 200)["source"] == "platform"

    tenancy.bind_company(db_session, world.a.company.id)
    [account] = (await db_session.execute(sa.select(PeppolProviderAccount))).scalars().all()
    assert account.api_key_encrypted is not None
    assert "ts-secret-token" not in account.api_key_encrypted
    opened = secret_box(settings).decrypt(
        account.api_key_encrypted, context=f"peppol_provider:{account.id}:api_key"
    )
    assert opened == "ts-secret-token"

    [move] = await _audit(db_session, world, "peppol.provider_changed")
    assert move["from"] == {"source": "platform", "provider": settings.peppol_provider}
    assert move["to"]["provider"] == "tradeshift"
    assert "ts-secret-token" not in str(move)


async def test_settings_an_adapter_cannot_use_are_refused(
    client: httpx.AsyncClient, world: World, db_session: AsyncSession, settings: Settings
) -> None:
    unknown = await client.put(SETTINGS, json={"provider": "pigeon"}, headers=world.a.headers)
    assert unknown.status_code == 422
    # Basware needs its user name (option "username"), Tradeshift its tenant id.
    for provider in ("basware", "tradeshift"):
        incomplete = await client.put(
            SETTINGS, json={"provider": provider, "api_key": "k"}, headers=world.a.headers
        )
        assert incomplete.status_code == 422, provider
    finance = await create_user(db_session, company=world.a.company, role=Role.FINANCE_USER)
    as_finance = await client.put(
        SETTINGS, json={"provider": "sandbox"}, headers=auth_headers(settings, finance)
    )
    assert as_finance.status_code == 403
    assert body(await client.get(SETTINGS, headers=world.a.headers), 200)["source"] == "platform"


# No status callbacks: only the poll, through the old account, can tell us about delivery.
@pytest.mark.parametrize("sandbox_options", [{"status_callback_url": None}])
async def test_moving_provider_keeps_following_what_was_sent(
    client: httpx.AsyncClient,
    world: World,
    network: Network,
    jobs: JobRunner,
    db_session: AsyncSession,
) -> None:
    body(
        await client.put(
            SETTINGS,
            json={"provider": "sandbox", "base_url": network.url, "api_key": SANDBOX_KEY},
            headers=world.a.headers,
        ),
        200,
    )
    invoice = await world.approved_invoice(client)
    body(await _send(client, world, invoice["id"]), 202)
    await jobs.run()
    [sent] = await _transmissions(client, world, invoice["id"])
    assert sent["status"] == "SENT"

    # The company moves to Basware (an address where nothing answers, to be sure it is not used).
    body(
        await client.put(
            SETTINGS,
            json={
                "provider": "basware",
                "base_url": "http://127.0.0.1:9",
                "api_key": "bw",
                "options": {"username": "company-a"},
            },
            headers=world.a.headers,
        ),
        200,
    )
    await network.advance(3)
    await jobs.retry()  # the poll still asks the sandbox account the invoice went through
    [followed] = await _transmissions(client, world, invoice["id"])
    assert (followed["provider"], followed["status"]) == ("sandbox", "DELIVERED")
    assert [e["source"] for e in followed["events"] if e["status"] == "DELIVERED"] == ["poll"]

    tenancy.bind_company(db_session, world.a.company.id)
    accounts = (
        (
            await db_session.execute(
                sa.select(PeppolProviderAccount).order_by(PeppolProviderAccount.activated_at)
            )
        )
        .scalars()
        .all()
    )
    assert [(a.provider, a.active) for a in accounts] == [("sandbox", False), ("basware", True)]
    moves = await _audit(db_session, world, "peppol.provider_changed")
    assert [(m["from"]["provider"], m["to"]["provider"]) for m in moves][-1] == (
        "sandbox",
        "basware",
    )


# --- participants ----------------------------------------------------------------------------


async def test_participant_lookup_asks_the_provider(
    client: httpx.AsyncClient, world: World, network: Network
) -> None:
    url = "/api/v1/peppol/participants"
    buyer = body(
        await client.get(f"{url}/{world.b.company.peppol_id}", headers=world.a.headers), 200
    )
    assert buyer == {
        "participant_id": world.b.company.peppol_id,
        "registered": True,
        "name": world.b.company.legal_name,
        "provider": "sandbox",
    }
    stranger = body(await client.get(f"{url}/0235:1999999999", headers=world.a.headers), 200)
    assert stranger["registered"] is False
    malformed = await client.get(f"{url}/not-a-participant", headers=world.a.headers)
    assert malformed.status_code == 422

    await network.faults(script=["error"], error_status=503)
    busy = await client.get(f"{url}/{world.b.company.peppol_id}", headers=world.a.headers)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"]


async def test_a_stalled_send_is_kicked_by_asking_again(
    client: httpx.AsyncClient, world: World, jobs: JobRunner, db_session: AsyncSession
) -> None:
    """A QUEUED transmission whose job was lost (e.g. the in-process queue restarted)."""
    invoice = await world.approved_invoice(client)
    first = body(await _send(client, world, invoice["id"]), 202)
    jobs.queued.clear()  # the job is lost
    tenancy.bind_company(db_session, world.a.company.id)
    await db_session.execute(
        sa.update(PeppolTransmission)
        .where(PeppolTransmission.id == uuid.UUID(first["id"]))
        .values(updated_at=utcnow() - timedelta(minutes=10))
    )
    await db_session.flush()

    again = body(await _send(client, world, invoice["id"]), 202)
    assert again["id"] == first["id"]
    assert jobs.queued == [("peppol.send", {"transmission_id": first["id"]})]
