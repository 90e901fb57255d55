"""Credential checks of the sandbox, one per API shape it speaks."""

from __future__ import annotations

import base64
import binascii
import hmac
import time

import httpx
from fastapi import Request

from involinks.peppol.providers.oauth1 import (
    base_string_uri,
    parse_authorization_header,
    query_params,
    signature,
    signature_base_string,
)
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.settings import SandboxOAuth1

__all__ = ["ADMIN_TOKEN_HEADER", "check_admin", "check_basware", "check_tradeshift"]

ADMIN_TOKEN_HEADER = "X-Sandbox-Admin-Token"
_OAUTH_WINDOW_SECONDS = 300


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _unauthorized(message: str = "credentials not accepted") -> SandboxError:
    return SandboxError(401, "Unauthorized", message)


def _oauth1_valid(
    request: Request, header: str, creds: SandboxOAuth1, nonces: dict[str, float]
) -> bool:
    try:
        params = parse_authorization_header(header)
        timestamp = int(params.get("oauth_timestamp", ""))
    except ValueError:
        return False
    now = time.time()  # OAuth timestamps are wall time, whatever the sandbox clock says
    if (
        params.get("oauth_signature_method") != "HMAC-SHA1"
        or not _same(params.get("oauth_consumer_key", ""), creds.consumer_key)
        or not _same(params.get("oauth_token", ""), creds.token)
        or abs(now - timestamp) > _OAUTH_WINDOW_SECONDS
    ):
        return False
    given = params.pop("oauth_signature", "")
    params.pop("realm", None)
    url = httpx.URL(str(request.url))
    base = signature_base_string(
        request.method, base_string_uri(url), [*query_params(url), *params.items()]
    )
    expected = signature(
        base, creds.consumer_secret.get_secret_value(), creds.token_secret.get_secret_value()
    )
    if not _same(given, expected):
        return False
    nonce = params.get("oauth_nonce", "")
    for seen, at in list(nonces.items()):
        if now - at > _OAUTH_WINDOW_SECONDS:
            del nonces[seen]
    if nonce in nonces:
        return False  # replayed request
    nonces[nonce] = now
    return True


def check_tradeshift(request: Request, ap: SandboxAccessPoint) -> None:
    settings = ap.settings
    tenant = request.headers.get("X-Tradeshift-TenantId", "")
    if not tenant or not _same(tenant, settings.tenant_id):
        raise _unauthorized("unknown X-Tradeshift-TenantId")
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if _same(header[len("Bearer ") :], settings.api_key.get_secret_value()):
            return
    elif header[:6].lower() == "oauth " and settings.oauth1 is not None:
        if _oauth1_valid(request, header, settings.oauth1, ap.oauth_nonces):
            return
    raise _unauthorized()


def check_basware(request: Request, ap: SandboxAccessPoint) -> None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        raise _unauthorized()
    try:
        decoded = base64.b64decode(header[len("Basic ") :], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _unauthorized() from exc
    user, _, password = decoded.partition(":")
    settings = ap.settings
    user_ok = _same(user, settings.basware_username)
    password_ok = _same(password, settings.api_key.get_secret_value())
    if not (user_ok and password_ok):
        raise _unauthorized()


def check_admin(request: Request, ap: SandboxAccessPoint) -> None:
    token = ap.settings.admin_token
    if token is None:
        return  # no admin token configured: a local developer sandbox
    if not _same(request.headers.get(ADMIN_TOKEN_HEADER, ""), token.get_secret_value()):
        raise _unauthorized("admin token required")
