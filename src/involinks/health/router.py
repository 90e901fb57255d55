from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from involinks import __version__
from involinks.core.db import DbSession

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


@router.get("/ready", summary="Readiness: the database answers")
async def ready(session: DbSession) -> JSONResponse:
    db_ok = await _database_answers(session)
    checks = {"database": "ok" if db_ok else "unreachable"}
    return JSONResponse(
        {"status": "ok" if db_ok else "not_ready", "checks": checks}, 200 if db_ok else 503
    )
