"""``involinks verify-chain`` against a real, freshly migrated SQLite database with a tampered row:
one line per chain, exit status 1 when a chain is broken."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from involinks.auth.permissions import Role
from involinks.cli import app
from involinks.config import get_settings
from involinks.core import tenancy
from involinks.core.db import dispose_task_engines, task_session
from involinks.core.migrate import upgrade
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice
from involinks.invoicing.schemas import InvoiceCreate
from involinks.jobs import queue as job_queue
from involinks.storage import store_for
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user

runner = CliRunner()


async def _seed(url: str, counts: tuple[int, ...]) -> list[list[uuid.UUID]]:
    """Companies with ``counts`` finalized invoices each; returns [company_id, *invoice_ids]."""
    settings = get_settings()
    made: list[list[uuid.UUID]] = []
    try:
        async with task_session(url) as session:
            for count in counts:
                company = await create_company(session)
                user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
                customer = await create_customer(session, company)
                ids = [company.id]
                tenancy.bind_company(session, company.id)
                for _ in range(count):
                    data = InvoiceCreate.model_validate(invoice_payload(customer))
                    draft = await invoicing_service.create_draft(session, data, user=user)
                    issued = await invoicing_service.finalize(
                        session, draft, user=user, settings=settings, store=store_for(settings)
                    )
                    ids.append(issued.id)
                made.append(ids)
            await session.commit()
    finally:
        await dispose_task_engines()
    return made


async def _tamper(url: str, invoice_id: uuid.UUID) -> None:
    try:
        async with task_session(url) as session:
            with tenancy.system_scope(session):
                await session.execute(
                    sa.update(Invoice)
                    .where(Invoice.id == invoice_id)
                    .values(payable_amount=Invoice.payable_amount + 1)
                )
            await session.commit()
    finally:
        await dispose_task_engines()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'chain.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-key-with-enough-entropy-0123456789")
    get_settings.cache_clear()
    job_queue.set_dispatcher(lambda _name, _kwargs: None)
    upgrade(url)
    yield url
    job_queue.set_dispatcher(None)
    get_settings.cache_clear()


def test_verify_chain_per_company_and_all(database: str) -> None:
    (tampered_company, first, _second), (clean_company, _only) = asyncio.run(
        _seed(database, (2, 1))
    )

    result = runner.invoke(app, ["verify-chain", "--all"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK ") == 2
    assert "3 documents checked, 0 broken" in result.output

    asyncio.run(_tamper(database, first))

    result = runner.invoke(app, ["verify-chain", "--company", str(tampered_company)])
    assert result.exit_code == 1, result.output
    broken = [row for row in result.output.splitlines() if row.startswith("BROKEN")]
    assert len(broken) == 1
    assert str(tampered_company) in broken[0]
    assert "hash_mismatch" in broken[0]

    result = runner.invoke(app, ["verify-chain", "--company", str(clean_company)])
    assert result.exit_code == 0, result.output
    assert str(tampered_company) not in result.output

    result = runner.invoke(app, ["verify-chain", "--all"])
    assert result.exit_code == 1, result.output
    lines = [row for row in result.output.splitlines() if row.startswith(("OK", "BROKEN"))]
    assert len(lines) == 2
    assert "1 broken" in result.output


def test_needs_a_scope(database: str) -> None:
    assert runner.invoke(app, ["verify-chain"]).exit_code == 2
    both = runner.invoke(app, ["verify-chain", "--all", "--company", str(uuid.uuid4())])
    assert both.exit_code == 2
