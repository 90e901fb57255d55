"""The sandbox access point inside the app: with the sandbox provider and no base URL of its own
(``PEPPOL_BASE_URL`` empty or ``embedded``, the default), ``create_app`` mounts the sandbox at
``/peppol-sandbox`` and the provider talks to ``{PUBLIC_BASE_URL}/peppol-sandbox``, so a send works
on a bare ``make run`` with nothing else started.

The sandbox delivers inbound documents and status callbacks over HTTP to ``PUBLIC_BASE_URL`` (the
same process), and its directory of reachable participants is the companies hosted here, read
from the database at start-up and again whenever a message names a receiver it does not know yet
(a company registered after start-up).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.peppol.sandbox.app import create_sandbox_app
from involinks.peppol.sandbox.engine import SandboxAccessPoint
from involinks.peppol.sandbox.server import sandbox_settings_from_app

__all__ = [
    "EMBEDDED",
    "MOUNT_PATH",
    "create_embedded_sandbox",
    "embedded_sandbox_enabled",
    "provider_base_url",
    "run_embedded_sandbox",
]

log = logging.getLogger(__name__)

EMBEDDED = "embedded"
MOUNT_PATH = "/peppol-sandbox"
TICK_SECONDS = 0.25


def embedded_sandbox_enabled(settings: Settings) -> bool:
    return settings.peppol_provider == "sandbox" and settings.peppol_base_url.strip() in (
        "",
        EMBEDDED,
    )


def provider_base_url(settings: Settings) -> str:
    """The platform provider's base URL, with the embedded sandbox resolved to its mount."""
    if embedded_sandbox_enabled(settings):
        return settings.public_base_url.rstrip("/") + MOUNT_PATH
    return settings.peppol_base_url


def create_embedded_sandbox(settings: Settings, **overrides: Any) -> FastAPI:
    """The sandbox ASGI app configured to talk back to this platform. Its background progression
    does not run by itself (a mounted app gets no lifespan): ``run_embedded_sandbox`` runs it."""
    base = settings.public_base_url.rstrip("/")
    sandbox_settings = sandbox_settings_from_app(
        settings,
        inbound_url=f"{base}/api/v1/peppol/inbound",
        status_callback_url=f"{base}/api/v1/peppol/status-callback",
        tick_interval_seconds=0,  # ticked by run_embedded_sandbox inside the app's lifespan
        **overrides,
    )
    return create_sandbox_app(sandbox_settings)


SessionMaker = Callable[[], AbstractAsyncContextManager[AsyncSession]]


async def _refresh_directory(access_point: SandboxAccessPoint, sessions: SessionMaker) -> None:
    from involinks.peppol.service import hosted_participants

    async with sessions() as session:
        for participant in await hosted_participants(session):
            known = access_point.lookup(participant.participant_id)
            if known is None or known.name != participant.name or not known.hosted:
                access_point.upsert_participant(participant)


def _unknown_receivers(access_point: SandboxAccessPoint) -> bool:
    return any(
        not message.is_terminal and access_point.lookup(message.receiver_id) is None
        for message in access_point.messages.values()
    )


async def _tick(access_point: SandboxAccessPoint, sessions: SessionMaker, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            if _unknown_receivers(access_point):
                await _refresh_directory(access_point, sessions)
            await access_point.process_due()
        except Exception:  # the loop must outlive one bad record or unreachable URL
            log.exception("embedded sandbox progression failed")


@contextlib.asynccontextmanager
async def run_embedded_sandbox(
    sandbox: FastAPI, sessions: SessionMaker, *, interval: float = TICK_SECONDS
) -> AsyncIterator[None]:
    """Inside the app's lifespan: load the directory, move messages on wall time, stop cleanly."""
    access_point: SandboxAccessPoint = sandbox.state.access_point
    try:
        await _refresh_directory(access_point, sessions)
    except Exception:  # a database not migrated yet must not stop the app
        log.warning("embedded sandbox: the participant directory could not be read")
    ticker = asyncio.create_task(_tick(access_point, sessions, interval))
    try:
        yield
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        await access_point.aclose()
