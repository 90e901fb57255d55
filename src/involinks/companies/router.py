"""Company sign-up (/auth/register-company), company settings and documents (/company), team (/users)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.companies import service
from involinks.companies.models import CompanyDocument
from involinks.companies.schemas import (
    CompanyOut,
    CompanyUpdateIn,
    DocumentOut,
    InviteUserIn,
    RegisterCompanyIn,
    RegisteredCompanyOut,
    TeamUserOut,
    UpdateUserIn,
)
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.errors import AppError, NotFound
from involinks.storage import ArtifactCorrupted, ArtifactNotFound, StoreDep
from involinks.storage.uploads import read_single_file

log = logging.getLogger(__name__)


async def request_origin(request: Request) -> service.Origin:
    return service.Origin(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


OriginDep = Annotated[service.Origin, Depends(request_origin)]

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {
                            "type": "string",
                            "enum": ["trade_licence", "other_registration", "logo", "stamp"],
                        },
                    },
                }
            }
        },
    }
}


def _document_response(document: CompanyDocument, data: bytes) -> Response:
    ascii_name = document.filename.encode("ascii", "replace").decode().replace('"', "")
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(document.filename)}"
    )
    return Response(
        content=data,
        media_type=document.content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


async def serve_document(store: Any, document: CompanyDocument) -> Response:
    """The stored bytes of a document, checked against the hash recorded at upload."""
    try:
        data = await store.get(document.storage_key, expected_sha256=document.sha256)
    except ArtifactNotFound as exc:
        raise NotFound("The file of this document is missing from storage.") from exc
    except ArtifactCorrupted as exc:
        log.error("stored document failed its hash check", extra={"document_id": str(document.id)})
        raise AppError(
            "The stored file no longer matches the one uploaded, so it is not served. The "
            "platform team has been alerted.",
            status_code=500,
            code="integrity_error",
        ) from exc
    return _document_response(document, data)


# --- sign-up (mounted under /auth next to the sign-in routes) ----------------------------------

auth_router = APIRouter(prefix="/auth", tags=["auth"])


@auth_router.post(
    "/register-company", status_code=status.HTTP_201_CREATED, response_model=RegisteredCompanyOut
)
async def register_company(
    body: RegisterCompanyIn, session: DbSession, settings: AppSettings, origin: OriginDep
) -> RegisteredCompanyOut:
    company, admin, token = await service.register_company(session, settings, body, origin)
    return RegisteredCompanyOut(
        **CompanyOut.of(company).model_dump(),
        admin_user_id=admin.id,
        upload_token=token,
        upload_token_expires_in=service.REGISTRATION_TOKEN_MINUTES * 60,
    )


@auth_router.post(
    "/register-company/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_registration_document(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
    origin: OriginDep,
    x_registration_token: Annotated[str | None, Header()] = None,
) -> CompanyDocument:
    company = await service.company_from_registration_token(session, settings, x_registration_token)
    upload = await read_single_file(
        request, max_bytes=settings.max_upload_bytes, allowed_fields=("kind",)
    )
    return await service.add_document(
        session,
        store,
        company=company,
        actor=None,
        kind=service.parse_kind(upload.fields.get("kind")),
        data=upload.data,
        filename=upload.filename,
        origin=origin,
    )


# --- the signed-in user's company ---------------------------------------------------------------

company_router = APIRouter(prefix="/company", tags=["company"])
CompanyReader = Annotated[User, Depends(require(Permission.COMPANY_READ))]
CompanyEditor = Annotated[User, Depends(require(Permission.COMPANY_SETTINGS))]


@company_router.get("", response_model=CompanyOut)
async def get_company(_user: CompanyReader, session: DbSession) -> CompanyOut:
    return CompanyOut.of(await service.current_company(session))


@company_router.patch("", response_model=CompanyOut)
async def update_company(
    body: CompanyUpdateIn, user: CompanyEditor, session: DbSession, origin: OriginDep
) -> CompanyOut:
    return CompanyOut.of(await service.update_company(session, user, body, origin))


@company_router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_document(
    request: Request,
    user: CompanyEditor,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
    origin: OriginDep,
) -> CompanyDocument:
    # The body is read here, after authentication, with the size cap applied while it streams.
    upload = await read_single_file(
        request, max_bytes=settings.max_upload_bytes, allowed_fields=("kind",)
    )
    kind = service.parse_kind(upload.fields.get("kind"))
    company = await service.current_company(session)
    return await service.add_document(
        session,
        store,
        company=company,
        actor=user,
        kind=kind,
        data=upload.data,
        filename=upload.filename,
        origin=origin,
    )


@company_router.get("/documents", response_model=list[DocumentOut])
async def list_documents(_user: CompanyReader, session: DbSession) -> list[CompanyDocument]:
    return await service.list_documents(session)


@company_router.get(
    "/documents/{document_id}/download",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
)
async def download_document(
    document_id: uuid.UUID, _user: CompanyReader, session: DbSession, store: StoreDep
) -> Response:
    return await serve_document(store, await service.get_document(session, document_id))


@company_router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_document(
    document_id: uuid.UUID,
    user: CompanyEditor,
    session: DbSession,
    store: StoreDep,
    origin: OriginDep,
) -> Response:
    await service.delete_document(session, store, user, document_id, origin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- team ---------------------------------------------------------------------------------------

users_router = APIRouter(prefix="/users", tags=["users"])
TeamManager = Annotated[User, Depends(require(Permission.TEAM_MANAGE))]


def _team_user(user: User) -> TeamUserOut:
    return TeamUserOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        is_active=user.is_active,
        invitation_pending=user.password_hash is None,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


@users_router.get("", response_model=Page[TeamUserOut])
async def list_users(
    _user: TeamManager,
    session: DbSession,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[TeamUserOut]:
    users, total = await service.list_users(session, page=page, page_size=page_size)
    return Page(items=[_team_user(u) for u in users], total=total, page=page, page_size=page_size)


@users_router.post("", status_code=status.HTTP_201_CREATED, response_model=TeamUserOut)
async def invite_user(
    body: InviteUserIn,
    user: TeamManager,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> TeamUserOut:
    return _team_user(await service.invite_user(session, settings, user, body, origin))


@users_router.patch("/{user_id}", response_model=TeamUserOut)
async def update_user(
    user_id: uuid.UUID, body: UpdateUserIn, user: TeamManager, session: DbSession, origin: OriginDep
) -> TeamUserOut:
    return _team_user(await service.update_user(session, user, user_id, body, origin))


@users_router.post("/{user_id}/resend-invitation", response_model=TeamUserOut)
async def resend_invitation(
    user_id: uuid.UUID,
    user: TeamManager,
    session: DbSession,
    settings: AppSettings,
    origin: OriginDep,
) -> TeamUserOut:
    return _team_user(await service.resend_invitation(session, settings, user, user_id, origin))


routers: tuple[APIRouter, ...] = (auth_router, company_router, users_router)
