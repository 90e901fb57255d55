"""``GET /metrics``: Prometheus text, optionally behind a bearer token (METRICS_TOKEN)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request, Response

from involinks.config import Settings
from involinks.errors import Unauthorized
from involinks.observability.metrics import exposition, refresh_queue_depth

router = APIRouter(tags=["observability"])


def _check_token(request: Request, settings: Settings) -> None:
    expected = settings.metrics_token.get_secret_value()
    if not expected:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise Unauthorized("Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'.")


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    _check_token(request, settings)
    await refresh_queue_depth(settings)
    body, content_type = exposition()
    return Response(body, media_type=content_type)
