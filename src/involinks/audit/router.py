"""GET /audit-events: company admins read their company's log, super admins read every log."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from involinks.audit import service
from involinks.audit.models import AuditEvent
from involinks.audit.schemas import AuditEventOut, ChainReportOut
from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission, Role
from involinks.core import tenancy
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.errors import Unprocessable

router = APIRouter(prefix="/audit-events", tags=["audit"])
AuditReader = Annotated[User, Depends(require(Permission.AUDIT_READ))]


@router.get("", response_model=Page[AuditEventOut])
async def list_events(
    user: AuditReader,
    session: DbSession,
    action: Annotated[
        str | None, Query(max_length=100, description="exact, or a prefix ending in '.'")
    ] = None,
    actor_id: uuid.UUID | None = None,
    subject_type: Annotated[str | None, Query(max_length=64)] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    company_id: Annotated[
        uuid.UUID | None, Query(description="super admins only: one company's log")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AuditEventOut]:
    # The tenant filter is the session's; these are only the reader's own narrowing choices.
    conditions: list[sa.ColumnElement[bool]] = []
    if action:
        conditions.append(
            AuditEvent.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEvent.action == action
        )
    if actor_id:
        conditions.append(AuditEvent.actor_id == actor_id)
    if subject_type:
        conditions.append(AuditEvent.subject_type == subject_type)
    if subject_id:
        conditions.append(AuditEvent.subject_id == subject_id)
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise Unprocessable(f"{name} needs a time zone, e.g. 2026-01-31T00:00:00Z")
    if since:
        conditions.append(AuditEvent.occurred_at >= since)
    if until:
        conditions.append(AuditEvent.occurred_at < until)
    if company_id is not None:
        if user.role is not Role.SUPER_ADMIN:
            raise Unprocessable("company_id is a super admin filter; your log is your company's.")
        conditions.append(AuditEvent.company_id == company_id)
    total = await session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(*conditions))
    events = await session.scalars(
        sa.select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page(
        items=[AuditEventOut.model_validate(e) for e in events],
        total=int(total or 0),
        page=page,
        page_size=page_size,
    )


@router.get("/verify", response_model=ChainReportOut)
async def verify(
    user: AuditReader,
    session: DbSession,
    company_id: Annotated[
        uuid.UUID | None, Query(description="super admins: the company (omit: platform log)")
    ] = None,
) -> ChainReportOut:
    """Recompute the hash chain of the caller's company log (super admins: any log)."""
    if user.role is Role.SUPER_ADMIN:
        target = company_id
    else:
        if company_id is not None and company_id != tenancy.current_company_id(session):
            raise Unprocessable("company_id is a super admin parameter.")
        target = tenancy.current_company_id(session)
    report = await service.verify_chain(session, target)
    return ChainReportOut(**dataclasses.asdict(report))
