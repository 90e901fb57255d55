"""Local sandbox Peppol access point: speaks the Tradeshift- and Basware-shaped HTTP APIs the
adapters use, keeps what it receives under a data dir, moves messages through realistic statuses
on a clock that tests can advance, delivers to InvoLinks' inbound URL, calls a status callback and
injects faults on request."""

from involinks.peppol.sandbox.app import create_sandbox_app
from involinks.peppol.sandbox.clock import Clock, ManualClock, SystemClock
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.models import SandboxMessage, SandboxStatus, StatusEvent
from involinks.peppol.sandbox.server import (
    load_sandbox_settings,
    run_sandbox,
    sandbox_settings_from_app,
    serve_app_in_background,
    serve_in_background,
)
from involinks.peppol.sandbox.settings import (
    FaultConfig,
    SandboxOAuth1,
    SandboxParticipant,
    SandboxSettings,
    SandboxTimings,
)

__all__ = [
    "Clock",
    "FaultConfig",
    "ManualClock",
    "SandboxAccessPoint",
    "SandboxError",
    "SandboxMessage",
    "SandboxOAuth1",
    "SandboxParticipant",
    "SandboxSettings",
    "SandboxStatus",
    "SandboxTimings",
    "StatusEvent",
    "SystemClock",
    "create_sandbox_app",
    "load_sandbox_settings",
    "run_sandbox",
    "sandbox_settings_from_app",
    "serve_app_in_background",
    "serve_in_background",
]
