from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from tests.companies.conftest import Member
from tests.factories import auth_headers, create_company, create_user

URL = "/api/v1/company"


async def test_get_own_company(client: httpx.AsyncClient, finance: Member) -> None:
    response = await client.get(URL, headers=finance.headers)
    assert response.status_code == 200
    assert response.json()["id"] == str(finance.company.id)
    assert response.json()["trn"] == finance.company.trn


async def test_admin_updates_profile_and_mfa_policy(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    response = await client.patch(
        URL,
        headers=admin.headers,
        json={
            "phone": "02 123 4567",
            "mfa_required": True,
            "address": {"line1": "Tower 2", "city": "Abu Dhabi", "emirate": "AUH"},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phone"] == "+97121234567"
    assert body["mfa_required"] is True
    assert body["address"]["emirate"] == "AUH"
    tenancy.bind_company(db_session, admin.company.id)
    event = await db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "company.settings_changed")
    )
    assert event is not None
    assert set(event.details["fields"]) >= {"phone", "mfa_required", "emirate", "city"}
    assert event.actor_id == admin.user.id


async def test_legal_identity_cannot_be_changed_by_the_company(
    client: httpx.AsyncClient, admin: Member
) -> None:
    for body in ({"trn": "100000000000003"}, {"legal_name": "Other LLC"}, {"status": "ACTIVE"}):
        response = await client.patch(URL, headers=admin.headers, json=body)
        assert response.status_code == 422, body


async def test_invalid_values_refused(client: httpx.AsyncClient, admin: Member) -> None:
    assert (
        await client.patch(URL, headers=admin.headers, json={"phone": "123"})
    ).status_code == 422
    response = await client.patch(URL, headers=admin.headers, json={"mfa_required": None})
    assert response.status_code == 422


async def test_finance_user_cannot_change_settings(
    client: httpx.AsyncClient, finance: Member
) -> None:
    response = await client.patch(URL, headers=finance.headers, json={"mfa_required": True})
    assert response.status_code == 403


async def test_super_admin_has_no_own_company(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    platform = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    response = await client.get(URL, headers=auth_headers(settings, platform))
    assert response.status_code == 404


async def test_admin_sets_the_peppol_id(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    response = await client.patch(
        URL, headers=admin.headers, json={"peppol_id": " iso6523-actorid-upis::0088:ABC123 "}
    )
    assert response.status_code == 200, response.text
    # Stored as the network compares it: prefix dropped, value lower-cased.
    assert response.json()["peppol_id"] == "0088:abc123"
    assert (await client.get(URL, headers=admin.headers)).json()["peppol_id"] == "0088:abc123"
    tenancy.bind_company(db_session, admin.company.id)
    event = await db_session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "company.settings_changed")
        .order_by(AuditEvent.occurred_at.desc())
    )
    assert event is not None
    assert "peppol_id" in event.details["fields"]


async def test_peppol_id_must_be_well_formed_and_free(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession, settings: Settings
) -> None:
    for bad in ("1234567890", "0235:", "abcd:123", "9999:123", "0235:has space"):
        response = await client.patch(URL, headers=admin.headers, json={"peppol_id": bad})
        assert response.status_code == 422, bad
        assert "peppol_id" in response.text
    other = await create_company(db_session)
    other_admin = await create_user(db_session, company=other, role=Role.COMPANY_ADMIN)
    before = (await client.get(URL, headers=admin.headers)).json()
    response = await client.patch(
        URL,
        headers=admin.headers,
        json={"peppol_id": other.peppol_id, "phone": "04 765 4321"},
    )
    assert response.status_code == 409
    assert "Peppol id" in response.json()["error"]["message"]
    # Nothing half-written: the phone sent along with the taken id is not saved either.
    assert (await client.get(URL, headers=admin.headers)).json() == before
    # Re-sending the company's own id is no conflict.
    own = await client.patch(
        URL,
        headers=auth_headers(settings, other_admin),
        json={"peppol_id": other.peppol_id},
    )
    assert own.status_code == 200, own.text
