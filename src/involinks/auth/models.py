"""Users and their credentials.

The credential tables (refresh tokens, backup codes, e-mailed codes, password tokens) hang off a user,
not a company: they are read before any tenant is known (login, refresh, reset) and only by the auth
service, always by user id or by the hash of a secret the caller holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.auth.permissions import Role
from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import UtcDateTime, utcnow


class MfaMethod(StrEnum):
    TOTP = "totp"
    EMAIL = "email"
    BACKUP_CODE = "backup_code"


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

    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # TOTP secrets are encrypted (core.crypto); the pending one waits for the first valid code.
    mfa_totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    mfa_totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(255))
    # Last accepted TOTP time step: a code is refused unless its step is newer (no replay).
    mfa_totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    mfa_email_enabled: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )

    @property
    def mfa_methods(self) -> list[MfaMethod]:
        methods: list[MfaMethod] = []
        if self.mfa_totp_secret:
            methods.append(MfaMethod.TOTP)
        if self.mfa_email_enabled:
            methods.append(MfaMethod.EMAIL)
        return methods

    @property
    def mfa_enabled(self) -> bool:
        return bool(self.mfa_totp_secret) or bool(self.mfa_email_enabled)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RefreshToken(IdMixin, Base):
    """One link of a rotation chain. The family is one sign-in; every refresh adds a link."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # rotated: never valid again
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))


class BackupCode(IdMixin, Base):
    __tablename__ = "mfa_backup_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EmailCodePurpose(StrEnum):
    LOGIN = "login"  # second factor at sign-in
    CONFIRM = "confirm"  # proves control of the mailbox for a security change


class EmailCode(IdMixin, Base):
    """A 6-digit code e-mailed to the user; at most one live code per user and purpose."""

    __tablename__ = "mfa_email_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(16))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)


class PasswordToken(IdMixin, Base):
    """Single-use link token for a password reset or for an invited user's first password."""

    __tablename__ = "password_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(16))  # "reset" | "invite"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
