"""Background job ``compliance.render_pdf`` (ids only; idempotent, see
:func:`involinks.compliance.service.render_pdf_job`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from involinks.compliance import service
from involinks.config import get_settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.jobs.registry import task
from involinks.storage import store_for

# One engine per database URL per process, not one per job.
# TODO(lead): use the shared task-session helper of involinks.core.db when there is one.
_makers: dict[str, tuple[AsyncEngine, async_sessionmaker[AsyncSession]]] = {}


@asynccontextmanager
async def _session(database_url: str) -> AsyncIterator[AsyncSession]:
    if database_url not in _makers:
        engine = create_engine(database_url, pool_size=2)
        _makers[database_url] = (engine, create_sessionmaker(engine))
    async with _makers[database_url][1]() as session:
        yield session


@task(service.RENDER_PDF_JOB, max_retries=3, retry_backoff_seconds=10.0)
async def render_pdf(invoice_id: str, company_id: str) -> None:
    settings = get_settings()
    async with _session(settings.database_url) as session:
        tenancy.bind_company(session, uuid.UUID(company_id))
        rendered = await service.render_pdf_job(
            session, uuid.UUID(invoice_id), store=store_for(settings)
        )
        if rendered:
            await session.commit()
