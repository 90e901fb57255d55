"""Metrics, request ids and JSON logs: what an operator sees of a running instance."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from involinks.core.db import DbSession
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, task
from involinks.logging import configure_logging
from involinks.observability.context import bound_request_id

job_log = logging.getLogger("tests.ops.jobs")
SEEN: list[str | None] = []


@task("test.ops.note", max_retries=0)
async def note(word: str) -> None:
    from involinks.observability.context import current_request_id

    SEEN.append(current_request_id())
    job_log.info("job ran with %s", word)


@task("test.ops.broken", max_retries=1, retry_backoff_seconds=0.0)
async def broken() -> None:
    raise RetryLater("not yet", delay_seconds=0.0)


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Our production log set-up (LOG_FORMAT=json), its handler writing into a buffer."""
    root = logging.getLogger()
    level = root.level
    configure_logging(level="INFO", json_output=True)
    buffer = io.StringIO()
    [ours] = [h for h in root.handlers if getattr(h, "_involinks", False)]
    assert isinstance(ours, logging.StreamHandler)
    ours.setStream(buffer)
    yield buffer
    root.removeHandler(ours)
    root.setLevel(level)


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.fixture
def enqueueing_app(app: FastAPI) -> FastAPI:
    async def start_job(session: DbSession) -> dict[str, str]:
        job_queue.enqueue("test.ops.note", word="hello")
        return {"status": "queued"}

    app.add_api_route("/api/v1/_test/start-job", start_job, methods=["POST"])
    return app


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_request_id_is_honoured_generated_or_replaced(client: httpx.AsyncClient) -> None:
    given = await client.get("/api/v1/health/live", headers={"X-Request-ID": "lb-1234.abc"})
    assert given.headers["x-request-id"] == "lb-1234.abc"

    fresh = await client.get("/api/v1/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["x-request-id"])

    # Spaces, quotes and line breaks could forge log lines: such an id is replaced.
    forged = await client.get("/api/v1/health/live", headers={"X-Request-ID": 'x" level="ERROR'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])

    # Errors carry it too (the id is how a user's report is found in the logs).
    missing = await client.get(f"/api/v1/invoices/{uuid.uuid4()}", headers={"X-Request-ID": "r-9"})
    assert missing.status_code == 401
    assert missing.headers["x-request-id"] == "r-9"


async def test_metrics_label_routes_by_template(client: httpx.AsyncClient) -> None:
    invoice_id = uuid.uuid4()
    await client.get("/api/v1/health/live")
    await client.get(f"/api/v1/invoices/{invoice_id}")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        _metric(
            text,
            "involinks_http_request_duration_seconds_count",
            method="GET",
            route="/api/v1/health/live",
            status="200",
        )
        >= 1
    )
    assert (
        _metric(
            text,
            "involinks_http_request_duration_seconds_count",
            route="/api/v1/invoices/{invoice_id}",
            status="401",
        )
        >= 1
    )
    assert str(invoice_id) not in text


async def test_metrics_token(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"metrics_token": SecretStr("scrape-me-0123456789")}
    )
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
    assert right.status_code == 200
    assert "involinks_http_request_duration_seconds" in right.text


async def test_request_id_follows_the_request_into_its_in_process_job(
    enqueueing_app: FastAPI, client: httpx.AsyncClient, json_logs: io.StringIO
) -> None:
    job_queue.set_dispatcher(None)  # run jobs in this process, as the embedded default does
    SEEN.clear()
    before = (await client.get("/metrics")).text
    response = await client.post("/api/v1/_test/start-job", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 200
    # Another request meanwhile has its own id: the job keeps its request's.
    with bound_request_id("someone-else"):
        await job_queue.drain(timeout=5)
    assert SEEN == ["req-42"]

    lines = [line for line in _lines(json_logs) if line.get("logger") == "tests.ops.jobs"]
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("job ran with hello", "req-42")
    ]
    after = (await client.get("/metrics")).text
    counted = _metric(after, "involinks_tasks_total", task="test.ops.note", outcome="succeeded")
    assert (
        counted
        == _metric(before, "involinks_tasks_total", task="test.ops.note", outcome="succeeded") + 1
    )


async def test_task_retries_and_giving_up_are_counted(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    await job_queue.run_with_retries("test.ops.broken", {})
    after = (await client.get("/metrics")).text
    for outcome, more in (("retried", 2), ("gave_up", 1)):
        assert (
            _metric(after, "involinks_tasks_total", task="test.ops.broken", outcome=outcome)
            == _metric(before, "involinks_tasks_total", task="test.ops.broken", outcome=outcome)
            + more
        )


def await_dispatch(name: str, kwargs: dict[str, Any]) -> None:
    """Send one job as a request's unit of work does once it commits."""
    asyncio.run(job_queue.dispatch(name, kwargs))


def test_request_id_travels_through_celery(
    monkeypatch: pytest.MonkeyPatch, json_logs: io.StringIO
) -> None:
    """The Celery transport carries the id in the message and binds it in the worker."""
    from involinks.config import get_settings
    from involinks.jobs.celery_app import create_celery, install_dispatcher

    monkeypatch.setenv("CELERY_BROKER_URL", "memory://")
    get_settings.cache_clear()
    try:
        celery = create_celery()
        install_dispatcher(celery)
        SEEN.clear()
        with celery.connection_for_read() as connection:
            # Declared first, so the in-memory broker keeps the message for us.
            queue = connection.SimpleQueue(get_settings().celery_queue)
            with bound_request_id("celery-7"):
                await_dispatch("test.ops.note", {"word": "via broker"})
            message = queue.get(timeout=2)
            args, _kwargs, _embed = message.payload
            message.ack()
            queue.close()
        assert args == ["test.ops.note", {"word": "via broker"}, {"request_id": "celery-7"}]
        # What a worker does with that message (outside any request).
        celery.tasks["involinks.run_job"].apply(args=args).get()
    finally:
        job_queue.set_dispatcher(None)
        get_settings.cache_clear()
    assert SEEN == ["celery-7"]
    lines = [line for line in _lines(json_logs) if line.get("logger") == "tests.ops.jobs"]
    assert [line["request_id"] for line in lines] == ["celery-7"]


async def test_ready_checks_database_broker_and_storage(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.get("/api/v1/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "in-process", "storage": "ok"},
    }
    app.state.settings = app.state.settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0"}  # nothing listens there
    )
    down = await client.get("/api/v1/health/ready")
    assert down.status_code == 503
    assert down.json()["checks"]["broker"] == "unreachable"


def test_beat_schedules_the_overdue_requeue() -> None:
    from involinks.jobs.celery_app import beat_schedule
    from involinks.jobs.registry import get_task
    from involinks.peppol.periodic import REQUEUE_JOB

    [entry] = beat_schedule().values()
    assert entry["task"] == "involinks.run_job"
    assert entry["args"][0] == REQUEUE_JOB
    get_task(REQUEUE_JOB)  # registered, so a worker can run it
