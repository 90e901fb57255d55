"""Celery transport for the job queue (production profile: Redis broker, many workers).

One Celery task carries every registered job by name, so domains register plain async functions and
never import Celery. Retries use Celery's own countdown, so a worker restart does not lose them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Coroutine
from typing import Any

from celery import Celery, Task

from involinks.config import Settings, get_settings
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, get_task
from involinks.observability import metrics
from involinks.observability.context import bound_request_id, current_request_id

log = logging.getLogger(__name__)

_CARRIER = "involinks.run_job"


def broker_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return settings.celery_broker_url or settings.redis_url


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    celery = Celery("involinks", broker=broker_url(settings), backend=None)
    transport: dict[str, Any] = {
        # A job taken by a worker that then died (SIGKILL, OOM, lost host) is unacknowledged:
        # the Redis transport hands it out again once this has passed.
        "visibility_timeout": settings.celery_visibility_timeout_seconds
    }
    if settings.celery_key_prefix:
        transport["global_keyprefix"] = settings.celery_key_prefix
    # Sweep for such jobs every few seconds (one sorted-set read), not every ~100 s (the
    # transport's default of 10 s x a throttle of 10): a short timeout then means a short wait.
    transport["unacked_restore_interval"] = min(
        10, max(1, settings.celery_visibility_timeout_seconds // 4)
    )
    transport["unacked_restore_throttle"] = 1
    celery.conf.update(
        # Acknowledged when the job ends, not when it starts: a job whose worker dies mid-way is
        # delivered again (jobs are idempotent: a send reuses its provider idempotency key).
        task_acks_late=True,
        # ... also when only the pool process running it dies (the worker itself lives on).
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.celery_queue,
        broker_transport_options=transport,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # Our handler (masking, JSON, request id) stays on the root logger.
        worker_hijack_root_logger=False,
    )

    # shared=False: the task belongs to this app only (a second app in the same process, as in
    # tests, would otherwise meet the first one's task under the same name).
    @celery.task(name=_CARRIER, bind=True, max_retries=None, shared=False)
    def run_job(
        self: Task[Any, Any],
        name: str,
        kwargs: dict[str, Any],
        meta: dict[str, Any] | None = None,
    ) -> None:
        spec = get_task(name)
        # The request id of the HTTP request (or job) that queued this one, for its log lines
        # and for the jobs it queues in turn.
        with bound_request_id((meta or {}).get("request_id")):
            started = time.perf_counter()
            try:
                _run_in_process_loop(_call(spec.func, kwargs))
            except RetryLater as exc:
                metrics.observe_task(name, "retried", time.perf_counter() - started)
                if self.request.retries >= spec.max_retries:
                    metrics.TASKS.labels(task=name, outcome="gave_up").inc()
                    raise
                countdown = (
                    exc.delay_seconds or spec.retry_backoff_seconds * 2**self.request.retries
                )
                raise self.retry(countdown=countdown) from exc
            except Exception:
                metrics.observe_task(name, "failed", time.perf_counter() - started)
                log.exception("task failed", extra={"task": name})
                raise
            metrics.observe_task(name, "succeeded", time.perf_counter() - started)

    celery.conf.beat_schedule = beat_schedule()
    return celery


async def _call(func: Any, kwargs: dict[str, Any]) -> None:
    await func(**kwargs)


_loops: dict[int, asyncio.AbstractEventLoop] = {}


def _run_in_process_loop(job: Coroutine[Any, Any, None]) -> None:
    """Run a job on this process' own event loop, the same for every job: the jobs' database
    engines keep pooled connections, which belong to the loop that opened them (a fresh
    ``asyncio.run`` per job would hand the next job connections of a closed loop). Keyed by pid:
    a forked pool process starts its own."""
    loop = _loops.get(os.getpid())
    if loop is None or loop.is_closed():
        loop = _loops[os.getpid()] = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(job)


def install_dispatcher(celery: Celery) -> None:
    def _send(name: str, kwargs: dict[str, Any]) -> None:
        celery.send_task(_CARRIER, args=[name, kwargs, {"request_id": current_request_id()}])

    job_queue.set_dispatcher(_send)


def run_worker(*, concurrency: int) -> None:
    if not broker_url():
        raise SystemExit(
            "No broker configured: set REDIS_URL or CELERY_BROKER_URL. On the embedded default, "
            "jobs run inside `involinks serve` and no worker is needed."
        )
    import involinks.tasks  # noqa: F401 - registers every domain's jobs

    _configure_logging()
    celery = create_celery()
    # Jobs queue follow-up jobs (a send queues its status poll): through the broker, too.
    install_dispatcher(celery)
    celery.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO"])


def run_beat(*, schedule_file: str) -> None:
    """Celery beat: puts the periodic jobs of `beat_schedule()` on the broker (run exactly one)."""
    if not broker_url():
        raise SystemExit(
            "No broker configured: set REDIS_URL or CELERY_BROKER_URL. On the embedded default, "
            "`involinks serve` re-queues stalled Peppol jobs itself at start-up."
        )
    _configure_logging()
    celery = create_celery()
    celery.start(["beat", "--loglevel=INFO", f"--schedule={schedule_file}"])


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Periodic jobs, each carried by the same task as any other job."""
    from involinks.peppol.periodic import REQUEUE_EVERY_SECONDS, REQUEUE_JOB

    return {
        "peppol-requeue-overdue": {
            "task": _CARRIER,
            "schedule": REQUEUE_EVERY_SECONDS,
            "args": [REQUEUE_JOB, {}],
        }
    }


def _configure_logging() -> None:
    from involinks.logging import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json_output=settings.json_logs)
