"""Plain async factory functions with keyword defaults (no factory framework)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.passwords import hash_password
from involinks.auth.permissions import Role
from involinks.auth.tokens import create_access_token
from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy

_seq = itertools.count(1)
DEFAULT_PASSWORD = "Correct-Horse-42!"


def unique_trn() -> str:
    """15 digits, "1...03" as PINT AE rule ibr-132-ae requires, unique within the test session."""
    return f"100{uuid.uuid4().int % 10**10:010d}03"


async def create_company(
    session: AsyncSession,
    *,
    legal_name: str | None = None,
    trn: str | None = None,
    status: CompanyStatus = CompanyStatus.ACTIVE,
    emirate: str = "DXB",
    plan_code: str = "PRO",
) -> Company:
    n = next(_seq)
    trn = trn or unique_trn()
    company = Company(
        legal_name=legal_name or f"Test Company {n} LLC",
        trn=trn,
        email=f"accounts{n}@company{n}.ae",
        phone="+97142345678",
        address_line1=f"Office {n}, Test Tower",
        city="Dubai",
        emirate=emirate,
        country="AE",
        legal_registration_type="TL",
        legal_registration_id=f"TL-{n:06d}",
        legal_registration_authority="Department of Economy and Tourism",
        status=status,
        approved_at=datetime.now(UTC) if status is CompanyStatus.ACTIVE else None,
        plan_code=plan_code,
        peppol_id=f"0235:{trn[:10]}",
        settings={},
    )
    with tenancy.system_scope(session):
        session.add(company)
        await session.flush()
    return company


async def create_user(
    session: AsyncSession,
    *,
    company: Company | None,
    role: Role = Role.COMPANY_ADMIN,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "Test User",
    is_active: bool = True,
) -> User:
    n = next(_seq)
    user = User(
        company_id=company.id if company else None,
        email=(email or f"user{n}.{uuid.uuid4().hex[:6]}@example.ae").lower(),
        full_name=full_name,
        password_hash=hash_password(password, rounds=4),
        role=role,
        is_active=is_active,
    )
    with tenancy.system_scope(session):
        session.add(user)
        await session.flush()
    return user


def auth_headers(settings: Settings, user: User) -> dict[str, str]:
    token = create_access_token(
        settings,
        user_id=user.id,
        role=user.role,
        company_id=user.company_id,
        token_version=user.token_version,
    )
    return {"Authorization": f"Bearer {token}"}
