"""Sign-in, second step, password changes and resets, logging out everywhere.

Users are read before any tenant is bound, so this module works inside `tenancy.system_scope`, and it
flushes before it leaves that scope. Refusals that must leave a trace (failed-attempt counter, lock,
audit row) are `AuthFailure`s; the router answers them without rolling the unit of work back.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit_service
from involinks.auth import limits, sessions
from involinks.auth.context import AuthContext
from involinks.auth.exceptions import (
    AccountDisabled,
    AccountLocked,
    AuthFailure,
    CompanyNotActive,
    InvalidCredentials,
    InvalidMfaCode,
    InvalidPasswordToken,
    SessionInvalid,
)
from involinks.auth.mfa import service as mfa_service
from involinks.auth.models import EmailCodePurpose, MfaMethod, PasswordToken, User
from involinks.auth.passwords import (
    burn_verify_time,
    hash_password_async,
    hash_rounds,
    validate_password,
    verify_password_async,
)
from involinks.auth.permissions import Role
from involinks.auth.tokens import (
    MFA_PENDING,
    InvalidToken,
    create_purpose_token,
    decode,
    hash_opaque_token,
    new_opaque_token,
)
from involinks.companies.models import Company, CompanyStatus
from involinks.core import tenancy
from involinks.core.rate_limit import enforce
from involinks.core.types import utcnow
from involinks.errors import Unprocessable
from involinks.logging import mask_text
from involinks.mail import service as mail_service

log = logging.getLogger(__name__)

PasswordTokenPurpose = Literal["reset", "invite"]
RESET_TOKEN_TTL = timedelta(hours=1)


@dataclass(slots=True)
class LoginOutcome:
    user: User
    company: Company | None
    tokens: sessions.IssuedTokens | None = None
    mfa_token: str | None = None
    methods: list[str] = field(default_factory=list)
    mfa_enrolment_required: bool = False


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def _user_by_email(session: AsyncSession, email: str) -> User | None:
    return (
        await session.execute(sa.select(User).where(User.email == normalize_email(email)))
    ).scalar_one_or_none()


async def _audit(
    session: AsyncSession,
    ctx: AuthContext,
    action: str,
    *,
    user: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    await audit_service.record(
        session,
        action,
        actor=user,
        company_id=user.company_id if user else None,
        subject_type="user" if user else None,
        subject_id=str(user.id) if user else None,
        details=details,
        **ctx.origin,
    )


def _raise_if_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(user.locked_until, now=now)


async def _register_failure(
    session: AsyncSession, ctx: AuthContext, user: User, *, reason: str, error: AuthFailure
) -> NoReturn:
    """Count a wrong password or code against the account; the tenth in a row locks it."""
    result = await session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
        .returning(User.failed_login_count)
        .execution_options(synchronize_session=False)
    )
    count = int(result.scalar_one())
    await _audit(session, ctx, "auth.login_failed", user=user, details={"reason": reason})
    if count >= limits.LOCKOUT_THRESHOLD:
        locked_until = ctx.now + limits.LOCKOUT_DURATION
        await session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(failed_login_count=0, locked_until=locked_until)
            .execution_options(synchronize_session=False)
        )
        await _audit(
            session,
            ctx,
            "auth.account_locked",
            user=user,
            details={"locked_until": locked_until.isoformat(), "failures": count},
        )
        await session.flush()
        log.warning("account locked after failed sign-ins", extra={"user_id": str(user.id)})
        raise AccountLocked(locked_until, now=ctx.now)
    await session.flush()
    raise error


async def _company_gate(
    session: AsyncSession, ctx: AuthContext, user: User, *, stage: str
) -> Company | None:
    """Only users of an ACTIVE company (or super admins) get in."""
    if not user.is_active:
        await _audit(session, ctx, "auth.login_refused", user=user, details={"reason": "inactive"})
        raise AccountDisabled()
    if user.role is Role.SUPER_ADMIN:
        return None
    company = await session.get(Company, user.company_id) if user.company_id else None
    if company is None or company.status is not CompanyStatus.ACTIVE:
        status = company.status if company else None
        await _audit(
            session,
            ctx,
            "auth.login_refused",
            user=user,
            details={"reason": "company_not_active", "company_status": status, "stage": stage},
        )
        raise CompanyNotActive(status, company.status_reason if company else None)
    return company


async def _complete_login(
    session: AsyncSession, ctx: AuthContext, user: User, company: Company | None, *, factor: str
) -> LoginOutcome:
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = ctx.now
    await session.flush()
    tokens = await sessions.start_session(session, ctx, user)
    await _audit(session, ctx, "auth.login", user=user, details={"factor": factor})
    return LoginOutcome(
        user=user,
        company=company,
        tokens=tokens,
        mfa_enrolment_required=bool(company and company.mfa_required and not user.mfa_enabled),
    )


async def login(session: AsyncSession, ctx: AuthContext, email: str, password: str) -> LoginOutcome:
    await enforce(ctx.limiter, limits.LOGIN_PER_IP, ctx.ip or "unknown")
    with tenancy.system_scope(session):
        user = await _user_by_email(session, email)
        if user is None or not user.password_hash:
            await burn_verify_time(password, rounds=ctx.settings.bcrypt_rounds)
            await _audit(
                session,
                ctx,
                "auth.login_failed",
                user=user,
                details={"reason": "unknown_email", "email": mask_text(normalize_email(email))},
            )
            raise InvalidCredentials()
        _raise_if_locked(user, ctx.now)
        if not await verify_password_async(password, user.password_hash):
            await _register_failure(
                session, ctx, user, reason="wrong_password", error=InvalidCredentials()
            )
        company = await _company_gate(session, ctx, user, stage="password")
        if hash_rounds(user.password_hash) != ctx.settings.bcrypt_rounds:
            # Cost factor raised since this hash was made: upgrade it while we have the password.
            user.password_hash = await hash_password_async(
                password, rounds=ctx.settings.bcrypt_rounds
            )
        if not user.mfa_enabled:
            return await _complete_login(session, ctx, user, company, factor="password")
        methods = [m.value for m in user.mfa_methods]
        if await mfa_service.remaining_backup_codes(session, user):
            methods.append(MfaMethod.BACKUP_CODE.value)
        if MfaMethod.EMAIL in user.mfa_methods and MfaMethod.TOTP not in user.mfa_methods:
            await mfa_service.send_email_code(
                session, ctx, user, EmailCodePurpose.LOGIN, throttle=False
            )
        await session.flush()
    mfa_token = create_purpose_token(
        ctx.settings,
        subject=str(user.id),
        purpose=MFA_PENDING,
        minutes=ctx.settings.mfa_token_minutes,
        extra={"ver": user.token_version},
    )
    return LoginOutcome(user=user, company=company, mfa_token=mfa_token, methods=methods)


async def _user_from_mfa_token(session: AsyncSession, ctx: AuthContext, mfa_token: str) -> User:
    try:
        claims = decode(ctx.settings, mfa_token, purpose=MFA_PENDING)
        user_id = uuid.UUID(str(claims["sub"]))
    except (InvalidToken, ValueError) as exc:
        raise SessionInvalid("The sign-in step has expired. Sign in again.") from exc
    with tenancy.system_scope(session):
        user = await session.get(User, user_id)
    if user is None or user.token_version != claims.get("ver"):
        raise SessionInvalid("The sign-in step has expired. Sign in again.")
    return user


async def verify_mfa(
    session: AsyncSession,
    ctx: AuthContext,
    mfa_token: str,
    code: str,
    method: MfaMethod | None,
) -> LoginOutcome:
    user = await _user_from_mfa_token(session, ctx, mfa_token)
    _raise_if_locked(user, ctx.now)
    await enforce(ctx.limiter, limits.MFA_VERIFY_PER_IP, ctx.ip or "unknown")
    await enforce(ctx.limiter, limits.MFA_VERIFY_PER_USER, str(user.id))
    with tenancy.system_scope(session):
        used = await mfa_service.verify_second_factor(
            session, ctx, user, code, method=method, email_purpose=EmailCodePurpose.LOGIN
        )
        if used is None:
            await _register_failure(
                session, ctx, user, reason="wrong_mfa_code", error=InvalidMfaCode()
            )
        company = await _company_gate(session, ctx, user, stage="mfa")
        outcome = await _complete_login(session, ctx, user, company, factor=used.value)
        if used is MfaMethod.BACKUP_CODE:
            left = await mfa_service.remaining_backup_codes(session, user)
            await _audit(
                session, ctx, "auth.mfa_backup_code_used", user=user, details={"remaining": left}
            )
        await session.flush()
    return outcome


async def send_login_email_code(session: AsyncSession, ctx: AuthContext, mfa_token: str) -> None:
    user = await _user_from_mfa_token(session, ctx, mfa_token)
    if not user.mfa_email_enabled:
        raise SessionInvalid("E-mail codes are not turned on for this account.")
    with tenancy.system_scope(session):
        await mfa_service.send_email_code(session, ctx, user, EmailCodePurpose.LOGIN)


async def refresh(
    session: AsyncSession, ctx: AuthContext, raw_refresh: str
) -> tuple[User, sessions.IssuedTokens]:
    await enforce(ctx.limiter, limits.REFRESH_PER_IP, ctx.ip or "unknown")
    with tenancy.system_scope(session):
        user, tokens = await sessions.rotate(session, ctx, raw_refresh)
        if user.role is not Role.SUPER_ADMIN:
            company = await session.get(Company, user.company_id) if user.company_id else None
            if company is None or company.status is not CompanyStatus.ACTIVE:
                await sessions.revoke_all(session, user.id, now=ctx.now)
                raise CompanyNotActive(
                    company.status if company else None, company.status_reason if company else None
                )
        await session.flush()
    return user, tokens


async def logout(session: AsyncSession, ctx: AuthContext, raw_refresh: str | None) -> None:
    if not raw_refresh:
        return
    with tenancy.system_scope(session):
        user = await sessions.end_session(session, ctx, raw_refresh)
        if user is not None:
            await _audit(session, ctx, "auth.logout", user=user)
        await session.flush()


async def _end_all_sessions(session: AsyncSession, ctx: AuthContext, user: User) -> int:
    """Refresh tokens revoked and token_version bumped, so live access tokens die as well."""
    revoked = await sessions.revoke_all(session, user.id, now=ctx.now)
    user.token_version += 1
    await session.flush()
    return revoked


async def logout_all(session: AsyncSession, ctx: AuthContext, user: User) -> None:
    with tenancy.system_scope(session):
        revoked = await _end_all_sessions(session, ctx, user)
        await _audit(
            session, ctx, "auth.logout_all", user=user, details={"revoked_sessions": revoked}
        )
        await session.flush()


def _password_problems(password: str, email: str, field_name: str) -> None:
    problems = validate_password(password, email=email)
    if problems:
        raise Unprocessable(
            "The new password is not strong enough: " + " ".join(problems),
            details=[{"field": field_name, "message": p} for p in problems],
        )


async def _notify_password_changed(session: AsyncSession, ctx: AuthContext, user: User) -> None:
    await mail_service.send_mail(
        session,
        to=user.email,
        subject="Your InvoLinks password was changed",
        text=(
            f"Hello {user.full_name},\n\nThe password of your InvoLinks account was changed on "
            f"{ctx.now.strftime('%Y-%m-%d at %H:%M')} UTC and every session was signed out.\n\n"
            "If this was not you, reset your password now and tell your company administrator.\n"
        ),
    )


async def change_password(
    session: AsyncSession,
    ctx: AuthContext,
    user: User,
    current_password: str,
    new_password: str,
) -> sessions.IssuedTokens:
    """Set a new password, end every session, and start a fresh one for the caller."""
    await enforce(ctx.limiter, limits.PASSWORD_CHANGE_PER_USER, str(user.id))
    if not await verify_password_async(current_password, user.password_hash):
        raise Unprocessable(
            "The current password is not correct.",
            details=[{"field": "current_password", "message": "The password is not correct."}],
        )
    if new_password == current_password:
        raise Unprocessable(
            "Choose a password different from the current one.",
            details=[{"field": "new_password", "message": "Same as the current password."}],
        )
    _password_problems(new_password, user.email, "new_password")
    with tenancy.system_scope(session):
        user.password_hash = await hash_password_async(
            new_password, rounds=ctx.settings.bcrypt_rounds
        )
        user.password_changed_at = ctx.now
        revoked = await _end_all_sessions(session, ctx, user)
        await _audit(
            session,
            ctx,
            "auth.password_changed",
            user=user,
            details={"revoked_sessions": revoked},
        )
        await _notify_password_changed(session, ctx, user)
        tokens = await sessions.start_session(session, ctx, user)
        await session.flush()
    return tokens


# --- password links: reset and invitation -------------------------------------------------------


async def issue_password_token(
    session: AsyncSession,
    user: User,
    *,
    purpose: Literal["reset", "invite"],
    ttl: timedelta,
    now: datetime | None = None,
) -> str:
    """A single-use token for a set-password link; only its sha256 is stored.

    Earlier unused tokens of the same purpose die, so only the newest e-mail's link works. The link
    should carry the token in the URL fragment (`#token=...`): fragments never reach a server log.
    """
    issued_at = now or utcnow()
    await session.execute(
        sa.update(PasswordToken)
        .where(
            PasswordToken.user_id == user.id,
            PasswordToken.purpose == purpose,
            PasswordToken.used_at.is_(None),
        )
        .values(used_at=issued_at)
        .execution_options(synchronize_session=False)
    )
    raw = new_opaque_token()
    session.add(
        PasswordToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_opaque_token(raw),
            created_at=issued_at,
            expires_at=issued_at + ttl,
        )
    )
    await session.flush()
    return raw


def reset_link(ctx: AuthContext, token: str) -> str:
    return f"{ctx.settings.public_base_url.rstrip('/')}/reset-password#token={token}"


async def forgot_password(session: AsyncSession, ctx: AuthContext, email: str) -> None:
    """Always the same answer; a link is mailed only when the address belongs to an active user."""
    await enforce(ctx.limiter, limits.FORGOT_PER_IP, ctx.ip or "unknown")
    address = normalize_email(email)
    rule = limits.FORGOT_PER_EMAIL
    per_address = await ctx.limiter.hit(
        f"{rule.name}:{hash_opaque_token(address)}", limit=rule.limit, window=rule.window
    )
    with tenancy.system_scope(session):
        user = await _user_by_email(session, address)
        if user is None or not user.is_active or not per_address.allowed:
            # Same work as the real path minus the row and the mail (both only leave after commit).
            hash_opaque_token(new_opaque_token())
            return
        token = await issue_password_token(
            session, user, purpose="reset", ttl=RESET_TOKEN_TTL, now=ctx.now
        )
        link = reset_link(ctx, token)
        await mail_service.send_mail(
            session,
            to=user.email,
            subject="Reset your InvoLinks password",
            text=(
                f"Hello {user.full_name},\n\nSomeone (hopefully you) asked to reset the password "
                f"of your InvoLinks account. Open this link within one hour to choose a new "
                f"password:\n\n{link}\n\nThe link works once. If you did not ask for it, ignore "
                "this e-mail; your password stays as it is.\n"
            ),
        )
        await _audit(session, ctx, "auth.password_reset_requested", user=user)
        await session.flush()


async def redeem_password_token(
    session: AsyncSession,
    ctx: AuthContext,
    raw_token: str,
    new_password: str,
    *,
    purpose: PasswordTokenPurpose,
) -> User:
    """Set the password from a reset or invitation link; ends every session of the user."""
    await enforce(ctx.limiter, limits.RESET_PER_IP, ctx.ip or "unknown")
    with tenancy.system_scope(session):
        token = (
            await session.execute(
                sa.select(PasswordToken).where(
                    PasswordToken.token_hash == hash_opaque_token(raw_token),
                    PasswordToken.purpose == purpose,
                )
            )
        ).scalar_one_or_none()
        if token is None or token.used_at is not None or token.expires_at <= ctx.now:
            raise InvalidPasswordToken()
        user = await session.get(User, token.user_id)
        if user is None or not user.is_active:
            raise InvalidPasswordToken()
        # Checked before the token is spent, so a weak password does not cost the user the link.
        _password_problems(new_password, user.email, "new_password")
        claimed = await session.execute(
            sa.update(PasswordToken)
            .where(PasswordToken.id == token.id, PasswordToken.used_at.is_(None))
            .values(used_at=ctx.now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            raise InvalidPasswordToken()
        user.password_hash = await hash_password_async(
            new_password, rounds=ctx.settings.bcrypt_rounds
        )
        user.password_changed_at = ctx.now
        # Proving control of the mailbox also lifts a lock from failed sign-ins.
        user.failed_login_count = 0
        user.locked_until = None
        revoked = await _end_all_sessions(session, ctx, user)
        action = "auth.password_reset" if purpose == "reset" else "auth.password_set"
        await _audit(session, ctx, action, user=user, details={"revoked_sessions": revoked})
        if purpose == "reset":
            await _notify_password_changed(session, ctx, user)
        await session.flush()
    return user
