from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from tests.factories import auth_headers, create_company, create_user


@dataclass
class Member:
    user: User
    company: Company
    headers: dict[str, str]


@pytest.fixture
async def admin(db_session: AsyncSession, settings: Settings) -> Member:
    company = await create_company(db_session)
    user = await create_user(db_session, company=company, role=Role.COMPANY_ADMIN)
    return Member(user, company, auth_headers(settings, user))


@pytest.fixture
async def finance(db_session: AsyncSession, settings: Settings, admin: Member) -> Member:
    user = await create_user(db_session, company=admin.company, role=Role.FINANCE_USER)
    return Member(user, admin.company, auth_headers(settings, user))
