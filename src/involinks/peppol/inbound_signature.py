"""Signed HTTP hand-off from an access point to InvoLinks (inbound documents and status callbacks).

The access point (our sandbox, or a thin bridge in front of an accredited provider) POSTs:

* inbound documents: the UBL bytes as the body (``application/xml``) with the headers
  ``X-Peppol-Sender``, ``X-Peppol-Receiver``, ``X-Peppol-Message-Id``, ``X-Peppol-Timestamp`` and
  ``X-Peppol-Signature``;
* status callbacks: a JSON body with ``X-Peppol-Timestamp`` and ``X-Peppol-Signature``.

Signature: ``X-Peppol-Signature: v1=<hex HMAC-SHA256>`` computed with the shared secret over

    b"v1\\n" + timestamp + b"\\n" + message_id + b"\\n" + sender + b"\\n" + receiver + b"\\n" + body

(the three ids are empty for callbacks). Binding the routing headers and the timestamp into the
MAC stops a captured request from being replayed later or re-addressed to another company.
Several ``v1=`` values separated by commas, and several secrets on the verifying side, allow a
secret rotation without downtime.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "HEADER_MESSAGE_ID",
    "HEADER_RECEIVER",
    "HEADER_SENDER",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "InboundEnvelope",
    "InvalidSignatureError",
    "sign_inbound",
    "sign_status_callback",
    "verify_inbound",
    "verify_status_callback",
]

HEADER_SENDER = "X-Peppol-Sender"
HEADER_RECEIVER = "X-Peppol-Receiver"
HEADER_MESSAGE_ID = "X-Peppol-Message-Id"
HEADER_TIMESTAMP = "X-Peppol-Timestamp"
HEADER_SIGNATURE = "X-Peppol-Signature"

DEFAULT_TOLERANCE_SECONDS = 300
_VERSION = "v1"

Secret = str | bytes


class InvalidSignatureError(ValueError):
    """The request is not authentic (missing header, stale timestamp or wrong MAC): answer 401."""


@dataclass(frozen=True, slots=True)
class InboundEnvelope:
    sender_id: str
    receiver_id: str
    message_id: str
    timestamp: int


def _key(secret: Secret) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the signing secret is empty")
    return key


def _mac(
    secret: Secret, timestamp: int, body: bytes, message_id: str, sender: str, receiver: str
) -> str:
    signed = "\n".join((_VERSION, str(timestamp), message_id, sender, receiver, "")).encode()
    return hmac.new(_key(secret), signed + body, hashlib.sha256).hexdigest()


def sign_inbound(
    body: bytes,
    *,
    secret: Secret,
    sender_id: str,
    receiver_id: str,
    message_id: str,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Headers to send with an inbound UBL document."""
    ts = int(time.time()) if timestamp is None else timestamp
    signature = _mac(secret, ts, body, message_id, sender_id, receiver_id)
    return {
        HEADER_SENDER: sender_id,
        HEADER_RECEIVER: receiver_id,
        HEADER_MESSAGE_ID: message_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_SIGNATURE: f"{_VERSION}={signature}",
    }


def sign_status_callback(
    body: bytes, *, secret: Secret, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        HEADER_TIMESTAMP: str(ts),
        HEADER_SIGNATURE: f"{_VERSION}={_mac(secret, ts, body, '', '', '')}",
    }


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _check(
    body: bytes,
    headers: dict[str, str],
    secrets: Secret | Iterable[Secret],
    ids: tuple[str, str, str],
    now: float | None,
    tolerance_seconds: int,
) -> int:
    raw_ts = headers.get(HEADER_TIMESTAMP.lower(), "")
    raw_sig = headers.get(HEADER_SIGNATURE.lower(), "")
    if not raw_ts.isdigit() or not raw_sig:
        raise InvalidSignatureError("missing or malformed timestamp/signature header")
    timestamp = int(raw_ts)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise InvalidSignatureError("timestamp outside the accepted window")
    offered = [
        part.strip()[len(_VERSION) + 1 :]
        for part in raw_sig.split(",")
        if part.strip().startswith(f"{_VERSION}=")
    ]
    keys = [secrets] if isinstance(secrets, str | bytes) else list(secrets)
    message_id, sender, receiver = ids
    for key in keys:
        expected = _mac(key, timestamp, body, message_id, sender, receiver)
        # Compare against every offered value; compare_digest keeps each check constant-time.
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return timestamp
    raise InvalidSignatureError("signature does not match")


def verify_inbound(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secrets: Secret | Iterable[Secret],
    now: float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> InboundEnvelope:
    """Check an inbound document request; returns the authenticated routing headers."""
    lowered = _lower(headers)
    ids = (
        lowered.get(HEADER_MESSAGE_ID.lower(), ""),
        lowered.get(HEADER_SENDER.lower(), ""),
        lowered.get(HEADER_RECEIVER.lower(), ""),
    )
    if not all(ids):
        raise InvalidSignatureError("missing sender, receiver or message id header")
    timestamp = _check(body, lowered, secrets, ids, now, tolerance_seconds)
    return InboundEnvelope(
        sender_id=ids[1], receiver_id=ids[2], message_id=ids[0], timestamp=timestamp
    )


def verify_status_callback(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secrets: Secret | Iterable[Secret],
    now: float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Check a status callback request; returns its timestamp."""
    return _check(body, _lower(headers), secrets, ("", "", ""), now, tolerance_seconds)
