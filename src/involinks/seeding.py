"""Demo data for `make run`, and the super admin bootstrap. Both are idempotent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.passwords import hash_password_async
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker


@dataclass(frozen=True)
class DemoCompany:
    key: str
    legal_name: str
    trn: str
    email: str
    phone: str
    city: str
    emirate: str
    licence: str
    admin_email: str
    admin_name: str


# Two tenants, so an invoice can travel from one to the other over the sandbox access point.
DEMO_COMPANIES = (
    DemoCompany(
        "supplier",
        "Demo Trading LLC",
        "100123456700003",
        "accounts@demo-trading.ae",
        "+97142345678",
        "Dubai",
        "DXB",
        "DED-778812",
        "admin@demo-trading.ae",
        "Aisha Rahman",
    ),
    DemoCompany(
        "buyer",
        "Demo Buyer Industries LLC",
        "100200300400003",
        "ap@demo-buyer.ae",
        "+97126543210",
        "Abu Dhabi",
        "AUH",
        "ADDED-551203",
        "admin@demo-buyer.ae",
        "Omar Haddad",
    ),
)


async def _upsert_user(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    full_name: str,
    role: Role,
    company_id: object | None,
    reset_password: bool,
) -> bool:
    user = (
        await session.execute(select(User).where(User.email == email.lower()))
    ).scalar_one_or_none()
    created = user is None
    if user is None:
        user = User(email=email.lower(), full_name=full_name, role=role, company_id=company_id)
        session.add(user)
    if created or reset_password:
        user.password_hash = await hash_password_async(password, rounds=settings.bcrypt_rounds)
        user.is_active = True
        user.failed_login_count = 0
        user.locked_until = None
    await session.flush()
    return created


async def ensure_superadmin(
    settings: Settings, *, email: str, password: str, full_name: str
) -> bool:
    if len(password) < 12:
        raise ValueError("the super admin password needs at least 12 characters")
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            tenancy.bind_system(session)
            created = await _upsert_user(
                session,
                settings,
                email=email,
                password=password,
                full_name=full_name,
                role=Role.SUPER_ADMIN,
                company_id=None,
                reset_password=True,
            )
            await session.commit()
            return created
    finally:
        await engine.dispose()


async def seed_demo(settings: Settings, *, default_password: str) -> list[str]:
    """Returns the sign-in lines to print. Passwords are generated once and kept under data_dir."""
    creds_path = settings.data_dir / "demo-credentials.json"
    stored: dict[str, str] = json.loads(creds_path.read_text()) if creds_path.exists() else {}
    password = stored.get("password", default_password)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            tenancy.bind_system(session)
            await _upsert_user(
                session,
                settings,
                email="superadmin@involinks.local",
                password=password,
                full_name="Platform Administrator",
                role=Role.SUPER_ADMIN,
                company_id=None,
                reset_password=True,
            )
            for demo in DEMO_COMPANIES:
                company = (
                    await session.execute(select(Company).where(Company.trn == demo.trn))
                ).scalar_one_or_none()
                if company is None:
                    company = Company(
                        legal_name=demo.legal_name,
                        trn=demo.trn,
                        email=demo.email,
                        phone=demo.phone,
                        address_line1="Office 1204, Business Bay Tower",
                        city=demo.city,
                        emirate=demo.emirate,
                        country="AE",
                        legal_registration_type="TL",
                        legal_registration_id=demo.licence,
                        legal_registration_authority="Department of Economy and Tourism",
                        status=CompanyStatus.ACTIVE,
                        approved_at=datetime.now(UTC),
                        plan_code="PRO",
                        peppol_id=f"0235:{demo.trn[:10]}",
                        settings={},
                    )
                    session.add(company)
                    await session.flush()
                await _upsert_user(
                    session,
                    settings,
                    email=demo.admin_email,
                    password=password,
                    full_name=demo.admin_name,
                    role=Role.COMPANY_ADMIN,
                    company_id=company.id,
                    reset_password=True,
                )
            await session.commit()
    finally:
        await engine.dispose()
    creds_path.parent.mkdir(parents=True, exist_ok=True)
    creds_path.write_text(json.dumps({"password": password}))
    creds_path.chmod(0o600)
    lines = [f"super admin:    superadmin@involinks.local / {password}"]
    lines += [f"{d.key + ' admin:':15} {d.admin_email} / {password}" for d in DEMO_COMPANIES]
    return lines
