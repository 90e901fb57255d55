"""The migrations are the schema: they run both ways and match the ORM models exactly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url

from involinks.core.db import create_engine
from involinks.core.migrate import alembic_config, expected_heads
from involinks.models import Base
from tests.conftest import BACKEND, _pg_admin, postgres_server_url


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgres":
        server = postgres_server_url()
        name = f"involinks_mig_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"


def _diff(url: str) -> list[object]:
    async def run() -> list[object]:
        engine = create_engine(url)

        def compare(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as connection:
            result = await connection.run_sync(compare)
        await engine.dispose()
        return result

    return asyncio.run(run())


def _heads(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as connection:
            heads = await connection.run_sync(
                lambda c: set(MigrationContext.configure(c).get_current_heads())
            )
        await engine.dispose()
        return heads

    return asyncio.run(run())


@pytest.mark.db
def test_upgrade_downgrade_upgrade_and_models_match(scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    command.upgrade(config, "heads")
    assert _heads(scratch_url) == expected_heads()
    assert _diff(scratch_url) == []
    command.downgrade(config, "base")
    assert _heads(scratch_url) == set()
    command.upgrade(config, "heads")
    assert _heads(scratch_url) == expected_heads()
