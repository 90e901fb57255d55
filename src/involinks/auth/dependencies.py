"""Who is calling, and what may they do. Binding the tenant scope happens here, once per request.

Dependencies here (and elsewhere) are ``async def`` even when they do not await: FastAPI runs a
plain ``def`` dependency in a worker thread, a hand-off to another thread and back (and a GIL
exchange with it) for a few attribute reads, on every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.context import AuthContext
from involinks.auth.models import User
from involinks.auth.permissions import Permission, Role, has_permission
from involinks.auth.tokens import AccessClaims, InvalidToken, decode_access_token
from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import DbSession
from involinks.core.rate_limit import Clock, RateLimiter, create_rate_limiter
from involinks.core.types import utcnow
from involinks.errors import Forbidden, Unauthorized
from involinks.plans.models import SubscriptionPlan

_bearer = HTTPBearer(auto_error=False)
_PRINCIPAL_ROWS = "auth.principal_rows"


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


def clock_of(request: Request) -> Clock:
    """`app.state.clock` when set (tests move time with it), else the wall clock."""
    clock: Clock = getattr(request.app.state, "clock", None) or utcnow
    return clock


async def get_clock(request: Request) -> Clock:
    return clock_of(request)


async def get_rate_limiter(request: Request) -> RateLimiter:
    """One limiter per app, made on first use: Redis when REDIS_URL is set, else in-process."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        settings: Settings = request.app.state.settings
        limiter = create_rate_limiter(settings.redis_url, clock=clock_of(request))
        request.app.state.rate_limiter = limiter
    return limiter


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def get_auth_context(
    request: Request,
    settings: AppSettings,
    clock: Annotated[Clock, Depends(get_clock)],
    limiter: Annotated[RateLimiter, Depends(get_rate_limiter)],
) -> AuthContext:
    now: datetime = clock()
    return AuthContext(
        settings=settings,
        now=now,
        limiter=limiter,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )


AuthCtx = Annotated[AuthContext, Depends(get_auth_context)]


async def load_principal(
    session: AsyncSession, claims: AccessClaims
) -> tuple[User | None, Company | None]:
    """The token's user and company, read fresh on every request (deactivation, revocation and
    company suspension take effect at once), in one statement that also brings the company's
    plan, so the plan checks of the request (``plans.enforcement``) need no query of their own.

    A company user's token names its company: the lookup runs in that company's scope, which the
    request keeps afterwards, so the transaction switches its row-level-security settings once.
    A user who no longer belongs to that company is simply not found."""
    company_user = claims.company_id is not None and claims.role is not Role.SUPER_ADMIN
    statement = (
        sa.select(User, Company, SubscriptionPlan)
        .join(Company, User.company_id == Company.id, isouter=not company_user)
        .outerjoin(SubscriptionPlan, SubscriptionPlan.code == Company.plan_code)
        .where(User.id == claims.user_id)
    )
    if company_user:
        assert claims.company_id is not None
        tenancy.bind_company(session, claims.company_id)
        row = (await session.execute(statement)).first()
    else:
        with tenancy.system_scope(session):
            row = (await session.execute(statement)).first()
    if row is None:
        return None, None
    user, company, plan = row
    # The identity map holds objects weakly: keep the company and its plan alive for the
    # request so the services' `session.get(...)` of either is answered without another query.
    session.info[_PRINCIPAL_ROWS] = (company, plan)
    return user, company


async def get_current_user(
    session: DbSession,
    settings: AppSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    try:
        claims = decode_access_token(settings, credentials.credentials)
    except InvalidToken as exc:
        raise Unauthorized(f"Sign in again: {exc}.") from exc
    user, company = await load_principal(session, claims)
    if user is None or not user.is_active or user.token_version != claims.token_version:
        raise Unauthorized("Sign in again: this session has been revoked.")
    if user.role is Role.SUPER_ADMIN:
        tenancy.bind_platform_read(session)
    else:
        if company is None or company.status is not CompanyStatus.ACTIVE:
            raise Forbidden(
                "Your company account is not active; contact the platform administrator."
            )
        tenancy.bind_company(session, company.id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: Permission) -> Callable[[User], Awaitable[User]]:
    """Dependency factory: endpoints declare the permission they need, never compare roles."""

    async def _check(user: CurrentUser) -> User:
        if not has_permission(user.role, permission):
            raise Forbidden(
                f"Your role ({user.role.value}) does not allow this ({permission.value})."
            )
        return user

    _check.__name__ = f"require_{permission.name.lower()}"
    return _check
