from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from involinks.core.schemas import InputSchema, Schema

Locale = Literal["en", "ar"]
KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"


class ContentBlockWrite(InputSchema):
    locale: Locale
    title: str = Field(default="", max_length=300)
    body: str = Field(default="", max_length=100_000)
    body_format: Literal["markdown", "html"] = "markdown"
    image_url: str | None = Field(default=None, max_length=500)
    published: bool = False

    @field_validator("image_url")
    @classmethod
    def _safe_image(cls, value: str | None) -> str | None:
        if value and not (value.startswith("https://") or value.startswith("/")):
            raise ValueError("use an https:// address or a path on this site")
        return value or None


class ContentBlockRead(Schema):
    id: uuid.UUID
    key: str
    locale: str
    title: str
    body: str
    body_format: str
    body_html: str
    image_url: str | None
    published: bool
    version: int
    updated_by_id: uuid.UUID | None
    updated_at: datetime


class ContentVersionRead(Schema):
    version: int
    title: str
    body: str
    body_format: str
    image_url: str | None
    published: bool
    created_by_id: uuid.UUID | None
    created_at: datetime
    restored_from: int | None


class PublicBlock(Schema):
    title: str
    body_html: str
    image_url: str | None
    updated_at: datetime


class PublicContent(Schema):
    locale: str
    blocks: dict[str, PublicBlock]


class RestoreRequest(InputSchema):
    locale: Locale
    version: int = Field(ge=1)


class PreviewRequest(InputSchema):
    body: str = Field(max_length=100_000)
    body_format: Literal["markdown", "html"] = "markdown"


class PreviewResponse(Schema):
    html: str
