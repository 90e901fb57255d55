from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit_service
from involinks.auth.models import User
from involinks.content.models import ContentBlock, ContentBlockVersion
from involinks.content.rendering import render_body
from involinks.content.schemas import ContentBlockWrite, PublicBlock, PublicContent
from involinks.core.types import utcnow
from involinks.errors import NotFound


async def list_blocks(session: AsyncSession) -> list[ContentBlock]:
    rows = await session.execute(
        sa.select(ContentBlock).order_by(ContentBlock.key, ContentBlock.locale)
    )
    return list(rows.scalars())


async def _get_block(session: AsyncSession, key: str, locale: str) -> ContentBlock | None:
    result = await session.execute(
        sa.select(ContentBlock).where(ContentBlock.key == key, ContentBlock.locale == locale)
    )
    return result.scalar_one_or_none()


def _snapshot(
    block: ContentBlock, actor: User | None, restored_from: int | None
) -> ContentBlockVersion:
    return ContentBlockVersion(
        block_id=block.id,
        version=block.version,
        title=block.title,
        body=block.body,
        body_format=block.body_format,
        image_url=block.image_url,
        published=block.published,
        created_by_id=actor.id if actor else None,
        restored_from=restored_from,
    )


async def save_block(
    session: AsyncSession,
    key: str,
    data: ContentBlockWrite,
    *,
    actor: User | None,
    restored_from: int | None = None,
) -> ContentBlock:
    block = await _get_block(session, key, data.locale)
    if block is None:
        block = ContentBlock(key=key, locale=data.locale, version=1)
        session.add(block)
    else:
        block.version += 1
    block.title = data.title
    block.body = data.body
    block.body_format = data.body_format
    block.body_html = render_body(data.body, data.body_format)
    block.image_url = data.image_url
    block.published = data.published
    block.updated_by_id = actor.id if actor else None
    block.updated_at = utcnow()
    await session.flush()
    session.add(_snapshot(block, actor, restored_from))
    await audit_service.record(
        session,
        "content.restored" if restored_from else "content.saved",
        actor=actor,
        company_id=None,
        subject_type="content_block",
        subject_id=f"{key}:{data.locale}",
        details={
            "version": block.version,
            "published": block.published,
            "restored_from": restored_from,
        },
    )
    await session.flush()
    return block


async def history(session: AsyncSession, key: str, locale: str) -> list[ContentBlockVersion]:
    block = await _get_block(session, key, locale)
    if block is None:
        raise NotFound(f"No content block {key!r} in locale {locale!r}.")
    rows = await session.execute(
        sa.select(ContentBlockVersion)
        .where(ContentBlockVersion.block_id == block.id)
        .order_by(ContentBlockVersion.version.desc())
    )
    return list(rows.scalars())


async def restore(
    session: AsyncSession, key: str, locale: str, version: int, *, actor: User
) -> ContentBlock:
    """Restoring writes a new version equal to the old one: history is never rewritten."""
    block = await _get_block(session, key, locale)
    if block is None:
        raise NotFound(f"No content block {key!r} in locale {locale!r}.")
    old = (
        await session.execute(
            sa.select(ContentBlockVersion).where(
                ContentBlockVersion.block_id == block.id, ContentBlockVersion.version == version
            )
        )
    ).scalar_one_or_none()
    if old is None:
        raise NotFound(f"Content block {key!r} ({locale}) has no version {version}.")
    data = ContentBlockWrite(
        locale=block.locale,
        title=old.title,
        body=old.body,
        body_format=old.body_format,
        image_url=old.image_url,
        published=old.published,
    )
    return await save_block(session, key, data, actor=actor, restored_from=version)


async def public_content(session: AsyncSession, locale: str) -> tuple[PublicContent, str]:
    """Published blocks of a locale (English filling any gap), with an ETag over exactly what is sent."""
    rows = await session.execute(
        sa.select(ContentBlock).where(
            ContentBlock.published.is_(True), ContentBlock.locale.in_({locale, "en"})
        )
    )
    chosen: dict[str, ContentBlock] = {}
    for block in rows.scalars():
        if block.key not in chosen or block.locale == locale:
            chosen[block.key] = block
    content = PublicContent(
        locale=locale,
        blocks={
            key: PublicBlock(
                title=b.title, body_html=b.body_html, image_url=b.image_url, updated_at=b.updated_at
            )
            for key, b in sorted(chosen.items())
        },
    )
    digest = hashlib.sha256(
        json.dumps(content.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    return content, f'"{digest[:32]}"'
