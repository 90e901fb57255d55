"""A restarted server fails the imports its predecessor left unfinished (the app's start-up), and
``involinks sweep-imports`` does so on demand: against a real, freshly migrated SQLite database
holding what a stopped process leaves behind."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from typer.testing import CliRunner

from involinks.app import create_app
from involinks.auth.permissions import Role
from involinks.cli import app as cli
from involinks.config import Settings, get_settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.core.types import utcnow
from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.models import ImportJob, ImportStatus
from involinks.imports.sweep import INTERRUPTED_MESSAGE
from tests.factories import create_company, create_user


def _job(company_id: uuid.UUID, user_id: uuid.UUID, *, minutes_ago: int) -> ImportJob:
    return ImportJob(
        company_id=company_id,
        kind=ImportKind.CUSTOMERS,
        status=ImportStatus.IMPORTING,
        file_format=FileFormat.CSV,
        file_size=10,
        file_sha256=uuid.uuid4().hex * 2,
        rows_total=1000,
        rows_done=1000,
        errors=[],
        results=[],
        created_by_id=user_id,
        started_at=utcnow() - timedelta(minutes=minutes_ago),
        # As the last commit of its process left it.
        updated_at=utcnow() - timedelta(minutes=minutes_ago),
    )


async def _seed(url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A run whose process stopped an hour ago, and one that committed a minute ago."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            company = await create_company(session)
            user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
            tenancy.bind_company(session, company.id)
            stale = _job(company.id, user.id, minutes_ago=60)
            fresh = _job(company.id, user.id, minutes_ago=1)
            session.add_all([stale, fresh])
            await session.commit()
            return stale.id, fresh.id
    finally:
        await engine.dispose()


async def _statuses(url: str) -> dict[uuid.UUID, tuple[ImportStatus, str | None]]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            with tenancy.system_scope(session):
                rows = await session.execute(
                    sa.select(ImportJob.id, ImportJob.status, ImportJob.message)
                )
                return {row.id: (row.status, row.message) for row in rows}
    finally:
        await engine.dispose()


@pytest.fixture
def fresh_database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}"
    upgrade(url)
    return url


async def test_the_server_fails_interrupted_imports_when_it_starts(
    fresh_database: str, tmp_path: Path
) -> None:
    stale, fresh = await _seed(fresh_database)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=fresh_database,
        secret_key=SecretStr("x" * 40),
        web_dist_dir=tmp_path / "web",
        validation_processes=0,
    )
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        found = await _statuses(fresh_database)

    assert found[stale] == (ImportStatus.FAILED, INTERRUPTED_MESSAGE)
    assert found[fresh] == (ImportStatus.IMPORTING, None)  # maybe alive in another process


@pytest.fixture
def cli_database(
    fresh_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-key-with-enough-entropy-0123456789")
    get_settings.cache_clear()
    yield fresh_database
    get_settings.cache_clear()


def test_sweep_imports_command(cli_database: str) -> None:
    stale, fresh = asyncio.run(_seed(cli_database))
    runner = CliRunner()

    result = runner.invoke(cli, ["sweep-imports"])
    assert result.exit_code == 0, result.output
    assert f"import {stale}" in result.output
    assert "1 interrupted imports marked failed (no progress for 30 minutes)" in result.output
    found = asyncio.run(_statuses(cli_database))
    assert found[stale] == (ImportStatus.FAILED, INTERRUPTED_MESSAGE)
    assert found[fresh] == (ImportStatus.IMPORTING, None)

    # Again: nothing left to do. A shorter threshold, given explicitly, reaches the other run.
    assert "0 interrupted imports" in runner.invoke(cli, ["sweep-imports"]).output
    result = runner.invoke(cli, ["sweep-imports", "--stale-after-minutes", "1"])
    assert result.exit_code == 0, result.output
    assert f"import {fresh}" in result.output
    assert asyncio.run(_statuses(cli_database))[fresh][0] is ImportStatus.FAILED
