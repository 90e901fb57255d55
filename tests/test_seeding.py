"""The demo data `make run` loads: signed-in users find something to act on, and it is valid."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from pydantic import SecretStr

from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.seeding import DEMO_COMPANIES, seed_demo
from involinks.storage import store_for


async def test_the_demo_supplier_has_one_draft_to_the_buyer_that_finalizes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path,
        secret_key=SecretStr("demo-secret-key-with-enough-entropy-0123456789"),
        bcrypt_rounds=4,
        web_dist_dir=tmp_path / "web",
    )
    await seed_demo(settings, default_password="Demo-password-1")
    await seed_demo(settings, default_password="Demo-password-1")  # `make run` again

    supplier = next(demo for demo in DEMO_COMPANIES if demo.key == "supplier")
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            with tenancy.system_scope(session):
                company = (
                    await session.execute(sa.select(Company).where(Company.trn == supplier.trn))
                ).scalar_one()
                admin = (
                    await session.execute(sa.select(User).where(User.email == supplier.admin_email))
                ).scalar_one()
            tenancy.bind_company(session, company.id)
            drafts, total = await invoicing_service.list_invoices(
                session, invoicing_service.InvoiceFilters(statuses=(InvoiceStatus.DRAFT,))
            )
            assert total == 1, "seeding twice must not add a second draft"
            draft = await invoicing_service.get_invoice(session, drafts[0].id)
            assert draft.customer.trn != company.trn

            issued = await invoicing_service.finalize(
                session, draft, user=admin, settings=settings, store=store_for(settings)
            )
            await session.commit()

            assert issued.status is InvoiceStatus.FINALIZED
            assert issued.number
            stored = await session.get(Invoice, issued.id)
            assert stored is not None
            assert stored.payable_amount > 0
    finally:
        await engine.dispose()
