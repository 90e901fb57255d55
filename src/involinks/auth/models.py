from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.auth.permissions import Role
from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import UtcDateTime


class User(IdMixin, TimestampMixin, CompanyScoped, Base):
    __tablename__ = "users"

    # Super admins belong to no company, so the tenant column is nullable here only.
    company_id: Mapped[uuid.UUID | None] = mapped_column(  # type: ignore[assignment]
        sa.Uuid, sa.ForeignKey("companies.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(100))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=32))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_login_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped by password change and "log out everywhere": access tokens carry it.
    token_version: Mapped[int] = mapped_column(sa.Integer, default=0)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
