"""Jobs enqueued inside a transaction are sent only after it commits, and dropped on rollback.

Where a broker is configured (CELERY_BROKER_URL / REDIS_URL) jobs go to Celery; on the embedded
default they run in this process on the event loop, with the same retry rules.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from involinks.jobs.registry import RetryLater, get_task
from involinks.observability import metrics
from involinks.observability.context import bound_request_id, current_request_id

log = logging.getLogger(__name__)

Dispatcher = Callable[[str, dict[str, Any]], Any]


@dataclass
class PendingJobs:
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def discard(self) -> None:
        self.items.clear()

    async def send(self) -> None:
        items, self.items = self.items, []
        for name, kwargs in items:
            await dispatch(name, kwargs)


_pending: ContextVar[PendingJobs | None] = ContextVar("involinks_pending_jobs", default=None)
_dispatcher: Dispatcher | None = None
_background: set[asyncio.Task[Any]] = set()


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Celery installs itself here; None means in-process execution."""
    global _dispatcher
    _dispatcher = dispatcher


@asynccontextmanager
async def collecting() -> AsyncIterator[PendingJobs]:
    pending = PendingJobs()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def enqueue(name: str, **kwargs: Any) -> None:
    get_task(name)  # fail fast on a typo, inside the request
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("enqueue() outside a unit of work; use dispatch() for immediate sends")
    pending.items.append((name, kwargs))


async def dispatch(name: str, kwargs: dict[str, Any]) -> None:
    if _dispatcher is not None:
        result = _dispatcher(name, kwargs)
        if asyncio.iscoroutine(result):
            await result
        return
    # The request id travels with the job explicitly (the Celery transport does the same).
    job = asyncio.get_running_loop().create_task(
        run_with_retries(name, kwargs, request_id=current_request_id())
    )
    _background.add(job)
    metrics.INPROCESS_JOBS.inc()
    job.add_done_callback(_finished)


def _finished(job: asyncio.Task[Any]) -> None:
    _background.discard(job)
    metrics.INPROCESS_JOBS.dec()


async def run_with_retries(
    name: str, kwargs: dict[str, Any], *, request_id: str | None = None
) -> Any:
    with bound_request_id(request_id):
        return await _attempts(name, kwargs)


async def _attempts(name: str, kwargs: dict[str, Any]) -> Any:
    spec = get_task(name)
    attempt = 0
    while True:
        started = time.perf_counter()
        try:
            result = await spec.func(**kwargs)
        except RetryLater as exc:
            reason: str = str(exc)
            delay = exc.delay_seconds
            outcome = "retried"  # asked for another attempt: not a failure
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            delay = None
            outcome = "failed"
            log.exception("task failed", extra={"task": name, "attempt": attempt})
        else:
            metrics.observe_task(name, "succeeded", time.perf_counter() - started)
            return result
        metrics.observe_task(name, outcome, time.perf_counter() - started)
        attempt += 1
        if attempt > spec.max_retries:
            metrics.TASKS.labels(task=name, outcome="gave_up").inc()
            log.error("task gave up", extra={"task": name, "attempts": attempt, "reason": reason})
            return None
        await asyncio.sleep(
            delay if delay is not None else spec.retry_backoff_seconds * 2 ** (attempt - 1)
        )


async def drain(timeout: float = 30.0) -> None:
    """Wait for in-process jobs (graceful shutdown, and tests that check a job's effect)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while _background:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            break
        await asyncio.wait(set(_background), timeout=remaining)
