"""Celery transport for the job queue (production profile: Redis broker, many workers).

One Celery task carries every registered job by name, so domains register plain async functions and
never import Celery. Retries use Celery's own countdown, so a worker restart does not lose them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from celery import Celery, Task

from involinks.config import get_settings
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, get_task

_CARRIER = "involinks.run_job"


def broker_url() -> str:
    settings = get_settings()
    return settings.celery_broker_url or settings.redis_url


def create_celery() -> Celery:
    url = broker_url()
    celery = Celery("involinks", broker=url, backend=None)
    celery.conf.update(
        task_acks_late=True,  # a job killed mid-way is delivered again; jobs are idempotent
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
    )

    @celery.task(name=_CARRIER, bind=True, max_retries=None)
    def run_job(self: Task[Any, Any], name: str, kwargs: dict[str, Any]) -> None:
        spec = get_task(name)
        try:
            asyncio.run(_call(spec.func, kwargs))
        except RetryLater as exc:
            if self.request.retries >= spec.max_retries:
                raise
            countdown = exc.delay_seconds or spec.retry_backoff_seconds * 2**self.request.retries
            raise self.retry(countdown=countdown) from exc

    return celery


async def _call(func: Any, kwargs: dict[str, Any]) -> None:
    await func(**kwargs)


def install_dispatcher(celery: Celery) -> None:
    def _send(name: str, kwargs: dict[str, Any]) -> None:
        celery.send_task(_CARRIER, args=[name, kwargs])

    job_queue.set_dispatcher(_send)


def run_worker(*, concurrency: int) -> None:
    if not broker_url():
        raise SystemExit(
            "No broker configured: set REDIS_URL or CELERY_BROKER_URL. On the embedded default, "
            "jobs run inside `involinks serve` and no worker is needed."
        )
    import involinks.tasks  # noqa: F401 - registers every domain's jobs

    celery = create_celery()
    celery.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO"])
