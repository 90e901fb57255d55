"""Runs a stopped process left unfinished are marked FAILED once stale (imports.sweep), and no
longer block an identical upload; runs alive elsewhere, and finished ones, are left alone."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from involinks.audit.models import AuditEvent
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.imports import service, sweep
from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.models import ImportJob, ImportStatus
from involinks.storage import store_for
from tests.imports.conftest import (
    ROWS,
    URL,
    Tenant,
    body,
    count_customers,
    customers_file,
    make_tenant,
    upload,
)
from tests.imports.test_background import sessions_on

ACTIVE = [ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING]
FINISHED = [ImportStatus.SUCCEEDED, ImportStatus.PARTIAL, ImportStatus.FAILED]


def stale_now(settings: Settings) -> datetime:
    """A moment at which a run last updated now is just stale."""
    return utcnow() + timedelta(minutes=settings.import_stale_after_minutes, seconds=1)


async def add_run(
    session: AsyncSession,
    tenant: Tenant,
    status: ImportStatus,
    *,
    dry_run: bool = False,
    message: str | None = None,
    finished_at: datetime | None = None,
    sha256: str | None = None,
) -> ImportJob:
    tenancy.bind_company(session, tenant.company.id)
    job = ImportJob(
        kind=ImportKind.CUSTOMERS,
        status=status,
        dry_run=dry_run,
        file_format=FileFormat.CSV,
        file_size=10,
        file_sha256=sha256 or uuid.uuid4().hex * 2,
        rows_total=1000,
        rows_done=250 if status is not ImportStatus.QUEUED else 0,
        errors=[],
        results=[],
        message=message,
        created_by_id=tenant.admin.id,
        finished_at=finished_at,
    )
    session.add(job)
    await session.commit()
    return job


async def state(session: AsyncSession, import_id: uuid.UUID | str) -> ImportJob:
    with tenancy.system_scope(session):
        job = (
            await session.execute(
                sa.select(ImportJob)
                .where(ImportJob.id == uuid.UUID(str(import_id)))
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
    await session.commit()  # no savepoint left open under a job's session
    return job


async def sweep_as_system(
    session: AsyncSession, settings: Settings, now: datetime
) -> list[uuid.UUID]:
    with tenancy.system_scope(session):
        swept = await sweep.sweep_interrupted(session, settings=settings, now=now)
        await session.commit()
    return swept


async def interrupted_events(session: AsyncSession, import_id: uuid.UUID) -> list[AuditEvent]:
    with tenancy.system_scope(session):
        events = await session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.action == "import.finished", AuditEvent.subject_id == str(import_id)
            )
        )
    return list(events.scalars())


# --- the sweep itself ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ACTIVE, ids=lambda s: s.value)
async def test_a_stale_active_run_is_marked_failed_and_audited(
    db_session: AsyncSession, tenant: Tenant, settings: Settings, status: ImportStatus
) -> None:
    job = await add_run(db_session, tenant, status)
    now = stale_now(settings)

    assert await sweep_as_system(db_session, settings, now) == [job.id]

    swept = await state(db_session, job.id)
    assert swept.status is ImportStatus.FAILED
    assert swept.message == sweep.INTERRUPTED_MESSAGE
    assert "nothing was imported" in swept.message
    assert "Upload the file again" in swept.message
    assert swept.finished_at == now
    assert not swept.committed
    (event,) = await interrupted_events(db_session, job.id)
    assert event.company_id == tenant.company.id
    assert event.actor_id is None
    assert event.details == {
        "kind": "customers",
        "status": "failed",
        "created": 0,
        "updated": 0,
        "errors": 0,
        "interrupted": True,
    }


@pytest.mark.parametrize("status", ACTIVE, ids=lambda s: s.value)
async def test_a_run_that_committed_recently_is_left_alone(
    db_session: AsyncSession, tenant: Tenant, settings: Settings, status: ImportStatus
) -> None:
    job = await add_run(db_session, tenant, status)
    before = (await state(db_session, job.id)).updated_at
    not_yet = utcnow() + timedelta(minutes=settings.import_stale_after_minutes - 1)

    assert await sweep_as_system(db_session, settings, not_yet) == []

    left = await state(db_session, job.id)
    assert (left.status, left.message, left.finished_at) == (status, None, None)
    assert left.updated_at == before
    assert await interrupted_events(db_session, job.id) == []


@pytest.mark.parametrize("status", FINISHED, ids=lambda s: s.value)
async def test_finished_runs_are_never_touched(
    db_session: AsyncSession, tenant: Tenant, settings: Settings, status: ImportStatus
) -> None:
    finished_at = utcnow()
    job = await add_run(db_session, tenant, status, message="Imported.", finished_at=finished_at)
    before = (await state(db_session, job.id)).updated_at

    assert await sweep_as_system(db_session, settings, utcnow() + timedelta(days=365)) == []

    left = await state(db_session, job.id)
    assert (left.status, left.message, left.finished_at) == (status, "Imported.", finished_at)
    assert left.updated_at == before


async def test_sweeping_again_changes_nothing(
    db_session: AsyncSession, tenant: Tenant, settings: Settings
) -> None:
    job = await add_run(db_session, tenant, ImportStatus.IMPORTING)
    now = stale_now(settings)
    assert await sweep_as_system(db_session, settings, now) == [job.id]
    assert await sweep_as_system(db_session, settings, now + timedelta(hours=1)) == []
    assert (await state(db_session, job.id)).finished_at == now
    assert len(await interrupted_events(db_session, job.id)) == 1


async def test_a_dry_run_is_swept_without_an_audit_event(
    db_session: AsyncSession, tenant: Tenant, settings: Settings
) -> None:
    job = await add_run(db_session, tenant, ImportStatus.VALIDATING, dry_run=True)
    assert await sweep_as_system(db_session, settings, stale_now(settings)) == [job.id]
    assert (await state(db_session, job.id)).status is ImportStatus.FAILED
    assert await interrupted_events(db_session, job.id) == []


async def test_a_company_bound_sweep_reaches_only_that_company(
    db_session: AsyncSession, tenant: Tenant, settings: Settings
) -> None:
    other = await make_tenant(db_session, settings)
    mine = await add_run(db_session, tenant, ImportStatus.IMPORTING)
    theirs = await add_run(db_session, other, ImportStatus.IMPORTING)
    tenancy.bind_company(db_session, tenant.company.id)

    swept = await sweep.sweep_interrupted(db_session, settings=settings, now=stale_now(settings))
    await db_session.commit()

    assert swept == [mine.id]
    assert (await state(db_session, theirs.id)).status is ImportStatus.IMPORTING
    assert len(await interrupted_events(db_session, mine.id)) == 1


async def test_updated_at_moves_with_every_commit_of_a_run(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
) -> None:
    """The rule's premise, on both databases: each commit of a run stamps updated_at."""
    data = customers_file()
    queued = body(await upload(client, tenant, "customers", data), 202)
    stamps = [(await state(db_session, queued["id"])).updated_at]

    async def seen(_job: ImportJob) -> None:
        stamps.append((await state(db_session, queued["id"])).updated_at)

    await service.run_job(
        sessions_on(db_connection),
        uuid.UUID(queued["id"]),
        settings=small_files,
        store=store_for(small_files),
        progress_every=2,
        on_progress=seen,
    )

    # validating, 6 progress commits, importing, succeeded
    assert len(stamps) == 1 + 1 + ROWS // 2 + 2
    assert all(earlier < later for earlier, later in itertools.pairwise(stamps))
    assert (await state(db_session, queued["id"])).status is ImportStatus.SUCCEEDED


# --- a live run the sweep took for interrupted -----------------------------------------------


@pytest.mark.parametrize("stage", [ImportStatus.VALIDATING, ImportStatus.IMPORTING])
async def test_a_live_run_swept_meanwhile_stops_without_writing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
    stage: ImportStatus,
) -> None:
    data = customers_file()
    queued = body(await upload(client, tenant, "customers", data), 202)
    progress: list[ImportStatus] = []

    async def sweep_it_once(job: ImportJob) -> None:
        progress.append(job.status)
        if job.status is stage and progress.count(stage) == 1:
            # Taken for interrupted (e.g. a threshold set too low) while still running.
            assert await sweep_as_system(db_session, small_files, stale_now(small_files))

    await service.run_job(
        sessions_on(db_connection),
        uuid.UUID(queued["id"]),
        settings=small_files,
        store=store_for(small_files),
        progress_every=5,
        on_progress=sweep_it_once,
    )

    assert progress[-1] is stage  # no commit after the sweep
    final = await state(db_session, queued["id"])
    assert (final.status, final.message) == (ImportStatus.FAILED, sweep.INTERRUPTED_MESSAGE)
    assert await count_customers(db_session, tenant) == 0  # so the message holds


async def test_a_write_pass_shows_its_run_alive_on_postgresql(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The write pass commits only at its end, however long it takes: on PostgreSQL its run is
    stamped meanwhile from another session. SQLite needs no such beat (and allows none): the
    pass holds the write lock until it commits, so no sweep runs meanwhile."""
    postgres = db_connection.dialect.name == "postgresql"
    data = customers_file()
    queued = body(await upload(client, tenant, "customers", data), 202)
    plain = sessions_on(db_connection)
    opened: list[str] = []
    beaten = asyncio.Event()

    @asynccontextmanager
    async def sessions() -> AsyncIterator[AsyncSession]:
        opened.append("run" if not opened else "beat")
        if opened.count("beat") > 1:
            raise RuntimeError("one beat is enough here")  # logged; the connection is shared
        async with plain() as session:
            yield session
        if opened[-1] == "beat":
            beaten.set()

    write_pass = service._write_pass
    stamps: dict[str, datetime] = {}

    async def paused_write_pass(session: AsyncSession, job: ImportJob, *args: Any) -> Any:
        stamps["start"] = (await state(db_session, job.id)).updated_at
        if postgres:
            await asyncio.wait_for(beaten.wait(), timeout=10)
        else:
            await asyncio.sleep(0.1)  # ten beats' time: none may come
        during = await state(db_session, job.id)
        assert during.status is ImportStatus.IMPORTING
        stamps["during"] = during.updated_at
        return await write_pass(session, job, *args)

    monkeypatch.setattr(service, "_write_pass", paused_write_pass)
    await service.run_job(
        sessions,
        uuid.UUID(queued["id"]),
        settings=small_files,
        store=store_for(small_files),
        heartbeat_every=0.01,
    )

    assert (await state(db_session, queued["id"])).status is ImportStatus.SUCCEEDED
    if postgres:
        assert stamps["during"] > stamps["start"]
        assert "beat" in opened
    else:
        assert stamps["during"] == stamps["start"]
        assert opened == ["run"]


async def test_a_beat_never_revives_a_swept_run(
    db_connection: AsyncConnection, db_session: AsyncSession, tenant: Tenant, settings: Settings
) -> None:
    job = await add_run(db_session, tenant, ImportStatus.IMPORTING)
    now = stale_now(settings)
    assert await sweep_as_system(db_session, settings, now) == [job.id]
    async with service._heartbeat(db_session, sessions_on(db_connection), job, 0.01):
        await asyncio.sleep(0.05)
    swept = await state(db_session, job.id)
    assert (swept.status, swept.updated_at) == (ImportStatus.FAILED, now)


# --- identical uploads -----------------------------------------------------------------------


async def age(
    session: AsyncSession, import_id: str, status: ImportStatus, settings: Settings
) -> None:
    """As a run looks when its process stopped longer ago than the threshold."""
    with tenancy.system_scope(session):
        await session.execute(
            sa.update(ImportJob)
            .where(ImportJob.id == uuid.UUID(import_id))
            .values(
                status=status,
                updated_at=utcnow()
                - timedelta(minutes=settings.import_stale_after_minutes, seconds=1),
            )
        )
        await session.commit()


@pytest.mark.parametrize("status", ACTIVE, ids=lambda s: s.value)
async def test_an_identical_upload_after_an_interrupted_run_starts_a_new_one(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
    status: ImportStatus,
) -> None:
    data = customers_file()
    first = body(await upload(client, tenant, "customers", data), 202)
    # While the run may be alive, the same file is answered with it.
    assert body(await upload(client, tenant, "customers", data), 200)["id"] == first["id"]

    await age(db_session, first["id"], status, small_files)
    second = body(await upload(client, tenant, "customers", data), 202)

    assert second["id"] != first["id"]
    assert second["status"] == "queued"
    old = body(await client.get(f"{URL}/{first['id']}", headers=tenant.headers), 200)
    assert (old["status"], old["message"]) == ("failed", sweep.INTERRUPTED_MESSAGE)
    assert old["finished_at"] is not None
    assert len(await interrupted_events(db_session, uuid.UUID(first["id"]))) == 1
    assert [kwargs["import_id"] for _name, kwargs in sent_jobs] == [first["id"], second["id"]]

    # The new run imports the file.
    await service.run_job(
        sessions_on(db_connection),
        uuid.UUID(second["id"]),
        settings=small_files,
        store=store_for(small_files),
    )
    assert (await state(db_session, second["id"])).status is ImportStatus.SUCCEEDED
    assert await count_customers(db_session, tenant) == ROWS


async def test_an_identical_upload_after_an_imported_and_an_interrupted_run_gets_the_import(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    small_files: Settings,
    sent_jobs: list[tuple[str, dict[str, Any]]],
) -> None:
    data = customers_file()
    imported = body(await upload(client, tenant, "customers", data), 202)
    await service.run_job(
        sessions_on(db_connection),
        uuid.UUID(imported["id"]),
        settings=small_files,
        store=store_for(small_files),
    )
    # A later run of the same file (two identical uploads at once), left unfinished.
    later = await add_run(
        db_session, tenant, ImportStatus.IMPORTING, sha256=imported["file_sha256"]
    )
    await age(db_session, str(later.id), ImportStatus.IMPORTING, small_files)

    again = body(await upload(client, tenant, "customers", data), 200)

    assert again["id"] == imported["id"]
    assert (await state(db_session, later.id)).status is ImportStatus.FAILED


# --- while the server runs ---------------------------------------------------------------------


async def test_the_server_sweeps_on_starting(
    db_connection: AsyncConnection, db_session: AsyncSession, tenant: Tenant, settings: Settings
) -> None:
    stale = await add_run(db_session, tenant, ImportStatus.VALIDATING)
    fresh = await add_run(db_session, tenant, ImportStatus.IMPORTING)
    await age(db_session, str(stale.id), ImportStatus.VALIDATING, settings)

    async with sweep.sweeping(sessions_on(db_connection), settings, every=3600):
        assert (await state(db_session, stale.id)).status is ImportStatus.FAILED
        assert (await state(db_session, fresh.id)).status is ImportStatus.IMPORTING


async def test_the_server_keeps_sweeping_while_it_runs(
    db_connection: AsyncConnection,
    db_session: AsyncSession,
    tenant: Tenant,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run the restart interrupted committed moments before: stale only later."""
    job = await add_run(db_session, tenant, ImportStatus.IMPORTING)
    clock = {"now": utcnow()}
    monkeypatch.setattr(sweep, "utcnow", lambda: clock["now"])
    later = stale_now(settings)
    swept_at: list[datetime] = []
    plain = sessions_on(db_connection)

    @asynccontextmanager
    async def sessions() -> AsyncIterator[AsyncSession]:
        opened_at = clock["now"]
        async with plain() as session:
            yield session
        swept_at.append(opened_at)

    async def a_sweep_at_the_later_time() -> None:
        while later not in swept_at:
            await asyncio.sleep(0.005)

    # The test stays off the shared connection while sweeps run.
    async with sweep.sweeping(sessions, settings, every=0.01):
        clock["now"] = later
        await asyncio.wait_for(a_sweep_at_the_later_time(), timeout=10)
    assert swept_at[0] < later  # the start-up sweep, when the run was fresh
    assert (await state(db_session, job.id)).status is ImportStatus.FAILED
