"""Runs whose process stopped mid-way: recognised by their silence, marked FAILED.

A background run (``service.run_job``) commits as it goes, and every commit moves the row's
``updated_at`` (TimestampMixin's ``onupdate``, stamped by the application on SQLite and PostgreSQL
alike): the first pass commits its progress every few hundred rows, the second pass commits when
it starts and when it ends. When the process stops mid-way (a restart, a crash, a deploy, a worker
killed hard) the row stays QUEUED / VALIDATING / IMPORTING, and an identical upload would be
answered with it for good.

Only silence tells a dead run from one alive in another process (several API processes and
workers may run imports on PostgreSQL), so the rule is: an active run whose ``updated_at`` is older
than ``settings.import_stale_after_minutes`` (default 30) was interrupted. It must exceed the
longest a healthy run can stay silent where a sweep can see it:

- the first pass commits every ``progress_every`` rows, well under a second apart;
- the second pass writes the whole file in ONE transaction, committed only at its end, which can
  be long (the largest file allowed, 100,000 customers, took about 9 minutes on SQLite and an
  estimated 24 on PostgreSQL on a development machine). On PostgreSQL the run is stamped every
  minute meanwhile from another session (``service._heartbeat``). SQLite needs no stamp: the pass
  holds the database's write lock (BEGIN IMMEDIATE) until it commits, so no sweep can run meanwhile;
- a QUEUED run waits for a worker: in-process it starts at once; with Celery it waits as long as
  the queue is busy (raise the setting where imports may wait longer than that).

Should the rule ever fire on a live run anyway, the run finds out before its next commit
(``service._hold`` reads its row, locked, first) and stops without writing anything, so what the
sweep told the user stays true.

An interrupted run wrote nothing: the first pass writes no records, and the second writes them
all in the transaction that also records the run's end, which a stopped process never committed.

Each run is swept by a conditional ``UPDATE ... WHERE status IN (active) AND updated_at <
cutoff``: idempotent, and safe in several processes at once (each run is swept, and audited, by
exactly one of them), in the order of locks a live run takes (no deadlock with it). It runs at
start-up and every few minutes in each API process (``sweeping``, from the app's lifespan), before
an identical upload is answered with an active run (``service.start_import``), and on demand
(``involinks sweep-imports``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.imports.events import record_finished
from involinks.imports.models import ACTIVE_STATUSES, ImportJob, ImportStatus

log = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = (
    "The import was interrupted (the server stopped or restarted) before it finished; nothing "
    "was imported. Upload the file again."
)
#: How often each API process sweeps while it runs (a stale run is failed at most this long
#: after it became stale).
SWEEP_EVERY_SECONDS = 300.0

SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def stale_before(settings: Settings, now: datetime | None = None) -> datetime:
    """Active runs last updated before this moment are taken for interrupted."""
    return (now or utcnow()) - timedelta(minutes=settings.import_stale_after_minutes)


def is_stale(job: ImportJob, settings: Settings, now: datetime | None = None) -> bool:
    return job.status in ACTIVE_STATUSES and job.updated_at < stale_before(settings, now)


def _stale(settings: Settings, now: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        ImportJob.status.in_(ACTIVE_STATUSES),
        ImportJob.updated_at < stale_before(settings, now),
    ]


async def _candidates(
    session: AsyncSession, settings: Settings, now: datetime, import_id: uuid.UUID | None
) -> list[sa.Row[uuid.UUID, uuid.UUID, bool]]:
    query = sa.select(ImportJob.id, ImportJob.company_id, ImportJob.dry_run).where(
        *_stale(settings, now)
    )
    if import_id is not None:
        query = query.where(ImportJob.id == import_id)
    return list((await session.execute(query.order_by(ImportJob.updated_at))).all())


async def _lock_audit_chain(session: AsyncSession, company_id: uuid.UUID) -> None:
    """Take the company's audit chain head (audit.record reuses it) BEFORE the run's row.

    A run takes its company's head when its write pass ends (its events are chained then,
    audit.deferred) and keeps it to its commit, and locks its own row only after that
    (service._hold, which takes the head first too): locks taken in the same order never
    deadlock. A sweep that waits here holds nothing the run needs."""
    own = (
        tenancy.current_scope(session) is tenancy.Scope.COMPANY
        and tenancy.current_company_id(session) == company_id
    )
    with contextlib.nullcontext() if own else tenancy.system_scope(session):
        await audit.chain_head(session, audit.chain_key_for(company_id), company_id)


async def _mark(
    session: AsyncSession,
    run: sa.Row[uuid.UUID, uuid.UUID, bool],
    settings: Settings,
    now: datetime,
) -> bool:
    if not run.dry_run:  # as service._audit_finish: dry runs leave no audit event
        await _lock_audit_chain(session, run.company_id)
    # The conditions again, checked by the database on the row itself (PostgreSQL re-reads a
    # row another transaction changed meanwhile): of several sweeps at once only one marks
    # and audits a run, and a run that committed in between is left alone.
    marked = (
        await session.execute(
            sa.update(ImportJob)
            .where(ImportJob.id == run.id, *_stale(settings, now))
            .values(
                status=ImportStatus.FAILED,
                message=INTERRUPTED_MESSAGE,
                finished_at=now,
                updated_at=now,
            )
            .returning(ImportJob.kind, ImportJob.error_count)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if marked is None:
        return False
    log.warning(
        "import interrupted: marked failed",
        extra={"import_id": str(run.id), "company_id": str(run.company_id)},
    )
    if not run.dry_run:
        await record_finished(
            session,
            import_id=run.id,
            company_id=run.company_id,
            kind=marked.kind,
            status=ImportStatus.FAILED,
            created=0,
            updated=0,
            errors=marked.error_count,
            actor=None,
            interrupted=True,
        )
    return True


async def sweep_interrupted(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime | None = None,
    import_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Mark FAILED every stale active run the session's tenancy scope reaches (system scope:
    all companies; company scope: that company's), or only run ``import_id``; returns the ids of
    the runs it marked. In the caller's transaction (flushed, not committed)."""
    now = now or utcnow()
    return [
        run.id
        for run in await _candidates(session, settings, now, import_id)
        if await _mark(session, run, settings, now)
    ]


#: Waiting for a lock longer than this (PostgreSQL), a background sweep leaves the run to the
#: next one: the audit chain head of a company is held by its import in a write pass until that
#: commits, minutes maybe, and a sweep must not hold up start-up or the other runs meanwhile.
LOCK_TIMEOUT = "5s"
_GAVE_UP_WAITING = frozenset({"55P03", "40P01"})  # lock_not_available, deadlock_detected


async def sweep_all(
    sessions: SessionFactory, settings: Settings, *, now: datetime | None = None
) -> list[uuid.UUID]:
    """Sweep every company's runs, each in a short transaction of its own, committed."""
    now = now or utcnow()
    swept: list[uuid.UUID] = []
    async with sessions() as session:
        with tenancy.system_scope(session):
            runs = await _candidates(session, settings, now, None)
            await session.rollback()
            for run in runs:
                try:
                    if session.get_bind().dialect.name == "postgresql":
                        await session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
                    if await _mark(session, run, settings, now):
                        swept.append(run.id)
                    await session.commit()
                except DBAPIError as exc:
                    await session.rollback()
                    if getattr(exc.orig, "sqlstate", None) not in _GAVE_UP_WAITING:
                        raise
                    log.info("import sweep: run busy, left to the next sweep", exc_info=True)
    return swept


async def _sweep_logged(sessions: SessionFactory, settings: Settings) -> None:
    # A sweep that fails (database unreachable for a moment) must not stop the server: the
    # next one tries again.
    try:
        await sweep_all(sessions, settings)
    except Exception:
        log.exception("sweeping interrupted imports failed")


async def _keep_sweeping(sessions: SessionFactory, settings: Settings, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        await _sweep_logged(sessions, settings)


@contextlib.asynccontextmanager
async def sweeping(
    sessions: SessionFactory, settings: Settings, *, every: float = SWEEP_EVERY_SECONDS
) -> AsyncIterator[None]:
    """Sweep once now (start-up), then every ``every`` seconds until the context ends.

    The periodic sweeps matter as much as the first: a run interrupted by the restart that
    started this process committed moments ago, so it becomes stale only later."""
    await _sweep_logged(sessions, settings)
    loop = asyncio.create_task(_keep_sweeping(sessions, settings, every))
    try:
        yield
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
