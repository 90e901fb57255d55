"""Background job ``plans.cancel_subscription``: cancel in Stripe a subscription that a newer
checkout replaced, so the customer is not billed twice.

Enqueued by the `checkout.session.completed` webhook (sent only after its transaction commits)
with ids only. Idempotent: Stripe answers an already canceled or unknown subscription as
"resource_missing", which counts as done. A failed call (`BillingError`) is retried with backoff;
without `STRIPE_SECRET_KEY` the job only logs.
"""

from __future__ import annotations

import logging

from involinks.config import get_settings
from involinks.jobs.registry import RetryLater, task
from involinks.plans.billing import BillingError, billing_from_settings

log = logging.getLogger(__name__)

CANCEL_SUBSCRIPTION_JOB = "plans.cancel_subscription"


@task(CANCEL_SUBSCRIPTION_JOB, max_retries=8, retry_backoff_seconds=30.0)
async def cancel_subscription(subscription_id: str, company_id: str | None = None) -> bool:
    """Cancel `subscription_id` now, prorated. True when Stripe cancelled it on this call."""
    context = {"subscription": subscription_id, "company_id": company_id}
    billing = billing_from_settings(get_settings())
    if billing is None:
        log.warning(
            "Stripe is not configured (STRIPE_SECRET_KEY is empty): the replaced subscription "
            "was not cancelled; cancel it in the Stripe dashboard",
            extra=context,
        )
        return False
    try:
        cancelled = await billing.cancel_subscription(subscription_id, prorate=True)
    except BillingError as exc:
        raise RetryLater(f"Stripe did not cancel the subscription: {exc.message}") from exc
    log.info(
        "replaced subscription cancelled" if cancelled else "replaced subscription already ended",
        extra=context,
    )
    return cancelled
