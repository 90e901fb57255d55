"""Bulk import runs: receive a file, validate every row, write through the domain services.

A run is all-or-nothing by default: every unit is written inside one savepoint, and if any row has an
error the savepoint is rolled back, so nothing is written. With ``skip_invalid`` each unit gets its
own savepoint: the valid ones stay, the others are reported. A dry run rolls everything back
whatever happens, after the services had their say, so it reports exactly what a real run would.

Small files (up to ``settings.import_background_rows`` data rows) run inside the request (201).
Larger ones become the background job ``imports.run`` (202): a first pass validates and counts,
committing progress (rows done, errors so far) as it goes; a second pass writes everything in one
transaction, committed together with the run's final state.

An identical file (same sha256, same kind, same company) that was already imported, or is being
imported, is answered with that earlier run (200) instead of being imported again. A run whose
process stopped mid-way is marked FAILED first (imports.sweep), so it does not block the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import io
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.customers.models import Customer
from involinks.errors import AppError, NotFound, Unprocessable
from involinks.imports.bulk import InvoiceBatches, bulk_record
from involinks.imports.common import FileFormat, FileProblem, ImportKind, RowError
from involinks.imports.events import record_finished
from involinks.imports.models import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    IMPORTED_STATUSES,
    ImportJob,
    ImportStatus,
)
from involinks.imports.parsers import detect_format, open_table
from involinks.imports.sweep import is_stale, sweep_interrupted
from involinks.imports.templates import TEMPLATES
from involinks.imports.validation import Lookups, Unit, map_header, validate_table
from involinks.imports.writers import Action, Outcome, Writer, row_errors_from
from involinks.invoicing import drafting
from involinks.invoicing.schemas import PaymentMeansIn
from involinks.jobs.queue import enqueue
from involinks.payables.suppliers.models import Supplier
from involinks.storage import ArtifactStore, StorageError

log = logging.getLogger(__name__)

RUN_JOB = "imports.run"
MAX_STORED_ERRORS = 10_000
MAX_STORED_RESULTS = 10_000
PROGRESS_EVERY_ROWS = 250
#: How often a write pass (one long transaction) shows from another session that its run is
#: alive, on PostgreSQL (see :func:`_heartbeat`).
HEARTBEAT_SECONDS = 60.0
_CONTENT_TYPES = {
    FileFormat.CSV: "text/csv",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]
ProgressHook = Callable[[ImportJob], Awaitable[None]]


# --- reading ---------------------------------------------------------------------------------


def _unpacked_limit(settings: Settings) -> int:
    # An .xlsx compresses text about 5-10x; 20x the upload limit is generous but bounded.
    return max(20 * settings.max_upload_bytes, 50 * 1024 * 1024)


def count_rows(data: bytes, kind: ImportKind, settings: Settings) -> tuple[FileFormat, int]:
    """Check the file as a whole (format, encoding, header) and count its data rows.

    Raises :class:`FileProblem` with what to fix. CPU-bound: run it in a thread.
    """
    file_format = detect_format(data[:16])
    spec = TEMPLATES[kind]
    count = 0
    with open_table(
        io.BytesIO(data),
        file_format,
        known_columns=spec.known,
        max_unpacked_bytes=_unpacked_limit(settings),
    ) as table:
        map_header(kind, table.header)
        for row in table.rows():
            if row.is_blank:
                continue
            count += 1
            if count > settings.import_max_rows:
                raise FileProblem(
                    f"The file has more than {settings.import_max_rows} data rows: split it "
                    "into smaller files.",
                    code="too_many_rows",
                )
    if count == 0:
        raise FileProblem("The file has a header but no data rows below it.", code="no_rows")
    return file_format, count


def _units(
    data: bytes, file_format: FileFormat, kind: ImportKind, lookups: Lookups, settings: Settings
) -> Iterator[Unit]:
    with open_table(
        io.BytesIO(data),
        file_format,
        known_columns=TEMPLATES[kind].known,
        max_unpacked_bytes=_unpacked_limit(settings),
    ) as table:
        yield from validate_table(kind, table, lookups)


async def _default_means(session: AsyncSession) -> PaymentMeansIn:
    """The payment means a new draft of the bound company gets (as service.create_draft)."""
    company = await session.get(Company, tenancy.current_company_id(session))
    if company is None:
        raise tenancy.TenancyError("an import needs a company bound to the session")
    return drafting.default_payment_means(company)


async def load_lookups(session: AsyncSession, kind: ImportKind) -> Lookups:
    """The company's customer / supplier TRNs, for the documents that refer to them."""
    if kind is ImportKind.INVOICES:
        rows = await session.execute(
            sa.select(Customer.trn, Customer.id).where(Customer.trn.is_not(None))
        )
        return Lookups(
            customers_by_trn={trn: id_ for trn, id_ in rows if trn},
            payment_means_code=(await _default_means(session)).code,
        )
    if kind is ImportKind.PURCHASE_ORDERS:
        rows = await session.execute(
            sa.select(Supplier.trn, Supplier.id).where(Supplier.trn.is_not(None))
        )
        return Lookups(suppliers_by_trn={trn: id_ for trn, id_ in rows if trn})
    return Lookups()


# --- tallies ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What a pass found and did; copied onto the run when the pass ends (or reports progress)."""

    rows_done: int = 0
    counts: dict[Action, int] = field(default_factory=lambda: dict.fromkeys(Action, 0))
    invalid: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    def refuse(self, errors: list[RowError]) -> None:
        self.invalid += 1
        self.error_count += len(errors)
        room = MAX_STORED_ERRORS - len(self.errors)
        self.errors.extend(error.as_dict() for error in errors[: max(room, 0)])

    def record(self, unit: Unit, outcome: Outcome) -> None:
        self.counts[outcome.action] += 1
        if outcome.action is not Action.CREATED and len(self.results) < MAX_STORED_RESULTS:
            self.results.append(
                {
                    "row": unit.first_row,
                    "key": _display_key(unit.key),
                    "action": outcome.action.value,
                    "message": outcome.message,
                }
            )

    @property
    def written(self) -> int:
        return sum(self.counts.values())

    def progress(self, job: ImportJob) -> None:
        job.rows_done = self.rows_done
        job.error_count = self.error_count
        job.invalid_count = self.invalid
        job.errors = list(self.errors)


def _display_key(key: str) -> str:
    # "trn:100..." -> "100...", "name:acme llc|a@b.ae" -> "acme llc|a@b.ae"; document refs as is.
    return re.sub(r"^(trn|name):", "", key)


# --- one pass --------------------------------------------------------------------------------


async def _write_pass(
    session: AsyncSession, job: ImportJob, data: bytes, user: User, settings: Settings
) -> tuple[Tally, str | None]:
    """Validate and write every unit; returns the tally and a file-level problem, if any.

    Everything happens inside one savepoint that is rolled back for a dry run and for an
    all-or-nothing run with errors. The run row itself is not touched inside it (a rolled-back
    savepoint would expire its attributes). New invoices are written in batches (imports.bulk),
    everything else unit by unit through the services (imports.writers).
    """
    tally = Tally()
    problem: str | None = None
    lookups = await load_lookups(session, job.kind)
    writer = Writer(session, user=user, import_id=job.id)
    batches: InvoiceBatches | None = None
    if job.kind is ImportKind.INVOICES:
        batches = InvoiceBatches(
            session, user=user, import_id=job.id, means=await _default_means(session)
        )
    # The services audit what they write (a customer created, a draft updated): chained at the
    # end of the pass, so the company's audit chain is not locked for all of it (sign-ins and
    # finalizes of the company's users would wait for the import).
    async with audit.deferred(session):
        outer = await session.begin_nested()
        try:
            with _older_objects_frozen():
                await _validate_and_write(
                    session, job, data, settings, lookups, writer, batches, tally
                )
        except FileProblem as exc:
            problem = exc.message
        except BaseException:
            await outer.rollback()
            raise
        keep = not job.dry_run and problem is None and (job.skip_invalid or not tally.error_count)
        if keep:
            await outer.commit()
        else:
            await outer.rollback()
    return tally, problem


async def _validate_and_write(
    session: AsyncSession,
    job: ImportJob,
    data: bytes,
    settings: Settings,
    lookups: Lookups,
    writer: Writer,
    batches: InvoiceBatches | None,
    tally: Tally,
) -> None:
    """The body of a write pass: every unit validated, then written (or refused).

    A full batch of new invoices is written by a task of its own while the next units are
    validated here: PostgreSQL inserts one batch while Python checks the next. Validation never
    touches the session, and nothing else uses it until the batch in flight is done.
    """
    known = TEMPLATES[job.kind].known
    in_flight: asyncio.Task[None] | None = None
    try:
        for unit in _units(data, job.file_format, job.kind, lookups, settings):
            tally.rows_done += len(unit.rows)
            if not unit.ok:
                tally.refuse(unit.errors)
                continue
            # Errors elsewhere do not stop the writes: the services may find more problems,
            # and the report should carry all of them. An all-or-nothing run is rolled back by
            # the caller.
            if batches is not None and bulk_record(unit) is not None:
                batches.add(unit)
                if batches.full:
                    if in_flight is not None:
                        await in_flight
                    in_flight = asyncio.create_task(
                        _write_batch(batches, batches.take(), writer, tally, known)
                    )
                elif in_flight is not None:
                    await asyncio.sleep(0)  # the batch in flight takes its next step
                continue
            if in_flight is not None:
                await in_flight
                in_flight = None
            await _write_unit(session, writer, unit, tally, known)
        if in_flight is not None:
            await in_flight
            in_flight = None
        if batches is not None:
            await _write_batch(batches, batches.take(), writer, tally, known)
    finally:
        # Never leave a write running on the session the caller is about to roll back.
        if in_flight is not None:
            if not in_flight.done():
                await asyncio.wait([in_flight])
            if not in_flight.cancelled():
                in_flight.exception()  # the first error is the one raised


@contextlib.contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Leave the objects that exist before a write pass out of the cyclic garbage collector's
    full collections until it ends (``gc.freeze``).

    A pass keeps a batch of validated documents and their rows alive at a time, tens of
    thousands of objects, so the collector's oldest generation fills up about once per batch and
    each full collection walks every object of the process (the application's modules and
    everything else): a third of the CPU time of a 100,000-line import. Frozen objects are not
    freed while frozen, so garbage cycles made elsewhere in the meantime wait until the pass
    ends. When something else froze objects already (e.g. a server that freezes after start-up),
    this does nothing, and so never unfreezes what it did not freeze.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _write_batch(
    batches: InvoiceBatches,
    units: list[Unit],
    writer: Writer,
    tally: Tally,
    known: frozenset[str],
) -> None:
    for written in await batches.write(units):
        if written.outcome is None:
            await _write_unit(writer.session, writer, written.unit, tally, known)
        else:
            tally.record(written.unit, written.outcome)


async def _write_unit(
    session: AsyncSession, writer: Writer, unit: Unit, tally: Tally, known: frozenset[str]
) -> None:
    """One unit through the services, in its own savepoint (a refusal leaves the others)."""
    try:
        async with session.begin_nested():
            outcome = await writer.write(unit)
    except AppError as exc:
        tally.refuse(row_errors_from(exc, unit, known))
        return
    except IntegrityError:
        tally.refuse(
            [
                RowError(
                    unit.first_row,
                    None,
                    None,
                    "conflicts with a record saved at the same time; upload the file again",
                )
            ]
        )
        return
    tally.record(unit, outcome)


def _finish(job: ImportJob, tally: Tally, problem: str | None) -> None:
    tally.progress(job)
    job.finished_at = utcnow()
    kept = not job.dry_run and problem is None and (job.skip_invalid or not tally.error_count)
    counts = tally.counts if (kept or job.dry_run) and problem is None else dict.fromkeys(Action, 0)
    job.created_count = counts[Action.CREATED]
    job.updated_count = counts[Action.UPDATED]
    job.unchanged_count = counts[Action.UNCHANGED]
    job.skipped_count = counts[Action.SKIPPED]
    job.results = list(tally.results) if (kept or job.dry_run) and problem is None else []
    noun = job.kind.value.replace("_", " ")
    if problem is not None:
        job.status = ImportStatus.FAILED
        job.message = f"{problem} Nothing was imported."
        return
    if not tally.error_count:
        job.status = ImportStatus.SUCCEEDED
    elif job.skip_invalid and tally.written:
        job.status = ImportStatus.PARTIAL
    else:
        job.status = ImportStatus.FAILED
    summary = (
        f"{sum(counts.values())} {noun}: {counts[Action.CREATED]} created, "
        f"{counts[Action.UPDATED]} updated, {counts[Action.UNCHANGED]} unchanged, "
        f"{counts[Action.SKIPPED]} skipped"
    )
    if job.dry_run:
        job.message = f"Dry run, nothing was written. It would give {summary}." + (
            f" {tally.error_count} errors in {tally.invalid} {noun} must be fixed."
            if tally.error_count
            else ""
        )
    elif not tally.error_count:
        job.message = f"Imported {summary}."
    elif job.skip_invalid:
        job.message = (
            f"Imported {summary}; {tally.invalid} {noun} with {tally.error_count} errors were "
            "left out (see the error report)."
        )
    else:
        job.message = (
            f"{tally.error_count} errors in {tally.invalid} {noun}: nothing was imported "
            "(all or nothing). Fix them and upload the file again, or import with skip_invalid."
        )


async def _audit_finish(session: AsyncSession, job: ImportJob, user: User) -> None:
    if job.dry_run:
        return
    await record_finished(
        session,
        import_id=job.id,
        company_id=job.company_id,
        kind=job.kind,
        status=job.status,
        created=job.created_count,
        updated=job.updated_count,
        errors=job.error_count,
        actor=user,
    )


# --- requests --------------------------------------------------------------------------------


def _file_name(name: str | None) -> str | None:
    if not name:
        return None
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or None


async def find_imported(session: AsyncSession, kind: ImportKind, sha256: str) -> ImportJob | None:
    """The run that already imported (or is importing) this exact file, if any."""
    query = (
        sa.select(ImportJob)
        .where(
            ImportJob.kind == kind,
            ImportJob.file_sha256 == sha256,
            ImportJob.dry_run.is_(False),
            ImportJob.status.in_(IMPORTED_STATUSES),
        )
        .order_by(ImportJob.created_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


@dataclass(frozen=True, slots=True)
class Started:
    job: ImportJob
    status_code: int  # 200 earlier run, 201 done now, 202 queued


async def start_import(
    session: AsyncSession,
    *,
    user: User,
    settings: Settings,
    store: ArtifactStore,
    data: bytes,
    filename: str | None,
    kind: ImportKind,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> Started:
    company_id = tenancy.current_company_id(session)
    if company_id is None:
        raise tenancy.TenancyError("an import needs a company bound to the session")
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = await find_imported(session, kind, sha256)
    if earlier is not None and is_stale(earlier, settings):
        # Its process stopped mid-way: fail it, then look again (an earlier finished run of the
        # file may still answer). The sweep checks the row again, so a run that moved on since
        # it was read is left alone.
        await sweep_interrupted(session, settings=settings, import_id=earlier.id)
        await session.refresh(earlier)
        if earlier.status not in IMPORTED_STATUSES:
            earlier = await find_imported(session, kind, sha256)
    if earlier is not None:
        return Started(earlier, 200)
    try:
        file_format, rows_total = await asyncio.to_thread(count_rows, data, kind, settings)
    except FileProblem as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc
    stored = await store.put(
        f"imports/{company_id}", data, content_type=_CONTENT_TYPES[file_format]
    )
    job = ImportJob(
        id=uuid.uuid4(),
        kind=kind,
        status=ImportStatus.QUEUED,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        file_name=_file_name(filename),
        file_format=file_format,
        file_size=len(data),
        file_sha256=sha256,
        storage_key=stored.key,
        rows_total=rows_total,
        rows_done=0,
        errors=[],
        results=[],
        created_by_id=user.id,
    )
    session.add(job)
    await session.flush()
    if rows_total > settings.import_background_rows:
        job.message = f"Queued: {rows_total} rows are imported in the background."
        await session.flush()
        enqueue(RUN_JOB, import_id=str(job.id))
        return Started(job, 202)
    job.status = ImportStatus.IMPORTING
    job.started_at = utcnow()
    tally, problem = await _write_pass(session, job, data, user, settings)
    _finish(job, tally, problem)
    await session.flush()
    await _audit_finish(session, job, user)
    return Started(job, 201)


async def get_import(session: AsyncSession, import_id: uuid.UUID) -> ImportJob:
    job = await session.get(ImportJob, import_id)
    if job is None:
        raise NotFound("Import not found.", code="import_not_found")
    return job


async def list_imports(
    session: AsyncSession,
    *,
    kind: ImportKind | None = None,
    status: ImportStatus | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[ImportJob], int]:
    conditions: list[sa.ColumnElement[bool]] = []
    if kind is not None:
        conditions.append(ImportJob.kind == kind)
    if status is not None:
        conditions.append(ImportJob.status == status)
    total = (
        await session.execute(sa.select(sa.func.count(ImportJob.id)).where(*conditions))
    ).scalar_one()
    rows = await session.execute(
        sa.select(ImportJob)
        .where(*conditions)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows.scalars()), int(total)


# --- background job --------------------------------------------------------------------------


async def run_job(
    sessions: SessionFactory,
    import_id: uuid.UUID,
    *,
    settings: Settings,
    store: ArtifactStore,
    progress_every: int = PROGRESS_EVERY_ROWS,
    on_progress: ProgressHook | None = None,
    heartbeat_every: float = HEARTBEAT_SECONDS,
) -> None:
    """The body of ``imports.run``. Idempotent: a finished run is left alone, an interrupted one
    starts over (its writes were never committed). One the sweep marked FAILED meanwhile (see
    :func:`_hold`) stops without writing anything."""
    async with sessions() as session:
        with tenancy.system_scope(session):
            job = await session.get(ImportJob, import_id)
            if job is None or job.status in FINISHED_STATUSES:
                return
        try:
            await _run(
                session,
                job,
                settings,
                store,
                progress_every,
                on_progress,
                sessions,
                heartbeat_every,
            )
        except _Swept:
            await session.rollback()
            log.warning(
                "import marked interrupted while it ran: stopped, nothing written",
                extra={"import_id": str(import_id)},
            )


class _Swept(Exception):
    """The run was marked FAILED by ``imports.sweep`` while this process was running it."""


async def _hold(session: AsyncSession, job: ImportJob, *, then_audit: bool = False) -> None:
    """Before the run's state is written: check that it is still active, and keep it so.

    Only silence marks a run as interrupted (imports.sweep), so a run that was slow enough is
    swept although alive. Each commit of the run comes after this check: its row is read locked
    (FOR UPDATE on PostgreSQL; SQLite lets one writer at a time anyway), so a sweep either
    finished first and is seen here, or waits for this commit and then finds a row it leaves
    alone. A swept run raises :class:`_Swept` and is rolled back: it never writes after the
    sweep told the user that nothing was imported. Nothing of the run may be flushed before
    this check (the read would see it and not the committed state).

    ``then_audit``: the run records its audit event next, so the company's audit chain head is
    locked first, in the order the sweep takes them (never deadlocking with it)."""
    if then_audit and not job.dry_run:
        await audit.chain_head(session, audit.chain_key_for(job.company_id), job.company_id)
    status = (
        await session.execute(
            sa.select(ImportJob.status).where(ImportJob.id == job.id).with_for_update()
        )
    ).scalar_one_or_none()
    if status not in ACTIVE_STATUSES:
        raise _Swept


async def _run(
    session: AsyncSession,
    job: ImportJob,
    settings: Settings,
    store: ArtifactStore,
    progress_every: int,
    on_progress: ProgressHook | None,
    sessions: SessionFactory,
    heartbeat_every: float,
) -> None:
    with tenancy.system_scope(session):
        user = await session.get(User, job.created_by_id) if job.created_by_id else None
    tenancy.bind_company(session, job.company_id)

    async def progress(*, held: bool = False) -> None:
        if not held:
            await _hold(session, job)
        await session.commit()
        if on_progress is not None:
            await on_progress(job)

    if user is None or not user.is_active:
        _fail(job, "The user who started the import no longer exists or is inactive.")
        await progress()
        return
    started_by = user

    async def close(tally: Tally, problem: str | None) -> None:
        """The run's final state with its audit event, committed together."""
        await _hold(session, job, then_audit=True)  # before the audit event flushes the run
        _finish(job, tally, problem)
        await _audit_finish(session, job, started_by)
        await progress(held=True)

    try:
        if job.storage_key is None:
            raise StorageError("no stored file")
        data = await store.get(job.storage_key, expected_sha256=job.file_sha256)
    except StorageError:
        log.exception("import file unreadable", extra={"import_id": str(job.id)})
        _fail(job, "The uploaded file can no longer be read; upload it again.")
        await progress()
        return

    # Pass 1: validate and count, committing progress as it goes.
    job.status = ImportStatus.VALIDATING
    job.started_at = utcnow()
    job.finished_at = None
    Tally().progress(job)
    await progress()
    tally = Tally()
    lookups = await load_lookups(session, job.kind)
    reported = 0
    try:
        for unit in _units(data, job.file_format, job.kind, lookups, settings):
            tally.rows_done += len(unit.rows)
            if not unit.ok:
                tally.refuse(unit.errors)
            if tally.rows_done - reported >= progress_every:
                reported = tally.rows_done
                tally.progress(job)
                await progress()
    except FileProblem as exc:
        _finish(job, tally, exc.message)
        await progress()
        return
    job.rows_total = tally.rows_done
    if tally.error_count and not job.skip_invalid:
        await close(tally, None)
        return

    # Pass 2: write everything in one transaction, committed with the final state.
    job.status = ImportStatus.IMPORTING
    tally.progress(job)
    await progress()
    async with _heartbeat(session, sessions, job, heartbeat_every):
        final, problem = await _write_pass(session, job, data, user, settings)
    await close(final, problem)


@contextlib.asynccontextmanager
async def _heartbeat(
    session: AsyncSession, sessions: SessionFactory, job: ImportJob, every: float
) -> AsyncIterator[None]:
    """While the write pass runs, stamp the run's ``updated_at`` every ``every`` seconds from a
    session of its own, so that however long the pass takes (it commits only at its end), the
    sweep never takes the run for interrupted.

    PostgreSQL only: the pass's transaction holds no lock that this UPDATE waits for (inserts
    referring to the run take a KEY SHARE lock; this UPDATE changes no key). SQLite needs none
    and allows none: the pass holds the database's write lock (BEGIN IMMEDIATE) until it
    commits, so no sweep can run meanwhile either. Only a run still IMPORTING is stamped: one
    the sweep failed stays failed (and :func:`_hold` stops it).
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    stop = asyncio.Event()

    async def beat() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
                return
            try:
                async with sessions() as other:
                    tenancy.bind_company(other, job.company_id)
                    await other.execute(
                        sa.update(ImportJob)
                        .where(ImportJob.id == job.id, ImportJob.status == ImportStatus.IMPORTING)
                        .values(updated_at=utcnow())
                        .execution_options(synchronize_session=False)
                    )
                    await other.commit()
            except Exception:
                log.warning(
                    "import heartbeat failed", exc_info=True, extra={"import_id": str(job.id)}
                )

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        stop.set()  # a beat under way ends normally: never cancelled half-way on its connection
        await beating


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.message = message
    job.finished_at = utcnow()
