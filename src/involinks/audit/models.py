"""The audit log: append-only and hash-chained per company.

Rows are never updated or deleted: the ORM refuses it (events below), and on PostgreSQL a trigger
raises on UPDATE/DELETE (migration 0003). Each row carries the sha256 of its own content and of the
previous row of the same chain (one chain per company, one for platform events), so an edit made
behind the application's back shows up in `involinks.audit.service.verify_chain`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin
from involinks.core.types import JSONType, UtcDateTime, utcnow

PLATFORM_CHAIN = "platform"


class AuditLogTampering(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


class AuditEvent(IdMixin, CompanyScoped, Base):
    __tablename__ = "audit_events"
    __table_args__ = (sa.UniqueConstraint("chain_key", "seq"),)

    # Platform events (a super admin's own sign-in, say) belong to no company.
    company_id: Mapped[uuid.UUID | None] = mapped_column(  # type: ignore[assignment]
        sa.Uuid, sa.ForeignKey("companies.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    chain_key: Mapped[str] = mapped_column(sa.String(36))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(100), index=True)
    # No foreign key: the log outlives and must not constrain the rows it talks about.
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(320))  # masked
    actor_role: Mapped[str | None] = mapped_column(sa.String(32))
    subject_type: Mapped[str | None] = mapped_column(sa.String(64))
    subject_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.chain_key}#{self.seq} {self.action}>"


class AuditChainHead(CompanyScoped, Base):
    """The newest event of one chain. Appending reads and locks this row (a primary-key step)
    and moves it on, instead of searching the chain's history for its last event, which costs
    as much as the planner's statistics allow (a whole company's history, sorted, when they are
    stale). The events' own hashes remain the proof; a head that disagrees with them shows up
    as a broken link at the next append."""

    __tablename__ = "audit_chain_heads"

    chain_key: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    # NULL for the platform chain, as on its events.
    company_id: Mapped[uuid.UUID | None] = mapped_column(  # type: ignore[assignment]
        sa.Uuid, sa.ForeignKey("companies.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    last_seq: Mapped[int] = mapped_column(sa.BigInteger)
    last_hash: Mapped[str] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"<AuditChainHead {self.chain_key}#{self.last_seq}>"


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditLogTampering(f"audit event {target.id} is append-only and cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditLogTampering(f"audit event {target.id} is append-only and cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    # Bulk `update(AuditEvent)` / `delete(AuditEvent)` skip the mapper events above.
    if not (state.is_update or state.is_delete):
        return
    if any(m.class_ is AuditEvent for m in state.all_mappers):
        raise AuditLogTampering("audit events are append-only")
