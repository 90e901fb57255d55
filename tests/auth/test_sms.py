"""The Twilio adapter against a local ASGI double of the Messages endpoint (never the network)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from involinks.auth.sms import SmsDeliveryError, SmsNotConfigured, send_sms, sms_configured
from involinks.config import Settings

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "twilio-auth-token-for-tests"


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": "sqlite+aiosqlite:///:memory:",
        "secret_key": SecretStr("k" * 48),
        "twilio_account_sid": SID,
        "twilio_auth_token": SecretStr(TOKEN),
        "twilio_from": "+15005550006",
    }
    values.update(overrides)
    return Settings(**values)


def _twilio_double(received: list[dict[str, str]]) -> FastAPI:
    double = FastAPI()

    @double.post("/2010-04-01/Accounts/{account_sid}/Messages.json")
    async def create_message(account_sid: str, request: Request) -> JSONResponse:
        expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if account_sid != SID or request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"code": 20003, "message": "Authenticate", "status": 401}, 401)
        form = await request.form()
        fields = {k: str(v) for k, v in form.items()}
        received.append(fields)
        if not fields.get("To", "").startswith("+"):
            return JSONResponse(
                {"code": 21211, "message": "The 'To' number is not valid.", "status": 400}, 400
            )
        return JSONResponse(
            {"sid": "SM" + "0" * 32, "status": "queued", "to": fields["To"]}, status_code=201
        )

    return double


async def test_sends_form_with_basic_auth() -> None:
    received: list[dict[str, str]] = []
    transport = httpx.ASGITransport(app=_twilio_double(received))

    sid = await send_sms(
        _settings(), to="+971501234567", body="Your code is 123456", transport=transport
    )

    assert sid == "SM" + "0" * 32
    assert received == [
        {"To": "+971501234567", "From": "+15005550006", "Body": "Your code is 123456"}
    ]


async def test_twilio_error_is_raised_with_its_code() -> None:
    transport = httpx.ASGITransport(app=_twilio_double([]))
    with pytest.raises(SmsDeliveryError) as caught:
        await send_sms(_settings(), to="0501234567", body="x", transport=transport)
    assert caught.value.status_code == 400
    assert caught.value.code == 21211


async def test_wrong_credentials_are_reported() -> None:
    transport = httpx.ASGITransport(app=_twilio_double([]))
    settings = _settings(twilio_auth_token=SecretStr("wrong"))
    with pytest.raises(SmsDeliveryError) as caught:
        await send_sms(settings, to="+971501234567", body="x", transport=transport)
    assert caught.value.status_code == 401


async def test_network_failure_is_an_sms_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(SmsDeliveryError, match="unreachable"):
        await send_sms(
            _settings(), to="+971501234567", body="x", transport=httpx.MockTransport(refuse)
        )


async def test_off_unless_configured() -> None:
    settings = _settings(twilio_account_sid="", twilio_from="")
    assert not sms_configured(settings)
    assert sms_configured(_settings())
    with pytest.raises(SmsNotConfigured):
        await send_sms(settings, to="+971501234567", body="x")
