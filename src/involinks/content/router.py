from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Response
from fastapi.responses import JSONResponse

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.content import service as content_service
from involinks.content.models import ContentBlock, ContentBlockVersion
from involinks.content.rendering import render_body
from involinks.content.schemas import (
    KEY_PATTERN,
    ContentBlockRead,
    ContentBlockWrite,
    ContentVersionRead,
    Locale,
    PreviewRequest,
    PreviewResponse,
    PublicContent,
    RestoreRequest,
)
from involinks.core.db import DbSession

public_router = APIRouter(prefix="/content", tags=["content"])
admin_router = APIRouter(prefix="/admin/content", tags=["content"])

ContentEditor = Annotated[User, Depends(require(Permission.CONTENT_MANAGE))]
BlockKey = Annotated[str, Path(pattern=KEY_PATTERN, description="e.g. home.hero")]


@public_router.get("/public", response_model=PublicContent)
async def read_public_content(
    session: DbSession,
    locale: Locale = "en",
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    content, etag = await content_service.public_content(session, locale)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=60", "Vary": "Accept-Language"}
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return JSONResponse(content.model_dump(mode="json"), headers=headers)


@admin_router.get("", response_model=list[ContentBlockRead])
async def list_content_blocks(session: DbSession, _user: ContentEditor) -> list[ContentBlock]:
    return await content_service.list_blocks(session)


@admin_router.post("/preview", response_model=PreviewResponse)
async def preview_content(body: PreviewRequest, _user: ContentEditor) -> PreviewResponse:
    return PreviewResponse(html=render_body(body.body, body.body_format))


@admin_router.put("/{key}", response_model=ContentBlockRead)
async def save_content_block(
    key: BlockKey,
    body: ContentBlockWrite,
    session: DbSession,
    user: ContentEditor,
) -> ContentBlock:
    return await content_service.save_block(session, key, body, actor=user)


@admin_router.get("/{key}/history", response_model=list[ContentVersionRead])
async def content_block_history(
    key: BlockKey, session: DbSession, _user: ContentEditor, locale: Locale = "en"
) -> list[ContentBlockVersion]:
    return await content_service.history(session, key, locale)


@admin_router.post("/{key}/restore", response_model=ContentBlockRead)
async def restore_content_block(
    key: BlockKey, body: RestoreRequest, session: DbSession, user: ContentEditor
) -> ContentBlock:
    return await content_service.restore(session, key, body.locale, body.version, actor=user)
