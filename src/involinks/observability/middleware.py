"""ASGI middleware: a request id on every request (and its response), latency metrics per route.

Pure ASGI rather than BaseHTTPMiddleware: it adds no task hop, so the request id set here is the
one the endpoint, its dependencies and the jobs it enqueues all see.
"""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from involinks.observability.context import REQUEST_ID_HEADER, accept_request_id, bound_request_id
from involinks.observability.metrics import HTTP_LATENCY

_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


def route_template(scope: Scope) -> str:
    """The matched route's full path template; one label for every path nothing matched.

    An included router's route knows only its own part of the template, so the prefix is taken
    from the concrete path: whatever precedes the route's part once its parameters are filled in.
    """
    route = scope.get("route")
    template = str(getattr(route, "path_format", None) or getattr(route, "path", None) or "")
    if not template:
        return "unmatched"
    path = str(scope.get("path", ""))
    params = scope.get("path_params") or {}
    concrete = re.sub(
        r"{(\w+)(?::[^}]*)?}", lambda m: str(params.get(m.group(1), m.group(0))), template
    )
    if path.endswith(concrete):
        return path[: len(path) - len(concrete)] + template
    return template


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(_HEADER)
        request_id = accept_request_id(incoming.decode("latin-1") if incoming else None)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _HEADER]
                headers.append((_HEADER, request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        with bound_request_id(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                HTTP_LATENCY.labels(
                    method=scope["method"], route=route_template(scope), status=str(status)
                ).observe(time.perf_counter() - started)
