"""Programmatic Alembic: upgrade, and the start-up check that the schema is current."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "involinks:migrations")
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


def expected_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("")).get_heads())


class DatabaseNotMigrated(RuntimeError):
    pass


async def ensure_migrated(engine: AsyncEngine) -> None:
    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as connection:
        have = await connection.run_sync(current)
    want = expected_heads()
    if have != want:
        state = ", ".join(sorted(have)) or "empty"
        raise DatabaseNotMigrated(
            f"The database schema is not current (database at: {state}; this version needs: "
            f"{', '.join(sorted(want))}). Run `involinks db upgrade` and start again."
        )
