"""Plan limits, enforced where the work happens.

* `check_invoice_limit`: finalizing a tax invoice past the plan's monthly limit is refused (402).
  A month is a calendar month in UAE time (UTC+4, no daylight saving). Only tax invoices count: a
  credit note corrects an invoice already counted and is never blocked. Call it after the number
  counter row is locked (as `invoicing.service.finalize` does), so two finalizations cannot both
  take the last slot.
* `check_user_limit`: inviting (or reactivating) a user past the plan's user limit (402). Every
  active user of the company counts, including those who have not accepted their invitation.
* `require_feature` / `RequireFeature`: a feature the plan does not include (403).

Every refusal names the limit, what the company has used, and the cheapest active plan that lifts
it, e.g. "Your Free plan allows 10 invoices a month and you have finalized 10 this month; the
Basic plan allows 100."

The counts run in the company's tenant scope (no hand-written company filter): in a request the
session is already bound to the caller's company; a system task is bound here to `company`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.dependencies import CurrentUser
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.core.db import DbSession
from involinks.core.types import UAE_TIME, utcnow
from involinks.errors import Forbidden, PaymentRequired
from involinks.invoicing.models import Invoice, InvoiceKind
from involinks.plans.defaults import FREE, fallback_plan
from involinks.plans.models import Feature, SubscriptionPlan


def month_start(now: datetime) -> datetime:
    """Start of the UAE calendar month containing `now`, as a UTC datetime."""
    local = now.astimezone(UAE_TIME)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def next_month_start(now: datetime) -> datetime:
    local = now.astimezone(UAE_TIME)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    return following.astimezone(UTC)


@contextmanager
def _as_company(session: AsyncSession, company: Company) -> Iterator[None]:
    """Count `company`'s rows through the central tenant filter, whatever the caller's scope."""
    if tenancy.current_scope(session) is tenancy.Scope.COMPANY:
        if tenancy.current_company_id(session) != company.id:
            raise tenancy.TenancyError("plan check for another company than the bound one")
        yield
        return
    with tenancy.company_scope(session, company.id):
        yield


async def plan_of(session: AsyncSession, company: Company) -> SubscriptionPlan:
    """The company's plan; a missing plan row gives the Free terms (fail closed)."""
    plan = await session.get(SubscriptionPlan, company.plan_code)
    if plan is None:
        plan = await session.get(SubscriptionPlan, FREE)
    return plan if plan is not None else fallback_plan()


async def _upgrade(
    session: AsyncSession, current: SubscriptionPlan, lifts: Callable[[SubscriptionPlan], bool]
) -> SubscriptionPlan | None:
    """The first active plan above `current` (cheapest first) that lifts the refusal."""
    plans = await session.scalars(
        sa.select(SubscriptionPlan)
        .where(
            SubscriptionPlan.active.is_(True),
            SubscriptionPlan.code != current.code,
            SubscriptionPlan.position > current.position,
        )
        .order_by(SubscriptionPlan.position, SubscriptionPlan.code)
    )
    return next((plan for plan in plans if lifts(plan)), None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --- invoices ----------------------------------------------------------------------------------


async def invoices_finalized_this_month(
    session: AsyncSession, company: Company, *, now: datetime | None = None
) -> int:
    """Tax invoices of `company` finalized in the UAE calendar month containing `now`."""
    now = now or utcnow()
    with _as_company(session, company):
        count = await session.scalar(
            sa.select(sa.func.count(Invoice.id)).where(
                Invoice.kind == InvoiceKind.INVOICE,
                Invoice.finalized_at >= month_start(now),
                Invoice.finalized_at < next_month_start(now),
            )
        )
    return int(count or 0)


async def check_invoice_limit(
    session: AsyncSession,
    company: Company,
    *,
    now: datetime | None = None,
    kind: InvoiceKind = InvoiceKind.INVOICE,
) -> None:
    """Refuse (402) finalizing one more tax invoice than the plan allows this month."""
    if kind is not InvoiceKind.INVOICE:
        return
    plan = await plan_of(session, company)
    limit = plan.monthly_invoice_limit
    if limit is None:
        return
    used = await invoices_finalized_this_month(session, company, now=now)
    if used < limit:
        return
    upgrade = await _upgrade(
        session,
        plan,
        lambda p: p.monthly_invoice_limit is None or p.monthly_invoice_limit > used,
    )
    if upgrade is None:
        advice = "contact us to raise it."
    elif upgrade.monthly_invoice_limit is None:
        advice = f"the {upgrade.name} plan has no monthly limit."
    else:
        advice = f"the {upgrade.name} plan allows {upgrade.monthly_invoice_limit}."
    raise PaymentRequired(
        f"Your {plan.name} plan allows {_count(limit, 'invoice')} a month and you have finalized "
        f"{used} this month; {advice}",
        details=_details("monthly_invoices", plan, limit, used, upgrade),
    )


# --- users -------------------------------------------------------------------------------------


async def active_users(session: AsyncSession, company: Company) -> int:
    with _as_company(session, company):
        count = await session.scalar(
            sa.select(sa.func.count(User.id)).where(User.is_active.is_(True))
        )
    return int(count or 0)


async def check_user_limit(session: AsyncSession, company: Company, *, adding: int = 1) -> None:
    """Refuse (402) having more active users than the plan allows once `adding` more join.

    Call it before the new (or reactivated) user is flushed."""
    plan = await plan_of(session, company)
    limit = plan.user_limit
    if limit is None:
        return
    users = await active_users(session, company)
    if users + adding <= limit:
        return
    upgrade = await _upgrade(
        session, plan, lambda p: p.user_limit is None or p.user_limit >= users + adding
    )
    if upgrade is None:
        advice = "contact us to raise it."
    elif upgrade.user_limit is None:
        advice = f"the {upgrade.name} plan has no user limit."
    else:
        advice = f"the {upgrade.name} plan allows {upgrade.user_limit}."
    raise PaymentRequired(
        f"Your {plan.name} plan allows {_count(limit, 'user')} and your company has {users}; "
        f"{advice}",
        details=_details("users", plan, limit, users, upgrade),
    )


def _details(
    limit_kind: str, plan: SubscriptionPlan, limit: int, used: int, upgrade: SubscriptionPlan | None
) -> dict[str, Any]:
    # Error code "plan_limit" (PaymentRequired's own) for both limits; `limit_kind` tells which.
    return {
        "limit_kind": limit_kind,
        "plan": plan.code,
        "limit": limit,
        "used": used,
        "upgrade_to": upgrade.code if upgrade else None,
    }


# --- features ----------------------------------------------------------------------------------


async def require_feature(session: AsyncSession, company: Company, feature: Feature) -> None:
    """Refuse (403) a feature the company's plan does not include."""
    plan = await plan_of(session, company)
    if plan.has(feature):
        return
    upgrade = await _upgrade(session, plan, lambda p: p.has(feature))
    advice = (
        f"the {upgrade.name} plan includes it." if upgrade else "contact us to have it enabled."
    )
    raise Forbidden(
        f"Your {plan.name} plan does not include {feature.label}; {advice}",
        code="plan_feature",
        details={
            "plan": plan.code,
            "feature": feature.value,
            "upgrade_to": upgrade.code if upgrade else None,
        },
    )


def RequireFeature(feature: Feature) -> Callable[[AsyncSession, User], Awaitable[None]]:
    """Dependency factory: `dependencies=[Depends(RequireFeature(Feature.ACCOUNTS_PAYABLE))]`.

    Applies to company users (their session is bound to their company). A super admin's
    cross-company read is not a use of the feature, so it passes."""

    async def _check(session: DbSession, _user: CurrentUser) -> None:
        company_id = tenancy.current_company_id(session)
        if tenancy.current_scope(session) is not tenancy.Scope.COMPANY or company_id is None:
            return
        company = await session.get(Company, company_id)
        if company is None:  # pragma: no cover - get_current_user already refused this
            raise Forbidden("Your company account is not active.")
        await require_feature(session, company, feature)

    _check.__name__ = f"require_feature_{feature.value}"
    return _check


# --- usage -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Usage:
    plan: SubscriptionPlan
    period_start: datetime
    invoices_this_month: int
    users: int

    @property
    def monthly_invoice_limit(self) -> int | None:
        return self.plan.monthly_invoice_limit

    @property
    def user_limit(self) -> int | None:
        return self.plan.user_limit

    @property
    def features(self) -> dict[str, bool]:
        return self.plan.features


async def usage(session: AsyncSession, company: Company, *, now: datetime | None = None) -> Usage:
    now = now or utcnow()
    return Usage(
        plan=await plan_of(session, company),
        period_start=month_start(now),
        invoices_this_month=await invoices_finalized_this_month(session, company, now=now),
        users=await active_users(session, company),
    )
