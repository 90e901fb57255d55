"""Plans as data: listing, the super admin's edits, assigning a plan to a company, checkout.

Every change is audited: plan edits in the platform chain, a company's plan change in its own.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.errors import Conflict, NotFound, Unprocessable
from involinks.plans.billing import BillingDisabled, CheckoutSession, StripeBilling
from involinks.plans.defaults import FREE
from involinks.plans.models import Feature, SubscriptionPlan
from involinks.plans.schemas import PLAN_CODE_PATTERN, PlanWrite

_EDITABLE = (
    "name",
    "description",
    "position",
    "monthly_invoice_limit",
    "user_limit",
    "price_aed_monthly",
    "active",
)


async def list_plans(session: AsyncSession, *, active_only: bool) -> list[SubscriptionPlan]:
    query = sa.select(SubscriptionPlan).order_by(SubscriptionPlan.position, SubscriptionPlan.code)
    if active_only:
        query = query.where(SubscriptionPlan.active.is_(True))
    return list(await session.scalars(query))


async def get_plan(session: AsyncSession, code: str) -> SubscriptionPlan:
    plan = await session.get(SubscriptionPlan, code.upper())
    if plan is None:
        raise NotFound(f"There is no plan {code}.")
    return plan


def _snapshot(plan: SubscriptionPlan) -> dict[str, Any]:
    values = {name: getattr(plan, name) for name in _EDITABLE}
    values["price_aed_monthly"] = str(values["price_aed_monthly"])
    values["features"] = plan.features
    return values


async def save_plan(
    session: AsyncSession, code: str, data: PlanWrite, *, actor: User
) -> tuple[SubscriptionPlan, bool]:
    """Create or update a plan; returns it and whether it was created."""
    code = code.upper()
    if not re.fullmatch(PLAN_CODE_PATTERN, code):
        raise Unprocessable(
            f"A plan code is 2 to 32 capital letters, digits or underscores (got {code!r})."
        )
    given = data.model_fields_set
    plan = await session.get(SubscriptionPlan, code)
    created = plan is None
    if plan is None:
        missing = [f for f in ("name", "monthly_invoice_limit", "user_limit") if f not in given]
        if missing:
            raise Unprocessable(
                f"A new plan needs {', '.join(missing)} (a null limit means unlimited).",
                details={"missing": missing},
            )
        plan = SubscriptionPlan(
            code=code,
            description="",
            position=await _next_position(session),
            peppol_sending=False,
            accounts_payable=False,
            bulk_import=False,
            price_aed_monthly=Decimal(0),
            active=True,
        )
        session.add(plan)
        before: dict[str, Any] = {}
    else:
        before = _snapshot(plan)

    for name in _EDITABLE:
        if name not in given:
            continue
        value = getattr(data, name)
        if value is None and name not in ("monthly_invoice_limit", "user_limit"):
            raise Unprocessable(f"{name} cannot be null.")
        setattr(plan, name, value)
    if data.features is not None:
        for feature in Feature:
            if feature.value in data.features.model_fields_set:
                switch = getattr(data.features, feature.value)
                if switch is None:
                    raise Unprocessable(f"features.{feature.value} cannot be null.")
                setattr(plan, feature.value, switch)
    if plan.code == FREE and not plan.active:
        raise Conflict(
            "The Free plan is the plan of every new company and cannot be deactivated.",
            code="free_plan_required",
        )
    await session.flush()

    after = _snapshot(plan)
    changes = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
    if changes:
        await audit.record(
            session,
            "plan.created" if created else "plan.updated",
            actor=actor,
            company_id=None,
            subject_type="plan",
            subject_id=plan.code,
            details={"changes": changes},
        )
    return plan, created


async def _next_position(session: AsyncSession) -> int:
    highest = await session.scalar(sa.select(sa.func.max(SubscriptionPlan.position)))
    return int(highest or 0) + 10


async def assign_plan(
    session: AsyncSession, company_id: uuid.UUID, plan_code: str, *, actor: User
) -> Company:
    """Move a company to another plan (super admin). Existing data stays; limits apply from now."""
    company = await session.scalar(
        sa.select(Company).where(Company.id == company_id).with_for_update()
    )
    if company is None:
        raise NotFound("Company not found.")
    plan = await get_plan(session, plan_code)
    if not plan.active and plan.code != company.plan_code:
        raise Conflict(
            f"The {plan.name} plan is no longer offered; activate it first or choose another.",
            code="plan_inactive",
        )
    await switch_plan(session, company, plan, actor=actor)
    return company


async def switch_plan(
    session: AsyncSession,
    company: Company,
    plan: SubscriptionPlan,
    *,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Put `company` on `plan` and audit the change in its chain (`actor` None: the payment
    provider). The caller holds the company row locked. Same plan: nothing happens."""
    previous = company.plan_code
    if previous == plan.code:
        await session.flush()  # other changes the caller made to the row
        return
    company.plan_code = plan.code
    await session.flush()
    await audit.record(
        session,
        "company.plan_changed",
        actor=actor,
        company_id=company.id,
        subject_type="company",
        subject_id=str(company.id),
        details={"from": previous, "to": plan.code, **(details or {})},
    )


async def start_checkout(
    session: AsyncSession,
    billing: StripeBilling | None,
    company: Company,
    plan_code: str,
    *,
    actor: User,
    success_url: str,
    cancel_url: str,
) -> CheckoutSession:
    """Open a Stripe Checkout page for a monthly subscription to `plan_code`."""
    if billing is None:
        raise BillingDisabled(
            "Online payment is not set up on this installation; contact us to change plan."
        )
    plan = await get_plan(session, plan_code)
    if not plan.active:
        raise Conflict(f"The {plan.name} plan is no longer offered.", code="plan_inactive")
    if plan.code == company.plan_code:
        raise Conflict(f"Your company is already on the {plan.name} plan.", code="same_plan")
    if plan.price_aed_monthly <= 0:
        raise Conflict(f"The {plan.name} plan is free; no payment is needed.", code="free_plan")
    checkout = await billing.create_checkout_session(
        plan_code=plan.code,
        plan_name=plan.name,
        price_aed_monthly=plan.price_aed_monthly,
        success_url=success_url,
        cancel_url=cancel_url,
        client_reference_id=str(company.id),
        # A company that has paid before keeps its Stripe customer (its cards, invoices and
        # credit from a prorated cancellation); a first checkout creates one from the e-mail.
        customer_id=company.stripe_customer_id,
        customer_email=company.email,
        metadata={"company_id": str(company.id)},
    )
    await audit.record(
        session,
        "plan.checkout_started",
        actor=actor,
        company_id=company.id,
        subject_type="plan",
        subject_id=plan.code,
        details={"checkout_session": checkout.id, "from": company.plan_code},
    )
    return checkout
