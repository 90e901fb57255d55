from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from tests.companies.conftest import Member
from tests.factories import auth_headers, create_user

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
