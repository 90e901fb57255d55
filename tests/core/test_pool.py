"""Pooled connections: one that sat idle is pinged before use and replaced if the server dropped
it; one in steady use is handed out without a ping (PostgreSQL: the embedded SQLite has no
server to lose)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from involinks.config import Settings
from involinks.core import db

pytestmark = pytest.mark.postgres_only


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


async def _drop_server_side(settings: Settings, pid: int) -> None:
    """What a database restart or a firewall does to a pooled connection."""
    admin = db.create_engine(settings.database_url, pool_size=1)
    try:
        async with admin.connect() as connection:
            await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_an_idle_connection_dropped_by_the_server_is_replaced(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every checkout counts as idle
    engine = db.create_engine(settings.database_url, pool_size=1)
    try:
        first = await _backend_pid(engine)
        await _drop_server_side(settings, first)
        second = await _backend_pid(engine)  # no error reaches the caller
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_in_steady_use_is_not_pinged(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
    engine = db.create_engine(settings.database_url, pool_size=1)
    try:
        first = await _backend_pid(engine)
        await _drop_server_side(settings, first)
        # Used a moment ago, so handed out as it is: the dropped connection shows (the pool
        # then discards it, and the next checkout connects afresh).
        with pytest.raises(DBAPIError):
            await _backend_pid(engine)
        assert await _backend_pid(engine) != first
    finally:
        await engine.dispose()


async def test_the_app_keeps_to_its_configured_pool(settings: Settings) -> None:
    """DATABASE_POOL_SIZE connections and no more with DATABASE_MAX_OVERFLOW=0: a request
    beyond them waits for a connection to come back instead of opening another."""
    from involinks.app import create_app

    app = create_app(
        settings.model_copy(update={"database_pool_size": 2, "database_max_overflow": 0})
    )
    engine: AsyncEngine = app.state.engine
    first, second = await engine.connect(), await engine.connect()
    try:
        pids = {
            (await c.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
            for c in (first, second)
        }
        third = asyncio.ensure_future(_backend_pid(engine))
        await asyncio.sleep(0.2)
        assert not third.done()  # waiting for one of the two
        await first.close()
        assert await asyncio.wait_for(third, 5) in pids
    finally:
        await first.close()
        await second.close()
        await engine.dispose()
