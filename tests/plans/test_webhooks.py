"""Stripe's webhook: signatures checked by the real verification code, events setting plans.

Each request is signed here the way Stripe documents it (HMAC-SHA256 of "<t>.<body>" with the
endpoint's secret, sent as `Stripe-Signature: t=...,v1=...`), independently of the code under
test. The event bodies carry the fields Stripe's API reference gives for these event types."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.plans import webhooks
from involinks.plans.tasks import CANCEL_SUBSCRIPTION_JOB
from tests.analytics.helpers import utc
from tests.factories import create_company

URL = "/api/v1/billing/stripe/webhook"
SECRET = "whsec_test_secret_for_the_suite"
NOW = utc(2026, 3, 15, 10)

Jobs = list[tuple[str, dict[str, Any]]]


def _stripe_signature(body: bytes, *, secret: str = SECRET, at: datetime = NOW) -> str:
    timestamp = int(at.timestamp())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _event(event_type: str, obj: dict[str, Any], *, created: datetime | None = None) -> bytes:
    event = {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int((created or NOW).timestamp()),
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


def _checkout_completed(
    company: Company, plan_code: str, *, created: datetime | None = None, **changes: Any
) -> bytes:
    session = {
        "id": "cs_test_abc",
        "object": "checkout.session",
        "mode": "subscription",
        "payment_status": "paid",
        "status": "complete",
        "client_reference_id": str(company.id),
        "customer": "cus_test_1",
        "subscription": "sub_test_1",
        "metadata": {"plan_code": plan_code, "company_id": str(company.id)},
    }
    return _event("checkout.session.completed", {**session, **changes}, created=created)


def _subscription(event_type: str, status: str, plan_code: str, sub: str = "sub_test_1") -> bytes:
    return _event(
        event_type,
        {
            "id": sub,
            "object": "subscription",
            "customer": "cus_test_1",
            "status": status,
            "metadata": {"plan_code": plan_code},
        },
    )


@pytest.fixture
def stripe_app(app: FastAPI, settings: Settings) -> FastAPI:
    app.state.settings = settings.model_copy(update={"stripe_webhook_secret": SecretStr(SECRET)})
    app.state.clock = lambda: NOW
    return app


async def _post(
    client: httpx.AsyncClient, body: bytes, signature: str | None = None
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = signature if signature is not None else _stripe_signature(body)
    return await client.post(URL, content=body, headers=headers)


async def _reload(session: AsyncSession, company: Company) -> Company:
    with tenancy.system_scope(session):
        await session.refresh(company)
    return company


class TestSignature:
    async def test_not_configured_is_503(
        self, app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        body = _checkout_completed(company, "PRO")
        response = await _post(client, body)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "billing_disabled"
        assert "STRIPE_WEBHOOK_SECRET" in response.json()["error"]["message"]
        assert (await _reload(db_session, company)).plan_code == "FREE"

    @pytest.mark.parametrize(
        ("signature", "message"),
        [
            ("", "header is missing"),
            ("t=abc,v1=00", "timestamp is not a number"),
            ("v1=00", "no timestamp or no v1 signature"),
            ("t=1773568800", "no timestamp or no v1 signature"),
        ],
    )
    async def test_malformed_headers(
        self,
        stripe_app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        signature: str,
        message: str,
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        response = await _post(client, _checkout_completed(company, "PRO"), signature)
        assert response.status_code == 400
        assert message in response.json()["error"]["message"]

    async def test_wrong_secret_or_altered_body_is_refused(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        body = _checkout_completed(company, "PRO")
        wrong = await _post(client, body, _stripe_signature(body, secret="whsec_someone_else"))
        assert wrong.status_code == 400
        assert wrong.json()["error"]["message"] == "The Stripe-Signature does not match the body."
        altered = body.replace(b'"PRO"', b'"ENTERPRISE"')
        assert (await _post(client, altered, _stripe_signature(body))).status_code == 400
        assert (await _reload(db_session, company)).plan_code == "FREE"

    async def test_outside_the_tolerance_window_is_refused(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        body = _checkout_completed(company, "PRO")
        old = datetime.fromtimestamp(NOW.timestamp() - 301, tz=NOW.tzinfo)
        response = await _post(client, body, _stripe_signature(body, at=old))
        assert response.status_code == 400
        assert "more than 300 seconds" in response.json()["error"]["message"]
        # 300 seconds old is still inside the window.
        edge = datetime.fromtimestamp(NOW.timestamp() - 300, tz=NOW.tzinfo)
        assert (await _post(client, body, _stripe_signature(body, at=edge))).status_code == 200

    async def test_any_matching_v1_is_enough_while_a_secret_is_rolled(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        body = _checkout_completed(company, "BASIC")
        stale = _stripe_signature(body, secret="whsec_old").split(",")[1]
        response = await _post(client, body, f"{_stripe_signature(body)},{stale},v0=ignored")
        assert response.status_code == 200, response.text
        assert (await _reload(db_session, company)).plan_code == "BASIC"

    def test_the_helper_signs_like_stripe(self) -> None:
        body = b'{"id": "evt_1"}'
        assert webhooks.signature_header(body, SECRET, int(NOW.timestamp())) == (
            _stripe_signature(body)
        )

    async def test_signed_garbage_is_400(
        self, stripe_app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        not_json = await _post(client, b"not json")
        assert not_json.status_code == 400
        assert not_json.json()["error"]["message"] == "The webhook body is not JSON."
        no_object = await _post(client, json.dumps({"id": "evt_1", "type": "x"}).encode())
        assert no_object.status_code == 400


class TestEvents:
    async def test_paid_checkout_sets_the_plan_and_is_audited(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        body = _checkout_completed(company, "PRO")
        response = await _post(client, body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["handled"] is True
        assert result["plan_code"] == "PRO"
        assert result["company_id"] == str(company.id)
        company = await _reload(db_session, company)
        assert company.plan_code == "PRO"
        assert company.stripe_customer_id == "cus_test_1"
        assert company.stripe_subscription_id == "sub_test_1"
        with tenancy.company_scope(db_session, company.id):
            event = await db_session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "company.plan_changed")
            )
        assert event is not None
        assert event.actor_id is None
        assert event.details is not None
        assert event.details["from"] == "FREE"
        assert event.details["to"] == "PRO"
        assert event.details["stripe_event"] == json.loads(body)["id"]

        # Stripe delivers at least once: the same event again changes nothing.
        again = await _post(client, body)
        assert again.status_code == 200
        assert (await _reload(db_session, company)).plan_code == "PRO"

    async def test_a_checkout_replacing_a_subscription_cancels_the_old_one(
        self,
        stripe_app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        dispatched_jobs: Jobs,
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        first = await _post(client, _checkout_completed(company, "BASIC", subscription="sub_old"))
        assert first.json()["handled"] is True
        assert dispatched_jobs == []  # nothing to replace yet

        # Upgrading through a second checkout: Stripe creates a new subscription, sub_test_1.
        body = _checkout_completed(company, "PRO")
        response = await _post(client, body)
        assert response.json()["handled"] is True
        company = await _reload(db_session, company)
        assert (company.plan_code, company.stripe_subscription_id) == ("PRO", "sub_test_1")
        assert dispatched_jobs == [
            (CANCEL_SUBSCRIPTION_JOB, {"subscription_id": "sub_old", "company_id": str(company.id)})
        ]
        with tenancy.company_scope(db_session, company.id):
            requested = list(
                await db_session.scalars(
                    sa.select(AuditEvent).where(
                        AuditEvent.action == "plan.subscription_cancel_requested"
                    )
                )
            )
        assert len(requested) == 1
        assert requested[0].actor_id is None
        assert requested[0].subject_id == "sub_old"
        assert requested[0].details is not None
        assert requested[0].details["replaced_by"] == "sub_test_1"
        assert requested[0].details["stripe_event"] == json.loads(body)["id"]

        # A repeated delivery finds sub_test_1 current already: no second cancellation.
        assert (await _post(client, body)).status_code == 200
        assert len(dispatched_jobs) == 1

        # Stripe then reports the cancelled sub_old: it is no longer the company's subscription.
        gone = await _post(
            client, _subscription("customer.subscription.deleted", "canceled", "BASIC", "sub_old")
        )
        assert gone.json()["handled"] is False
        assert (await _reload(db_session, company)).plan_code == "PRO"

    async def test_a_checkout_delivered_late_keeps_the_newer_subscription(
        self,
        stripe_app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        dispatched_jobs: Jobs,
    ) -> None:
        """Stripe does not promise order: the checkout completed first may arrive second."""
        company = await create_company(db_session, plan_code="FREE")
        older = _checkout_completed(
            company, "BASIC", subscription="sub_basic", created=NOW - timedelta(minutes=5)
        )
        newer = _checkout_completed(company, "PRO", subscription="sub_pro", created=NOW)
        assert (await _post(client, newer)).json()["handled"] is True
        late = await _post(client, older)
        assert late.json()["handled"] is True
        company = await _reload(db_session, company)
        assert (company.plan_code, company.stripe_subscription_id) == ("PRO", "sub_pro")
        assert company.stripe_subscription_since == NOW.replace(microsecond=0)
        # The older purchase is the one that stops billing.
        assert dispatched_jobs == [
            (
                CANCEL_SUBSCRIPTION_JOB,
                {"subscription_id": "sub_basic", "company_id": str(company.id)},
            )
        ]

    async def test_no_cancellation_without_a_replaced_subscription(
        self,
        stripe_app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        dispatched_jobs: Jobs,
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        # No subscription before: the first checkout replaces nothing.
        assert (await _post(client, _checkout_completed(company, "BASIC"))).status_code == 200
        # A checkout naming the company's current subscription replaces nothing.
        same = await _post(client, _checkout_completed(company, "PRO", subscription="sub_test_1"))
        assert same.json()["handled"] is True
        assert (await _reload(db_session, company)).plan_code == "PRO"
        assert dispatched_jobs == []

    async def test_unpaid_checkout_or_unknown_company_changes_nothing(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        unpaid = await _post(client, _checkout_completed(company, "PRO", payment_status="unpaid"))
        assert unpaid.json()["handled"] is False
        stranger = await _post(
            client, _checkout_completed(company, "PRO", client_reference_id=str(uuid.uuid4()))
        )
        assert stranger.json()["handled"] is False
        unknown_plan = await _post(client, _checkout_completed(company, "GOLD"))
        assert unknown_plan.json()["handled"] is False
        assert (await _reload(db_session, company)).plan_code == "FREE"

    async def test_subscription_lifecycle(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        assert (await _post(client, _checkout_completed(company, "BASIC"))).status_code == 200

        # Upgraded in Stripe's customer portal: the subscription now carries PRO.
        up = await _post(client, _subscription("customer.subscription.updated", "active", "PRO"))
        assert up.json()["handled"] is True
        assert (await _reload(db_session, company)).plan_code == "PRO"

        # A failed renewal (past_due) keeps the plan while Stripe retries the payment.
        late = await _post(
            client, _subscription("customer.subscription.updated", "past_due", "PRO")
        )
        assert late.json()["handled"] is False
        assert (await _reload(db_session, company)).plan_code == "PRO"

        gone = await _post(
            client, _subscription("customer.subscription.deleted", "canceled", "PRO")
        )
        assert gone.json()["handled"] is True
        company = await _reload(db_session, company)
        assert company.plan_code == "FREE"
        assert company.stripe_subscription_id is None

        # A late update about the ended subscription no longer matches any company.
        stale = await _post(client, _subscription("customer.subscription.updated", "active", "PRO"))
        assert stale.json()["handled"] is False
        assert (await _reload(db_session, company)).plan_code == "FREE"

    async def test_unpaid_subscription_returns_to_free(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        await _post(client, _checkout_completed(company, "PRO"))
        response = await _post(
            client, _subscription("customer.subscription.updated", "unpaid", "PRO")
        )
        assert response.json()["handled"] is True
        assert (await _reload(db_session, company)).plan_code == "FREE"

    async def test_another_companys_subscription_is_not_touched(
        self, stripe_app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        mine = await create_company(db_session, plan_code="FREE")
        theirs = await create_company(db_session, plan_code="FREE")
        await _post(client, _checkout_completed(mine, "PRO"))
        await _post(client, _checkout_completed(theirs, "BASIC", subscription="sub_test_2"))
        await _post(
            client,
            _subscription("customer.subscription.deleted", "canceled", "BASIC", "sub_test_2"),
        )
        assert (await _reload(db_session, mine)).plan_code == "PRO"
        assert (await _reload(db_session, theirs)).plan_code == "FREE"

    async def test_other_event_types_are_acknowledged(
        self, stripe_app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        response = await _post(client, _event("invoice.paid", {"id": "in_1", "object": "invoice"}))
        assert response.status_code == 200
        assert response.json()["handled"] is False
        assert response.json()["detail"] == "event type not handled"
