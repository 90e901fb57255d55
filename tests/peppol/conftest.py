"""Fixtures: the sandbox access point in-process, its providers, and a tiny InvoLinks receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from involinks.peppol.inbound_signature import (
    InboundEnvelope,
    InvalidSignatureError,
    verify_inbound,
    verify_status_callback,
)
from involinks.peppol.providers import PeppolProvider, ProviderConfig, create_provider
from involinks.peppol.sandbox import (
    ManualClock,
    SandboxAccessPoint,
    SandboxParticipant,
    SandboxSettings,
    create_sandbox_app,
)

from .documents import BUYER, SELLER

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
API_KEY = "test-sandbox-key"
TENANT = "tenant-under-test"
BASWARE_USER = "involinks-test"
INBOUND_SECRET = "inbound-secret-for-tests"
CALLBACK_SECRET = "callback-secret-for-tests"
SANDBOX_URL = "http://sandbox.test"
INBOUND_URL = "http://involinks.test/peppol/inbound"
CALLBACK_URL = "http://involinks.test/peppol/status"


@dataclass
class Receiver:
    """Stands in for InvoLinks: verifies signatures like the real endpoints must."""

    inbound: list[tuple[InboundEnvelope, bytes]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    inbound_status: int = 200

    def app(self) -> Starlette:
        async def inbound(request: Request) -> Response:
            body = await request.body()
            try:
                envelope = verify_inbound(body, request.headers, secrets=INBOUND_SECRET)
            except InvalidSignatureError as exc:
                self.refused.append(str(exc))
                return Response(status_code=401)
            if self.inbound_status >= 300:
                return Response(status_code=self.inbound_status)
            self.inbound.append((envelope, body))
            return Response(status_code=204)

        async def status(request: Request) -> Response:
            body = await request.body()
            try:
                verify_status_callback(body, request.headers, secrets=CALLBACK_SECRET)
            except InvalidSignatureError as exc:
                self.refused.append(str(exc))
                return Response(status_code=401)
            self.callbacks.append(await request.json())
            return Response(status_code=204)

        return Starlette(
            routes=[
                Route("/peppol/inbound", inbound, methods=["POST"]),
                Route("/peppol/status", status, methods=["POST"]),
            ]
        )


@dataclass
class Harness:
    app: FastAPI
    ap: SandboxAccessPoint
    client: httpx.AsyncClient
    clock: ManualClock
    receiver: Receiver
    providers: list[PeppolProvider] = field(default_factory=list)

    def provider(self, name: str = "sandbox", *, timeout: float = 5.0) -> PeppolProvider:
        base = {"sandbox": SANDBOX_URL, "tradeshift": f"{SANDBOX_URL}/tradeshift"}.get(
            name, f"{SANDBOX_URL}/basware"
        )
        options = {
            "sandbox": {"tenant_id": TENANT},
            "tradeshift": {"tenant_id": TENANT},
            "basware": {"username": BASWARE_USER},
        }[name]
        config = ProviderConfig(
            name=name,
            base_url=base,
            api_key=API_KEY,
            timeout_seconds=timeout,
            options=options,
        )
        provider = create_provider(config, client=self.client)
        self.providers.append(provider)
        return provider

    async def advance(self, seconds: float) -> int:
        return await self.ap.advance(seconds)


SandboxFactory = Callable[..., Harness]


@pytest.fixture
async def make_sandbox(tmp_path: Path) -> AsyncIterator[SandboxFactory]:
    opened: list[httpx.AsyncClient] = []

    def factory(**overrides: Any) -> Harness:
        receiver: Receiver = overrides.pop("receiver", None) or Receiver()
        clock: ManualClock = overrides.pop("clock", None) or ManualClock(START)
        values: dict[str, Any] = {
            "data_dir": tmp_path / "sandbox",
            "api_key": API_KEY,
            "tenant_id": TENANT,
            "basware_username": BASWARE_USER,
            "inbound_url": INBOUND_URL,
            "inbound_secret": INBOUND_SECRET,
            "status_callback_url": CALLBACK_URL,
            "callback_secret": CALLBACK_SECRET,
            "participants": [
                SandboxParticipant(participant_id=SELLER, name="Seller", hosted=True),
                SandboxParticipant(participant_id=BUYER, name="Buyer LLC"),
            ],
            "tick_interval_seconds": 0,
            "seed": 7,
        }
        values.update(overrides)
        outbound = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=receiver.app()), base_url="http://involinks.test"
        )
        app = create_sandbox_app(
            SandboxSettings.model_validate(values), clock=clock, http_client=outbound
        )
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SANDBOX_URL)
        opened.extend((outbound, client))
        return Harness(app, app.state.access_point, client, clock, receiver)

    yield factory
    for client in opened:
        await client.aclose()


@pytest.fixture
def sandbox(make_sandbox: SandboxFactory) -> Harness:
    return make_sandbox()
