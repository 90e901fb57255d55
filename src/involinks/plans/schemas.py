from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from involinks.core.schemas import InputSchema, Money, Schema

PLAN_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,31}$"
PlanCode = Annotated[str, Field(pattern=PLAN_CODE_PATTERN, examples=["BASIC"])]


class PlanFeatures(Schema):
    peppol_sending: bool
    accounts_payable: bool
    bulk_import: bool


class PlanRead(Schema):
    code: str
    name: str
    description: str
    position: int
    monthly_invoice_limit: int | None = Field(description="null: unlimited")
    user_limit: int | None = Field(description="null: unlimited")
    features: PlanFeatures
    price_aed_monthly: Money
    active: bool


class PlanFeaturesWrite(InputSchema):
    """Features to switch; a feature left out keeps its current setting."""

    peppol_sending: bool | None = None
    accounts_payable: bool | None = None
    bulk_import: bool | None = None


class PlanWrite(InputSchema):
    """A plan's terms. On an existing plan a field left out keeps its value; an explicit `null`
    limit means unlimited. A new plan needs at least `name` and both limits."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    position: int | None = Field(default=None, ge=0, le=100_000)
    monthly_invoice_limit: int | None = Field(default=None, ge=0, le=100_000_000)
    user_limit: int | None = Field(default=None, ge=1, le=1_000_000)
    features: PlanFeaturesWrite | None = None
    price_aed_monthly: Decimal | None = Field(
        default=None, ge=0, le=Decimal("10000000"), decimal_places=2
    )
    active: bool | None = None


class AssignPlanIn(InputSchema):
    plan_code: str = Field(min_length=1, max_length=32)


class CompanyPlanOut(Schema):
    company_id: uuid.UUID
    plan: PlanRead


class UsageRead(Schema):
    plan: PlanRead
    period_start: datetime = Field(description="start of the current UAE calendar month (UTC)")
    invoices_this_month: int
    monthly_invoice_limit: int | None
    users: int
    user_limit: int | None
    features: PlanFeatures


class CheckoutIn(InputSchema):
    plan_code: str = Field(min_length=1, max_length=32)


class CheckoutOut(Schema):
    session_id: str
    checkout_url: str


class WebhookResult(Schema):
    """What a Stripe event did (an event that changes nothing is still acknowledged)."""

    event_id: str
    event_type: str
    handled: bool
    detail: str
    company_id: uuid.UUID | None = None
    plan_code: str | None = None
