"""The sandbox as a real uvicorn server on 127.0.0.1 (free ports), talking real TCP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from involinks.peppol.providers import (
    ProviderConnectionError,
    ProviderTimeoutError,
    TransmissionStatus,
)
from involinks.peppol.providers.sandbox import SandboxProvider
from involinks.peppol.sandbox import (
    FaultConfig,
    SandboxParticipant,
    SandboxSettings,
    SandboxTimings,
    serve_app_in_background,
    serve_in_background,
)

from .conftest import API_KEY, CALLBACK_SECRET, INBOUND_SECRET, TENANT, Receiver
from .documents import BUYER, SELLER, STANDARD_NUMBER, invoice

PARTICIPANTS = [
    SandboxParticipant(participant_id=SELLER, hosted=True),
    SandboxParticipant(participant_id=BUYER, hosted=True),
]


def _settings(tmp_path: Path, receiver_url: str = "", **overrides: object) -> SandboxSettings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "sandbox",
        "api_key": API_KEY,
        "tenant_id": TENANT,
        "participants": PARTICIPANTS,
        "manual_clock": True,
    }
    if receiver_url:
        values |= {
            "inbound_url": f"{receiver_url}/peppol/inbound",
            "inbound_secret": INBOUND_SECRET,
            "status_callback_url": f"{receiver_url}/peppol/status",
            "callback_secret": CALLBACK_SECRET,
        }
    values.update(overrides)
    return SandboxSettings.model_validate(values)


async def test_send_deliver_and_call_back_over_tcp(tmp_path: Path) -> None:
    receiver = Receiver()
    with (
        serve_app_in_background(receiver.app()) as receiver_url,
        serve_in_background(_settings(tmp_path, receiver_url)) as sandbox_url,
    ):
        assert sandbox_url.startswith("http://127.0.0.1:")
        async with SandboxProvider(base_url=sandbox_url, api_key=API_KEY, tenant_id=TENANT) as ap:
            xml = invoice()
            sent = await ap.send_invoice(xml, STANDARD_NUMBER, SELLER, BUYER, idempotency_key="k")
            async with httpx.AsyncClient(base_url=sandbox_url) as admin:
                advanced = await admin.post("/sandbox/admin/clock/advance", json={"seconds": 3})
                assert advanced.json()["transitions"] == 2
            status = await ap.get_status(sent.message_id)
            assert status.status is TransmissionStatus.DELIVERED
            replay = await ap.send_invoice(xml, STANDARD_NUMBER, SELLER, BUYER, idempotency_key="k")
            assert replay.duplicate
    assert receiver.refused == []
    [(envelope, body)] = receiver.inbound
    assert (envelope.message_id, body) == (sent.message_id, xml)
    assert [e["status"] for e in receiver.callbacks] == ["RECEIVED", "SENT", "DELIVERED"]


async def test_timeouts_and_refused_connections_over_tcp(tmp_path: Path) -> None:
    settings = _settings(tmp_path, faults=FaultConfig(script=["timeout"], hang_seconds=1.0))
    with serve_in_background(settings) as sandbox_url:
        async with SandboxProvider(
            base_url=sandbox_url, api_key=API_KEY, tenant_id=TENANT, timeout_seconds=0.2
        ) as ap:
            with pytest.raises(ProviderTimeoutError):
                await ap.validate_participant_id(BUYER)
            assert (await ap.validate_participant_id(BUYER)).registered
    # The server is gone: nothing listens on that port any more.
    async with SandboxProvider(base_url=sandbox_url, api_key=API_KEY, tenant_id=TENANT) as ap:
        with pytest.raises(ProviderConnectionError) as caught:
            await ap.validate_participant_id(BUYER)
        assert caught.value.retryable


async def test_wall_clock_server_moves_messages_by_itself(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        manual_clock=False,
        tick_interval_seconds=0.02,
        participants=[SandboxParticipant(participant_id=BUYER)],
        timings=SandboxTimings(
            sent_after_seconds=0.05, delivered_after_seconds=0.1, responded_after_seconds=0.15
        ),
    )
    with serve_in_background(settings) as sandbox_url:
        async with SandboxProvider(base_url=sandbox_url, api_key=API_KEY, tenant_id=TENANT) as ap:
            sent = await ap.send_invoice(
                invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="k"
            )
            seen: list[TransmissionStatus] = []
            for _ in range(200):  # at most ~4 s
                status = (await ap.get_status(sent.message_id)).status
                if not seen or seen[-1] is not status:
                    seen.append(status)
                if status is TransmissionStatus.ACCEPTED:
                    break
                await asyncio.sleep(0.02)
    assert seen[-1] is TransmissionStatus.ACCEPTED
    assert seen == sorted(seen, key=list(TransmissionStatus).index)
