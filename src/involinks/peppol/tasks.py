"""Background jobs of the Peppol exchange (ids only; idempotent, see ``peppol.service``):

* ``peppol.send``: hand a QUEUED transmission to its provider (``service.process_send``);
* ``peppol.poll_status``: read the status of a sent transmission until it is final
  (``service.process_poll``);
* ``peppol.send_response``: hand a buyer's Invoice Response to the provider
  (``responses.process_response_send``);
* ``peppol.resume``: enqueue the jobs of transmissions left without one (after a restart of the
  in-process queue); run it at start-up or periodically.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from involinks.config import Settings, get_settings
from involinks.core.db import create_engine, create_sessionmaker
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import task
from involinks.peppol import responses, service
from involinks.peppol.service import SessionFactory

__all__ = ["job_context", "poll_status", "resume", "send", "send_response"]

RESUME_JOB = "peppol.resume"

# One engine per database URL per process, not one per job.
# TODO(lead): use the shared task-session helper of involinks.core.db when there is one.
_makers: dict[str, tuple[AsyncEngine, async_sessionmaker[AsyncSession]]] = {}


def _sessions(database_url: str) -> SessionFactory:
    @asynccontextmanager
    async def session() -> AsyncIterator[AsyncSession]:
        if database_url not in _makers:
            engine = create_engine(database_url, pool_size=2)
            _makers[database_url] = (engine, create_sessionmaker(engine))
        async with _makers[database_url][1]() as opened:
            yield opened

    return session


def job_context() -> tuple[SessionFactory, Settings]:
    """Sessions and settings the jobs run with (tests replace this to share their transaction)."""
    settings = get_settings()
    return _sessions(settings.database_url), settings


# The job's own counters decide when to give up (service.send_retry_policy, from the settings);
# the queue's limit only has to be out of the way.
@task(service.SEND_JOB, max_retries=service.SEND_MAX_ATTEMPTS_LIMIT + 1)
async def send(transmission_id: str) -> None:
    sessions, settings = job_context()
    await service.process_send(sessions, uuid.UUID(transmission_id), settings=settings)


@task(service.POLL_JOB, max_retries=2000, retry_backoff_seconds=30.0)
async def poll_status(transmission_id: str) -> None:
    sessions, settings = job_context()
    await service.process_poll(sessions, uuid.UUID(transmission_id), settings=settings)


@task(responses.SEND_RESPONSE_JOB, max_retries=service.SEND_MAX_ATTEMPTS_LIMIT + 1)
async def send_response(response_id: str) -> None:
    sessions, settings = job_context()
    await responses.process_response_send(sessions, uuid.UUID(response_id), settings=settings)


@task(RESUME_JOB, max_retries=3)
async def resume() -> None:
    sessions, _ = job_context()
    async with job_queue.collecting() as jobs:
        async with sessions() as session:
            await service.resume_stalled(session)
            await responses.resume_queued(session)
            await session.commit()
        await jobs.send()
