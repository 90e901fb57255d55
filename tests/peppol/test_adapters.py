"""The three adapters against the sandbox access point, in-process (httpx.ASGITransport)."""

from __future__ import annotations

import base64

import pytest

from involinks.peppol.participants import InvalidParticipantIdError
from involinks.peppol.providers import (
    AuthenticationError,
    InvalidDocumentError,
    MessageNotFoundError,
    PeppolProvider,
    ProviderConfig,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RetryPolicy,
    TransmissionStatus,
    ValidationRejectedError,
    call_with_retries,
    create_provider,
)
from involinks.peppol.providers._http import BearerAuth, error_for_response
from involinks.peppol.providers.basware import _parse_error as basware_error
from involinks.peppol.providers.oauth1 import OAuth1Auth
from involinks.peppol.providers.tradeshift import TradeshiftProvider
from involinks.peppol.sandbox import FaultConfig, SandboxOAuth1, SandboxParticipant
from involinks.peppol.sandbox.settings import FaultKind
from involinks.peppol.ubl_routing import read_routing

from .conftest import API_KEY, SANDBOX_URL, TENANT, Harness, SandboxFactory
from .documents import (
    BUYER,
    SELLER,
    STANDARD_CREDIT_NOTE,
    STANDARD_NUMBER,
    example_bytes,
    invoice,
)

PROVIDERS = ["sandbox", "tradeshift", "basware"]
# Requests each adapter makes for one first-time send: Tradeshift-shaped adapters read the
# latest dispatch, store, then dispatch; Basware posts once.
SEND_REQUESTS = {"sandbox": 3, "tradeshift": 3, "basware": 1}


async def _send(provider: PeppolProvider, key: str = "tx-1", xml: bytes | None = None) -> str:
    result = await provider.send_invoice(
        xml or invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key=key
    )
    assert result.idempotency_key == key
    return result.message_id


def _lose_last_answer(name: str, fault: FaultKind) -> list[FaultKind]:
    """A script that lets the final write of a send take effect and loses its answer."""
    script: list[FaultKind] = ["none"] * (SEND_REQUESTS[name] - 1)
    return [*script, fault]


@pytest.mark.parametrize("name", PROVIDERS)
async def test_status_moves_with_the_sandbox_clock(sandbox: Harness, name: str) -> None:
    provider = sandbox.provider(name)
    result = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    assert result.status is TransmissionStatus.QUEUED
    assert not result.duplicate
    # Default timings: sent 1 s, delivered 3 s, business response 6 s after dispatch.
    expected = [
        (0.5, TransmissionStatus.QUEUED),
        (0.5, TransmissionStatus.SENT),
        (2.0, TransmissionStatus.DELIVERED),
        (2.9, TransmissionStatus.DELIVERED),
        (0.1, TransmissionStatus.ACCEPTED),
    ]
    for seconds, status in expected:
        await sandbox.advance(seconds)
        current = await provider.get_status(result.message_id)
        assert current.status is status, (seconds, current)
    assert current.is_final
    assert current.provider_status


@pytest.mark.parametrize("name", PROVIDERS)
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("timeout_after_processing", ProviderTimeoutError),
        ("error_after_processing", ProviderUnavailableError),
    ],
)
async def test_a_resend_after_a_lost_answer_does_not_send_twice(
    make_sandbox: SandboxFactory, name: str, fault: FaultKind, error: type[Exception]
) -> None:
    sandbox = make_sandbox(
        faults=FaultConfig(script=_lose_last_answer(name, fault), hang_seconds=5)
    )
    # Short enough to give up on the held answer (5 s), long enough for a busy machine to process
    # the request first; the resends use the normal timeout, as a retry by the task would.
    hasty = sandbox.provider(name, timeout=1.0)
    with pytest.raises(error) as caught:
        await _send(hasty)
    assert getattr(caught.value, "retryable", False)
    assert sandbox.ap.stats.counters["messages_received"] == 1  # it did land

    provider = sandbox.provider(name)
    replay = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    assert replay.duplicate
    assert list(sandbox.ap.messages) == [replay.message_id]
    assert sandbox.ap.stats.counters["messages_received"] == 1

    other = await provider.send_invoice(
        invoice("AE-02TEST"), "AE-02TEST", SELLER, BUYER, idempotency_key="tx-2"
    )
    assert not other.duplicate
    assert len(sandbox.ap.messages) == 2


@pytest.mark.parametrize("name", ["sandbox", "tradeshift"])
async def test_a_resend_after_losing_the_store_answer(
    make_sandbox: SandboxFactory, name: str
) -> None:
    """Tradeshift-shaped: the document was stored but never dispatched; the resend stores the
    same document again (same client-chosen id) and dispatches it once."""
    sandbox = make_sandbox(faults=FaultConfig(script=["none", "error_after_processing"]))
    provider = sandbox.provider(name)
    with pytest.raises(ProviderUnavailableError):
        await _send(provider)
    assert sandbox.ap.stats.counters["messages_received"] == 0
    replay = await provider.send_invoice(
        invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
    )
    assert not replay.duplicate
    assert list(sandbox.ap.messages) == [replay.message_id]
    assert sandbox.ap.stats.counters["messages_received"] == 1


@pytest.mark.parametrize("name", PROVIDERS)
async def test_429_carries_retry_after_and_is_retried(
    make_sandbox: SandboxFactory, name: str
) -> None:
    sandbox = make_sandbox(faults=FaultConfig(script=["rate_limit"], retry_after_seconds=17))
    provider = sandbox.provider(name)
    with pytest.raises(RateLimitedError) as caught:
        await _send(provider)
    assert caught.value.retryable
    assert caught.value.retry_after == 17.0
    assert caught.value.status_code == 429

    sandbox.ap.faults = FaultConfig(script=["rate_limit"], retry_after_seconds=2)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await call_with_retries(
        lambda: provider.send_invoice(
            invoice(), STANDARD_NUMBER, SELLER, BUYER, idempotency_key="tx-1"
        ),
        RetryPolicy(max_attempts=3),
        sleep=fake_sleep,
    )
    assert slept == [2.0]
    assert result.message_id in sandbox.ap.messages


@pytest.mark.parametrize("name", PROVIDERS)
@pytest.mark.parametrize(
    ("faults", "error"),
    [
        (FaultConfig(error_rate=1.0, error_status=503), ProviderUnavailableError),
        (FaultConfig(error_rate=1.0, error_status=500), ProviderUnavailableError),
        (FaultConfig(timeout_rate=1.0, hang_seconds=5), ProviderTimeoutError),
    ],
)
async def test_transient_failures_are_retryable_and_store_nothing(
    make_sandbox: SandboxFactory, name: str, faults: FaultConfig, error: type[Exception]
) -> None:
    sandbox = make_sandbox(faults=faults)
    provider = sandbox.provider(name, timeout=1.0)
    with pytest.raises(error) as caught:
        await _send(provider)
    assert getattr(caught.value, "retryable", False)
    assert sandbox.ap.messages == {}


@pytest.mark.parametrize("name", PROVIDERS)
async def test_wrong_credentials_are_permanent(make_sandbox: SandboxFactory, name: str) -> None:
    sandbox = make_sandbox(api_key="another-key")
    provider = sandbox.provider(name)
    with pytest.raises(AuthenticationError) as caught:
        await _send(provider)
    assert not caught.value.retryable
    assert caught.value.status_code == 401


async def test_wrong_tradeshift_tenant_is_refused(sandbox: Harness) -> None:
    provider = TradeshiftProvider(
        base_url=f"{SANDBOX_URL}/tradeshift",
        tenant_id="someone-else",
        auth=BearerAuth(API_KEY),
        client=sandbox.client,
    )
    with pytest.raises(AuthenticationError) as caught:
        await provider.validate_participant_id(BUYER)
    assert caught.value.code == "Unauthorized"


@pytest.mark.parametrize("name", PROVIDERS)
@pytest.mark.parametrize(
    ("number", "sender", "receiver", "problem"),
    [
        ("AE-99", SELLER, BUYER, "invoice number"),
        (STANDARD_NUMBER, "0235:1000000001", BUYER, "sender"),
        (STANDARD_NUMBER, SELLER, "0235:1000000001", "receiver"),
        (STANDARD_NUMBER, SELLER, "not-an-id", "participant"),
    ],
)
async def test_routing_mismatch_is_caught_before_any_request(
    sandbox: Harness, name: str, number: str, sender: str, receiver: str, problem: str
) -> None:
    provider = sandbox.provider(name)
    with pytest.raises(InvalidDocumentError, match=problem) as caught:
        await provider.send_invoice(invoice(), number, sender, receiver, idempotency_key="tx")
    assert not caught.value.retryable
    assert sandbox.ap.stats.counters["api_requests"] == 0


@pytest.mark.parametrize("name", PROVIDERS)
async def test_unknown_receiver_ends_rejected(sandbox: Harness, name: str) -> None:
    provider = sandbox.provider(name)
    stranger = "0235:1000000009"
    message_id = (
        await provider.send_invoice(
            invoice(receiver_tin="1000000009"),
            STANDARD_NUMBER,
            SELLER,
            stranger,
            idempotency_key="tx-unknown",
        )
    ).message_id
    await sandbox.advance(1.0)
    status = await provider.get_status(message_id)
    assert status.status is TransmissionStatus.REJECTED
    assert status.reason is not None
    assert stranger in status.reason
    await sandbox.advance(60)
    assert (await provider.get_status(message_id)).status is TransmissionStatus.REJECTED


@pytest.mark.parametrize("name", PROVIDERS)
async def test_business_rejection(make_sandbox: SandboxFactory, name: str) -> None:
    sandbox = make_sandbox(
        participants=[
            SandboxParticipant(participant_id=SELLER, hosted=True),
            SandboxParticipant(participant_id=BUYER, response="reject"),
        ]
    )
    provider = sandbox.provider(name)
    message_id = await _send(provider)
    await sandbox.advance(5.9)
    assert (await provider.get_status(message_id)).status is TransmissionStatus.DELIVERED
    await sandbox.advance(0.1)
    assert (await provider.get_status(message_id)).status is TransmissionStatus.REJECTED


@pytest.mark.parametrize("name", PROVIDERS)
async def test_validate_participant_id(sandbox: Harness, name: str) -> None:
    provider = sandbox.provider(name)
    known = await provider.validate_participant_id("iso6523-actorid-upis::" + BUYER)
    assert (known.participant_id, known.registered, known.name) == (BUYER, True, "Buyer LLC")
    unknown = await provider.validate_participant_id("0235:1000000009")
    assert not unknown.registered
    before = sandbox.ap.stats.counters["api_requests"]
    with pytest.raises(InvalidParticipantIdError):
        await provider.validate_participant_id("1345678901")
    assert sandbox.ap.stats.counters["api_requests"] == before


@pytest.mark.parametrize("name", PROVIDERS)
async def test_status_of_an_unknown_message(sandbox: Harness, name: str) -> None:
    provider = sandbox.provider(name)
    with pytest.raises(MessageNotFoundError):
        await provider.get_status("00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize("name", PROVIDERS)
async def test_credit_notes_travel_too(sandbox: Harness, name: str) -> None:
    provider = sandbox.provider(name)
    xml = example_bytes(STANDARD_CREDIT_NOTE)
    number = read_routing(xml).document_number
    result = await provider.send_invoice(xml, number, SELLER, BUYER, idempotency_key="cn-1")
    stored = sandbox.ap.get(result.message_id)
    assert stored is not None
    assert stored.document_type == "CreditNote"
    assert sandbox.ap.read_xml(result.message_id) == xml  # byte for byte


async def test_basware_validation_errors_are_permanent_with_details(sandbox: Harness) -> None:
    body = {
        "clientToken": "t-1",
        "data": {
            "id": "WRONG",
            "accountingSupplierParty": {
                "endpoint": {"id": "1987654321", "schemeId": "0235"},
                "partyName": "S",
            },
            "accountingCustomerParty": {
                "endpoint": {"id": "1345678901", "schemeId": "0235"},
                "partyName": "B",
            },
        },
        "ublDocument": {"content": base64.b64encode(invoice()).decode()},
    }
    response = await sandbox.client.post(
        "/basware/v1/invoices/3f1c2d4e-0000-4000-8000-000000000001",
        json=body,
        auth=("involinks-test", API_KEY),
    )
    assert response.status_code == 400
    error = error_for_response("basware", response, basware_error)
    assert isinstance(error, ValidationRejectedError)
    assert not error.retryable
    assert any(detail.startswith("data.id") for detail in error.details)


async def test_tradeshift_oauth1_end_to_end(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(
        oauth1=SandboxOAuth1(
            consumer_key="ck",
            consumer_secret="cs",
            token="tk",
            token_secret="ts",
        )
    )
    config = ProviderConfig(
        name="tradeshift",
        base_url=f"{SANDBOX_URL}/tradeshift",
        api_key="ts",
        options={"tenant_id": TENANT, "auth": "oauth1", "consumer_key": "ck", "token": "tk"},
        secret_options={"consumer_secret": "cs"},
    )
    provider = create_provider(config, client=sandbox.client)
    message_id = await _send(provider)
    assert (await provider.get_status(message_id)).status is TransmissionStatus.QUEUED

    forged = TradeshiftProvider(
        base_url=f"{SANDBOX_URL}/tradeshift",
        tenant_id=TENANT,
        auth=OAuth1Auth(consumer_key="ck", consumer_secret="guess", token="tk", token_secret="ts"),
        client=sandbox.client,
    )
    with pytest.raises(AuthenticationError):
        await forged.get_status(message_id)

    replayed_nonce = OAuth1Auth(
        consumer_key="ck", consumer_secret="cs", token="tk", token_secret="ts", nonce=lambda: "n"
    )
    again = TradeshiftProvider(
        base_url=f"{SANDBOX_URL}/tradeshift",
        tenant_id=TENANT,
        auth=replayed_nonce,
        client=sandbox.client,
    )
    await again.get_status(message_id)
    with pytest.raises(AuthenticationError):
        await again.get_status(message_id)  # same nonce twice: a replay
