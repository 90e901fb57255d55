"""Second factors: checking a code, enrolment, and turning MFA off again.

Every code is single use: a TOTP time step is remembered once accepted, a backup code and an e-mailed
code are marked used by a conditional UPDATE, so two concurrent requests cannot both spend one code.
Callers run these inside `tenancy.system_scope` (users are read before a tenant is bound).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from involinks.audit import service as audit_service
from involinks.auth import limits
from involinks.auth.context import AuthContext
from involinks.auth.exceptions import InvalidMfaCode
from involinks.auth.mfa import backup_codes, email_otp, totp
from involinks.auth.models import BackupCode, EmailCode, EmailCodePurpose, MfaMethod, User
from involinks.companies.models import Company
from involinks.core.crypto import secret_box
from involinks.core.rate_limit import enforce
from involinks.errors import Conflict
from involinks.mail import service as mail_service

log = logging.getLogger(__name__)


def _totp_context(user: User) -> str:
    return f"mfa_totp:{user.id}"


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- checking codes -----------------------------------------------------------------------------


async def verify_totp(session: AsyncSession, ctx: AuthContext, user: User, code: str) -> bool:
    if not user.mfa_totp_secret:
        return False
    secret = secret_box(ctx.settings).decrypt(user.mfa_totp_secret, context=_totp_context(user))
    step = totp.matching_step(secret, code, now=ctx.now, last_step=user.mfa_totp_last_step)
    if step is None:
        return False
    newer = sa.or_(User.mfa_totp_last_step.is_(None), User.mfa_totp_last_step < step)
    result = await session.execute(
        sa.update(User)
        .where(User.id == user.id, newer)
        .values(mfa_totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        return False  # a concurrent request spent this step first
    set_committed_value(user, "mfa_totp_last_step", step)
    return True


async def use_backup_code(session: AsyncSession, ctx: AuthContext, user: User, code: str) -> bool:
    if not backup_codes.looks_like_backup_code(code):
        return False
    wanted = backup_codes.hash_code(user.id, code)
    result = await session.execute(
        sa.update(BackupCode)
        .where(
            BackupCode.user_id == user.id,
            BackupCode.code_hash == wanted,
            BackupCode.used_at.is_(None),
        )
        .values(used_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) >= 1


async def remaining_backup_codes(session: AsyncSession, user: User) -> int:
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(BackupCode)
        .where(BackupCode.user_id == user.id, BackupCode.used_at.is_(None))
    )
    return int(count or 0)


async def send_email_code(
    session: AsyncSession,
    ctx: AuthContext,
    user: User,
    purpose: EmailCodePurpose,
    *,
    throttle: bool = True,
) -> bool:
    """E-mail a fresh code (older live codes of the same purpose die). False when throttled."""
    if throttle:
        await enforce(ctx.limiter, limits.EMAIL_CODE_PER_USER, str(user.id))
    else:
        rule = limits.EMAIL_CODE_PER_USER
        hit = await ctx.limiter.hit(f"{rule.name}:{user.id}", limit=rule.limit, window=rule.window)
        if not hit.allowed:
            return False
    await session.execute(
        sa.update(EmailCode)
        .where(
            EmailCode.user_id == user.id,
            EmailCode.purpose == purpose.value,
            EmailCode.used_at.is_(None),
        )
        .values(used_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    code = email_otp.generate()
    session.add(
        EmailCode(
            user_id=user.id,
            purpose=purpose.value,
            code_hash=email_otp.hash_code(ctx.settings, user.id, purpose.value, code),
            created_at=ctx.now,
            expires_at=ctx.now + email_otp.TTL,
            attempts=0,
        )
    )
    await session.flush()
    minutes = int(email_otp.TTL.total_seconds() // 60)
    action = "sign in to" if purpose is EmailCodePurpose.LOGIN else "confirm a security change on"
    await mail_service.send_mail(
        session,
        to=user.email,
        subject="Your InvoLinks verification code",
        text=(
            f"Hello {user.full_name},\n\nUse this code to {action} your InvoLinks account:\n\n"
            f"    {code}\n\nIt is valid for {minutes} minutes and can be used once. If you did not "
            "ask for it, someone may know your password: change it now.\n"
        ),
    )
    return True


async def verify_email_code(
    session: AsyncSession, ctx: AuthContext, user: User, code: str, purpose: EmailCodePurpose
) -> bool:
    live = (
        await session.execute(
            sa.select(EmailCode)
            .where(
                EmailCode.user_id == user.id,
                EmailCode.purpose == purpose.value,
                EmailCode.used_at.is_(None),
                EmailCode.expires_at > ctx.now,
            )
            .order_by(EmailCode.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    candidate = code.strip()
    if live is None or not (len(candidate) == email_otp.DIGITS and candidate.isdigit()):
        return False
    expected = email_otp.hash_code(ctx.settings, user.id, purpose.value, candidate)
    if expected != live.code_hash:
        # Five guesses per code; then the code is burnt and a new one must be requested.
        exhausted = live.attempts + 1 >= email_otp.MAX_ATTEMPTS
        await session.execute(
            sa.update(EmailCode)
            .where(EmailCode.id == live.id)
            .values(
                attempts=EmailCode.attempts + 1,
                used_at=ctx.now if exhausted else None,
            )
            .execution_options(synchronize_session=False)
        )
        return False
    result = await session.execute(
        sa.update(EmailCode)
        .where(EmailCode.id == live.id, EmailCode.used_at.is_(None))
        .values(used_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def infer_methods(user: User, code: str) -> list[MfaMethod]:
    """Which methods a code could be for, in the order to try them."""
    if backup_codes.looks_like_backup_code(code):
        return [MfaMethod.BACKUP_CODE]
    return user.mfa_methods


async def verify_second_factor(
    session: AsyncSession,
    ctx: AuthContext,
    user: User,
    code: str,
    *,
    method: MfaMethod | None,
    email_purpose: EmailCodePurpose,
) -> MfaMethod | None:
    """The method that accepted (and spent) the code, or None."""
    candidates = [method] if method else infer_methods(user, code)
    for candidate in candidates:
        if candidate is MfaMethod.TOTP and await verify_totp(session, ctx, user, code):
            return candidate
        if (
            candidate is MfaMethod.EMAIL
            and user.mfa_email_enabled
            and await verify_email_code(session, ctx, user, code, email_purpose)
        ):
            return candidate
        if (
            candidate is MfaMethod.BACKUP_CODE
            and user.mfa_enabled
            and await use_backup_code(session, ctx, user, code)
        ):
            return candidate
    return None


# --- enrolment ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TotpSetup:
    secret: str
    otpauth_uri: str
    qr_svg: str


async def _audit(
    session: AsyncSession, ctx: AuthContext, user: User, action: str, **details: object
) -> None:
    await audit_service.record(
        session,
        action,
        actor=user,
        company_id=user.company_id,
        subject_type="user",
        subject_id=str(user.id),
        details=dict(details),
        **ctx.origin,
    )


async def _new_backup_codes(session: AsyncSession, ctx: AuthContext, user: User) -> list[str]:
    await session.execute(
        sa.delete(BackupCode)
        .where(BackupCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    codes = backup_codes.generate()
    session.add_all(
        BackupCode(
            user_id=user.id, code_hash=backup_codes.hash_code(user.id, c), created_at=ctx.now
        )
        for c in codes
    )
    await session.flush()
    return codes


async def start_totp_setup(session: AsyncSession, ctx: AuthContext, user: User) -> TotpSetup:
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if user.mfa_totp_secret:
        raise Conflict("An authenticator app is already set up. Turn it off first to replace it.")
    secret = totp.new_secret()
    user.mfa_totp_pending_secret = secret_box(ctx.settings).encrypt(
        secret, context=_totp_context(user)
    )
    await session.flush()
    uri = totp.provisioning_uri(secret, email=user.email)
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_svg(uri))


async def enable_totp(session: AsyncSession, ctx: AuthContext, user: User, code: str) -> list[str]:
    """Confirm the pending secret with a first code; returns the new backup codes (shown once)."""
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if user.mfa_totp_secret:
        raise Conflict("An authenticator app is already set up.")
    if not user.mfa_totp_pending_secret:
        raise Conflict("Start the authenticator set-up first.")
    secret = secret_box(ctx.settings).decrypt(
        user.mfa_totp_pending_secret, context=_totp_context(user)
    )
    step = totp.matching_step(secret, code, now=ctx.now, last_step=None)
    if step is None:
        raise InvalidMfaCode(status_code=400)
    user.mfa_totp_secret = user.mfa_totp_pending_secret
    user.mfa_totp_pending_secret = None
    user.mfa_totp_last_step = step
    await session.flush()
    codes = await _new_backup_codes(session, ctx, user)
    await _audit(session, ctx, user, "auth.mfa_enabled", method=MfaMethod.TOTP.value)
    return codes


async def request_email_enable(session: AsyncSession, ctx: AuthContext, user: User) -> None:
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if user.mfa_email_enabled:
        raise Conflict("E-mail codes are already turned on.")
    await send_email_code(session, ctx, user, EmailCodePurpose.CONFIRM)


async def enable_email(
    session: AsyncSession, ctx: AuthContext, user: User, code: str
) -> list[str] | None:
    """Turn on e-mailed codes after the user typed the code we mailed them. Returns backup codes
    when this is the first second factor (otherwise the existing ones stay valid)."""
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if user.mfa_email_enabled:
        raise Conflict("E-mail codes are already turned on.")
    if not await verify_email_code(session, ctx, user, code, EmailCodePurpose.CONFIRM):
        raise InvalidMfaCode(status_code=400)
    user.mfa_email_enabled = True
    await session.flush()
    codes = None
    if await remaining_backup_codes(session, user) == 0:
        codes = await _new_backup_codes(session, ctx, user)
    await _audit(session, ctx, user, "auth.mfa_enabled", method=MfaMethod.EMAIL.value)
    return codes


async def _confirm(session: AsyncSession, ctx: AuthContext, user: User, code: str) -> MfaMethod:
    used = await verify_second_factor(
        session, ctx, user, code, method=None, email_purpose=EmailCodePurpose.CONFIRM
    )
    if used is None:
        await _audit(session, ctx, user, "auth.mfa_code_rejected")
        raise InvalidMfaCode(status_code=400)
    return used


async def disable(
    session: AsyncSession, ctx: AuthContext, user: User, code: str, method: MfaMethod | None
) -> list[MfaMethod]:
    """Turn off one method, or all of them, after a fresh valid code. Returns what is left."""
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if not user.mfa_enabled:
        raise Conflict("Two-step verification is not turned on.")
    if method is not None and method not in user.mfa_methods:
        raise Conflict(f"The method {method.value} is not turned on.")
    used = await _confirm(session, ctx, user, code)
    removing = [method] if method else list(user.mfa_methods)
    left = [m for m in user.mfa_methods if m not in removing]
    if not left and user.company_id is not None:
        company = await session.get(Company, user.company_id)
        if company is not None and company.mfa_required:
            raise Conflict("Your company requires two-step verification; keep one method on.")
    if MfaMethod.TOTP in removing:
        user.mfa_totp_secret = None
        user.mfa_totp_pending_secret = None
        user.mfa_totp_last_step = None
    if MfaMethod.EMAIL in removing:
        user.mfa_email_enabled = False
    await session.flush()
    if not left:
        await session.execute(
            sa.delete(BackupCode)
            .where(BackupCode.user_id == user.id)
            .execution_options(synchronize_session=False)
        )
    await _audit(
        session,
        ctx,
        user,
        "auth.mfa_disabled",
        methods=[m.value for m in removing],
        confirmed_with=used.value,
    )
    return left


async def regenerate_backup_codes(
    session: AsyncSession, ctx: AuthContext, user: User, code: str
) -> list[str]:
    await enforce(ctx.limiter, limits.MFA_MANAGE_PER_USER, str(user.id))
    if not user.mfa_enabled:
        raise Conflict("Turn on two-step verification first.")
    used = await _confirm(session, ctx, user, code)
    codes = await _new_backup_codes(session, ctx, user)
    await _audit(session, ctx, user, "auth.mfa_backup_codes_regenerated", confirmed_with=used.value)
    return codes
