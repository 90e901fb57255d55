"""GET /admin/analytics (super admin, every company) and GET /dashboard (one company)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from involinks.analytics import company as company_analytics
from involinks.analytics import platform as platform_analytics
from involinks.analytics.schemas import CompanyDashboard, PlatformAnalytics
from involinks.analytics.sql import uae_today
from involinks.auth.dependencies import get_clock, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.core.rate_limit import Clock
from involinks.errors import NotFound

admin_router = APIRouter(prefix="/admin", tags=["analytics"])
dashboard_router = APIRouter(prefix="/dashboard", tags=["analytics"])

PlatformAdmin = Annotated[User, Depends(require(Permission.PLATFORM_ADMIN))]
InvoiceReader = Annotated[User, Depends(require(Permission.INVOICE_READ))]
Now = Annotated[Clock, Depends(get_clock)]


@admin_router.get("/analytics", response_model=PlatformAnalytics)
async def read_platform_analytics(
    session: DbSession,
    _admin: PlatformAdmin,
    clock: Now,
    first: Annotated[
        date | None, Query(alias="from", description="first day (UAE), default 29 days before to")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="last day (UAE), default today")
    ] = None,
) -> PlatformAnalytics:
    """Platform figures over a date range (at most 366 days)."""
    rng = platform_analytics.resolve_range(first, last, today=uae_today(clock()))
    return await platform_analytics.platform_analytics(session, rng)


@dashboard_router.get("", response_model=CompanyDashboard)
async def read_dashboard(
    session: DbSession,
    user: InvoiceReader,
    clock: Now,
    period: Literal["month", "quarter"] = "month",
    periods: Annotated[
        int | None,
        Query(ge=1, le=36, description="VAT periods shown; default 12 months / 4 quarters"),
    ] = None,
) -> CompanyDashboard:
    """The company's receivables, payables, overdue amounts, VAT due per period, recent activity."""
    if user.company_id is None:
        raise NotFound("The dashboard belongs to a company; super admins use /admin/analytics.")
    return await company_analytics.company_dashboard(
        session, today=uae_today(clock()), unit=period, periods=periods
    )


routers = (admin_router, dashboard_router)
