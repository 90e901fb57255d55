"""The sandbox access point as an ASGI app.

Routes:

* ``/tradeshift/rest/external/...``: Tradeshift-shaped API (bearer token or OAuth1 +
  ``X-Tradeshift-TenantId``);
* ``/basware/v1/...``: Basware-shaped API (HTTP Basic);
* ``/sandbox/admin/...``: faults, clock, participant directory, messages, inbound injection;
* ``/healthz``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from involinks.peppol.sandbox import admin_api, basware_api, tradeshift_api
from involinks.peppol.sandbox.clock import Clock, ManualClock, SystemClock
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.settings import SandboxSettings

__all__ = ["create_sandbox_app"]

log = logging.getLogger(__name__)


def _error_body(path: str, error: SandboxError) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    if path.startswith("/tradeshift"):
        return {
            "ErrorCode": error.code,
            "Message": error.message,
            "ErrorDetail": [{"Key": "message", "Value": error.message}]
            + [{"Key": field, "Value": problem} for field, problem in error.details],
            "ValidationError": [],
            "RequestId": request_id,
        }
    if path.startswith("/basware"):
        kind = {400: "VALIDATION", 401: "AUTHENTICATION", 404: "NOT_FOUND", 409: "CONFLICT"}
        return {
            "version": "1.0",
            "errors": {
                "message": error.message,
                "id": request_id,
                "type": kind.get(error.status_code, "TECHNICAL"),
                "info": error.message,
                "code": error.code,
                "validationErrors": [
                    {"fieldId": field, "fieldMessage": problem} for field, problem in error.details
                ],
            },
        }
    return {"error": error.code, "detail": error.message}


def _render(request: Request, error: SandboxError) -> JSONResponse:
    return JSONResponse(
        _error_body(request.url.path, error), status_code=error.status_code, headers=error.headers
    )


async def _ticker(ap: SandboxAccessPoint, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await ap.process_due()
        except Exception:  # the loop must outlive one bad record or unreachable URL
            log.exception("sandbox progression failed")


def create_sandbox_app(
    settings: SandboxSettings,
    *,
    clock: Clock | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> FastAPI:
    """Build the app. ``clock`` defaults to a ManualClock when ``settings.manual_clock`` is set,
    wall time otherwise; ``http_client`` carries inbound deliveries and status callbacks (tests
    pass one with an ASGI transport). The access point is ``app.state.access_point``; it is ready
    without the lifespan (which only runs the background progression and closes clients)."""
    if clock is None:
        clock = ManualClock() if settings.manual_clock else SystemClock()
    access_point = SandboxAccessPoint(settings, clock=clock, http_client=http_client)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ticker = None
        if settings.tick_interval_seconds > 0 and not isinstance(clock, ManualClock):
            ticker = asyncio.create_task(_ticker(access_point, settings.tick_interval_seconds))
        try:
            yield
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            await access_point.aclose()

    app = FastAPI(
        title="InvoLinks sandbox Peppol access point",
        lifespan=lifespan,
        docs_url="/sandbox/docs",
        redoc_url=None,
        openapi_url="/sandbox/openapi.json",
    )
    app.state.access_point = access_point

    @app.exception_handler(SandboxError)
    async def sandbox_error(request: Request, exc: SandboxError) -> JSONResponse:
        return _render(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            (".".join(str(p) for p in err.get("loc", ())), str(err.get("msg", "")))
            for err in exc.errors()
        ]
        code = "Error.004.0002" if request.url.path.startswith("/basware") else "BadRequest"
        return _render(request, SandboxError(400, code, "invalid request", details=details))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(tradeshift_api.router)
    app.include_router(basware_api.router)
    app.include_router(admin_api.router)
    return app
