from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.auth.passwords import verify_password
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyDocument, CompanyStatus
from involinks.core import tenancy
from involinks.mail.models import OutboxMessage
from tests.companies.helpers import STRONG_PASSWORD, minimal_pdf, registration_payload, uae_trn
from tests.factories import create_company, create_user

URL = "/api/v1/auth/register-company"


async def _outbox_to(session: AsyncSession, address: str) -> list[OutboxMessage]:
    rows = await session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
    )
    return list(rows)


async def test_register_creates_pending_company_and_admin(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    payload = registration_payload()
    response = await client.post(URL, json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "PENDING_APPROVAL"
    assert body["trn"] == payload["trn"]
    assert body["tin"] == payload["trn"][:10]
    assert body["peppol_id"] == f"0235:{payload['trn'][:10]}"
    assert body["phone"] == "+971501234567"  # "050 123 4567" in E.164
    assert body["address"]["emirate"] == "DXB"
    assert body["legal_registration"] == payload["legal_registration"]
    assert body["upload_token"]

    with tenancy.system_scope(db_session):
        company = await db_session.get(Company, uuid.UUID(body["id"]))
        admin = await db_session.scalar(sa.select(User).where(User.company_id == company.id))
        events = (
            await db_session.scalars(
                sa.select(AuditEvent).where(AuditEvent.company_id == company.id)
            )
        ).all()
    assert company is not None
    assert company.status is CompanyStatus.PENDING_APPROVAL
    assert admin is not None
    assert admin.email == payload["admin"]["email"].lower()
    assert admin.role is Role.COMPANY_ADMIN
    assert admin.password_hash != STRONG_PASSWORD
    assert verify_password(STRONG_PASSWORD, admin.password_hash)
    assert [e.action for e in events] == ["company.registered"]
    mails = await _outbox_to(db_session, admin.email)
    assert len(mails) == 1
    assert "approved" in mails[0].text_body


async def test_super_admins_are_told_about_the_new_company(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    platform = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    payload = registration_payload()
    assert (await client.post(URL, json=payload)).status_code == 201
    mails = await _outbox_to(db_session, platform.email)
    assert len(mails) == 1
    assert payload["legal_name"] in mails[0].subject


async def test_admin_cannot_sign_in_until_approved(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    payload = registration_payload()
    company_id = (await client.post(URL, json=payload)).json()["id"]
    login = {"email": payload["admin"]["email"], "password": STRONG_PASSWORD}
    refused = await client.post("/api/v1/auth/login", json=login)
    assert refused.status_code == 403, refused.text
    assert "access_token" not in refused.json()

    with tenancy.system_scope(db_session):
        company = await db_session.get(Company, uuid.UUID(company_id))
        assert company is not None
        company.status = CompanyStatus.ACTIVE
        await db_session.flush()
    allowed = await client.post("/api/v1/auth/login", json=login)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["access_token"]


async def test_duplicate_trn_is_409(client: httpx.AsyncClient, db_session: AsyncSession) -> None:
    trn = uae_trn()
    await create_company(db_session, trn=trn)
    response = await client.post(URL, json=registration_payload(trn=trn))
    assert response.status_code == 409
    assert "TRN" in response.json()["error"]["message"]
    assert response.json()["error"]["code"] == "duplicate_trn"


async def test_duplicate_admin_email_is_409_case_insensitive(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    existing = await create_user(db_session, company=await create_company(db_session))
    payload = registration_payload(admin={"email": existing.email.upper()})
    response = await client.post(URL, json=payload)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_email"
    assert "e-mail" in response.json()["error"]["message"]


async def test_second_registration_with_same_payload_is_409(client: httpx.AsyncClient) -> None:
    payload = registration_payload()
    assert (await client.post(URL, json=payload)).status_code == 201
    assert (await client.post(URL, json=payload)).status_code == 409


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"trn": "100123456789012"}, "trn"),  # not ending in 03
        ({"trn": "12345"}, "trn"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "+44 20 7946 0958"}, "phone"),
        ({"address": {"emirate": "DUBAI"}}, "address.emirate"),
        ({"address": {"country": "SA"}}, "address.country"),
        ({"legal_registration": {"authority": None}}, "legal_registration"),
        ({"legal_registration": {"type": "XX"}}, "legal_registration"),
        ({"admin": {"password": "short"}}, "admin"),
        ({"admin": {"email": "nobody"}}, "admin.email"),
    ],
)
async def test_invalid_input_is_422_with_the_field(
    client: httpx.AsyncClient, override: dict[str, Any], field: str
) -> None:
    response = await client.post(URL, json=registration_payload(**override))
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields


async def test_password_containing_email_local_part_is_refused(client: httpx.AsyncClient) -> None:
    payload = registration_payload(
        admin={"email": "mariam.khan@falcon.ae", "password": "Mariam.Khan-2026!x"}
    )
    response = await client.post(URL, json=payload)
    assert response.status_code == 422


async def test_documents_can_be_attached_at_sign_up_with_the_token(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    body = (await client.post(URL, json=registration_payload())).json()
    response = await client.post(
        f"{URL}/documents",
        headers={"X-Registration-Token": body["upload_token"]},
        data={"kind": "trade_licence"},
        files={"file": ("licence.pdf", minimal_pdf(), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "trade_licence"
    with tenancy.system_scope(db_session):
        docs = (await db_session.scalars(sa.select(CompanyDocument))).all()
    assert [str(d.company_id) for d in docs if str(d.id) == response.json()["id"]] == [body["id"]]


async def test_sign_up_upload_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    files = {"file": ("licence.pdf", minimal_pdf(), "application/pdf")}
    missing = await client.post(f"{URL}/documents", data={"kind": "logo"}, files=files)
    assert missing.status_code == 401
    forged = await client.post(
        f"{URL}/documents",
        headers={"X-Registration-Token": "abc.def.ghi"},
        data={"kind": "logo"},
        files=files,
    )
    assert forged.status_code == 401


async def test_sign_up_upload_closes_once_the_company_is_decided(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    body = (await client.post(URL, json=registration_payload())).json()
    with tenancy.system_scope(db_session):
        company = await db_session.get(Company, uuid.UUID(body["id"]))
        assert company is not None
        company.status = CompanyStatus.ACTIVE
        await db_session.flush()
    response = await client.post(
        f"{URL}/documents",
        headers={"X-Registration-Token": body["upload_token"]},
        data={"kind": "trade_licence"},
        files={"file": ("licence.pdf", minimal_pdf(), "application/pdf")},
    )
    assert response.status_code == 401
