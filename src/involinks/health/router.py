from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from involinks import __version__
from involinks.config import Settings
from involinks.core.db import DbSession
from involinks.storage import get_store

router = APIRouter(prefix="/health", tags=["health"])


async def _database_answers(session: AsyncSession) -> bool:
    try:
        await session.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@router.get("", summary="Service health: version and whether the database answers")
async def health(session: DbSession) -> JSONResponse:
    db_ok = await _database_answers(session)
    body: dict[str, Any] = {
        "status": "ok" if db_ok else "degraded",
        "version": __version__,
        "database": "ok" if db_ok else "unreachable",
    }
    return JSONResponse(body, status_code=200 if db_ok else 503)


@router.get("/live", summary="Liveness: the process answers")
async def live() -> dict[str, str]:
    return {"status": "ok"}


async def _broker_state(settings: Settings) -> str:
    """ "ok" when the Celery broker answers a PING; "in-process" without a broker."""
    url = settings.celery_broker_url or settings.redis_url
    if not url:
        return "in-process"
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "unchecked"  # another transport (e.g. AMQP): Celery itself reports on it
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client: Any = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return "ok" if await client.ping() else "unreachable"
    except (RedisError, OSError):
        return "unreachable"
    finally:
        await client.aclose()


@router.get("/ready", summary="Readiness: the database, the job broker and artifact storage")
async def ready(session: DbSession, request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    db_ok = await _database_answers(session)
    broker = await _broker_state(settings)
    # Through the configured store (local directory or S3 bucket), as the requests use it.
    storage_ok = await (await get_store(request)).check_writable()
    checks = {
        "database": "ok" if db_ok else "unreachable",
        "broker": broker,
        "storage": "ok" if storage_ok else "not_writable",
    }
    healthy = db_ok and storage_ok and broker != "unreachable"
    return JSONResponse(
        {"status": "ok" if healthy else "not_ready", "checks": checks}, 200 if healthy else 503
    )
