"""Super admin endpoints: the company approval queue and the mail outbox."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from involinks.admin import service
from involinks.admin.schemas import AdminCompanyOut, CompanyContact, OutboxMessageOut, ReasonIn
from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.companies.models import CompanyStatus
from involinks.companies.router import OriginDep, serve_document
from involinks.companies.schemas import CompanyOut, DocumentOut
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.mail.models import OutboxStatus
from involinks.storage import StoreDep

router = APIRouter(prefix="/admin", tags=["admin"])
PlatformAdmin = Annotated[User, Depends(require(Permission.PLATFORM_ADMIN))]


def _out(view: service.CompanyView) -> AdminCompanyOut:
    return AdminCompanyOut(
        **CompanyOut.of(view.company).model_dump(),
        documents=[DocumentOut.model_validate(d) for d in view.documents],
        admins=[CompanyContact.model_validate(u) for u in view.admins],
    )


@router.get("/companies", response_model=Page[AdminCompanyOut])
async def list_companies(
    _admin: PlatformAdmin,
    session: DbSession,
    status: CompanyStatus | None = None,
    q: Annotated[str | None, Query(max_length=100, description="name or TRN contains")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AdminCompanyOut]:
    views, total = await service.list_companies(
        session, status=status, search=q, page=page, page_size=page_size
    )
    return Page(items=[_out(v) for v in views], total=total, page=page, page_size=page_size)


@router.get("/companies/{company_id}", response_model=AdminCompanyOut)
async def get_company(
    company_id: uuid.UUID, _admin: PlatformAdmin, session: DbSession
) -> AdminCompanyOut:
    return _out(await service.get_company(session, company_id))


@router.get("/companies/{company_id}/documents/{document_id}/download", response_class=Response)
async def download_company_document(
    company_id: uuid.UUID,
    document_id: uuid.UUID,
    _admin: PlatformAdmin,
    session: DbSession,
    store: StoreDep,
) -> Response:
    document = await service.get_company_document(session, company_id, document_id)
    return await serve_document(store, document)


async def _transition(
    transition: service.Transition,
    company_id: uuid.UUID,
    admin: User,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
    reason: str | None,
) -> AdminCompanyOut:
    view = await service.change_status(
        session, settings, admin, company_id, transition, reason=reason, origin=origin
    )
    return _out(view)


@router.post("/companies/{company_id}/approve", response_model=AdminCompanyOut)
async def approve_company(
    company_id: uuid.UUID,
    admin: PlatformAdmin,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> AdminCompanyOut:
    return await _transition(
        service.Transition.APPROVE, company_id, admin, session, settings, origin, None
    )


@router.post("/companies/{company_id}/reject", response_model=AdminCompanyOut)
async def reject_company(
    company_id: uuid.UUID,
    body: ReasonIn,
    admin: PlatformAdmin,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> AdminCompanyOut:
    return await _transition(
        service.Transition.REJECT, company_id, admin, session, settings, origin, body.reason
    )


@router.post("/companies/{company_id}/suspend", response_model=AdminCompanyOut)
async def suspend_company(
    company_id: uuid.UUID,
    body: ReasonIn,
    admin: PlatformAdmin,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> AdminCompanyOut:
    return await _transition(
        service.Transition.SUSPEND, company_id, admin, session, settings, origin, body.reason
    )


@router.post("/companies/{company_id}/reactivate", response_model=AdminCompanyOut)
async def reactivate_company(
    company_id: uuid.UUID,
    admin: PlatformAdmin,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> AdminCompanyOut:
    return await _transition(
        service.Transition.REACTIVATE, company_id, admin, session, settings, origin, None
    )


@router.get("/outbox", response_model=Page[OutboxMessageOut])
async def list_outbox(
    _admin: PlatformAdmin,
    session: DbSession,
    status: OutboxStatus | None = None,
    to: Annotated[str | None, Query(max_length=320)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[OutboxMessageOut]:
    rows, total = await service.list_outbox(
        session, status=status, to=to, page=page, page_size=page_size
    )
    return Page(
        items=[OutboxMessageOut.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/outbox/{message_id}", response_model=OutboxMessageOut)
async def get_outbox_message(
    message_id: uuid.UUID, _admin: PlatformAdmin, session: DbSession
) -> OutboxMessageOut:
    return OutboxMessageOut.model_validate(await service.get_outbox_message(session, message_id))
