"""Background job ``imports.run`` (ids only; idempotent, see :func:`service.run_job`)."""

from __future__ import annotations

import uuid

from involinks.config import get_settings
from involinks.core.db import task_session
from involinks.imports import service
from involinks.jobs.registry import task
from involinks.storage import store_for


@task(service.RUN_JOB, max_retries=3, retry_backoff_seconds=10.0)
async def run_import(import_id: str) -> None:
    settings = get_settings()
    await service.run_job(
        lambda: task_session(settings.database_url),
        uuid.UUID(import_id),
        settings=settings,
        store=store_for(settings),
    )
