"""SMS delivery of one-time codes through Twilio's Messages API. Off unless configured.

POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form fields To, From, Body, HTTP basic
auth with the account SID and auth token; Twilio answers 201 with the message resource (its `sid`)
or a 4xx/5xx JSON body with `code` and `message`. Phone numbers are masked in logs and the message
body (which carries the code) is never logged.
"""

from __future__ import annotations

import logging

import httpx

from involinks.config import Settings
from involinks.logging import mask_text

log = logging.getLogger(__name__)

TWILIO_API_BASE = "https://api.twilio.com"
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class SmsNotConfigured(RuntimeError):
    pass


class SmsDeliveryError(RuntimeError):
    def __init__(self, message: str, *, status_code: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.code = code


def sms_configured(settings: Settings) -> bool:
    return bool(
        settings.twilio_account_sid
        and settings.twilio_auth_token.get_secret_value()
        and settings.twilio_from
    )


async def send_sms(
    settings: Settings,
    *,
    to: str,
    body: str,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = TWILIO_API_BASE,
) -> str:
    """Send one SMS; returns Twilio's message SID. `transport` lets tests answer locally."""
    if not sms_configured(settings):
        raise SmsNotConfigured("SMS is not configured (TWILIO_ACCOUNT_SID/AUTH_TOKEN/FROM)")
    sid = settings.twilio_account_sid
    url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
    auth = httpx.BasicAuth(sid, settings.twilio_auth_token.get_secret_value())
    async with httpx.AsyncClient(transport=transport, timeout=_TIMEOUT) as client:
        try:
            response = await client.post(
                url, data={"To": to, "From": settings.twilio_from, "Body": body}, auth=auth
            )
        except httpx.HTTPError as exc:
            raise SmsDeliveryError(f"Twilio unreachable: {type(exc).__name__}") from exc
    payload: dict[str, object] = {}
    try:
        parsed = response.json()
        if isinstance(parsed, dict):
            payload = parsed
    except ValueError:
        pass
    if response.status_code >= 400:
        code = payload.get("code")
        raise SmsDeliveryError(
            f"Twilio refused the message ({response.status_code}): "
            f"{mask_text(str(payload.get('message', 'no detail')))}",
            status_code=response.status_code,
            code=code if isinstance(code, int) else None,
        )
    message_sid = payload.get("sid")
    if not isinstance(message_sid, str):
        raise SmsDeliveryError("Twilio answered without a message sid")
    log.info("sms sent", extra={"to": mask_text(to), "message_sid": message_sid})
    return message_sid
