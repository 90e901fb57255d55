"""Error classification shared by every adapter (transport faults and status codes)."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import httpx
import pytest

from involinks.peppol.providers import (
    AuthenticationError,
    ConflictError,
    MessageNotFoundError,
    PermanentProviderError,
    ProviderConnectionError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RetryableProviderError,
    RetryPolicy,
    ValidationRejectedError,
    call_with_retries,
)
from involinks.peppol.providers._http import ProviderHttp, error_for_response, parse_retry_after

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),  # RFC 9110 IMF-fixdate
        ("Thu, 01 Jan 2026 11:59:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("status", "error_type", "retryable"),
    [
        (429, RateLimitedError, True),
        (408, ProviderUnavailableError, True),
        (500, ProviderUnavailableError, True),
        (502, ProviderUnavailableError, True),
        (503, ProviderUnavailableError, True),
        (504, ProviderUnavailableError, True),
        (501, ValidationRejectedError, False),
        (400, ValidationRejectedError, False),
        (422, ValidationRejectedError, False),
        (401, AuthenticationError, False),
        (403, AuthenticationError, False),
        (404, MessageNotFoundError, False),
        (409, ConflictError, False),
    ],
)
def test_status_codes_map_to_retryable_or_permanent(
    status: int, error_type: type[Exception], retryable: bool
) -> None:
    error = error_for_response("p", httpx.Response(status, headers={"Retry-After": "7"}))
    assert type(error) is error_type
    assert error.retryable is retryable
    assert isinstance(error, RetryableProviderError if retryable else PermanentProviderError)
    if status in (429, 503):
        assert error.retry_after == 7.0


def _http(handler: httpx.MockTransport, timeout: float = 1.0) -> ProviderHttp:
    return ProviderHttp(
        provider="p",
        base_url="http://provider.test/api/",
        timeout_seconds=timeout,
        client=httpx.AsyncClient(transport=handler),
    )


async def test_connection_errors_are_retryable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    http = _http(httpx.MockTransport(refuse))
    with pytest.raises(ProviderConnectionError) as caught:
        await http.request("GET", "/x")
    assert caught.value.retryable


async def test_transport_timeouts_are_retryable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderTimeoutError):
        await _http(httpx.MockTransport(slow)).request("GET", "/x")


async def test_a_hanging_server_hits_the_overall_deadline() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ProviderTimeoutError):
        await _http(httpx.MockTransport(hang), timeout=0.05).request("GET", "/x")
    assert loop.time() - started < 1


async def test_base_url_and_accepted_statuses() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(409)

    http = _http(httpx.MockTransport(handler))
    response = await http.request("PUT", "/documents/1", accept_status={409})
    assert response.status_code == 409
    assert seen == ["http://provider.test/api/documents/1"]


def _unavailable(retry_after: float | None = None) -> ProviderUnavailableError:
    return ProviderUnavailableError("down", provider="p", retry_after=retry_after)


async def test_retries_are_bounded_and_back_off() -> None:
    calls = 0
    sleeps: list[float] = []

    async def always_down() -> str:
        nonlocal calls
        calls += 1
        raise _unavailable()

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    policy = RetryPolicy(max_attempts=4, base_delay=1.0, multiplier=2.0, jitter=0.0)
    with pytest.raises(ProviderUnavailableError):
        await call_with_retries(always_down, policy, sleep=fake_sleep, rng=random.Random(1))
    assert calls == 4
    assert sleeps == [1.0, 2.0, 4.0]


async def test_retry_after_wins_and_permanent_errors_stop_at_once() -> None:
    sleeps: list[float] = []
    outcomes: list[Exception | str] = [
        RateLimitedError("slow down", provider="p", retry_after=3.0),
        "done",
    ]

    async def operation() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    assert await call_with_retries(operation, RetryPolicy(), sleep=fake_sleep) == "done"
    assert sleeps == [3.0]

    calls = 0

    async def refused() -> str:
        nonlocal calls
        calls += 1
        raise ValidationRejectedError("bad", provider="p", status_code=400)

    with pytest.raises(ValidationRejectedError):
        await call_with_retries(refused, RetryPolicy(), sleep=fake_sleep)
    assert calls == 1


async def test_a_retry_after_beyond_max_delay_is_left_to_the_job_queue() -> None:
    async def operation() -> str:
        raise RateLimitedError("later", provider="p", retry_after=600.0)

    async def fake_sleep(seconds: float) -> None:
        raise AssertionError("must not sleep 10 minutes in a worker")

    with pytest.raises(RateLimitedError) as caught:
        await call_with_retries(operation, RetryPolicy(max_delay=30), sleep=fake_sleep)
    assert caught.value.retry_after == 600.0
