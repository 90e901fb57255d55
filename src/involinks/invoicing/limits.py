"""Monthly invoice limits of the subscription plans (seed: ``check_free_plan_limits``).

Until plans are data (platform issue), the limits are this table. A month is a calendar month in
UAE time (UTC+4, no daylight saving). Only tax invoices count: a credit note corrects an invoice
already counted and is never blocked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.companies.models import Company
from involinks.errors import PaymentRequired
from involinks.invoicing.models import Invoice, InvoiceKind

UAE_TIME = timezone(timedelta(hours=4), "GST")

#: Plan code -> finalized tax invoices allowed per calendar month (None: unlimited), cheapest first.
PLAN_MONTHLY_INVOICE_LIMITS: Mapping[str, int | None] = MappingProxyType(
    {"FREE": 10, "BASIC": 100, "PRO": 1000, "ENTERPRISE": None}
)
DEFAULT_PLAN = "FREE"


def monthly_limit(plan_code: str) -> int | None:
    """The plan's monthly limit; an unknown plan gets the free plan's (fail closed)."""
    if plan_code in PLAN_MONTHLY_INVOICE_LIMITS:
        return PLAN_MONTHLY_INVOICE_LIMITS[plan_code]
    return PLAN_MONTHLY_INVOICE_LIMITS[DEFAULT_PLAN]


def month_start(now: datetime) -> datetime:
    """Start of the UAE calendar month containing ``now``, as a UTC datetime."""
    local = now.astimezone(UAE_TIME)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def upgrade_for(used: int) -> tuple[str, int | None] | None:
    """The cheapest plan whose limit allows one more invoice than ``used``."""
    for plan, limit in PLAN_MONTHLY_INVOICE_LIMITS.items():
        if limit is None or limit > used:
            return plan, limit
    return None


async def finalized_this_month(session: AsyncSession, now: datetime) -> int:
    """Tax invoices of the bound company finalized since the start of the UAE month."""
    count = await session.execute(
        sa.select(sa.func.count(Invoice.id)).where(
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.finalized_at.is_not(None),
            Invoice.finalized_at >= month_start(now),
        )
    )
    return int(count.scalar_one())


async def check_free_plan_limits(
    session: AsyncSession, company: Company, *, now: datetime, kind: InvoiceKind
) -> None:
    """Refuse (402) finalizing one more tax invoice than the company's plan allows this month."""
    if kind is not InvoiceKind.INVOICE:
        return
    limit = monthly_limit(company.plan_code)
    if limit is None:
        return
    used = await finalized_this_month(session, now)
    if used < limit:
        return
    plan = company.plan_code if company.plan_code in PLAN_MONTHLY_INVOICE_LIMITS else DEFAULT_PLAN
    upgrade = upgrade_for(used)
    if upgrade is None:
        advice = "Contact us to raise it."
    else:
        name, upgrade_limit = upgrade
        allows = "unlimited invoices" if upgrade_limit is None else f"{upgrade_limit} per month"
        advice = f"Upgrade to the {name} plan ({allows}) to finalize more."
    raise PaymentRequired(
        f"Your {plan} plan allows {limit} invoices per month and all {limit} are used this "
        f"month. {advice}",
        details={"plan": plan, "limit": limit, "used": used, "upgrade_to": upgrade and upgrade[0]},
    )
