"""Sandbox behaviour: inbound delivery, callbacks, persistence, admin API, document rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from involinks.peppol.providers import TransmissionStatus
from involinks.peppol.sandbox import (
    FaultConfig,
    ManualClock,
    SandboxParticipant,
    SandboxTimings,
    SystemClock,
)

from .conftest import API_KEY, START, TENANT, Harness, Receiver, SandboxFactory
from .documents import BUYER, SELLER, STANDARD_NUMBER, invoice

HOSTED_BUYER = [
    SandboxParticipant(participant_id=SELLER, name="Seller", hosted=True),
    SandboxParticipant(participant_id=BUYER, name="Buyer LLC", hosted=True),
]
TS_HEADERS = {"X-Tradeshift-TenantId": TENANT, "Authorization": f"Bearer {API_KEY}"}


async def test_delivery_to_a_hosted_participant_is_signed(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(participants=HOSTED_BUYER)
    provider = sandbox.provider("sandbox")
    xml = invoice()
    result = await provider.send_invoice(
        xml, STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    await sandbox.advance(2.9)
    assert sandbox.receiver.inbound == []
    await sandbox.advance(0.1)
    assert sandbox.receiver.refused == []
    [(envelope, body)] = sandbox.receiver.inbound
    assert body == xml
    assert (envelope.sender_id, envelope.receiver_id, envelope.message_id) == (
        SELLER,
        BUYER,
        result.message_id,
    )
    assert (await provider.get_status(result.message_id)).status is TransmissionStatus.DELIVERED
    await sandbox.advance(60)
    assert len(sandbox.receiver.inbound) == 1  # delivered once, not on every tick


async def test_a_receiver_with_another_secret_refuses_and_the_message_fails(
    make_sandbox: SandboxFactory,
) -> None:
    sandbox = make_sandbox(participants=HOSTED_BUYER, inbound_secret="not-the-shared-secret")
    provider = sandbox.provider("sandbox")
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    await sandbox.advance(3)
    assert sandbox.receiver.refused == ["signature does not match"]
    assert (await provider.get_status(result.message_id)).status is TransmissionStatus.SENT
    await sandbox.advance(5)  # second attempt (inbound_retry_seconds = 5)
    await sandbox.advance(5)  # third and last attempt
    status = await provider.get_status(result.message_id)
    assert status.status is TransmissionStatus.FAILED
    assert status.reason == "inbound delivery failed: HTTP 401"
    assert len(sandbox.receiver.refused) == 3


async def test_inbound_retries_until_the_receiver_recovers(make_sandbox: SandboxFactory) -> None:
    receiver = Receiver(inbound_status=503)
    sandbox = make_sandbox(participants=HOSTED_BUYER, receiver=receiver)
    provider = sandbox.provider("basware")
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    await sandbox.advance(3)
    assert sandbox.ap.stats.counters["inbound_failed"] == 1
    receiver.inbound_status = 200
    await sandbox.advance(4.9)
    assert receiver.inbound == []
    await sandbox.advance(0.1)
    assert len(receiver.inbound) == 1
    assert (await provider.get_status(result.message_id)).status is TransmissionStatus.DELIVERED


async def test_status_callbacks_follow_each_transition(sandbox: Harness) -> None:
    provider = sandbox.provider("sandbox")
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    for _ in range(4):
        await sandbox.advance(2)
    events = sandbox.receiver.callbacks
    assert [e["status"] for e in events] == ["RECEIVED", "SENT", "DELIVERED", "ACCEPTED"]
    assert {e["message_id"] for e in events} == {result.message_id}
    assert len({e["event_id"] for e in events}) == 4
    assert events[1]["occurred_at"] == "2026-01-01T00:00:01Z"  # scheduled time, not tick time
    assert sandbox.receiver.refused == []


async def test_duplicate_callbacks_repeat_the_event_id(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(faults=FaultConfig(duplicate_callback_rate=1.0))
    provider = sandbox.provider("sandbox")
    await provider.send_invoice(invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx")
    await sandbox.advance(10)
    events = sandbox.receiver.callbacks
    assert len(events) == 8
    by_id: dict[str, int] = {}
    for event in events:
        by_id[event["event_id"]] = by_id.get(event["event_id"], 0) + 1
    assert sorted(by_id.values()) == [2, 2, 2, 2]
    assert sandbox.ap.stats.counters["callbacks_duplicated"] == 4


async def test_state_survives_a_restart(make_sandbox: SandboxFactory) -> None:
    first = make_sandbox()
    provider = first.provider("sandbox")
    xml = invoice()
    result = await provider.send_invoice(xml, STANDARD_NUMBER, SELLER, BUYER, idempotency_key="t")
    await first.advance(3)
    response = await first.client.put(
        "/sandbox/admin/participants/0235:1555555555", json={"name": "Late joiner"}
    )
    assert response.status_code == 200

    second = make_sandbox(clock=ManualClock(first.clock.now()))
    restarted = second.provider("sandbox")
    assert (await restarted.get_status(result.message_id)).status is TransmissionStatus.DELIVERED
    stored = second.ap.read_xml(result.message_id)
    assert hashlib.sha256(stored).digest() == hashlib.sha256(xml).digest()
    assert (await restarted.validate_participant_id("0235:1555555555")).registered
    # A replayed send after the restart is still recognised.
    replay = await restarted.send_invoice(xml, STANDARD_NUMBER, SELLER, BUYER, idempotency_key="t")
    assert replay.duplicate
    assert replay.message_id == result.message_id
    await second.advance(3)
    assert (await restarted.get_status(result.message_id)).status is TransmissionStatus.ACCEPTED


async def test_admin_directory_and_faults_over_http(sandbox: Harness) -> None:
    provider = sandbox.provider("tradeshift")
    newcomer = "0235:1666666666"
    assert not (await provider.validate_participant_id(newcomer)).registered
    put = await sandbox.client.put(
        f"/sandbox/admin/participants/{newcomer}", json={"name": "New Co", "hosted": True}
    )
    assert put.json()["participant_id"] == newcomer
    assert (await provider.validate_participant_id(newcomer)).registered
    assert (
        await sandbox.client.delete(f"/sandbox/admin/participants/{newcomer}")
    ).status_code == 204
    assert not (await provider.validate_participant_id(newcomer)).registered
    missing = await sandbox.client.delete(f"/sandbox/admin/participants/{newcomer}")
    assert missing.status_code == 404
    bad = await sandbox.client.put("/sandbox/admin/participants/nonsense", json={})
    assert bad.status_code == 400

    faults = await sandbox.client.put(
        "/sandbox/admin/faults", json={"rate_limit_rate": 1.0, "retry_after_seconds": 9}
    )
    assert faults.json()["rate_limit_rate"] == 1.0
    raw = await sandbox.client.get(
        "/tradeshift/rest/external/network/companies", params={"query": BUYER}, headers=TS_HEADERS
    )
    assert raw.status_code == 429
    assert raw.headers["Retry-After"] == "9"
    assert raw.json()["ErrorCode"] == "TooManyRequests"
    await sandbox.client.put("/sandbox/admin/faults", json={})
    ok = await sandbox.client.get(
        "/tradeshift/rest/external/network/companies", params={"query": BUYER}, headers=TS_HEADERS
    )
    assert ok.status_code == 200


async def test_admin_clock_advance_over_http(sandbox: Harness) -> None:
    provider = sandbox.provider("sandbox")
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx"
    )
    response = await sandbox.client.post("/sandbox/admin/clock/advance", json={"seconds": 3})
    assert response.json()["transitions"] == 2  # SENT, DELIVERED
    assert response.json()["now"] == START + 3
    assert (await provider.get_status(result.message_id)).status is TransmissionStatus.DELIVERED
    listing = (await sandbox.client.get("/sandbox/admin/messages")).json()
    assert [m["status"] for m in listing] == ["DELIVERED"]
    detail = (await sandbox.client.get(f"/sandbox/admin/messages/{result.message_id}")).json()
    assert [h["status"] for h in detail["history"]] == ["RECEIVED", "SENT", "DELIVERED"]
    assert (
        await sandbox.client.post("/sandbox/admin/clock/advance", json={"seconds": -1})
    ).status_code == 400


async def test_admin_token_when_configured(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(admin_token="admin-secret")
    refused = await sandbox.client.get("/sandbox/admin/state")
    assert refused.status_code == 401
    allowed = await sandbox.client.get(
        "/sandbox/admin/state", headers={"X-Sandbox-Admin-Token": "admin-secret"}
    )
    assert allowed.status_code == 200
    assert allowed.json()["manual_clock"] is True


async def test_documents_from_other_access_points_reach_hosted_participants(
    sandbox: Harness,
) -> None:
    incoming = invoice("SUP-77", sender_tin="1345678901", receiver_tin="1987654321")
    response = await sandbox.client.post(
        "/sandbox/admin/inbound", content=incoming, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 201
    await sandbox.advance(3)
    [(envelope, body)] = sandbox.receiver.inbound
    assert (envelope.sender_id, envelope.receiver_id) == (BUYER, SELLER)
    assert body == incoming

    not_hosted = await sandbox.client.post("/sandbox/admin/inbound", content=invoice())
    assert not_hosted.status_code == 400  # the default buyer is not hosted on InvoLinks


async def test_a_dispatched_document_is_locked(sandbox: Harness) -> None:
    provider = sandbox.provider("sandbox")
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx"
    )
    changed = await sandbox.client.put(
        f"/tradeshift/rest/external/documents/{result.message_id}",
        params={"documentProfileId": "p"},
        content=invoice("AE-CHANGED"),
        headers=TS_HEADERS,
    )
    assert changed.status_code == 409
    assert changed.json()["ErrorCode"] == "Conflict"
    second_dispatch = await sandbox.client.put(
        f"/tradeshift/rest/external/documents/{result.message_id}/dispatches/"
        "11111111-1111-4111-8111-111111111111",
        json={},
        headers=TS_HEADERS,
    )
    assert second_dispatch.status_code == 409


@pytest.mark.parametrize(
    ("path", "params", "content"),
    [
        ("/tradeshift/rest/external/documents/a..b", {"documentProfileId": "p"}, b"<x/>"),
        ("/tradeshift/rest/external/documents/abc", {"documentProfileId": "p"}, b"<x/>"),
        ("/tradeshift/rest/external/documents/abc", {}, b"<x/>"),
    ],
)
async def test_bad_tradeshift_requests_get_400(
    sandbox: Harness, path: str, params: dict[str, str], content: bytes
) -> None:
    response = await sandbox.client.put(path, params=params, content=content, headers=TS_HEADERS)
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "BadRequest"
    assert sandbox.ap.messages == {}


async def test_one_shot_dispatcher_is_idempotent_per_document_id(sandbox: Harness) -> None:
    url = "/tradeshift/rest/external/documents/dispatcher"
    params = {"documentId": "2b5c0f0e-1111-4222-8333-444455556666", "documentProfileId": "p"}
    first = await sandbox.client.post(url, params=params, content=invoice(), headers=TS_HEADERS)
    again = await sandbox.client.post(url, params=params, content=invoice(), headers=TS_HEADERS)
    assert first.status_code == again.status_code == 201
    assert first.text == again.text
    assert "<DispatchId>" in first.text
    assert len(sandbox.ap.messages) == 1


async def test_wall_clock_sandbox_refuses_clock_advance(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(clock=SystemClock())
    response = await sandbox.client.post("/sandbox/admin/clock/advance", json={"seconds": 1})
    assert response.status_code == 409


def test_timings_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="sent <= delivered"):
        SandboxTimings(sent_after_seconds=5, delivered_after_seconds=1)


async def test_random_faults_are_reproducible_with_a_seed(
    make_sandbox: SandboxFactory, tmp_path: Path
) -> None:
    outcomes = []
    for run in range(2):
        sandbox = make_sandbox(
            seed=42, faults=FaultConfig(error_rate=0.5), data_dir=tmp_path / f"run-{run}"
        )
        outcomes.append([sandbox.ap.next_fault() for _ in range(20)])
    assert outcomes[0] == outcomes[1]
    assert {"none", "error"} == set(outcomes[0])


async def test_replaying_a_dispatch_is_a_no_op(sandbox: Harness) -> None:
    document = "/tradeshift/rest/external/documents/5f0a7c4e-2222-4333-8444-555566667777"
    stored = await sandbox.client.put(
        document, params={"documentProfileId": "p"}, content=invoice(), headers=TS_HEADERS
    )
    assert stored.status_code == 204
    dispatch = f"{document}/dispatches/6a1b8d5f-3333-4444-8555-666677778888"
    first = await sandbox.client.put(dispatch, json={}, headers=TS_HEADERS)
    again = await sandbox.client.put(dispatch, json={}, headers=TS_HEADERS)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["DispatchId"] == again.json()["DispatchId"]
    assert sandbox.ap.stats.counters["messages_received"] == 1
    [message] = sandbox.ap.messages.values()
    assert [h.status for h in message.history] == ["RECEIVED"]
