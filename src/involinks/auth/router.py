"""HTTP for sign-in, sessions, MFA and passwords. Rules live in the services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request, Response, status
from fastapi.responses import JSONResponse

from involinks.auth import service as auth_service
from involinks.auth.dependencies import AuthCtx, CurrentUser
from involinks.auth.exceptions import AuthFailure, SessionInvalid
from involinks.auth.mfa import service as mfa_service
from involinks.auth.models import EmailCodePurpose, User
from involinks.auth.passwords import password_rules
from involinks.auth.schemas import (
    BackupCodesResponse,
    ChangePasswordRequest,
    CodeRequest,
    EmailEnableRequest,
    EmailEnableResponse,
    ForgotPasswordRequest,
    LoginRequest,
    LoginResponse,
    MeCompany,
    MeResponse,
    MessageResponse,
    MeUser,
    MfaDisableRequest,
    MfaMethodsResponse,
    MfaTokenRequest,
    MfaVerifyRequest,
    PasswordRules,
    RefreshRequest,
    ResetPasswordRequest,
    TokenResponse,
    TotpSetupResponse,
)
from involinks.auth.sessions import IssuedTokens
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import DbSession
from involinks.errors import error_body

router = APIRouter(tags=["auth"])

REFRESH_COOKIE = "involinks_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"
RefreshCookie = Annotated[str | None, Cookie(alias=REFRESH_COOKIE)]

_FAILURES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Wrong credentials, code or expired session"},
    403: {"description": "User deactivated or company not active"},
    423: {"description": "Account locked after repeated failures (see Retry-After)"},
    429: {"description": "Rate limited (see Retry-After)"},
}


def _secure_cookie(request: Request, settings: Settings) -> bool:
    return request.url.scheme == "https" or settings.public_base_url.startswith("https://")


def _set_refresh_cookie(
    response: Response, request: Request, settings: Settings, tokens: IssuedTokens
) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure_cookie(request, settings),
    )


def _clear_refresh_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        REFRESH_COOKIE,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure_cookie(request, settings),
    )


def _failure(exc: AuthFailure) -> JSONResponse:
    # Answered, not raised: the unit of work commits the failed-attempt bookkeeping.
    return JSONResponse(
        error_body(exc.code, exc.message, exc.details), exc.status_code, headers=exc.headers
    )


def _token_body(tokens: IssuedTokens) -> TokenResponse:
    return TokenResponse(access_token=tokens.access_token, refresh_token=tokens.refresh_token)


def _login_body(outcome: auth_service.LoginOutcome) -> LoginResponse:
    if outcome.tokens is None:
        return LoginResponse(
            mfa_required=True, mfa_token=outcome.mfa_token, methods=outcome.methods
        )
    return LoginResponse(
        access_token=outcome.tokens.access_token,
        refresh_token=outcome.tokens.refresh_token,
        token_type="bearer",
        mfa_enrolment_required=outcome.mfa_enrolment_required,
    )


@router.post(
    "/auth/login",
    response_model=LoginResponse,
    response_model_exclude_none=True,
    responses=_FAILURES,
)
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: DbSession,
    ctx: AuthCtx,
) -> LoginResponse | JSONResponse:
    try:
        outcome = await auth_service.login(session, ctx, body.email, body.password)
    except AuthFailure as exc:
        return _failure(exc)
    if outcome.tokens is not None:
        _set_refresh_cookie(response, request, ctx.settings, outcome.tokens)
    return _login_body(outcome)


@router.post(
    "/auth/mfa/verify",
    response_model=LoginResponse,
    response_model_exclude_none=True,
    responses=_FAILURES,
)
async def verify_mfa(
    body: MfaVerifyRequest,
    request: Request,
    response: Response,
    session: DbSession,
    ctx: AuthCtx,
) -> LoginResponse | JSONResponse:
    try:
        outcome = await auth_service.verify_mfa(
            session, ctx, body.mfa_token, body.code, body.method
        )
    except AuthFailure as exc:
        return _failure(exc)
    if outcome.tokens is not None:
        _set_refresh_cookie(response, request, ctx.settings, outcome.tokens)
    return _login_body(outcome)


@router.post(
    "/auth/mfa/email/send",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessageResponse,
    responses=_FAILURES,
)
async def send_login_email_code(
    body: MfaTokenRequest, session: DbSession, ctx: AuthCtx
) -> MessageResponse:
    """During sign-in: e-mail a new code (the previous one stops working)."""
    await auth_service.send_login_email_code(session, ctx, body.mfa_token)
    return MessageResponse(message="We have e-mailed you a new code.")


@router.post("/auth/refresh", response_model=TokenResponse, responses=_FAILURES)
async def refresh(
    request: Request,
    response: Response,
    session: DbSession,
    ctx: AuthCtx,
    refresh_cookie: RefreshCookie = None,
    body: RefreshRequest | None = None,
) -> TokenResponse | JSONResponse:
    """Rotate the refresh token from the JSON body or, for browsers, the httpOnly cookie."""
    raw = (body.refresh_token if body else None) or refresh_cookie
    try:
        if not raw:
            raise SessionInvalid()
        _user, tokens = await auth_service.refresh(session, ctx, raw)
    except AuthFailure as exc:
        failed = _failure(exc)
        _clear_refresh_cookie(failed, request, ctx.settings)
        return failed
    _set_refresh_cookie(response, request, ctx.settings, tokens)
    return _token_body(tokens)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    response: Response,
    session: DbSession,
    ctx: AuthCtx,
    refresh_cookie: RefreshCookie = None,
    body: RefreshRequest | None = None,
) -> None:
    """End this sign-in (its refresh token family). Works without a valid access token."""
    await auth_service.logout(
        session, ctx, (body.refresh_token if body else None) or refresh_cookie
    )
    _clear_refresh_cookie(response, request, ctx.settings)


@router.post("/auth/logout-all", status_code=status.HTTP_204_NO_CONTENT)
async def logout_all(
    user: CurrentUser, request: Request, response: Response, session: DbSession, ctx: AuthCtx
) -> None:
    """End every session of the caller, including live access tokens."""
    await auth_service.logout_all(session, ctx, user)
    _clear_refresh_cookie(response, request, ctx.settings)


@router.post("/auth/change-password", response_model=TokenResponse)
async def change_password(
    body: ChangePasswordRequest,
    user: CurrentUser,
    request: Request,
    response: Response,
    session: DbSession,
    ctx: AuthCtx,
) -> TokenResponse:
    """Every other session ends; the caller gets a fresh one."""
    tokens = await auth_service.change_password(
        session, ctx, user, body.current_password, body.new_password
    )
    _set_refresh_cookie(response, request, ctx.settings, tokens)
    return _token_body(tokens)


@router.post(
    "/auth/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessageResponse,
)
async def forgot_password(
    body: ForgotPasswordRequest, session: DbSession, ctx: AuthCtx
) -> MessageResponse:
    await auth_service.forgot_password(session, ctx, body.email)
    return MessageResponse(
        message="If an account uses this e-mail address, we have sent it a link to reset the "
        "password. The link is valid for one hour."
    )


@router.post("/auth/reset-password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(body: ResetPasswordRequest, session: DbSession, ctx: AuthCtx) -> Response:
    try:
        await auth_service.redeem_password_token(
            session, ctx, body.token, body.new_password, purpose="reset"
        )
    except AuthFailure as exc:
        return _failure(exc)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/set-password", status_code=status.HTTP_204_NO_CONTENT)
async def set_password(body: ResetPasswordRequest, session: DbSession, ctx: AuthCtx) -> Response:
    """First password of an invited user, from the invitation link."""
    try:
        await auth_service.redeem_password_token(
            session, ctx, body.token, body.new_password, purpose="invite"
        )
    except AuthFailure as exc:
        return _failure(exc)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/password-rules", response_model=PasswordRules)
async def get_password_rules() -> PasswordRules:
    """The strength rules the API enforces (the same file the web form uses)."""
    return password_rules()


# --- MFA enrolment (signed in) ------------------------------------------------------------------


@router.post("/auth/mfa/totp/setup", response_model=TotpSetupResponse)
async def totp_setup(user: CurrentUser, session: DbSession, ctx: AuthCtx) -> TotpSetupResponse:
    with tenancy.system_scope(session):
        setup = await mfa_service.start_totp_setup(session, ctx, user)
    return TotpSetupResponse(
        secret=setup.secret, otpauth_uri=setup.otpauth_uri, qr_svg=setup.qr_svg
    )


@router.post("/auth/mfa/totp/enable", response_model=BackupCodesResponse)
async def totp_enable(
    body: CodeRequest, user: CurrentUser, session: DbSession, ctx: AuthCtx
) -> BackupCodesResponse | JSONResponse:
    """Confirm the authenticator with a first code. The backup codes are shown this once."""
    try:
        with tenancy.system_scope(session):
            codes = await mfa_service.enable_totp(session, ctx, user, body.code)
    except AuthFailure as exc:
        return _failure(exc)
    return BackupCodesResponse(backup_codes=codes, methods=user.mfa_methods)


@router.post("/auth/mfa/email/enable", response_model=EmailEnableResponse)
async def email_enable(
    body: EmailEnableRequest, user: CurrentUser, session: DbSession, ctx: AuthCtx
) -> EmailEnableResponse | JSONResponse:
    """Without `code`: e-mail a confirmation code. With it: turn e-mailed sign-in codes on."""
    try:
        with tenancy.system_scope(session):
            if body.code is None:
                await mfa_service.request_email_enable(session, ctx, user)
                return EmailEnableResponse(status="code_sent", methods=user.mfa_methods)
            codes = await mfa_service.enable_email(session, ctx, user, body.code)
    except AuthFailure as exc:
        return _failure(exc)
    return EmailEnableResponse(status="enabled", methods=user.mfa_methods, backup_codes=codes)


@router.post(
    "/auth/mfa/email/confirm-code",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessageResponse,
)
async def send_confirmation_code(
    user: CurrentUser, session: DbSession, ctx: AuthCtx
) -> MessageResponse:
    """E-mail a code that confirms a security change (turning MFA off, new backup codes)."""
    with tenancy.system_scope(session):
        await mfa_service.send_email_code(session, ctx, user, EmailCodePurpose.CONFIRM)
    return MessageResponse(message="We have e-mailed you a confirmation code.")


@router.post("/auth/mfa/disable", response_model=MfaMethodsResponse)
async def mfa_disable(
    body: MfaDisableRequest, user: CurrentUser, session: DbSession, ctx: AuthCtx
) -> MfaMethodsResponse | JSONResponse:
    """Turn one method (or, without `method`, all of them) off; needs a fresh valid code."""
    try:
        with tenancy.system_scope(session):
            left = await mfa_service.disable(session, ctx, user, body.code, body.method)
    except AuthFailure as exc:
        return _failure(exc)
    return MfaMethodsResponse(methods=left)


@router.post("/auth/mfa/backup-codes/regenerate", response_model=BackupCodesResponse)
async def regenerate_backup_codes(
    body: CodeRequest, user: CurrentUser, session: DbSession, ctx: AuthCtx
) -> BackupCodesResponse | JSONResponse:
    """Replace every backup code (the old ones stop working); needs a valid code."""
    try:
        with tenancy.system_scope(session):
            codes = await mfa_service.regenerate_backup_codes(session, ctx, user, body.code)
    except AuthFailure as exc:
        return _failure(exc)
    return BackupCodesResponse(backup_codes=codes, methods=user.mfa_methods)


# --- who am I -----------------------------------------------------------------------------------


@router.get("/me", response_model=MeResponse)
async def me(user: CurrentUser, session: DbSession) -> MeResponse:
    company: Company | None = None
    with tenancy.system_scope(session):
        if user.company_id is not None:
            company = await session.get(Company, user.company_id)
        remaining = await mfa_service.remaining_backup_codes(session, user)
    return MeResponse(
        user=_me_user(user, remaining),
        company=MeCompany.model_validate(company) if company else None,
        mfa_enrolment_required=bool(company and company.mfa_required and not user.mfa_enabled),
    )


def _me_user(user: User, backup_codes_remaining: int) -> MeUser:
    return MeUser(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        mfa_enabled=user.mfa_enabled,
        mfa_methods=user.mfa_methods,
        backup_codes_remaining=backup_codes_remaining,
    )
