"""Prometheus metrics and their text exposition (``GET /metrics``).

With several server processes (``involinks serve --workers N``) each process writes its samples
under ``PROMETHEUS_MULTIPROC_DIR`` and a scrape, answered by any one of them, adds them all up
(prometheus_client's multiprocess mode). A Celery worker on the same machine that is given the
same directory is included too. The variable must be set before this module is first imported:
``serve`` does it when it starts more than one worker.

Families:

* ``involinks_http_request_duration_seconds{method,route,status}``: latency by route template
  (``/api/v1/invoices/{invoice_id}``, never the raw path, so ids do not explode the label set);
* ``involinks_tasks_total{task,outcome}`` (succeeded, retried, failed, gave_up) and
  ``involinks_task_duration_seconds{task}``: background jobs, in-process or in Celery;
* ``involinks_peppol_sends_total{outcome}`` (sent, retry, failed, rejected);
* ``involinks_job_queue_depth{queue}``: messages waiting in the Celery queue (a Redis list),
  read when scraped (only with a Redis broker);
* ``involinks_inprocess_jobs``: jobs queued or running inside the API processes (embedded
  default, no broker).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from involinks.config import Settings

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_LATENCY = Histogram(
    "involinks_http_request_duration_seconds",
    "HTTP request latency by route template, method and status code.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
TASKS = Counter(
    "involinks_tasks",
    "Background job attempts by task name and outcome (succeeded, retried, failed, gave_up).",
    ["task", "outcome"],
)
TASK_DURATION = Histogram(
    "involinks_task_duration_seconds",
    "Background job attempt duration by task name.",
    ["task"],
    buckets=_LATENCY_BUCKETS,
)
PEPPOL_SENDS = Counter(
    "involinks_peppol_sends",
    "Peppol send attempts by outcome (sent, retry, failed, rejected).",
    ["outcome"],
)
QUEUE_DEPTH = Gauge(
    "involinks_job_queue_depth",
    "Jobs waiting in the broker queue (read from Redis when scraped).",
    ["queue"],
    multiprocess_mode="livemostrecent",
)
INPROCESS_JOBS = Gauge(
    "involinks_inprocess_jobs",
    "Jobs queued or running inside the API processes (no broker configured).",
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


def observe_task(task: str, outcome: str, seconds: float) -> None:
    TASKS.labels(task=task, outcome=outcome).inc()
    TASK_DURATION.labels(task=task).observe(seconds)


def broker_redis_url(settings: Settings) -> str | None:
    url = settings.celery_broker_url or settings.redis_url
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


async def refresh_queue_depth(settings: Settings) -> None:
    """Read the broker's queue length now (a scrape is the moment it is wanted)."""
    url = broker_redis_url(settings)
    if url is None:
        return
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client: Any = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        # The Redis transport keeps a queue in a list named after it (plus the key prefix).
        depth = await client.llen(settings.celery_key_prefix + settings.celery_queue)
    except (RedisError, OSError) as exc:
        log.warning("queue depth unavailable", extra={"error": type(exc).__name__})
        return
    finally:
        await client.aclose()
    QUEUE_DEPTH.labels(queue=settings.celery_queue).set(depth)


def exposition() -> tuple[bytes, str]:
    """The text format of every metric of every process (or of this one without multiprocess)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exiting() -> None:
    """Drop this process's live gauges (its in-process job count) from the shared directory."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
