"""Running the sandbox on its own port: ``run_sandbox`` (blocking, for ``involinks sandbox-ap``)
and ``serve_in_background`` (a uvicorn server in a thread, for end-to-end tests)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from involinks.peppol.sandbox.app import create_sandbox_app
from involinks.peppol.sandbox.settings import SandboxSettings

__all__ = [
    "load_sandbox_settings",
    "run_sandbox",
    "sandbox_settings_from_app",
    "serve_app_in_background",
    "serve_in_background",
]


def sandbox_settings_from_app(
    app_settings: Any,
    *,
    inbound_url: str | None = None,
    status_callback_url: str | None = None,
    **overrides: Any,
) -> SandboxSettings:
    """Sandbox settings that match the main app's: the same API key (``PEPPOL_API_KEY``), the
    same inbound secret (``PEPPOL_INBOUND_SECRET``), data under ``<DATA_DIR>/sandbox-ap``."""
    options = getattr(app_settings, "peppol_options", None) or {}
    values: dict[str, Any] = {
        "data_dir": Path(app_settings.data_dir) / "sandbox-ap",
        "api_key": app_settings.peppol_api_key,
        "inbound_url": inbound_url,
        "inbound_secret": app_settings.peppol_inbound_secret if inbound_url else None,
        "status_callback_url": status_callback_url,
        "callback_secret": app_settings.peppol_inbound_secret if status_callback_url else None,
    }
    if options.get("tenant_id"):
        values["tenant_id"] = options["tenant_id"]
    return SandboxSettings.model_validate({**values, **overrides})


def load_sandbox_settings(path: Path | str, **overrides: Any) -> SandboxSettings:
    """Settings from a JSON file (same fields as ``SandboxSettings``), keyword overrides win."""
    data = SandboxSettings.model_validate_json(Path(path).read_bytes()).model_dump()
    return SandboxSettings.model_validate({**data, **overrides})


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8081,
    data_dir: Path | str = Path("var/sandbox-ap"),
    *,
    settings: SandboxSettings | None = None,
    log_level: str = "info",
    **overrides: Any,
) -> None:
    """Serve the sandbox until interrupted. Without ``settings``, ``overrides`` are
    ``SandboxSettings`` fields (``api_key``, ``inbound_url``, ``participants``, ...)."""
    if settings is None:
        settings = SandboxSettings.model_validate({"data_dir": Path(data_dir), **overrides})
    uvicorn.run(create_sandbox_app(settings), host=host, port=port, log_level=log_level)


@contextlib.contextmanager
def serve_app_in_background(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Run any ASGI app under a real uvicorn server in a thread (port 0: a free port, bound
    before the thread starts so there is no race); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    # A non-main thread: uvicorn leaves the process' signal handlers alone.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="asgi-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()


@contextlib.contextmanager
def serve_in_background(
    settings: SandboxSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """The sandbox under a real uvicorn server in a thread (for end-to-end tests)."""
    with serve_app_in_background(
        create_sandbox_app(settings), host=host, port=port, startup_timeout=startup_timeout
    ) as url:
        yield url
