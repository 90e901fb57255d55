"""The sliding-window limiter, on both backends.

The Redis backend is tested against a real Redis (REDIS_TEST_URL, default 127.0.0.1:6379). Without
one the tests are skipped with the reason shown, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from involinks.core.rate_limit import (
    Limit,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    create_rate_limiter,
    enforce,
)
from involinks.errors import TooManyRequests
from tests.auth.conftest import FakeClock

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[tuple[RateLimiter, FakeClock]]:
    clock = FakeClock(datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    if request.param == "memory":
        yield MemoryRateLimiter(clock=clock), clock
        return
    if not _redis_reachable(REDIS_URL):
        message = f"Redis not reachable at {REDIS_URL} (set REDIS_TEST_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    backend = RedisRateLimiter(REDIS_URL, clock=clock, prefix=f"involinks-test:{uuid.uuid4().hex}:")
    yield backend, clock
    await backend.close()


async def test_allows_up_to_the_limit_then_refuses(
    limiter: tuple[RateLimiter, FakeClock],
) -> None:
    backend, _clock = limiter
    window = timedelta(minutes=1)
    results = [await backend.hit("k", limit=3, window=window) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert [r.remaining for r in results] == [2, 1, 0, 0]
    assert results[-1].retry_after == 60


async def test_window_slides(limiter: tuple[RateLimiter, FakeClock]) -> None:
    backend, clock = limiter
    window = timedelta(seconds=60)
    assert (await backend.hit("k", limit=2, window=window)).allowed  # t=0
    clock.advance(timedelta(seconds=40))
    assert (await backend.hit("k", limit=2, window=window)).allowed  # t=40
    clock.advance(timedelta(seconds=10))
    refused = await backend.hit("k", limit=2, window=window)  # t=50: both hits still inside
    assert not refused.allowed
    assert refused.retry_after == 10  # the t=0 hit leaves the window at t=60
    clock.advance(timedelta(seconds=10))
    assert (await backend.hit("k", limit=2, window=window)).allowed  # t=60
    # A fixed-bucket counter would allow a fresh burst here; the sliding window does not.
    assert not (await backend.hit("k", limit=2, window=window)).allowed


async def test_refused_hits_are_not_counted(limiter: tuple[RateLimiter, FakeClock]) -> None:
    backend, clock = limiter
    window = timedelta(seconds=10)
    await backend.hit("k", limit=1, window=window)
    for _ in range(5):
        clock.advance(timedelta(seconds=1))
        assert not (await backend.hit("k", limit=1, window=window)).allowed
    clock.advance(timedelta(seconds=5))
    assert (await backend.hit("k", limit=1, window=window)).allowed


async def test_keys_are_independent_and_reset(limiter: tuple[RateLimiter, FakeClock]) -> None:
    backend, _clock = limiter
    window = timedelta(minutes=1)
    await backend.hit("a", limit=1, window=window)
    assert (await backend.hit("b", limit=1, window=window)).allowed
    assert not (await backend.hit("a", limit=1, window=window)).allowed
    await backend.reset("a")
    assert (await backend.hit("a", limit=1, window=window)).allowed


async def test_enforce_raises_429_with_retry_after(
    limiter: tuple[RateLimiter, FakeClock],
) -> None:
    backend, _clock = limiter
    rule = Limit("test", 1, timedelta(minutes=2))
    await enforce(backend, rule, "1.2.3.4")
    with pytest.raises(TooManyRequests) as caught:
        await enforce(backend, rule, "1.2.3.4")
    assert caught.value.status_code == 429
    assert caught.value.headers == {"Retry-After": "120"}
    assert "2 minutes" in caught.value.message


async def test_unreachable_redis_lets_requests_through(caplog: pytest.LogCaptureFixture) -> None:
    backend = RedisRateLimiter("redis://127.0.0.1:1/0")
    result = await backend.hit("k", limit=1, window=timedelta(minutes=1))
    await backend.close()
    assert result.allowed
    assert "rate limiter unavailable" in caplog.text


def test_backend_follows_settings() -> None:
    assert isinstance(create_rate_limiter(""), MemoryRateLimiter)
    assert isinstance(create_rate_limiter("redis://127.0.0.1:6379/0"), RedisRateLimiter)
