from __future__ import annotations

import hashlib
import hmac

import pytest

from involinks.peppol.inbound_signature import (
    HEADER_MESSAGE_ID,
    HEADER_RECEIVER,
    HEADER_SENDER,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    InvalidSignatureError,
    sign_inbound,
    sign_status_callback,
    verify_inbound,
    verify_status_callback,
)

BODY = b"<Invoice>...</Invoice>"
NOW = 1_767_225_600
SECRET = "s3cret"


def _signed(**overrides: str) -> dict[str, str]:
    return sign_inbound(
        BODY,
        secret=overrides.pop("secret", SECRET),
        sender_id="0235:1987654321",
        receiver_id="0235:1345678901",
        message_id="msg-1",
        timestamp=NOW,
    )


def test_signature_matches_the_documented_construction() -> None:
    signed = b"v1\n1767225600\nmsg-1\n0235:1987654321\n0235:1345678901\n" + BODY
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    headers = _signed()
    assert headers[HEADER_SIGNATURE] == f"v1={expected}"
    assert headers[HEADER_SENDER] == "0235:1987654321"
    assert headers[HEADER_RECEIVER] == "0235:1345678901"
    assert headers[HEADER_MESSAGE_ID] == "msg-1"
    assert headers[HEADER_TIMESTAMP] == str(NOW)


def test_verify_returns_the_authenticated_envelope_with_any_header_case() -> None:
    headers = {key.lower(): value for key, value in _signed().items()}
    envelope = verify_inbound(BODY, headers, secrets=SECRET, now=NOW + 10)
    assert (envelope.sender_id, envelope.receiver_id, envelope.message_id) == (
        "0235:1987654321",
        "0235:1345678901",
        "msg-1",
    )


@pytest.mark.parametrize(
    ("body", "header", "value"),
    [
        (BODY + b" ", None, None),  # body changed
        (BODY, HEADER_RECEIVER, "0235:1000000001"),  # re-addressed
        (BODY, HEADER_SENDER, "0235:1000000001"),
        (BODY, HEADER_MESSAGE_ID, "msg-2"),
        (BODY, HEADER_TIMESTAMP, str(NOW + 1)),
        (BODY, HEADER_SIGNATURE, "v1=" + "0" * 64),
        (BODY, HEADER_SIGNATURE, ""),
    ],
)
def test_tampering_is_detected(body: bytes, header: str | None, value: str | None) -> None:
    headers = _signed()
    if header is not None and value is not None:
        headers[header] = value
    with pytest.raises(InvalidSignatureError):
        verify_inbound(body, headers, secrets=SECRET, now=NOW)


def test_stale_or_future_timestamps_are_refused() -> None:
    headers = _signed()
    with pytest.raises(InvalidSignatureError, match="window"):
        verify_inbound(BODY, headers, secrets=SECRET, now=NOW + 301)
    with pytest.raises(InvalidSignatureError, match="window"):
        verify_inbound(BODY, headers, secrets=SECRET, now=NOW - 301)
    verify_inbound(BODY, headers, secrets=SECRET, now=NOW + 300)


def test_missing_routing_header_is_refused() -> None:
    headers = _signed()
    del headers[HEADER_SENDER]
    with pytest.raises(InvalidSignatureError, match="missing"):
        verify_inbound(BODY, headers, secrets=SECRET, now=NOW)


def test_secret_rotation() -> None:
    old = _signed(secret="old")
    new = _signed(secret="new")
    # Verifier knows both secrets during the rotation.
    verify_inbound(BODY, old, secrets=["new", "old"], now=NOW)
    verify_inbound(BODY, new, secrets=["new", "old"], now=NOW)
    # Sender may send both signatures at once.
    both = dict(new)
    both[HEADER_SIGNATURE] = f"{new[HEADER_SIGNATURE]}, {old[HEADER_SIGNATURE]}"
    verify_inbound(BODY, both, secrets="old", now=NOW)
    with pytest.raises(InvalidSignatureError):
        verify_inbound(BODY, old, secrets="other", now=NOW)


def test_status_callback_signature() -> None:
    body = b'{"event_id": "e1"}'
    headers = sign_status_callback(body, secret=SECRET, timestamp=NOW)
    signed = b"v1\n1767225600\n\n\n\n" + body
    assert (
        headers[HEADER_SIGNATURE]
        == "v1=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    )
    assert verify_status_callback(body, headers, secrets=SECRET, now=NOW) == NOW
    with pytest.raises(InvalidSignatureError):
        verify_status_callback(body + b" ", headers, secrets=SECRET, now=NOW)


def test_empty_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        sign_status_callback(b"{}", secret="")
