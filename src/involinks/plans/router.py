"""Plans: the public list (/plans), the super admin's editor (/admin/plans, /admin/companies/{id}/plan),
a company's own usage and checkout (/company/usage, /company/plan/checkout) and Stripe's signed
webhook (/billing/stripe/webhook)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from involinks.auth.dependencies import AppSettings, get_clock, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.companies.service import current_company
from involinks.core.db import DbSession
from involinks.core.rate_limit import Clock
from involinks.plans import enforcement, webhooks
from involinks.plans import service as plans_service
from involinks.plans.billing import StripeBilling, billing_from_settings
from involinks.plans.models import SubscriptionPlan
from involinks.plans.schemas import (
    AssignPlanIn,
    CheckoutIn,
    CheckoutOut,
    CompanyPlanOut,
    PlanRead,
    PlanWrite,
    UsageRead,
    WebhookResult,
)

public_router = APIRouter(prefix="/plans", tags=["plans"])
admin_router = APIRouter(prefix="/admin", tags=["plans"])
company_router = APIRouter(prefix="/company", tags=["plans"])
billing_router = APIRouter(prefix="/billing", tags=["plans"])

PlatformAdmin = Annotated[User, Depends(require(Permission.PLATFORM_ADMIN))]
CompanyReader = Annotated[User, Depends(require(Permission.COMPANY_READ))]
CompanyAdmin = Annotated[User, Depends(require(Permission.COMPANY_SETTINGS))]
Now = Annotated[Clock, Depends(get_clock)]


async def get_billing(request: Request, settings: AppSettings) -> StripeBilling | None:
    """`app.state.billing` when set (tests give one on a mock transport), else from settings."""
    billing: StripeBilling | None = getattr(request.app.state, "billing", None)
    return billing if billing is not None else billing_from_settings(settings)


Billing = Annotated[StripeBilling | None, Depends(get_billing)]


@public_router.get("", response_model=list[PlanRead])
async def list_public_plans(session: DbSession) -> list[SubscriptionPlan]:
    """The plans offered at sign-up, cheapest first."""
    return await plans_service.list_plans(session, active_only=True)


@admin_router.get("/plans", response_model=list[PlanRead])
async def list_plans(session: DbSession, _admin: PlatformAdmin) -> list[SubscriptionPlan]:
    return await plans_service.list_plans(session, active_only=False)


@admin_router.put(
    "/plans/{code}",
    response_model=PlanRead,
    responses={201: {"model": PlanRead, "description": "A new plan was created"}},
)
async def save_plan(
    code: Annotated[str, Path(max_length=32)],
    body: PlanWrite,
    session: DbSession,
    admin: PlatformAdmin,
    response: Response,
) -> SubscriptionPlan:
    """Edit a plan's terms (fields left out keep their value; a null limit is unlimited)."""
    plan, created = await plans_service.save_plan(session, code, body, actor=admin)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return plan


@admin_router.post("/companies/{company_id}/plan", response_model=CompanyPlanOut)
async def assign_plan(
    company_id: uuid.UUID, body: AssignPlanIn, session: DbSession, admin: PlatformAdmin
) -> CompanyPlanOut:
    company = await plans_service.assign_plan(session, company_id, body.plan_code, actor=admin)
    plan = await plans_service.get_plan(session, company.plan_code)
    return CompanyPlanOut(company_id=company.id, plan=PlanRead.model_validate(plan))


@company_router.get("/usage", response_model=UsageRead)
async def read_usage(session: DbSession, _user: CompanyReader, clock: Now) -> UsageRead:
    """The company's plan and how much of it this month has used."""
    company = await current_company(session)
    usage = await enforcement.usage(session, company, now=clock())
    return UsageRead.model_validate(usage)


@company_router.post("/plan/checkout", response_model=CheckoutOut)
async def start_checkout(
    body: CheckoutIn,
    session: DbSession,
    user: CompanyAdmin,
    settings: AppSettings,
    billing: Billing,
) -> CheckoutOut:
    """Open the payment page for another plan (503 when online payment is not set up)."""
    company = await current_company(session)
    base = settings.public_base_url.rstrip("/")
    checkout = await plans_service.start_checkout(
        session,
        billing,
        company,
        body.plan_code,
        actor=user,
        success_url=f"{base}/settings/plan?checkout=done&session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{base}/settings/plan?checkout=cancelled",
    )
    return CheckoutOut(session_id=checkout.id, checkout_url=checkout.url)


@billing_router.post("/stripe/webhook", response_model=WebhookResult)
async def stripe_webhook(
    request: Request, session: DbSession, settings: AppSettings, clock: Now
) -> WebhookResult:
    """Stripe's events about plan payments (signed; 503 while no webhook secret is set)."""
    body = await request.body()
    webhooks.verify_signature(
        body,
        request.headers.get("Stripe-Signature"),
        settings.stripe_webhook_secret.get_secret_value(),
        now=int(clock().timestamp()),
        tolerance=settings.stripe_webhook_tolerance_seconds,
    )
    outcome = await webhooks.handle_event(session, webhooks.parse_event(body))
    return WebhookResult.model_validate(outcome)


routers = (public_router, admin_router, company_router, billing_router)
