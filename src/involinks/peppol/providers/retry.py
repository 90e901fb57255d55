"""Bounded retries for provider calls that raised ``RetryableProviderError``.

Exponential backoff with jitter; a 429's Retry-After wins over the computed delay. When the
provider asks for a longer wait than ``max_delay`` the error is raised instead, so a job queue can
reschedule the work (``error.retry_after``) rather than holding a worker asleep.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from involinks.peppol.providers.errors import RetryableProviderError

__all__ = ["RetryPolicy", "call_with_retries"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.1  # +/- fraction of the computed delay

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay_for(self, attempt: int, error: RetryableProviderError, rng: random.Random) -> float:
        """Seconds to wait after failed ``attempt`` (1-based)."""
        if error.retry_after is not None:
            return error.retry_after
        delay = min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))
        return max(0.0, delay * (1 + rng.uniform(-self.jitter, self.jitter)))


async def call_with_retries(
    operation: Callable[[], Awaitable[T]],
    policy: RetryPolicy | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run ``operation`` until it succeeds, raises a permanent error, or attempts run out."""
    policy = policy or RetryPolicy()
    rng = rng or random.Random()
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return await operation()
        except RetryableProviderError as error:
            if attempt == policy.max_attempts:
                raise
            delay = policy.delay_for(attempt, error, rng)
            if delay > policy.max_delay:
                raise
            await sleep(delay)
    raise AssertionError("unreachable")  # the loop either returns or raises
