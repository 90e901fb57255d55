"""Browser tests: Debian's Chromium, driven by Playwright, against a real `involinks serve`.

Every test here is marked `browser`. Without /usr/bin/chromium, the playwright package or the
built web app, the tests are skipped with the reason shown; under CI=true they fail instead, so a
missing install step cannot pass unnoticed. Playwright's own browser download is never used.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Route

REPO = Path(__file__).resolve().parents[2]
# Debian's package; never a browser that Playwright downloads itself.
CHROMIUM = Path(os.environ.get("INVOLINKS_CHROMIUM", "/usr/bin/chromium"))
WEB_DIST = REPO / "src" / "involinks" / "web"
SCREENSHOTS = REPO / "var" / "screenshots"
# Flags the machine notes require: no sandbox as root, and no background traffic to Google hosts,
# which this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip with a visible reason locally; fail under CI, where everything must be installed."""
    if _in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


if _in_ci() and importlib.util.find_spec("playwright") is None:
    # The test modules would only be skipped; in CI a missing dev dependency must be an error.
    raise pytest.UsageError(
        "CI=true but the `playwright` package is missing: browser tests cannot run"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _involinks_command() -> Path:
    # The console script next to the interpreter running pytest (the project's venv).
    for candidate in (
        Path(sys.executable).parent / "involinks",
        REPO / ".venv" / "bin" / "involinks",
    ):
        if candidate.is_file():
            return candidate
    unavailable("the `involinks` command is not installed in the virtualenv (uv sync)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _run_cli(command: Path, args: list[str], env: dict[str, str], log: Path) -> None:
    # Output goes to a file, not the test report: seed-demo prints the demo passwords.
    with log.open("ab") as out:
        result = subprocess.run(
            [str(command), *args],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=180,
            check=False,
        )
    if result.returncode != 0:
        pytest.fail(f"`involinks {' '.join(args)}` exited with {result.returncode}; see {log}")


def _web_app_built() -> bool:
    index = WEB_DIST / "index.html"
    return index.is_file() and "/assets/" in index.read_text(errors="replace")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrates and seeds a temporary SQLite database, serves the app on a free port.

    INVOLINKS_LIVE_URL=http://127.0.0.1:5173 runs the tests against a server you already started
    (`npm run dev`, `vite preview`, a running backend) instead.
    """
    external = os.environ.get("INVOLINKS_LIVE_URL", "").rstrip("/")
    if external:
        yield external
        return
    if not _web_app_built():
        unavailable(
            "the web app is not built (src/involinks/web): run "
            "`npm --prefix frontend ci && npm --prefix frontend run build`"
        )
    command = _involinks_command()
    workdir = tmp_path_factory.mktemp("live_server")
    log = workdir / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{(workdir / 'involinks.db').as_posix()}",
        "DATA_DIR": str(workdir / "data"),
        "ENVIRONMENT": "test",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BCRYPT_ROUNDS": "4",
        "WEB_DIST_DIR": str(WEB_DIST),
        "PYTHONUNBUFFERED": "1",
    }
    _run_cli(command, ["db", "upgrade"], env, log)
    _run_cli(command, ["seed-demo"], env, log)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["PUBLIC_BASE_URL"] = base_url
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield base_url
    finally:
        _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"`involinks serve` exited with {process.returncode} before it was healthy:\n"
                    + _tail(log)
                )
            try:
                response = http.get(f"{base_url}/api/v1/health")
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}"
            except httpx.TransportError as exc:
                last_error = type(exc).__name__
            time.sleep(0.2)
    pytest.fail(
        f"`involinks serve` was not healthy within {SERVER_START_TIMEOUT:.0f}s "
        f"({last_error}):\n{_tail(log)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the `playwright` Python package is not installed (a dev dependency)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """What went wrong in the page during a test, for tests to assert on."""

    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS


_clients = itertools.count(1)


def _client_address() -> str:
    """A distinct address from TEST-NET-2 (RFC 5737) for each browser context."""
    n = next(_clients)
    return f"198.51.100.{n % 254 + 1}"


def screenshot_name(test_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_") + ".png"


@pytest.fixture
def page(
    browser: Browser,
    live_server: str,
    page_problems: PageProblems,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh browser context per test; a full-page screenshot is saved when the test ends."""
    context = browser.new_context(
        base_url=live_server,
        locale="en-US",
        viewport={"width": 1280, "height": 800},
        # The app honours prefers-reduced-motion (theme.ts), so modals and notifications appear
        # without fades: axe then judges colours as they settle, never a half-faded frame.
        reduced_motion="reduce",
        # Test configuration, not a weaker limit: sign-in is rate limited per client address
        # (auth/limits.py, 30 in 5 minutes) and `involinks serve` trusts X-Forwarded-For from
        # 127.0.0.1, its default proxy. Each test's browser is its own client, as separate
        # visitors behind a proxy are, so the suite as a whole never spends one shared budget.
        extra_http_headers={"X-Forwarded-For": _client_address()},
    )
    context.set_default_timeout(10_000)

    # The app must not depend on anything outside this machine (fonts, CDNs, analytics).
    def _block_external(route: Route, req: Request) -> None:
        page_problems.external_requests.append(req.url)
        route.abort()

    context.route(_is_external, _block_external)
    page = context.new_page()
    page.on("pageerror", lambda error: page_problems.errors.append(str(error)))

    def _console(message: ConsoleMessage) -> None:
        if message.type == "error":
            page_problems.console_errors.append(message.text)

    page.on("console", _console)
    try:
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=SCREENSHOTS / screenshot_name(request.node.name), full_page=True)
        finally:
            context.close()


@pytest.fixture(scope="module")
def demo_password(tmp_path_factory: pytest.TempPathFactory, live_server: str) -> str:
    """The password of the live server's demo accounts (`involinks seed-demo`)."""
    from tests.browser.test_auth_support import find_demo_password

    return find_demo_password(tmp_path_factory)
