"""Application factory."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

import involinks.tasks  # noqa: F401 - registers every domain's jobs
from involinks import __version__
from involinks.api import api_router
from involinks.compliance.validation import pool as validation_pool
from involinks.config import Settings, get_settings
from involinks.core.db import create_engine, create_sessionmaker, dispose_task_engines
from involinks.core.migrate import ensure_migrated
from involinks.errors import install_error_handlers
from involinks.imports import sweep as import_sweep
from involinks.jobs import queue as job_queue
from involinks.logging import configure_logging
from involinks.observability import metrics
from involinks.observability.middleware import ObservabilityMiddleware
from involinks.observability.router import router as metrics_router
from involinks.peppol.embedded import MOUNT_PATH as EMBEDDED_MOUNT
from involinks.peppol.embedded import (
    create_embedded_sandbox,
    embedded_sandbox_enabled,
    run_embedded_sandbox,
)
from involinks.peppol.tasks import RESUME_JOB
from involinks.web_shell import install_web_shell

log = logging.getLogger(__name__)


def broker_configured(settings: Settings) -> bool:
    return bool(settings.celery_broker_url or settings.redis_url)


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(settings: Settings | None = None, *, check_migrations: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            if check_migrations:
                await ensure_migrated(app.state.engine)
                if not broker_configured(settings):
                    # In-process jobs die with the process: pick up transmissions left mid-way.
                    await job_queue.dispatch(RESUME_JOB, {})
            validation_pool.start(settings.validation_processes)
            async with contextlib.AsyncExitStack() as embedded:
                # Imports a stopped process left unfinished: failed now and every few minutes.
                await embedded.enter_async_context(
                    import_sweep.sweeping(app.state.sessionmaker, settings)
                )
                sandbox = getattr(app.state, "peppol_sandbox", None)
                if sandbox is not None:
                    await embedded.enter_async_context(
                        run_embedded_sandbox(sandbox, app.state.sessionmaker)
                    )
                log.info("InvoLinks %s started", __version__)
                yield
            # Graceful shutdown: let in-process jobs finish before the engine goes away.
            await job_queue.drain(timeout=30)
        finally:
            metrics.process_exiting()
            limiter = getattr(app.state, "rate_limiter", None)
            if limiter is not None:
                await limiter.close()
            artifact_store = getattr(app.state, "artifact_store", None)
            if artifact_store is not None:
                await artifact_store.aclose()
            await dispose_task_engines()
            await app.state.engine.dispose()

    app = FastAPI(
        title="InvoLinks API",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    if broker_configured(settings):
        from involinks.jobs.celery_app import create_celery, install_dispatcher

        install_dispatcher(create_celery(settings))
    app.state.engine = create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    install_error_handlers(app)
    app.add_middleware(ObservabilityMiddleware)
    app.include_router(api_router)
    app.include_router(metrics_router)
    if embedded_sandbox_enabled(settings):
        app.state.peppol_sandbox = create_embedded_sandbox(settings)
        app.mount(EMBEDDED_MOUNT, app.state.peppol_sandbox)
    install_web_shell(app, settings.web_dist_dir)
    return app


def create_app_from_env() -> FastAPI:
    """Entry point for uvicorn/gunicorn workers (`involinks.app:create_app_from_env`)."""
    settings = get_settings()
    configure_logging(level=settings.log_level, json_output=settings.json_logs)
    app = create_app(settings)
    # What start-up loaded (modules, rule tables, schemas) lives as long as the server process:
    # move it out of the collector's sight, or every full collection walks it again, a pause of
    # a tenth of a second in the middle of some request. (Server processes only: a test process
    # building many apps would keep their garbage.)
    gc.collect()
    gc.freeze()
    return app
