"""Serves the built web app: static assets, and index.html for any non-API path (deep links)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from involinks.errors import error_body

_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>InvoLinks</title></head>
<body><div id="root"><p>The web app has not been built. Run <code>make web</code> (or <code>make run</code>).</p>
</div></body></html>"""


def install_web_shell(app: FastAPI, dist: Path) -> None:
    assets = dist / "assets"
    if assets.is_dir():
        # Hashed file names: safe to cache for a year.
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    index = dist / "index.html"

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path == "api" or path.startswith("api/"):
            return JSONResponse(error_body("not_found", f"No API endpoint at /{path}."), 404)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=200)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
