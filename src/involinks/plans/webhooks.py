"""Stripe webhooks: a paid checkout or a subscription change sets the company's plan.

Off unless `STRIPE_WEBHOOK_SECRET` is configured. Every request is verified as Stripe documents it:
the `Stripe-Signature` header is `t=<unix time>,v1=<hex>[,v1=...]`, each `v1` an HMAC-SHA256 of
`"<t>.<raw body>"` keyed with the endpoint's signing secret; one match is enough (Stripe sends two
while a secret is rolled), and `t` must be within the tolerance window (against replays).

Events handled (anything else is acknowledged and ignored, so Stripe stops retrying it):

* `checkout.session.completed` (subscription mode, paid): the company named by
  `client_reference_id` moves to `metadata.plan_code`; the customer and subscription ids are kept.
  A checkout creates a new subscription: when it replaces another one the company had, the job
  `plans.cancel_subscription` cancels the old one in Stripe (prorated) once the change is
  committed, and the request is audited (`plan.subscription_cancel_requested`). Stripe may
  deliver events out of order: a checkout older than the one behind the current subscription
  (event ``created`` before ``companies.stripe_subscription_since``) changes no plan, and its
  own subscription is the one cancelled.
* `customer.subscription.updated`: an active (or trialing) subscription sets its plan
  (`metadata.plan_code`, kept there by the checkout); a subscription that ended (canceled, unpaid,
  incomplete_expired) puts the company back on the Free plan.
* `customer.subscription.deleted`: back on the Free plan.

Subscription events act only on the company whose current subscription they name: a late event
about a replaced subscription changes nothing. Repeated deliveries change nothing either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.errors import AppError
from involinks.jobs import queue as job_queue
from involinks.plans import service as plans_service
from involinks.plans.billing import BillingDisabled
from involinks.plans.defaults import FREE
from involinks.plans.models import SubscriptionPlan
from involinks.plans.tasks import CANCEL_SUBSCRIPTION_JOB

log = logging.getLogger(__name__)

_LIVE = frozenset({"active", "trialing"})
_ENDED = frozenset({"canceled", "unpaid", "incomplete_expired"})
_PAID = frozenset({"paid", "no_payment_required"})


class WebhookRejected(AppError):
    status_code = 400
    code = "webhook_rejected"


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    event_id: str
    event_type: str
    handled: bool
    detail: str
    company_id: uuid.UUID | None = None
    plan_code: str | None = None


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` value Stripe would send (the CLI and tests sign with it)."""
    return f"t={timestamp},v1={_sign(payload, secret, timestamp)}"


def _sign(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_signature(
    payload: bytes, header: str | None, secret: str, *, now: int, tolerance: int
) -> None:
    """Refuse (400) a body whose `Stripe-Signature` is missing, wrong or outside the window."""
    if not secret:
        raise BillingDisabled(
            "Stripe webhooks are not set up on this installation (STRIPE_WEBHOOK_SECRET is empty)."
        )
    if not header:
        raise WebhookRejected("The Stripe-Signature header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookRejected("The Stripe-Signature timestamp is not a number.") from None
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookRejected("The Stripe-Signature header has no timestamp or no v1 signature.")
    expected = _sign(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise WebhookRejected("The Stripe-Signature does not match the body.")
    if abs(now - timestamp) > tolerance:
        raise WebhookRejected(
            f"The Stripe-Signature timestamp is more than {tolerance} seconds away from now."
        )


def parse_event(payload: bytes) -> dict[str, Any]:
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookRejected("The webhook body is not JSON.") from None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise WebhookRejected("The webhook body is not a Stripe event (id, type, data.object).")
    return event


async def handle_event(session: AsyncSession, event: dict[str, Any]) -> WebhookOutcome:
    event_id, event_type = event["id"], event["type"]
    obj: dict[str, Any] = event["data"]["object"]

    def outcome(handled: bool, detail: str, company: Company | None = None) -> WebhookOutcome:
        log.info("Stripe %s %s: %s", event_type, event_id, detail)
        return WebhookOutcome(
            event_id=event_id,
            event_type=event_type,
            handled=handled,
            detail=detail,
            company_id=company.id if company else None,
            plan_code=company.plan_code if company else None,
        )

    if event_type == "checkout.session.completed":
        if obj.get("mode") != "subscription" or obj.get("payment_status") not in _PAID:
            return outcome(False, "not a paid subscription checkout")
        company = await _company_by_id(session, obj.get("client_reference_id"))
        if company is None:
            return outcome(False, "no company with this client_reference_id")
        plan = await _plan(session, _metadata(obj).get("plan_code"))
        if plan is None:
            return outcome(False, "no plan with this metadata.plan_code", company)
        previous = company.stripe_subscription_id
        subscription = _string(obj.get("subscription"))
        bought_at = _created(event)
        since = company.stripe_subscription_since
        if (
            previous is not None
            and subscription is not None
            and subscription != previous
            and bought_at is not None
            and since is not None
            and bought_at < since
        ):
            # Delivered late: the company has since bought the subscription it has now. That one
            # stays; the older purchase is the one that must stop billing.
            await _cancel_replaced(session, company, subscription, previous, event=event)
            return outcome(True, f"an older checkout: {subscription} cancelled, plan kept", company)
        await _set_plan(
            session,
            company,
            plan,
            event=event,
            customer=_string(obj.get("customer")),
            subscription=subscription,
            bought_at=bought_at,
        )
        if previous is not None and subscription is not None and previous != subscription:
            await _cancel_replaced(session, company, previous, subscription, event=event)
        return outcome(True, f"plan set to {plan.code}", company)

    if event_type in ("customer.subscription.updated", "customer.subscription.deleted"):
        company = await _company_by_subscription(session, _string(obj.get("id")))
        if company is None:
            return outcome(False, "not the current subscription of any company")
        status = obj.get("status")
        if event_type == "customer.subscription.deleted" or status in _ENDED:
            free = await _plan(session, FREE)
            assert free is not None  # the Free plan cannot be deleted or deactivated
            await _set_plan(session, company, free, event=event, customer=None, subscription=None)
            return outcome(True, f"subscription {status or 'deleted'}: back on Free", company)
        if status not in _LIVE:
            return outcome(False, f"subscription {status}: plan kept", company)
        plan = await _plan(session, _metadata(obj).get("plan_code"))
        if plan is None:
            return outcome(False, "no plan with this metadata.plan_code", company)
        await _set_plan(
            session,
            company,
            plan,
            event=event,
            customer=company.stripe_customer_id,
            subscription=company.stripe_subscription_id,
        )
        return outcome(True, f"plan set to {plan.code}", company)

    return outcome(False, "event type not handled")


def _created(event: dict[str, Any]) -> datetime | None:
    """When Stripe created the event (``created``, Unix seconds), if it says."""
    created = event.get("created")
    if isinstance(created, int) and not isinstance(created, bool):
        return datetime.fromtimestamp(created, UTC)
    return None


def _string(value: Any) -> str | None:
    # Stripe sends ids, or whole objects when the request asked to expand them.
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


async def _plan(session: AsyncSession, code: Any) -> SubscriptionPlan | None:
    if not isinstance(code, str) or not code:
        return None
    # A plan withdrawn since the checkout is still what was paid for.
    return await session.get(SubscriptionPlan, code.upper())


async def _company_by_id(session: AsyncSession, value: Any) -> Company | None:
    try:
        company_id = uuid.UUID(str(value))
    except ValueError:
        return None
    with tenancy.system_scope(session):
        return await session.scalar(
            sa.select(Company).where(Company.id == company_id).with_for_update()
        )


async def _company_by_subscription(
    session: AsyncSession, subscription_id: str | None
) -> Company | None:
    if subscription_id is None:
        return None
    with tenancy.system_scope(session):
        return await session.scalar(
            sa.select(Company)
            .where(Company.stripe_subscription_id == subscription_id)
            .with_for_update()
        )


async def _set_plan(
    session: AsyncSession,
    company: Company,
    plan: SubscriptionPlan,
    *,
    event: dict[str, Any],
    customer: str | None,
    subscription: str | None,
    bought_at: datetime | None = None,
) -> None:
    with tenancy.company_scope(session, company.id):
        if customer is not None:
            company.stripe_customer_id = customer
        if subscription != company.stripe_subscription_id:
            # A new subscription replaces the old one; later events about the old one are ignored.
            company.stripe_subscription_id = subscription
            company.stripe_subscription_since = bought_at if subscription is not None else None
        await plans_service.switch_plan(
            session,
            company,
            plan,
            actor=None,
            details={"stripe_event": event["id"], "stripe_event_type": event["type"]},
        )


async def _cancel_replaced(
    session: AsyncSession,
    company: Company,
    replaced: str,
    replaced_by: str,
    *,
    event: dict[str, Any],
) -> None:
    """Stripe keeps billing a subscription until it is cancelled: the one a new checkout
    replaced is cancelled by a job, which leaves only once this transaction has committed."""
    with tenancy.company_scope(session, company.id):
        await audit.record(
            session,
            "plan.subscription_cancel_requested",
            actor=None,
            company_id=company.id,
            subject_type="stripe_subscription",
            subject_id=replaced,
            details={
                "replaced_by": replaced_by,
                "prorate": True,
                "stripe_event": event["id"],
                "stripe_event_type": event["type"],
            },
        )
    job_queue.enqueue(CANCEL_SUBSCRIPTION_JOB, subscription_id=replaced, company_id=str(company.id))
