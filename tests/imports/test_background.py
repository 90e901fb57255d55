"""Large files run as the background job "imports.run"; its progress shows in GET /imports/{id}."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from involinks.config import Settings
from involinks.imports import service
from involinks.imports.models import ImportJob
from involinks.jobs.registry import get_task
from involinks.storage import store_for
from tests.imports.conftest import (
    ROWS,
    URL,
    Tenant,
    body,
    count_customers,
    customers_file,
    upload,
)
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row


def sessions_on(
    connection: AsyncConnection,
) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """Job sessions on the test's connection: their commits are savepoints of the test."""

    @asynccontextmanager
    async def factory() -> AsyncIterator[AsyncSession]:
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield session
        finally:
            await session.close()

    return factory


async def run_and_poll(
    client: httpx.AsyncClient,
    tenant: Tenant,
    connection: AsyncConnection,
    settings: Settings,
    import_id: str,
) -> list[dict[str, Any]]:
    snapshots: list[dict[str, Any]] = []

    async def poll(_job: ImportJob) -> None:
        snapshots.append(body(await client.get(f"{URL}/{import_id}", headers=tenant.headers), 200))

    await service.run_job(
        sessions_on(connection),
        uuid.UUID(import_id),
        settings=settings,
        store=store_for(settings),
        progress_every=5,
        on_progress=poll,
    )
    return snapshots


def test_the_job_is_registered() -> None:
    assert get_task("imports.run").name == "imports.run"


async def test_progress_is_visible_while_the_job_runs(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
) -> None:
    data = customers_file()
    queued = body(await upload(client, tenant, "customers", data), 202)
    assert (queued["status"], queued["rows_total"], queued["rows_done"]) == ("queued", ROWS, 0)
    # Sent after the request committed, with the id only.
    assert sent_jobs == [("imports.run", {"import_id": queued["id"]})]
    assert await count_customers(db_session, tenant) == 0

    snapshots = await run_and_poll(client, tenant, db_connection, small_files, queued["id"])

    done = [snapshot["rows_done"] for snapshot in snapshots]
    assert done == sorted(done)
    assert any(s["status"] == "validating" and 0 < s["rows_done"] < ROWS for s in snapshots)
    assert snapshots[-1]["status"] == "succeeded"
    assert (snapshots[-1]["rows_done"], snapshots[-1]["created_count"]) == (ROWS, ROWS)
    assert await count_customers(db_session, tenant) == ROWS

    # Uploading the same file again answers with this run; running the job again changes nothing.
    again = body(await upload(client, tenant, "customers", data), 200)
    assert again["id"] == queued["id"]
    await run_and_poll(client, tenant, db_connection, small_files, queued["id"])
    assert await count_customers(db_session, tenant) == ROWS


async def test_errors_show_while_validating_and_nothing_is_written(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
) -> None:
    rows = [customer_row(n) for n in range(ROWS)]
    rows[0]["trn"] = "42"  # row 2
    rows[9]["email"] = "nobody"  # row 11
    queued = body(await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows)), 202)

    snapshots = await run_and_poll(client, tenant, db_connection, small_files, queued["id"])

    early = next(s for s in snapshots if s["status"] == "validating" and s["rows_done"] >= 5)
    assert [(e["row"], e["column"]) for e in early["errors"]] == [(2, "trn")]
    final = snapshots[-1]
    assert final["status"] == "failed"
    assert [(e["row"], e["column"]) for e in final["errors"]] == [(2, "trn"), (11, "email")]
    assert await count_customers(db_session, tenant) == 0


async def test_skip_invalid_in_the_background(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
) -> None:
    rows = [customer_row(n) for n in range(ROWS)]
    rows[3]["country"] = "Q"
    data = csv_bytes(CUSTOMER_HEADER, rows)
    queued = body(await upload(client, tenant, "customers", data, skip_invalid=True), 202)
    snapshots = await run_and_poll(client, tenant, db_connection, small_files, queued["id"])
    assert (snapshots[-1]["status"], snapshots[-1]["created_count"]) == ("partial", ROWS - 1)
    assert await count_customers(db_session, tenant) == ROWS - 1
