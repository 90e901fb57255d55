"""Demo data for `make run`, and the super admin bootstrap. Both are idempotent."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    iban: str


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
        "AE070331234567890123456",
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
        "AE780266543210987654321",
    ),
)


async def _user_exists(session: AsyncSession, email: str) -> bool:
    found = await session.execute(select(User.id).where(User.email == email.lower()))
    return found.first() is not None


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
) -> User:
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
    return user


async def _seed_trading_partners(
    session: AsyncSession, companies: dict[str, Company], admins: dict[str, User]
) -> None:
    """The demo buyer is a customer of the demo supplier and vice versa, so a new user can issue an
    invoice and watch it arrive in the buyer's AP inbox. Created through the domain services."""
    from involinks.customers import service as customer_service
    from involinks.customers.models import Customer
    from involinks.customers.schemas import AddressIn, CustomerCreate
    from involinks.payables.suppliers import service as supplier_service
    from involinks.payables.suppliers.models import Supplier
    from involinks.payables.suppliers.schemas import SupplierCreate

    supplier, buyer = companies["supplier"], companies["buyer"]
    with tenancy.company_scope(session, supplier.id):
        known = await session.execute(select(Customer.id).where(Customer.trn == buyer.trn))
        if known.first() is None:
            customer = await customer_service.create_customer(
                session,
                CustomerCreate(
                    legal_name=buyer.legal_name,
                    trn=buyer.trn,
                    email=buyer.email,
                    peppol_id=buyer.peppol_id,
                    address=AddressIn(
                        line1=buyer.address_line1, city=buyer.city, emirate=buyer.emirate
                    ),
                ),
                user=admins["supplier"],
            )
            await _seed_draft_invoice(session, customer.id, admins["supplier"])
    with tenancy.company_scope(session, buyer.id):
        known = await session.execute(select(Supplier.id).where(Supplier.trn == supplier.trn))
        if known.first() is None:
            await supplier_service.create_supplier(
                session,
                SupplierCreate(
                    name=supplier.legal_name,
                    trn=supplier.trn,
                    peppol_id=supplier.peppol_id,
                    email=supplier.email,
                    address_line1=supplier.address_line1,
                    city=supplier.city,
                    payment_terms_days=30,
                ),
                actor=admins["buyer"],
            )


async def _seed_content(session: AsyncSession) -> None:
    from involinks.content import service as content_service
    from involinks.content.defaults import DEFAULT_BLOCKS
    from involinks.content.models import ContentBlock
    from involinks.content.schemas import ContentBlockWrite

    rows = await session.execute(select(ContentBlock.key, ContentBlock.locale))
    existing = {(key, locale) for key, locale in rows}
    for key, locales in DEFAULT_BLOCKS.items():
        for locale, (title, body) in locales.items():
            if (key, locale) not in existing:
                data = ContentBlockWrite(locale=locale, title=title, body=body, published=True)
                await content_service.save_block(session, key, data, actor=None)


async def ensure_superadmin(
    settings: Settings, *, email: str, password: str, full_name: str
) -> bool:
    if len(password) < 12:
        raise ValueError("the super admin password needs at least 12 characters")
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            tenancy.bind_system(session)
            created = await _user_exists(session, email) is False
            await _upsert_user(
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


async def _seed_draft_invoice(session: AsyncSession, customer_id: uuid.UUID, admin: User) -> None:
    """A draft to the demo buyer, so a new user can validate and finalize one straight away."""
    from involinks.invoicing import service as invoicing_service
    from involinks.invoicing.schemas import InvoiceCreate

    today = invoicing_service.issue_date_today()
    draft = InvoiceCreate.model_validate(
        {
            "customer_id": str(customer_id),
            "issue_date": today.isoformat(),
            "due_date": (today + timedelta(days=30)).isoformat(),
            "lines": [
                {
                    "item_name": "Office chairs",
                    "description": "Ergonomic task chair, black mesh",
                    "quantity": "12",
                    "unit_code": "H87",
                    "unit_price": "450.00",
                    "vat_category": "S",
                },
                {
                    "item_name": "Delivery and assembly",
                    "description": "Delivery to the buyer's office and on-site assembly",
                    "quantity": "1",
                    "unit_code": "C62",
                    "unit_price": "350.00",
                    "vat_category": "S",
                },
            ],
        }
    )
    await invoicing_service.create_draft(session, draft, user=admin)


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
            companies: dict[str, Company] = {}
            admins: dict[str, User] = {}
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
                        settings={"payment_means": {"code": "30", "account_id": demo.iban}},
                    )
                    session.add(company)
                    await session.flush()
                companies[demo.key] = company
                admins[demo.key] = await _upsert_user(
                    session,
                    settings,
                    email=demo.admin_email,
                    password=password,
                    full_name=demo.admin_name,
                    role=Role.COMPANY_ADMIN,
                    company_id=company.id,
                    reset_password=True,
                )
            await _seed_trading_partners(session, companies, admins)
            await _seed_content(session)
            await session.commit()
    finally:
        await engine.dispose()
    creds_path.parent.mkdir(parents=True, exist_ok=True)
    creds_path.write_text(json.dumps({"password": password}))
    creds_path.chmod(0o600)
    lines = [f"super admin:    superadmin@involinks.local / {password}"]
    lines += [f"{d.key + ' admin:':15} {d.admin_email} / {password}" for d in DEMO_COMPANIES]
    return lines
