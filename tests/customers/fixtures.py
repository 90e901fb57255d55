"""Fixtures for the customers and invoicing API tests (import them into the test module)."""

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
from involinks.customers.models import Customer
from tests.customers.factories import create_customer
from tests.factories import auth_headers, create_company, create_user


@dataclass
class Tenant:
    company: Company
    admin: User
    headers: dict[str, str]  # the company admin's
    finance_headers: dict[str, str]
    customer: Customer


async def make_tenant(
    session: AsyncSession, settings: Settings, *, plan_code: str = "PRO"
) -> Tenant:
    company = await create_company(session, plan_code=plan_code)
    admin = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
    finance = await create_user(session, company=company, role=Role.FINANCE_USER)
    customer = await create_customer(session, company)
    return Tenant(
        company=company,
        admin=admin,
        headers=auth_headers(settings, admin),
        finance_headers=auth_headers(settings, finance),
        customer=customer,
    )


@pytest.fixture
async def tenant(db_session: AsyncSession, settings: Settings) -> Tenant:
    return await make_tenant(db_session, settings)


@pytest.fixture
async def other_tenant(db_session: AsyncSession, settings: Settings) -> Tenant:
    return await make_tenant(db_session, settings)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body
