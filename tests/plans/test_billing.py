"""The Stripe adapter against a local double (httpx.MockTransport): never the network.

What the double checks comes from Stripe's API reference: form-encoded POSTs to /v1/customers and
/v1/checkout/sessions, DELETE /v1/subscriptions/{id} to cancel, the secret key as a Bearer token,
nested parameters in bracket notation, amounts in the currency's minor unit, errors as
{"error": {"type", "message", ...}} (an unknown or already canceled subscription: 404
resource_missing, "No such subscription")."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.plans.billing import BillingError, StripeBilling, billing_from_settings
from tests.factories import auth_headers, create_company, create_user

KEY = "sk_test_not_a_real_key_123"


class StripeDouble:
    def __init__(self, status: int = 200, body: dict[str, Any] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = body
        self.canceled: set[str] = set()  # subscriptions cancelled through this double

    def form(self, index: int = -1) -> dict[str, str]:
        parsed = parse_qs(self.requests[index].content.decode(), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.body is not None:
            return httpx.Response(self.status, json=self.body)
        if request.url.path == "/v1/customers":
            return httpx.Response(200, json={"id": "cus_123", "object": "customer"})
        if request.url.path == "/v1/checkout/sessions":
            return httpx.Response(
                200,
                json={
                    "id": "cs_test_abc",
                    "object": "checkout.session",
                    "url": "https://checkout.stripe.com/c/pay/cs_test_abc",
                },
            )
        if request.method == "DELETE" and request.url.path.startswith("/v1/subscriptions/"):
            subscription = request.url.path.rsplit("/", 1)[1]
            if subscription in self.canceled:
                return httpx.Response(404, json=_no_such_subscription(subscription))
            self.canceled.add(subscription)
            return httpx.Response(
                200, json={"id": subscription, "object": "subscription", "status": "canceled"}
            )
        return httpx.Response(404, json={"error": {"type": "invalid_request_error"}})


def _no_such_subscription(subscription: str) -> dict[str, Any]:
    return {
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "param": "id",
            "message": f"No such subscription: '{subscription}'",
        }
    }


def _billing(double: StripeDouble) -> StripeBilling:
    return StripeBilling(KEY, transport=httpx.MockTransport(double))


class TestAdapter:
    async def test_create_customer(self) -> None:
        double = StripeDouble()
        customer = await _billing(double).create_customer(
            email="accounts@buyer.ae", name="Buyer LLC", metadata={"company_id": "c-1"}
        )
        assert customer == "cus_123"
        request = double.requests[0]
        assert request.method == "POST"
        assert str(request.url) == "https://api.stripe.com/v1/customers"
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert request.headers["Idempotency-Key"]
        assert double.form() == {
            "email": "accounts@buyer.ae",
            "name": "Buyer LLC",
            "metadata[company_id]": "c-1",
        }

    async def test_checkout_session_for_a_monthly_aed_price(self) -> None:
        double = StripeDouble()
        checkout = await _billing(double).create_checkout_session(
            plan_code="BASIC",
            plan_name="Basic",
            price_aed_monthly=Decimal("199.50"),
            success_url="https://app.example/ok",
            cancel_url="https://app.example/cancel",
            client_reference_id="company-1",
            customer_email="accounts@seller.ae",
            metadata={"company_id": "company-1"},
            idempotency_key="fixed-key",
        )
        assert checkout.id == "cs_test_abc"
        assert checkout.url == "https://checkout.stripe.com/c/pay/cs_test_abc"
        assert double.requests[0].url.path == "/v1/checkout/sessions"
        assert double.requests[0].headers["Idempotency-Key"] == "fixed-key"
        assert double.form() == {
            "mode": "subscription",
            "success_url": "https://app.example/ok",
            "cancel_url": "https://app.example/cancel",
            "client_reference_id": "company-1",
            "customer_email": "accounts@seller.ae",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "aed",
            "line_items[0][price_data][unit_amount]": "19950",  # fils
            "line_items[0][price_data][recurring][interval]": "month",
            "line_items[0][price_data][product_data][name]": "InvoLinks Basic",
            "metadata[plan_code]": "BASIC",
            "metadata[company_id]": "company-1",
            "subscription_data[metadata][plan_code]": "BASIC",
            "subscription_data[metadata][company_id]": "company-1",
        }

    async def test_stripe_error_becomes_a_billing_error(self) -> None:
        double = StripeDouble(
            402,
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "parameter_invalid_integer",
                    "message": "Invalid integer: abc",
                }
            },
        )
        with pytest.raises(BillingError) as failed:
            await _billing(double).create_customer(email="a@b.ae", name="B")
        assert failed.value.status_code == 502
        assert "Invalid integer: abc" in failed.value.message
        assert failed.value.details["code"] == "parameter_invalid_integer"

    async def test_network_failure_becomes_a_billing_error(self) -> None:
        def unreachable(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        billing = StripeBilling(KEY, transport=httpx.MockTransport(unreachable))
        with pytest.raises(BillingError, match="could not be reached"):
            await billing.create_customer(email="a@b.ae", name="B")

    async def test_cancel_subscription_now_with_proration(self) -> None:
        double = StripeDouble()
        assert await _billing(double).cancel_subscription("sub_old") is True
        request = double.requests[0]
        assert request.method == "DELETE"
        # The parameters in the query string, as Stripe's client libraries send a DELETE's.
        assert str(request.url) == "https://api.stripe.com/v1/subscriptions/sub_old?prorate=true"
        assert request.content == b""
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert "Idempotency-Key" not in request.headers  # POST only, per Stripe
        assert double.canceled == {"sub_old"}

    async def test_cancelling_again_counts_as_done(self) -> None:
        double = StripeDouble()
        billing = _billing(double)
        assert await billing.cancel_subscription("sub_old") is True
        # Stripe treats a canceled subscription as gone: 404 resource_missing.
        assert await billing.cancel_subscription("sub_old") is False
        assert [r.method for r in double.requests] == ["DELETE", "DELETE"]

    @pytest.mark.parametrize(
        ("status", "error"),
        [
            (404, _no_such_subscription("sub_gone")["error"]),
            (
                400,
                {
                    "type": "invalid_request_error",
                    "message": "This subscription is already canceled.",
                },
            ),
        ],
    )
    async def test_an_ended_subscription_counts_as_done(
        self, status: int, error: dict[str, Any]
    ) -> None:
        double = StripeDouble(status, {"error": error})
        assert await _billing(double).cancel_subscription("sub_gone") is False

    @pytest.mark.parametrize(
        ("status", "error"),
        [
            (401, {"type": "invalid_request_error", "message": "Invalid API Key provided"}),
            (
                400,
                {
                    "type": "invalid_request_error",
                    "message": "This subscription cannot be canceled while it has a schedule.",
                },
            ),
            (404, {"type": "invalid_request_error", "message": "Unrecognized request URL"}),
            (500, {"type": "api_error", "message": "Something went wrong on Stripe's end."}),
        ],
    )
    async def test_other_cancel_errors_raise(self, status: int, error: dict[str, Any]) -> None:
        double = StripeDouble(status, {"error": error})
        with pytest.raises(BillingError) as failed:
            await _billing(double).cancel_subscription("sub_old")
        assert error["message"] in failed.value.message
        assert failed.value.details["status"] == status
        assert KEY not in failed.value.message

    async def test_cancel_refuses_what_is_not_an_id(self) -> None:
        double = StripeDouble()
        with pytest.raises(ValueError, match="not a subscription id"):
            await _billing(double).cancel_subscription("../customers/cus_123")
        assert double.requests == []

    async def test_the_key_is_never_shown(self) -> None:
        assert KEY not in repr(_billing(StripeDouble()))

    def test_off_unless_configured(self, settings: Settings) -> None:
        assert (
            billing_from_settings(settings.model_copy(update={"stripe_secret_key": SecretStr("")}))
            is None
        )
        configured = settings.model_copy(
            update={"stripe_secret_key": SecretStr(KEY), "stripe_api_base": "http://stripe.local"}
        )
        billing = billing_from_settings(configured)
        assert isinstance(billing, StripeBilling)
        assert "stripe.local" in repr(billing)


class TestCheckoutEndpoint:
    async def test_opens_a_checkout_page(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        double = StripeDouble()
        app.state.billing = _billing(double)
        company = await create_company(db_session, plan_code="FREE")
        headers = auth_headers(settings, await create_user(db_session, company=company))
        response = await client.post(
            "/api/v1/company/plan/checkout", json={"plan_code": "BASIC"}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json() == {
            "session_id": "cs_test_abc",
            "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_abc",
        }
        form = double.form()
        assert form["client_reference_id"] == str(company.id)
        assert form["line_items[0][price_data][unit_amount]"] == "19900"  # Basic, 199.00 AED
        assert form["success_url"].startswith(settings.public_base_url)
        # A first purchase: Stripe makes the customer from the company's e-mail.
        assert (form["customer_email"], "customer" in form) == (company.email, False)

    async def test_a_paying_company_checks_out_as_its_stripe_customer(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        double = StripeDouble()
        app.state.billing = _billing(double)
        company = await create_company(db_session, plan_code="BASIC")
        company.stripe_customer_id = "cus_paid_before"
        await db_session.flush()
        headers = auth_headers(settings, await create_user(db_session, company=company))
        response = await client.post(
            "/api/v1/company/plan/checkout", json={"plan_code": "PRO"}, headers=headers
        )
        assert response.status_code == 200, response.text
        form = double.form()
        assert form["customer"] == "cus_paid_before"
        assert "customer_email" not in form

    async def test_refusals(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        company = await create_company(db_session, plan_code="BASIC")
        headers = auth_headers(settings, await create_user(db_session, company=company))
        url = "/api/v1/company/plan/checkout"
        off = await client.post(url, json={"plan_code": "PRO"}, headers=headers)
        assert off.status_code == 503
        assert off.json()["error"]["code"] == "billing_disabled"

        double = StripeDouble()
        app.state.billing = _billing(double)
        same = await client.post(url, json={"plan_code": "BASIC"}, headers=headers)
        assert same.status_code == 409
        free = await client.post(url, json={"plan_code": "FREE"}, headers=headers)
        assert free.status_code == 409
        assert double.requests == []
        assert json.loads(free.text)["error"]["code"] == "free_plan"
