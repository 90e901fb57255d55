"""Writing and checking the audit log.

`record()` is the one way to add an event. It stamps the event with the sha256 of its canonical JSON
content plus the previous event's hash in the same chain (per company; platform events form their
own chain), so `verify_chain()` can show that no row was altered, removed or inserted afterwards.

Appending locks the chain's head row until the transaction ends. A long unit of work that records
many events (an import's write pass) runs inside `deferred()`, so the head is locked only for the
moment its events are chained, at its end, not from its first event to its commit.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from involinks.audit.models import PLATFORM_CHAIN, AuditChainHead, AuditEvent
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.logging import mask_text

if TYPE_CHECKING:
    from fastapi import Request

    from involinks.auth.models import User

GENESIS_HASH = "0" * 64
HASH_VERSION = 1
_SECRET_KEY = re.compile(r"password|secret|token|api[_-]?key|authorization|otp|mfa_code", re.I)


def chain_key_for(company_id: uuid.UUID | None) -> str:
    return str(company_id) if company_id else PLATFORM_CHAIN


def _redact(value: Any, key: str = "") -> Any:
    """Secrets never enter the audit log, whatever a caller passes in `details`."""
    if key and _SECRET_KEY.search(key):
        return "[redacted]"
    if isinstance(value, dict):
        return {str(k): _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v, key) for v in value]
    return value


def _normalise_details(details: dict[str, Any] | None) -> dict[str, Any]:
    # A JSON round trip fixes the stored form (UUIDs, Decimals, dates become strings) so the hash
    # computed now equals the hash recomputed from the database later.
    raw = json.dumps(_redact(details or {}), default=str, sort_keys=True)
    normalised: dict[str, Any] = json.loads(raw)
    return normalised


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "v": HASH_VERSION,
        "id": str(event.id),
        "company_id": str(event.company_id) if event.company_id else None,
        "chain_key": event.chain_key,
        "seq": event.seq,
        "occurred_at": _iso(event.occurred_at),
        "action": event.action,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_email": event.actor_email,
        "actor_role": event.actor_role,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "details": event.details or {},
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# The head of each chain this transaction appended to, locked until the transaction ends: a
# second event in the same transaction (finalize writes two) moves it on without reading it
# again. Forgotten whenever a savepoint or the transaction ends, so a rolled-back savepoint can
# never leave a stale head behind.
_HEADS = "audit.chain_heads"


def _remembered_head(session: AsyncSession, chain_key: str) -> AuditChainHead | None:
    heads: dict[str, tuple[Any, AuditChainHead]] = session.sync_session.info.get(_HEADS, {})
    entry = heads.get(chain_key)
    if entry is None or entry[0] is not session.sync_session.get_transaction():
        return None
    return entry[1]


def _remember_head(session: AsyncSession, head: AuditChainHead) -> None:
    heads = session.sync_session.info.setdefault(_HEADS, {})
    heads[head.chain_key] = (session.sync_session.get_transaction(), head)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_heads(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested or transaction.parent is None:  # not a flush's subtransaction
        session.info.pop(_HEADS, None)


def _head_query(chain_key: str) -> sa.Select[AuditChainHead]:
    # FOR UPDATE: a second writer of the chain waits here until the first commits, then reads
    # the head it left (SQLite serializes writers with BEGIN IMMEDIATE anyway).
    return (
        sa.select(AuditChainHead)
        .where(AuditChainHead.chain_key == chain_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def chain_head(
    session: AsyncSession, chain_key: str, company_id: uuid.UUID | None
) -> AuditChainHead:
    """The chain's head row, locked for this transaction; created on the chain's first use."""
    remembered = _remembered_head(session, chain_key)
    if remembered is not None:
        return remembered
    head = (await session.execute(_head_query(chain_key))).scalar_one_or_none()
    if head is None:
        await _create_head(session, chain_key, company_id)
        head = (await session.execute(_head_query(chain_key))).scalar_one()
    _remember_head(session, head)
    return head


async def _create_head(session: AsyncSession, chain_key: str, company_id: uuid.UUID | None) -> None:
    """Start the head at the chain's last event: none for a new chain, but events restored from
    a backup taken before heads existed continue where they stopped. A concurrent first writer
    may create it first (ON CONFLICT DO NOTHING), then both read the same row, locked."""
    last = (
        await session.execute(
            sa.select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.chain_key == chain_key)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
    ).first()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(AuditChainHead)
        .values(
            chain_key=chain_key,
            company_id=company_id,
            last_seq=last.seq if last else 0,
            last_hash=last.hash if last else GENESIS_HASH,
        )
        .on_conflict_do_nothing(index_elements=["chain_key"])
    )


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor: User | None,
    company_id: uuid.UUID | None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
    user_agent: str | None = None,
    flush: bool = True,
) -> AuditEvent:
    """Append one event in the caller's transaction (flushed, not committed).

    `company_id=None` in a company-bound session means "this company"; outside one it makes a
    platform event. Writing an event for another company than the bound one is refused.
    `flush=False` (a company's own chain only) leaves the event to the caller's next flush, so
    a unit of work writing several rows and events sends them together. Inside `deferred()`, an
    event of the bound company's own chain is chained and written when that block ends.
    """
    scope = tenancy.current_scope(session)
    bound = tenancy.current_company_id(session)
    if scope is tenancy.Scope.COMPANY:
        if company_id is None:
            company_id = bound
        elif company_id != bound:
            raise tenancy.TenancyError("audit event for another company than the bound one")
    chain_key = chain_key_for(company_id)
    # A company writing its own chain needs no lifted scope (its tenant scope, and RLS, allow
    # reading and appending its own events): the event is flushed with the caller's rows.
    # Otherwise the caller's own pending rows are flushed under the caller's scope (and its
    # checks) first, and only the audit row itself is written with the scope lifted, since
    # sign-in and platform actions run before or outside any company binding.
    own_chain = scope is tenancy.Scope.COMPANY and company_id == bound
    if not own_chain:
        if not flush:
            raise ValueError("only an event of the bound company's own chain can wait to flush")
        await session.flush()
    columns: dict[str, Any] = {
        "company_id": company_id,
        "chain_key": chain_key,
        "occurred_at": utcnow(),
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id) if subject_id is not None else None,
        "ip": ip[:45] if ip else None,
        "user_agent": user_agent[:300] if user_agent else None,
        "details": _normalise_details(details),
    }
    deferring = _deferred_events(session) if own_chain else None
    if deferring is not None:
        return await deferring.add(session, actor=actor, **columns)
    with nullcontext() if own_chain else tenancy.system_scope(session):
        event = AuditEvent(id=uuid.uuid4(), **_actor_columns(actor), **columns)
        _link(await chain_head(session, chain_key, company_id), event)
        session.add(event)
        if flush:
            await session.flush()
    return event


def _actor_columns(actor: User | None) -> dict[str, Any]:
    return {
        "actor_id": actor.id if actor else None,
        "actor_email": mask_text(actor.email) if actor else None,
        "actor_role": actor.role.value if actor else None,
    }


def _link(head: AuditChainHead, event: AuditEvent) -> None:
    """Append ``event`` to the chain whose (locked) head is ``head``."""
    event.seq = head.last_seq + 1
    event.prev_hash = head.last_hash
    event.hash = compute_hash(event)
    head.last_seq, head.last_hash = event.seq, event.hash


# --- deferred appending ---------------------------------------------------------------------------

_DEFERRED = "audit.deferred"
#: Deferred events are written this many at a time when the block ends.
_WRITE_CHUNK = 1000


class _DeferredEvents:
    """The events a ``deferred()`` block recorded, kept small: an import of 100,000 customers
    records as many, so each is a tuple of its column values (a few hundred bytes), with the
    values many events share (company, chain, actor) stored once, not an ORM object (2 KB)."""

    __slots__ = ("_shared", "recorded")

    _FIELDS: tuple[str, ...] = (
        *("company_id", "chain_key", "actor", "occurred_at", "action"),
        *("subject_type", "subject_id", "ip", "user_agent", "details"),
    )

    def __init__(self) -> None:
        #: (transaction it was recorded in, values in _FIELDS order) per event, in order.
        self.recorded: list[tuple[SessionTransaction, tuple[Any, ...]]] = []
        self._shared: dict[Any, Any] = {}

    def _share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    async def add(self, session: AsyncSession, *, actor: User | None, **columns: Any) -> AuditEvent:
        columns["company_id"] = self._share(columns["company_id"])
        columns["chain_key"] = self._share(columns["chain_key"])
        columns["actor"] = self._share(tuple(_actor_columns(actor).items()))
        values = tuple(columns[name] for name in self._FIELDS)
        self.recorded.append((await _innermost_transaction(session), values))
        # What the caller gets is the event as recorded; the row is built from the same values
        # when the block ends, its place in the chain (seq, hashes) known only then.
        return self.event(values)

    @classmethod
    def event(cls, values: tuple[Any, ...]) -> AuditEvent:
        columns = dict(zip(cls._FIELDS, values, strict=True))
        return AuditEvent(**dict(columns.pop("actor")), **columns)

    def drop_within(self, rolled_back: SessionTransaction) -> None:
        self.recorded[:] = [
            (recorded_in, values)
            for recorded_in, values in self.recorded
            if not _inside(recorded_in, rolled_back)
        ]


def _deferred_events(session: AsyncSession) -> _DeferredEvents | None:
    pending: _DeferredEvents | None = session.sync_session.info.get(_DEFERRED)
    return pending


async def _innermost_transaction(session: AsyncSession) -> SessionTransaction:
    """The (sub)transaction whose rollback would take back what is recorded now."""
    if not session.in_transaction():
        await session.connection()  # begins one, as a written event would
    transaction = session.sync_session.get_nested_transaction()
    if transaction is None:
        transaction = session.sync_session.get_transaction()
    assert transaction is not None
    return transaction


@asynccontextmanager
async def deferred(session: AsyncSession) -> AsyncIterator[None]:
    """Events of the bound company's own chain recorded inside are chained and written when the
    block ends, in the order they were recorded, with one lock of the head at that moment.

    Without it, the first event locks the company's chain head until commit, and every other
    writer of that chain (a colleague signing in, an invoice being finalized) waits for the
    whole unit of work. Events recorded in a savepoint that is rolled back are dropped with it;
    if the block raises, none is written (the caller's transaction is failing anyway). Nested
    blocks belong to the outermost one. ``record()`` returns, inside the block, the event as
    recorded: its ``seq`` and hashes are given to the row written at the end."""
    if _deferred_events(session) is not None:
        yield
        return
    pending = _DeferredEvents()
    session.sync_session.info[_DEFERRED] = pending
    try:
        yield
    finally:
        session.sync_session.info.pop(_DEFERRED, None)
    recorded = [values for _recorded_in, values in pending.recorded]
    del pending
    for company_id in dict.fromkeys(values[0] for values in recorded):
        with tenancy.company_scope(session, company_id):
            head = await chain_head(session, chain_key_for(company_id), company_id)
            mine = [values for values in recorded if values[0] == company_id]
            for first in range(0, len(mine), _WRITE_CHUNK):
                # Flushed chunk by chunk: written rows leave memory (the session keeps them
                # only weakly) before the next chunk is built.
                events = [_DeferredEvents.event(v) for v in mine[first : first + _WRITE_CHUNK]]
                for event in events:
                    event.id = uuid.uuid4()
                    _link(head, event)
                session.add_all(events)
                await session.flush()


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    pending: _DeferredEvents | None = session.info.get(_DEFERRED)
    if pending is not None:
        pending.drop_within(rolled_back)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


class RequestOrigin(TypedDict):
    ip: str | None
    user_agent: str | None


def request_origin(request: Request) -> RequestOrigin:
    """`ip` and `user_agent` keyword arguments for `record()` from a request."""
    return {
        "ip": request.client.host if request.client else None,
        "user_agent": request.headers.get("user-agent"),
    }


@dataclass(frozen=True, slots=True)
class ChainReport:
    chain_key: str
    ok: bool
    checked: int
    broken_at_seq: int | None = None
    reason: str | None = None


async def verify_chain(session: AsyncSession, company_id: uuid.UUID | None) -> ChainReport:
    """Recompute every hash of one chain in order. Reads in the caller's tenant scope."""
    chain_key = chain_key_for(company_id)
    rows = (
        await session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.chain_key == chain_key)
            .order_by(AuditEvent.seq)
            .execution_options(populate_existing=True)
        )
    ).scalars()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in rows:
        if event.seq != expected_seq:
            return ChainReport(chain_key, False, checked, event.seq, "an event is missing before")
        if event.prev_hash != expected_prev:
            return ChainReport(chain_key, False, checked, event.seq, "link to previous broken")
        if compute_hash(event) != event.hash:
            return ChainReport(chain_key, False, checked, event.seq, "content changed")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(chain_key, True, checked)
