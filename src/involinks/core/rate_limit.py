"""Sliding-window rate limiting with two backends.

A key may be hit `limit` times within any `window`; the window slides with each hit (a log of hit
times, not fixed buckets, so a burst at a bucket edge cannot double the allowance). Refused hits are
not recorded, so a caller that keeps hammering is let in again as soon as its oldest hit ages out.

`MemoryRateLimiter` serves the embedded single-process deployment; `RedisRateLimiter` is used when
REDIS_URL is set so that every worker process shares the counts. Both take an injectable clock, so
tests move time instead of sleeping. If Redis cannot be reached the limiter lets the request through
and logs a warning: per-account lockout lives in the database and still applies.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from involinks.core.types import utcnow
from involinks.errors import TooManyRequests

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until a hit would be allowed; 0 when allowed


@dataclass(frozen=True, slots=True)
class Limit:
    """A named rule: at most `limit` hits per `window` for one key."""

    name: str
    limit: int
    window: timedelta


class RateLimiter(Protocol):
    async def hit(self, key: str, *, limit: int, window: timedelta) -> RateLimitResult:
        """Record one hit for `key` unless that would exceed `limit` within `window`."""
        ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class MemoryRateLimiter:
    """Per-process hit log. Bounded: a key's log never holds more than `limit` entries."""

    def __init__(self, *, clock: Clock = utcnow) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, *, limit: int, window: timedelta) -> RateLimitResult:
        now = self._clock().timestamp()
        span = window.total_seconds()
        async with self._lock:
            log_ = self._hits.setdefault(key, deque())
            while log_ and log_[0] <= now - span:
                log_.popleft()
            if len(log_) >= limit:
                return RateLimitResult(False, 0, _retry_after(log_[0] + span - now))
            log_.append(now)
            self._sweep(now, span)
            return RateLimitResult(True, limit - len(log_), 0)

    def _sweep(self, now: float, span: float) -> None:
        # Drop idle keys now and then so memory stays proportional to active clients.
        if len(self._hits) < 10_000:
            return
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - span]:
            del self._hits[key]

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._hits.pop(key, None)

    async def close(self) -> None:
        return None


# One round trip, atomic: drop hits older than the window, count, then add or refuse.
_SLIDING_WINDOW_LUA = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
"""


class RedisRateLimiter:
    """Sorted set per key (score = hit time in ms), shared by every process."""

    def __init__(self, url: str, *, clock: Clock = utcnow, prefix: str = "involinks:rl:") -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_SLIDING_WINDOW_LUA)
        self._clock = clock
        self._prefix = prefix

    async def hit(self, key: str, *, limit: int, window: timedelta) -> RateLimitResult:
        from redis.exceptions import RedisError

        now_ms = int(self._clock().timestamp() * 1000)
        window_ms = max(1, int(window.total_seconds() * 1000))
        try:
            allowed, remaining, wait_ms = await self._script(
                keys=[self._prefix + key],
                args=[now_ms, window_ms, limit, f"{now_ms}:{uuid.uuid4().hex}"],
            )
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable, request allowed: %s", type(exc).__name__)
            return RateLimitResult(True, limit, 0)
        if int(allowed):
            return RateLimitResult(True, int(remaining), 0)
        return RateLimitResult(False, 0, _retry_after(int(wait_ms) / 1000))

    async def reset(self, key: str) -> None:
        from redis.exceptions import RedisError

        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError) as exc:
            log.warning("rate limiter unavailable, reset skipped: %s", type(exc).__name__)

    async def close(self) -> None:
        await self._redis.aclose()


def create_rate_limiter(redis_url: str, *, clock: Clock = utcnow) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(redis_url, clock=clock)
    return MemoryRateLimiter(clock=clock)


async def enforce(limiter: RateLimiter, rule: Limit, key: str) -> None:
    """Count a hit against `rule` for `key`; raise 429 with Retry-After when over the limit."""
    result = await limiter.hit(f"{rule.name}:{key}", limit=rule.limit, window=rule.window)
    if not result.allowed:
        raise TooManyRequests(
            f"Too many attempts. Try again in {_humanize(result.retry_after)}.",
            retry_after=result.retry_after,
        )


def _humanize(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
