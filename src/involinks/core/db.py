"""Engines and sessions. One unit of work per request: services flush, the dependency commits."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from involinks.core import rls
from involinks.jobs import queue as job_queue

# PostgreSQL row-level security follows every session's tenancy scope (no-op on SQLite).
rls.install()


def create_engine(
    database_url: str,
    *,
    echo: bool = False,
    pool_size: int = 10,
    max_overflow: int | None = None,
) -> AsyncEngine:
    """An engine for the URL. PostgreSQL connections are pooled: ``pool_size`` kept open, and
    up to ``max_overflow`` more (default: as many again) opened for a burst and closed when
    returned while the pool is full."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    # asyncpg prepares every statement; SQLAlchemy keeps 100 per connection by default, fewer
    # than the application's distinct statements, so a busy process would keep re-preparing
    # (an extra round trip each). A `prepared_statement_cache_size` in the URL still wins.
    connect_args: dict[str, Any] = {}
    if url.get_driver_name() == "asyncpg" and "prepared_statement_cache_size" not in url.query:
        connect_args["prepared_statement_cache_size"] = 500
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        connect_args=connect_args,
    )
    _ping_idle_connections(engine)
    return engine


#: A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 10.0
_CHECKED_IN_AT = "involinks.checked_in_at"


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Make sure a pooled connection is alive before use, but only one that sat idle.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout, which with asyncpg is three round
    trips (BEGIN, an empty query, ROLLBACK) on every request. A connection that was in use a
    moment ago is as alive as a ping would show; one that sat idle may have been dropped by the
    server, a restart or a firewall, so it alone is pinged, and replaced when the ping fails.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_PING_SECONDS:
            return  # new, or in use a moment ago
        try:
            dbapi_connection.ping()
        except Exception as exc:
            # The pool discards this connection and checks out another (a new one if need be).
            raise DisconnectionError("an idle pooled connection no longer answers") from exc


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over, as the
    # SQLAlchemy docs advise. BEGIN IMMEDIATE takes the write lock up front, so two requests can never
    # deadlock upgrading a read lock (SQLite would answer "database is locked" without waiting).
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        async with job_queue.collecting() as jobs:
            try:
                yield session
            except Exception:
                await session.rollback()
                jobs.discard()
                raise
            await session.commit()
        # Jobs leave only once their rows are committed, so a worker never sees a half-written state.
        await jobs.send()


# "function" scope: commit before the response leaves, so a failed commit is an error response.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]


# Background jobs run outside a request: one small engine per database URL per process, shared by every
# job, rather than one per job.
_task_makers: dict[str, tuple[AsyncEngine, async_sessionmaker[AsyncSession]]] = {}


@asynccontextmanager
async def task_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session for a job. Not tenant-bound: the job binds the scope it needs explicitly."""
    if database_url not in _task_makers:
        engine = create_engine(database_url, pool_size=2)
        _task_makers[database_url] = (engine, create_sessionmaker(engine))
    async with _task_makers[database_url][1]() as session:
        yield session


async def dispose_task_engines() -> None:
    makers = list(_task_makers.values())
    _task_makers.clear()
    for engine, _maker in makers:
        await engine.dispose()


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def unique_violation(exc: IntegrityError) -> tuple[str, frozenset[str]] | None:
    """(table, columns) of the unique key an INSERT or UPDATE ran into, on PostgreSQL
    (asyncpg) and SQLite alike; None for any other integrity error (foreign key, not null,
    check) or a key the models do not declare."""
    cause = getattr(exc.orig, "__cause__", None)  # asyncpg's own error behind the adapter
    if cause is not None and getattr(cause, "sqlstate", None) is not None:
        # PostgreSQL names the constraint; it hides the key's columns where RLS applies.
        if cause.sqlstate != "23505":
            return None
        return _declared_unique_keys().get(getattr(cause, "constraint_name", None) or "")
    found = _SQLITE_UNIQUE.search(str(exc.orig))
    if found is None:
        return None
    qualified = [name.strip().split(".", 1) for name in found.group(1).split(",")]
    tables = {parts[0] for parts in qualified if len(parts) == 2}
    if len(tables) != 1:
        return None
    return tables.pop(), frozenset(parts[1] for parts in qualified)


@cache
def _declared_unique_keys() -> dict[str, tuple[str, frozenset[str]]]:
    """Unique constraints and unique indexes of the models, by name."""
    from involinks.core.base import Base

    keys: dict[str, tuple[str, frozenset[str]]] = {}
    for table in Base.metadata.tables.values():
        uniques: list[sa.UniqueConstraint | sa.Index] = [
            c for c in table.constraints if isinstance(c, sa.UniqueConstraint)
        ]
        uniques += [index for index in table.indexes if index.unique]
        for unique in uniques:
            if isinstance(unique.name, str):
                keys[unique.name] = (table.name, frozenset(c.name for c in unique.columns))
    return keys
