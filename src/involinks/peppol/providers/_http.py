"""Shared HTTP plumbing for adapters: one place maps transport faults and status codes to errors."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import ssl
from collections.abc import Callable, Collection, Generator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import certifi
import httpx

from involinks.peppol.providers.errors import (
    AuthenticationError,
    ConflictError,
    MessageNotFoundError,
    PeppolProviderError,
    ProviderConnectionError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    ValidationRejectedError,
)

__all__ = [
    "BearerAuth",
    "ErrorInfo",
    "ProviderHttp",
    "error_for_response",
    "json_body",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

_SECONDS = re.compile(r"^\d+(\.\d+)?$")
# 501 Not Implemented / 505 HTTP Version Not Supported will not heal by themselves.
_PERMANENT_5XX = frozenset({501, 505})

# (provider error code, human message, detail lines) extracted from an error body.
ErrorInfo = tuple[str | None, str, tuple[str, ...]]
ErrorParser = Callable[[httpx.Response], ErrorInfo]


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date; None when absent/invalid."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if _SECONDS.match(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, delta)


def _default_error_info(response: httpx.Response) -> ErrorInfo:
    return None, response.reason_phrase or f"HTTP {response.status_code}", ()


def error_for_response(
    provider: str, response: httpx.Response, parse: ErrorParser = _default_error_info
) -> PeppolProviderError:
    status = response.status_code
    try:
        code, message, details = parse(response)
    except ValueError:
        code, message, details = _default_error_info(response)
    kwargs: dict[str, Any] = {
        "provider": provider,
        "status_code": status,
        "code": code,
        "details": details,
    }
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimitedError(message, retry_after=retry_after, **kwargs)
    if status == 408 or (status >= 500 and status not in _PERMANENT_5XX):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return ProviderUnavailableError(message, retry_after=retry_after, **kwargs)
    if status in (401, 403):
        return AuthenticationError(message, **kwargs)
    if status == 404:
        return MessageNotFoundError(message, **kwargs)
    if status == 409:
        return ConflictError(message, **kwargs)
    return ValidationRejectedError(message, **kwargs)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~25 ms, and an
    adapter (with its client) is opened for every send attempt and status poll."""
    return ssl.create_default_context(cafile=certifi.where())


class ProviderHttp:
    """An httpx client bound to one provider: base URL, auth, timeouts and error mapping."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        timeout_seconds: float,
        client: httpx.AsyncClient | None = None,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        error_parser: ErrorParser = _default_error_info,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout_seconds, verify=_tls_context())
        self._auth = auth
        self._headers = dict(headers or {})
        self._parse = error_parser

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        accept_status: Collection[int] = (),
    ) -> httpx.Response:
        """Send one request; 2xx and ``accept_status`` are returned, everything else raises."""
        request_headers = {**self._headers, **(headers or {})}
        try:
            # The outer deadline also bounds servers that trickle bytes or hang after headers,
            # and works with transports that do not enforce httpx timeouts (ASGITransport).
            async with asyncio.timeout(self.timeout_seconds):
                response = await self._client.request(
                    method,
                    f"{self.base_url}{path}",
                    params=params,
                    content=content,
                    json=json,
                    headers=request_headers,
                    auth=self._auth if self._auth is not None else httpx.USE_CLIENT_DEFAULT,
                    timeout=self.timeout_seconds,
                )
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise ProviderTimeoutError(
                f"no response within {self.timeout_seconds:g}s", provider=self.provider
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderConnectionError(
                f"connection failed: {type(exc).__name__}", provider=self.provider
            ) from exc
        log.debug(
            "peppol provider call",
            extra={"provider": self.provider, "method": method, "status": response.status_code},
        )
        if response.is_success or response.status_code in accept_status:
            return response
        raise error_for_response(self.provider, response, self._parse)


def json_body(response: httpx.Response) -> Any:
    """Decoded JSON, or ValueError (callers turn it into ProviderResponseError)."""
    try:
        return response.json()
    except ValueError as exc:
        raise ValueError(f"response body is not JSON: {exc}") from exc


class BearerAuth(httpx.Auth):
    """OAuth2 bearer token (Tradeshift OAuth2, our sandbox)."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("empty bearer token")
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
