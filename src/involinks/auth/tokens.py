"""JWT access tokens. Short-lived; refresh tokens are opaque and live in the database."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from involinks.auth.permissions import Role
from involinks.config import Settings

ALGORITHM = "HS256"
ACCESS = "access"
MFA_PENDING = "mfa"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    role: Role
    company_id: uuid.UUID | None
    token_version: int
    expires_at: datetime


def _key(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


def create_access_token(
    settings: Settings,
    *,
    user_id: uuid.UUID,
    role: Role,
    company_id: uuid.UUID | None,
    token_version: int,
    now: datetime | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role.value,
        "company_id": str(company_id) if company_id else None,
        "ver": token_version,
        "typ": ACCESS,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=settings.access_token_minutes)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _key(settings), algorithm=ALGORITHM)


def create_purpose_token(
    settings: Settings,
    *,
    subject: str,
    purpose: str,
    minutes: int,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """Short-lived signed token for one purpose (e.g. the MFA step between password and code)."""
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "typ": purpose,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        "jti": uuid.uuid4().hex,
        **(extra or {}),
    }
    return jwt.encode(claims, _key(settings), algorithm=ALGORITHM)


def decode(settings: Settings, token: str, *, purpose: str) -> dict[str, Any]:
    try:
        # algorithms pinned: "alg: none" and algorithm-confusion tokens are refused here.
        claims: dict[str, Any] = jwt.decode(
            token,
            _key(settings),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "typ"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("token invalid") from exc
    if claims.get("typ") != purpose:
        raise InvalidToken("token has the wrong purpose")
    return claims


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    claims = decode(settings, token, purpose=ACCESS)
    try:
        return AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            role=Role(claims["role"]),
            company_id=uuid.UUID(claims["company_id"]) if claims.get("company_id") else None,
            token_version=int(claims.get("ver", 0)),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except (KeyError, ValueError) as exc:
        raise InvalidToken("token claims malformed") from exc


def new_opaque_token() -> str:
    """A random bearer secret (256 bits) for refresh tokens and e-mailed links."""
    return secrets.token_urlsafe(32)


def hash_opaque_token(token: str) -> str:
    """What the database keeps of an opaque token: its sha256, so a leaked table grants nothing."""
    return hashlib.sha256(token.encode()).hexdigest()
