"""Payment collection for plans: a thin adapter over Stripe's HTTP API (httpx, no SDK).

Off unless `STRIPE_SECRET_KEY` is configured (`billing_from_settings` returns None). Calls the
documented endpoints with the secret key as a Bearer token and form-encoded bodies:

* `POST /v1/customers` (email, name, metadata[...]) -> the customer id `cus_...`;
* `POST /v1/checkout/sessions` in `subscription` mode with an inline monthly AED price
  (`line_items[0][price_data]`: currency `aed`, `unit_amount` in fils, `recurring[interval]=month`)
  -> the session id `cs_...` and the hosted page `url` the browser is sent to;
* `DELETE /v1/subscriptions/{id}?prorate=true` cancels a subscription now, crediting the unused
  time; one that is already canceled or gone (404 `resource_missing`) counts as done.

Stripe answers errors as `{"error": {"type", "code", "message", "param"}}`; they become
`BillingError` (502) with Stripe's message. The plan switch itself happens when the payment is
confirmed: Stripe's signed webhook (`checkout.session.completed`, then subscription updates),
handled by `involinks.plans.webhooks`.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from involinks.config import Settings
from involinks.errors import AppError

log = logging.getLogger(__name__)

STRIPE_API_BASE = "https://api.stripe.com"
_FILS = Decimal(100)
_STRIPE_ID = re.compile(r"[A-Za-z0-9_]+")
# How Stripe words a refusal to act on a subscription that has already ended.
_ALREADY_CANCELED = re.compile(r"\b(?:is|was|already|been)\s+cancel+ed\b", re.I)


class BillingError(AppError):
    status_code = 502
    code = "billing_failed"


class BillingDisabled(AppError):
    status_code = 503
    code = "billing_disabled"


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    id: str
    url: str


def _form(prefix: str, values: dict[str, Any]) -> dict[str, str]:
    """Stripe's bracket notation for nested parameters: metadata[company_id]=..."""
    out: dict[str, str] = {}
    for key, value in values.items():
        name = f"{prefix}[{key}]" if prefix else key
        if value is None:
            continue
        if isinstance(value, dict):
            out.update(_form(name, value))
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


class StripeBilling:
    def __init__(
        self,
        secret_key: str,
        *,
        base_url: str = STRIPE_API_BASE,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not secret_key:
            raise ValueError("a Stripe secret key is required")
        self._secret_key = secret_key
        self._base_url = base_url.rstrip("/")
        self._transport = transport
        self._timeout = timeout

    def __repr__(self) -> str:  # never show the key
        return f"<StripeBilling {self._base_url}>"

    async def _send(
        self, method: str, path: str, params: dict[str, Any], *, idempotency_key: str | None
    ) -> tuple[httpx.Response, Any]:
        headers = {"Authorization": f"Bearer {self._secret_key}"}
        if method == "POST":
            # Stripe replays the first answer for a repeated key instead of acting twice (POST
            # only: a key on a DELETE has no effect).
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url, transport=self._transport, timeout=self._timeout
            ) as client:
                # Parameters go in the body of a POST and in the query string of a DELETE, as
                # Stripe's own client libraries send them.
                encoded = _form("", params)
                response = await client.request(
                    method,
                    path,
                    data=encoded if method == "POST" else None,
                    params=None if method == "POST" else encoded,
                    headers=headers,
                )
        except httpx.HTTPError as exc:
            log.warning("Stripe %s %s unreachable: %s", method, path, type(exc).__name__)
            raise BillingError(
                "The payment provider could not be reached; please try again in a moment."
            ) from exc
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return response, body

    @staticmethod
    def _refused(method: str, path: str, response: httpx.Response, body: Any) -> BillingError:
        error = _error(body)
        log.warning("Stripe %s %s answered %s", method, path, response.status_code)
        return BillingError(
            "The payment provider refused the request: "
            f"{error.get('message') or response.reason_phrase}",
            details={
                "status": response.status_code,
                "type": error.get("type"),
                "code": error.get("code"),
            },
        )

    async def _post(
        self, path: str, params: dict[str, Any], *, idempotency_key: str | None
    ) -> dict[str, Any]:
        response, body = await self._send("POST", path, params, idempotency_key=idempotency_key)
        if response.is_success and isinstance(body, dict):
            return body
        raise self._refused("POST", path, response, body)

    async def create_customer(
        self,
        *,
        email: str,
        name: str,
        metadata: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        body = await self._post(
            "/v1/customers",
            {"email": email, "name": name, "metadata": metadata or {}},
            idempotency_key=idempotency_key,
        )
        customer_id = body.get("id")
        if not isinstance(customer_id, str):
            raise BillingError("The payment provider answered without a customer id.")
        return customer_id

    async def create_checkout_session(
        self,
        *,
        plan_code: str,
        plan_name: str,
        price_aed_monthly: Decimal,
        success_url: str,
        cancel_url: str,
        client_reference_id: str,
        customer_id: str | None = None,
        customer_email: str | None = None,
        metadata: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> CheckoutSession:
        fils = price_aed_monthly * _FILS
        if fils <= 0 or fils != fils.to_integral_value():
            raise ValueError(f"cannot charge {price_aed_monthly} AED")
        meta = {"plan_code": plan_code, **(metadata or {})}
        params: dict[str, Any] = {
            "mode": "subscription",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": client_reference_id,
            # A Checkout Session takes either an existing customer or an e-mail, not both.
            "customer": customer_id,
            "customer_email": None if customer_id else customer_email,
            "line_items": {
                "0": {
                    "quantity": 1,
                    "price_data": {
                        "currency": "aed",
                        "unit_amount": int(fils),
                        "recurring": {"interval": "month"},
                        "product_data": {"name": f"InvoLinks {plan_name}"},
                    },
                }
            },
            "metadata": meta,
            "subscription_data": {"metadata": meta},
        }
        body = await self._post("/v1/checkout/sessions", params, idempotency_key=idempotency_key)
        session_id, url = body.get("id"), body.get("url")
        if not isinstance(session_id, str) or not isinstance(url, str):
            raise BillingError("The payment provider answered without a checkout page.")
        return CheckoutSession(id=session_id, url=url)

    async def cancel_subscription(self, subscription_id: str, *, prorate: bool = True) -> bool:
        """Cancel a subscription immediately; with `prorate` the customer is credited the unused
        time of the current period. True when this call cancelled it, False when it was already
        canceled or does not exist (done either way, so repeating the call is harmless)."""
        if not _STRIPE_ID.fullmatch(subscription_id):
            raise ValueError(f"not a subscription id: {subscription_id!r}")
        path = f"/v1/subscriptions/{subscription_id}"
        response, body = await self._send(
            "DELETE", path, {"prorate": prorate}, idempotency_key=None
        )
        if response.is_success and isinstance(body, dict):
            return True
        error = _error(body)
        if error.get("code") == "resource_missing" or (
            response.status_code == 400
            and error.get("type") == "invalid_request_error"
            and _ALREADY_CANCELED.search(str(error.get("message") or ""))
        ):
            log.info("Stripe subscription %s was already canceled", subscription_id)
            return False
        raise self._refused("DELETE", path, response, body)


def _error(body: Any) -> dict[str, Any]:
    """Stripe's `{"error": {...}}`, or an empty dict when the body is something else."""
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def billing_from_settings(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> StripeBilling | None:
    key = settings.stripe_secret_key.get_secret_value()
    if not key:
        return None
    return StripeBilling(key, base_url=settings.stripe_api_base, transport=transport)
