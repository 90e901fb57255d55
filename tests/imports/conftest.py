"""Fixtures of the import tests: a company with an admin, and an upload helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from tests.factories import auth_headers, create_company, create_user

URL = "/api/v1/imports"


@dataclass
class Tenant:
    company: Company
    admin: User
    headers: dict[str, str]


async def make_tenant(session: AsyncSession, settings: Settings) -> Tenant:
    company = await create_company(session)
    admin = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
    return Tenant(company, admin, auth_headers(settings, admin))


@pytest.fixture
async def tenant(db_session: AsyncSession, settings: Settings) -> Tenant:
    return await make_tenant(db_session, settings)


async def upload(
    client: httpx.AsyncClient,
    tenant: Tenant,
    kind: str,
    data: bytes,
    *,
    filename: str = "upload.csv",
    **options: Any,
) -> httpx.Response:
    fields = {"kind": kind, **{name: str(value).lower() for name, value in options.items()}}
    return await client.post(
        URL, headers=tenant.headers, data=fields, files={"file": (filename, data)}
    )


def body(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result
