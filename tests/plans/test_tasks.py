"""The job that cancels a replaced subscription, run against the Stripe double (never the network).

The job reads its client through `billing_from_settings(get_settings())`; the tests give it
configured settings and the double's transport, the rest is the real code."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from involinks.config import Settings
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, get_task
from involinks.plans import billing as billing_module
from involinks.plans import tasks
from involinks.plans.billing import StripeBilling
from tests.plans.test_billing import KEY, StripeDouble

API = "http://stripe.local"


def _settings(key: str = KEY) -> Settings:
    # Only the Stripe fields matter to this job; no database is opened.
    return Settings(
        environment="test",
        secret_key=SecretStr("test-secret-key-with-enough-entropy-0123456789"),
        stripe_secret_key=SecretStr(key),
        stripe_api_base=API,
    )


@pytest.fixture
def stripe(monkeypatch: pytest.MonkeyPatch) -> StripeDouble:
    """The job talks to this double with the key and API base of its settings."""
    double = StripeDouble()
    real = billing_module.billing_from_settings

    def with_double(settings: Settings, **_: Any) -> StripeBilling | None:
        return real(settings, transport=httpx.MockTransport(double))

    monkeypatch.setattr(tasks, "billing_from_settings", with_double)
    monkeypatch.setattr(tasks, "get_settings", _settings)
    return double


async def test_the_job_cancels_the_subscription_with_proration(stripe: StripeDouble) -> None:
    # Through the queue's runner: the job is registered under its name and succeeds first time.
    done = await job_queue.run_with_retries(
        tasks.CANCEL_SUBSCRIPTION_JOB, {"subscription_id": "sub_old", "company_id": "c-1"}
    )
    assert done is True
    assert len(stripe.requests) == 1
    request = stripe.requests[0]
    assert (request.method, str(request.url)) == (
        "DELETE",
        f"{API}/v1/subscriptions/sub_old?prorate=true",
    )
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert stripe.canceled == {"sub_old"}


async def test_the_job_is_idempotent(stripe: StripeDouble) -> None:
    assert await tasks.cancel_subscription("sub_old") is True
    # Run again (a redelivered job): Stripe answers "No such subscription", which is done.
    assert await tasks.cancel_subscription("sub_old") is False
    assert stripe.canceled == {"sub_old"}
    assert len(stripe.requests) == 2


async def test_a_stripe_failure_asks_for_a_retry(
    stripe: StripeDouble, caplog: pytest.LogCaptureFixture
) -> None:
    stripe.status, stripe.body = 500, {"error": {"type": "api_error", "message": "Try again"}}
    with pytest.raises(RetryLater, match="Try again"):
        await tasks.cancel_subscription("sub_old")
    assert get_task(tasks.CANCEL_SUBSCRIPTION_JOB).max_retries > 0
    assert KEY not in caplog.text


async def test_an_unreachable_stripe_asks_for_a_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setattr(
        tasks,
        "billing_from_settings",
        lambda settings: StripeBilling(KEY, transport=httpx.MockTransport(unreachable)),
    )
    monkeypatch.setattr(tasks, "get_settings", _settings)
    with pytest.raises(RetryLater, match="could not be reached"):
        await tasks.cancel_subscription("sub_old")


async def test_without_a_secret_key_the_job_only_logs(
    monkeypatch: pytest.MonkeyPatch, stripe: StripeDouble, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tasks, "get_settings", lambda: _settings(key=""))
    assert await tasks.cancel_subscription("sub_old", company_id="c-1") is False
    assert stripe.requests == []
    assert "not configured" in caplog.text
