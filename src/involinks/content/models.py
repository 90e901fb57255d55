from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, IdMixin
from involinks.core.types import UtcDateTime, utcnow


class ContentBlock(IdMixin, Base):
    """A block of the public site in one locale. Platform data: not company-scoped."""

    __tablename__ = "content_blocks"
    __table_args__ = (sa.UniqueConstraint("key", "locale"),)

    key: Mapped[str] = mapped_column(sa.String(100))
    locale: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_format: Mapped[str] = mapped_column(sa.String(10), default="markdown")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    image_url: Mapped[str | None] = mapped_column(sa.String(500))
    published: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContentBlockVersion(IdMixin, Base):
    """Every saved state of a block, so any earlier version can be restored."""

    __tablename__ = "content_block_versions"
    __table_args__ = (sa.UniqueConstraint("block_id", "version"),)

    block_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("content_blocks.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    body_format: Mapped[str] = mapped_column(sa.String(10))
    image_url: Mapped[str | None] = mapped_column(sa.String(500))
    published: Mapped[bool] = mapped_column(sa.Boolean)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    restored_from: Mapped[int | None] = mapped_column(sa.Integer)
