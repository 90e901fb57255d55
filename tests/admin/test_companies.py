from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.mail.models import OutboxMessage
from tests.companies.helpers import STRONG_PASSWORD, minimal_pdf, registration_payload
from tests.factories import auth_headers, create_company, create_user

URL = "/api/v1/admin/companies"


@pytest.fixture
async def platform(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    user = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    return auth_headers(settings, user)


async def _register(client: httpx.AsyncClient, with_document: bool = True) -> dict[str, Any]:
    payload = registration_payload()
    body = (await client.post("/api/v1/auth/register-company", json=payload)).json()
    if with_document:
        response = await client.post(
            "/api/v1/auth/register-company/documents",
            headers={"X-Registration-Token": body["upload_token"]},
            data={"kind": "trade_licence"},
            files={"file": ("licence.pdf", minimal_pdf(), "application/pdf")},
        )
        assert response.status_code == 201
    return {"payload": payload, "body": body}


async def _mails_to(session: AsyncSession, address: str) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at)
        )
    )


async def test_queue_lists_pending_companies_with_documents(
    client: httpx.AsyncClient, platform: dict[str, str], db_session: AsyncSession
) -> None:
    reg = await _register(client)
    await create_company(db_session)  # an ACTIVE one, not in the queue
    response = await client.get(URL, headers=platform, params={"status": "PENDING_APPROVAL"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert {i["status"] for i in items} == {"PENDING_APPROVAL"}
    mine = next(i for i in items if i["id"] == reg["body"]["id"])
    assert [d["kind"] for d in mine["documents"]] == ["trade_licence"]
    assert [a["email"] for a in mine["admins"]] == [reg["payload"]["admin"]["email"].lower()]

    doc = mine["documents"][0]
    download = await client.get(
        f"{URL}/{mine['id']}/documents/{doc['id']}/download", headers=platform
    )
    assert download.status_code == 200
    assert download.content == minimal_pdf()
    wrong_company = await client.get(
        f"{URL}/{uuid.uuid4()}/documents/{doc['id']}/download", headers=platform
    )
    assert wrong_company.status_code == 404


async def test_paging_and_search(
    client: httpx.AsyncClient, platform: dict[str, str], db_session: AsyncSession
) -> None:
    company = await create_company(db_session, legal_name="Zebra Unique Traders LLC")
    found = await client.get(URL, headers=platform, params={"q": "zebra unique"})
    assert [i["id"] for i in found.json()["items"]] == [str(company.id)]
    page = await client.get(URL, headers=platform, params={"page_size": 1})
    assert len(page.json()["items"]) == 1
    assert page.json()["total"] >= 1


async def test_approve_lets_the_admin_sign_in_and_is_mailed_and_audited(
    client: httpx.AsyncClient, platform: dict[str, str], db_session: AsyncSession
) -> None:
    reg = await _register(client, with_document=False)
    company_id = reg["body"]["id"]
    admin_email = reg["payload"]["admin"]["email"].lower()
    login = {"email": admin_email, "password": STRONG_PASSWORD}
    assert (await client.post("/api/v1/auth/login", json=login)).status_code == 403

    response = await client.post(f"{URL}/{company_id}/approve", headers=platform)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ACTIVE"
    assert response.json()["approved_at"]
    assert (await client.post("/api/v1/auth/login", json=login)).status_code == 200

    mails = await _mails_to(db_session, admin_email)
    assert mails[-1].subject == "Your company is approved on InvoLinks"
    with tenancy.system_scope(db_session):
        actions = (
            await db_session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.company_id == uuid.UUID(company_id))
            )
        ).all()
    assert "company.approved" in actions


async def test_reject_needs_reason_and_is_final(
    client: httpx.AsyncClient, platform: dict[str, str], db_session: AsyncSession
) -> None:
    reg = await _register(client, with_document=False)
    company_id = reg["body"]["id"]
    assert (
        await client.post(f"{URL}/{company_id}/reject", headers=platform, json={})
    ).status_code == 422
    response = await client.post(
        f"{URL}/{company_id}/reject", headers=platform, json={"reason": "Trade licence expired"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "REJECTED"
    assert response.json()["status_reason"] == "Trade licence expired"
    mails = await _mails_to(db_session, reg["payload"]["admin"]["email"].lower())
    assert "Trade licence expired" in mails[-1].text_body
    for action in ("approve", "reactivate"):
        again = await client.post(f"{URL}/{company_id}/{action}", headers=platform)
        assert again.status_code == 409, action
        assert again.json()["error"]["code"] == "invalid_transition"


async def test_suspend_blocks_users_and_reactivate_restores(
    client: httpx.AsyncClient,
    platform: dict[str, str],
    db_session: AsyncSession,
    settings: Settings,
) -> None:
    company = await create_company(db_session)
    member = await create_user(db_session, company=company)
    headers = auth_headers(settings, member)
    assert (await client.get("/api/v1/company", headers=headers)).status_code == 200

    suspended = await client.post(
        f"{URL}/{company.id}/suspend", headers=platform, json={"reason": "Unpaid invoices"}
    )
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "SUSPENDED"
    assert (await client.get("/api/v1/company", headers=headers)).status_code == 403
    mails = await _mails_to(db_session, member.email)
    assert mails[-1].subject == "Your InvoLinks account is suspended"

    reactivated = await client.post(f"{URL}/{company.id}/reactivate", headers=platform)
    assert reactivated.json()["status"] == "ACTIVE"
    assert (await client.get("/api/v1/company", headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (CompanyStatus.PENDING_APPROVAL, "approve", True),
        (CompanyStatus.PENDING_APPROVAL, "reject", True),
        (CompanyStatus.PENDING_APPROVAL, "suspend", False),
        (CompanyStatus.PENDING_APPROVAL, "reactivate", False),
        (CompanyStatus.ACTIVE, "approve", False),
        (CompanyStatus.ACTIVE, "reject", False),
        (CompanyStatus.ACTIVE, "suspend", True),
        (CompanyStatus.ACTIVE, "reactivate", False),
        (CompanyStatus.SUSPENDED, "approve", False),
        (CompanyStatus.SUSPENDED, "suspend", False),
        (CompanyStatus.SUSPENDED, "reactivate", True),
        (CompanyStatus.REJECTED, "approve", False),
        (CompanyStatus.REJECTED, "suspend", False),
        (CompanyStatus.REJECTED, "reactivate", False),
    ],
)
async def test_transition_table(
    client: httpx.AsyncClient,
    platform: dict[str, str],
    db_session: AsyncSession,
    status: CompanyStatus,
    action: str,
    allowed: bool,
) -> None:
    company = await create_company(db_session, status=status)
    response = await client.post(
        f"{URL}/{company.id}/{action}",
        headers=platform,
        json={"reason": "checked by hand"} if action in ("reject", "suspend") else None,
    )
    assert response.status_code == (200 if allowed else 409), response.text
    with tenancy.system_scope(db_session):
        await db_session.refresh(company)
    assert (company.status is not status) == allowed


async def test_unknown_company_is_404(client: httpx.AsyncClient, platform: dict[str, str]) -> None:
    assert (await client.get(f"{URL}/{uuid.uuid4()}", headers=platform)).status_code == 404
    assert (await client.post(f"{URL}/{uuid.uuid4()}/approve", headers=platform)).status_code == 404


async def test_company_admin_gets_403(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    company = await create_company(db_session)
    admin = await create_user(db_session, company=company)
    headers = auth_headers(settings, admin)
    assert (await client.get(URL, headers=headers)).status_code == 403
    assert (
        await client.post(f"{URL}/{company.id}/suspend", headers=headers, json={"reason": "self"})
    ).status_code == 403
    assert (await client.get("/api/v1/admin/outbox", headers=headers)).status_code == 403


async def test_outbox_is_readable_by_super_admin(
    client: httpx.AsyncClient, platform: dict[str, str]
) -> None:
    reg = await _register(client, with_document=False)
    address = reg["payload"]["admin"]["email"].lower()
    response = await client.get("/api/v1/admin/outbox", headers=platform, params={"to": address})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["subject"] for i in items] == ["We received your InvoLinks registration"]
    assert items[0]["status"] == "PENDING"
    one = await client.get(f"/api/v1/admin/outbox/{items[0]['id']}", headers=platform)
    assert one.json()["text_body"] == items[0]["text_body"]
    assert (
        await client.get(f"/api/v1/admin/outbox/{uuid.uuid4()}", headers=platform)
    ).status_code == 404


async def test_company_row_unchanged_by_refused_transition(
    client: httpx.AsyncClient, platform: dict[str, str], db_session: AsyncSession
) -> None:
    company = await create_company(db_session, status=CompanyStatus.REJECTED)
    await client.post(f"{URL}/{company.id}/approve", headers=platform)
    with tenancy.system_scope(db_session):
        fresh = await db_session.scalar(
            sa.select(Company)
            .where(Company.id == company.id)
            .execution_options(populate_existing=True)
        )
    assert fresh is not None
    assert fresh.status is CompanyStatus.REJECTED
    assert fresh.approved_at is None
