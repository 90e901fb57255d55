"""Sign-in sessions: short JWT access tokens plus rotating opaque refresh tokens.

A sign-in starts a token *family*. Each refresh spends the presented token (single use) and issues
the next one in the same family. Presenting a token that was already spent means two parties hold
it, so the whole family is revoked (theft detection, as in RFC 6819 section 5.2.2.3 and the OAuth
2.0 Security BCP's refresh token rotation). Only the sha256 of a refresh token is stored.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit_service
from involinks.auth.context import AuthContext
from involinks.auth.exceptions import SessionInvalid
from involinks.auth.models import RefreshToken, User
from involinks.auth.tokens import create_access_token, hash_opaque_token, new_opaque_token
from involinks.config import Settings
from involinks.core import tenancy

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    refresh_expires_at: datetime


def access_token_for(settings: Settings, user: User) -> str:
    return create_access_token(
        settings,
        user_id=user.id,
        role=user.role,
        company_id=user.company_id,
        token_version=user.token_version,
    )


async def _issue(
    session: AsyncSession, ctx: AuthContext, user: User, *, family_id: uuid.UUID
) -> IssuedTokens:
    raw = new_opaque_token()
    expires_at = ctx.now + timedelta(days=ctx.settings.refresh_token_days)
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=hash_opaque_token(raw),
            created_at=ctx.now,
            expires_at=expires_at,
            ip=ctx.ip[:64] if ctx.ip else None,
            user_agent=ctx.user_agent[:300] if ctx.user_agent else None,
        )
    )
    await session.flush()
    return IssuedTokens(access_token_for(ctx.settings, user), raw, expires_at)


async def start_session(session: AsyncSession, ctx: AuthContext, user: User) -> IssuedTokens:
    return await _issue(session, ctx, user, family_id=uuid.uuid4())


async def _find(session: AsyncSession, raw: str) -> RefreshToken | None:
    return (
        await session.execute(
            sa.select(RefreshToken).where(RefreshToken.token_hash == hash_opaque_token(raw))
        )
    ).scalar_one_or_none()


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, *, now: datetime) -> int:
    result = await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def revoke_all(session: AsyncSession, user_id: uuid.UUID, *, now: datetime) -> int:
    """Revoke every live refresh token of a user (password change, reset, log out everywhere)."""
    result = await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _reuse_detected(session: AsyncSession, ctx: AuthContext, token: RefreshToken) -> None:
    revoked = await revoke_family(session, token.family_id, now=ctx.now)
    with tenancy.system_scope(session):
        user = await session.get(User, token.user_id)
        await audit_service.record(
            session,
            "auth.refresh_token_reused",
            actor=user,
            company_id=user.company_id if user else None,
            subject_type="user",
            subject_id=str(token.user_id),
            details={"family_id": str(token.family_id), "revoked_tokens": revoked},
            **ctx.origin,
        )
    log.warning("refresh token reused; family revoked", extra={"user_id": str(token.user_id)})


async def rotate(session: AsyncSession, ctx: AuthContext, raw: str) -> tuple[User, IssuedTokens]:
    """Spend `raw` and issue its successor. Raises SessionInvalid (to be committed) when refused."""
    token = await _find(session, raw)
    if token is None or token.revoked_at is not None:
        raise SessionInvalid()
    if token.used_at is not None:
        await _reuse_detected(session, ctx, token)
        raise SessionInvalid("This session was ended for your security. Sign in again.")
    if token.expires_at <= ctx.now:
        raise SessionInvalid()
    # Conditional claim: of two concurrent refreshes with one token, exactly one wins; the other
    # sees the token spent and is treated as reuse.
    claimed = await session.execute(
        sa.update(RefreshToken)
        .where(
            RefreshToken.id == token.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        await _reuse_detected(session, ctx, token)
        raise SessionInvalid("This session was ended for your security. Sign in again.")
    with tenancy.system_scope(session):
        user = await session.get(User, token.user_id)
    if user is None or not user.is_active:
        await revoke_family(session, token.family_id, now=ctx.now)
        raise SessionInvalid()
    return user, await _issue(session, ctx, user, family_id=token.family_id)


async def end_session(session: AsyncSession, ctx: AuthContext, raw: str) -> User | None:
    """Log out: revoke the family of the presented refresh token. Unknown tokens are ignored."""
    token = await _find(session, raw)
    if token is None:
        return None
    await revoke_family(session, token.family_id, now=ctx.now)
    with tenancy.system_scope(session):
        return await session.get(User, token.user_id)
