from __future__ import annotations

import re
import uuid

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from involinks.mail.models import OutboxMessage
from tests.companies.conftest import Member
from tests.companies.helpers import STRONG_PASSWORD
from tests.factories import auth_headers, create_company, create_user

URL = "/api/v1/users"


async def _invite(client: httpx.AsyncClient, member: Member, **body: str) -> httpx.Response:
    payload = {
        "email": f"new.{uuid.uuid4().hex[:6]}@falcon.ae",
        "full_name": "Omar Said",
        "role": "FINANCE_USER",
        **body,
    }
    return await client.post(URL, headers=member.headers, json=payload)


async def test_invite_mails_a_working_set_password_link(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    response = await _invite(client, admin, email="Omar.Said@Falcon.ae")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "omar.said@falcon.ae"
    assert body["role"] == "FINANCE_USER"
    assert body["invitation_pending"] is True

    mail = await db_session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == "omar.said@falcon.ae")
    )
    assert mail is not None
    match = re.search(r"/set-password#token=(\S+)", mail.text_body)
    assert match, mail.text_body
    token = match.group(1)

    # The invitee sets a password with the link, then signs in.
    done = await client.post(
        "/api/v1/auth/set-password", json={"token": token, "new_password": STRONG_PASSWORD}
    )
    assert done.status_code == 204, done.text
    login = await client.post(
        "/api/v1/auth/login", json={"email": "omar.said@falcon.ae", "password": STRONG_PASSWORD}
    )
    assert login.status_code == 200, login.text

    tenancy.bind_company(db_session, admin.company.id)
    event = await db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.invited")
    )
    assert event is not None
    assert event.subject_id == body["id"]
    assert "omar.said@falcon.ae" not in str(event.details)  # masked


async def test_invite_existing_email_is_409(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    elsewhere = await create_user(db_session, company=await create_company(db_session))
    response = await _invite(client, admin, email=elsewhere.email)
    assert response.status_code == 409


async def test_super_admin_role_cannot_be_given(client: httpx.AsyncClient, admin: Member) -> None:
    assert (await _invite(client, admin, role="SUPER_ADMIN")).status_code == 422


async def test_list_shows_only_own_team(
    client: httpx.AsyncClient, admin: Member, finance: Member, db_session: AsyncSession
) -> None:
    await create_user(db_session, company=await create_company(db_session))
    response = await client.get(URL, headers=admin.headers)
    assert response.status_code == 200
    ids = {u["id"] for u in response.json()["items"]}
    assert ids == {str(admin.user.id), str(finance.user.id)}
    assert response.json()["total"] == 2


async def test_finance_user_gets_403_on_team_management(
    client: httpx.AsyncClient, admin: Member, finance: Member
) -> None:
    assert (await client.get(URL, headers=finance.headers)).status_code == 403
    assert (await _invite(client, finance)).status_code == 403
    response = await client.patch(
        f"{URL}/{admin.user.id}", headers=finance.headers, json={"is_active": False}
    )
    assert response.status_code == 403


async def test_promote_and_deactivate_member(
    client: httpx.AsyncClient,
    admin: Member,
    finance: Member,
    db_session: AsyncSession,
    settings: Settings,
) -> None:
    old_headers = finance.headers
    promoted = await client.patch(
        f"{URL}/{finance.user.id}", headers=admin.headers, json={"role": "COMPANY_ADMIN"}
    )
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "COMPANY_ADMIN"
    # The role change ended the member's sessions.
    assert (await client.get("/api/v1/company", headers=old_headers)).status_code == 401

    deactivated = await client.patch(
        f"{URL}/{finance.user.id}", headers=admin.headers, json={"is_active": False}
    )
    assert deactivated.status_code == 200
    assert deactivated.json()["is_active"] is False
    tenancy.bind_company(db_session, admin.company.id)
    user = await db_session.scalar(sa.select(User).where(User.id == finance.user.id))
    assert user is not None
    await db_session.refresh(user)
    assert (
        await client.get("/api/v1/company", headers=auth_headers(settings, user))
    ).status_code == 401
    actions = (
        await db_session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject_id == str(finance.user.id))
        )
    ).all()
    assert actions.count("user.updated") == 2


async def test_last_admin_cannot_demote_or_deactivate_self(
    client: httpx.AsyncClient, admin: Member, finance: Member
) -> None:
    for change in ({"role": "FINANCE_USER"}, {"is_active": False}):
        response = await client.patch(f"{URL}/{admin.user.id}", headers=admin.headers, json=change)
        assert response.status_code == 409, change
        assert response.json()["error"]["code"] == "last_admin"


async def test_admin_can_step_down_when_another_admin_exists(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    await create_user(db_session, company=admin.company, role=Role.COMPANY_ADMIN)
    response = await client.patch(
        f"{URL}/{admin.user.id}", headers=admin.headers, json={"role": "FINANCE_USER"}
    )
    assert response.status_code == 200


async def test_inactive_admin_does_not_count_as_the_remaining_admin(
    client: httpx.AsyncClient, admin: Member, db_session: AsyncSession
) -> None:
    await create_user(db_session, company=admin.company, role=Role.COMPANY_ADMIN, is_active=False)
    response = await client.patch(
        f"{URL}/{admin.user.id}", headers=admin.headers, json={"is_active": False}
    )
    assert response.status_code == 409


async def test_empty_patch_is_422(
    client: httpx.AsyncClient, admin: Member, finance: Member
) -> None:
    response = await client.patch(f"{URL}/{finance.user.id}", headers=admin.headers, json={})
    assert response.status_code == 422


async def test_resend_invitation_only_while_pending(
    client: httpx.AsyncClient, admin: Member, finance: Member, db_session: AsyncSession
) -> None:
    invited = (await _invite(client, admin)).json()
    again = await client.post(f"{URL}/{invited['id']}/resend-invitation", headers=admin.headers)
    assert again.status_code == 200
    mails = (
        await db_session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.to_address == invited["email"])
        )
    ).all()
    assert len(mails) == 2
    accepted = await client.post(
        f"{URL}/{finance.user.id}/resend-invitation", headers=admin.headers
    )
    assert accepted.status_code == 409
