"""Test harness.

The database-backed tests run against SQLite by default and against PostgreSQL when
INVOLINKS_TEST_DB=postgres (Makefile runs both). The schema is built with the real migrations, once
per session; each test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from involinks.app import create_app
from involinks.config import Settings
from involinks.core.db import create_engine, get_session
from involinks.core.migrate import upgrade
from involinks.jobs import queue as job_queue

# The S3-compatible test server (moto) and its fixtures: s3_server, s3_store.
pytest_plugins = ["tests.s3server"]

DB_FIXTURES = {"database_url", "engine", "db_session", "app", "client", "settings"}
BACKEND = os.environ.get("INVOLINKS_TEST_DB", "sqlite")
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def pytest_report_header(config: pytest.Config) -> str:
    return f"involinks database backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if BACKEND != "postgres" and item.get_closest_marker("postgres_only"):
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (INVOLINKS_TEST_DB=postgres)")
            )


def postgres_server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url).set(drivername="postgresql")
    conn = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture
def audit_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """No audit events written: for tests on committed data, which clean up after themselves,
    while audit rows are append-only and would outlive the clean-up (and the company they
    name). The events themselves are tested on rolled-back data."""
    from involinks.audit import service as audit_service
    from involinks.invoicing import service as invoicing_service

    async def no_audit(*_args: object, **_kwargs: object) -> None:
        return None

    monkeypatch.setattr(invoicing_service, "_audit_recorder", lambda: None)
    monkeypatch.setattr(audit_service, "record", no_audit)


@pytest.fixture(autouse=True)
def dispatched_jobs() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Jobs are recorded, not run: a job would open its own connection to the configured database,
    which cannot see the rows of a test's uncommitted transaction. Tests that exercise a job run it
    explicitly (or install their own dispatcher)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    job_queue.set_dispatcher(lambda name, kwargs: sent.append((name, kwargs)))
    yield sent
    job_queue.set_dispatcher(None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgres":
        server = postgres_server_url()
        if not _pg_reachable(server):
            pytest.fail(
                f"PostgreSQL is not reachable at {make_url(server).host}:{make_url(server).port}"
            )
        name = f"involinks_test_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        secret_key=SecretStr("test-secret-key-with-enough-entropy-0123456789"),
        bcrypt_rounds=4,  # cost 12 in production; 4 keeps the suite fast
        web_dist_dir=Path(data_dir) / "web",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        if transaction.is_active:
            await transaction.rollback()


@pytest.fixture
async def db_session(db_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session whose commits become savepoints inside the test's transaction."""
    session = AsyncSession(
        bind=db_connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    yield session
    await session.close()


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine, db_connection: AsyncConnection) -> FastAPI:
    application = create_app(settings, check_migrations=False)
    await application.state.engine.dispose()
    application.state.engine = engine

    async def _test_session() -> AsyncIterator[AsyncSession]:
        # A fresh session per request (as in production), bound to the test transaction.
        session = AsyncSession(
            bind=db_connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        async with job_queue.collecting() as jobs:
            try:
                yield session
            except Exception:
                await session.rollback()
                jobs.discard()
                raise
            else:
                await session.commit()
            finally:
                await session.close()
            await jobs.send()

    application.dependency_overrides[get_session] = _test_session
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def anyio_backend() -> Any:
    return "asyncio"
