"""Writing and checking the audit log.

`record()` is the one way to add an event. It stamps the event with the sha256 of its canonical JSON
content plus the previous event's hash in the same chain (per company; platform events form their
own chain), so `verify_chain()` can show that no row was altered, removed or inserted afterwards.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from involinks.audit.models import PLATFORM_CHAIN, AuditEvent
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.logging import mask_text

if TYPE_CHECKING:
    from fastapi import Request

    from involinks.auth.models import User

GENESIS_HASH = "0" * 64
HASH_VERSION = 1
# pg_advisory_xact_lock(namespace, key): the namespace keeps our locks apart from other domains'.
_PG_LOCK_NAMESPACE = 0x4A0D17
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


async def _lock_chain(session: AsyncSession, chain_key: str) -> None:
    """Serialise writers of one chain. SQLite needs nothing: BEGIN IMMEDIATE already does it."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, hashtext(:key))"),
            {"ns": _PG_LOCK_NAMESPACE, "key": chain_key},
        )


# The tail (seq, hash) of each chain this transaction appended to. The chain lock is held until
# the transaction ends, so nobody else can append meanwhile: a second event in the same
# transaction (finalize writes two) needs neither the lock nor the read again. Forgotten whenever
# a savepoint or the transaction ends, so a rolled-back savepoint can never leave a stale tail.
_TAILS = "audit.chain_tails"


def _remembered_tail(session: AsyncSession, chain_key: str) -> tuple[int, str] | None:
    tails: dict[str, tuple[Any, int, str]] = session.sync_session.info.get(_TAILS, {})
    entry = tails.get(chain_key)
    if entry is None or entry[0] is not session.sync_session.get_transaction():
        return None
    return entry[1], entry[2]


def _remember_tail(session: AsyncSession, event: AuditEvent) -> None:
    tails = session.sync_session.info.setdefault(_TAILS, {})
    tails[event.chain_key] = (session.sync_session.get_transaction(), event.seq, event.hash)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_tails(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested or transaction.parent is None:  # not a flush's subtransaction
        session.info.pop(_TAILS, None)


async def _chain_tail(session: AsyncSession, chain_key: str) -> tuple[int, str] | None:
    """(seq, hash) of the chain's last event, with the chain locked for this transaction."""
    remembered = _remembered_tail(session, chain_key)
    if remembered is not None:
        return remembered
    await _lock_chain(session, chain_key)
    last = (
        await session.execute(
            sa.select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.chain_key == chain_key)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
    ).first()
    return (last.seq, last.hash) if last else None


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
    a unit of work writing several rows and events sends them together.
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
    with nullcontext() if own_chain else tenancy.system_scope(session):
        last = await _chain_tail(session, chain_key)
        event = AuditEvent(
            id=uuid.uuid4(),
            company_id=company_id,
            chain_key=chain_key,
            seq=(last[0] + 1) if last else 1,
            occurred_at=utcnow(),
            action=action,
            actor_id=actor.id if actor else None,
            actor_email=mask_text(actor.email) if actor else None,
            actor_role=actor.role.value if actor else None,
            subject_type=subject_type,
            subject_id=str(subject_id) if subject_id is not None else None,
            ip=ip[:45] if ip else None,
            user_agent=user_agent[:300] if user_agent else None,
            details=_normalise_details(details),
            prev_hash=last[1] if last else GENESIS_HASH,
        )
        event.hash = compute_hash(event)
        session.add(event)
        if flush:
            await session.flush()
    _remember_tail(session, event)
    return event


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
