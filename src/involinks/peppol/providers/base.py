"""What every Peppol access-point adapter offers, and the typed results it returns.

The UAE admits only access points accredited by the Ministry of Finance (Ministerial Decision
64/2025) and a business may change provider, so the rest of InvoLinks talks to this Protocol only.

Normalized transmission statuses (``TransmissionStatus``):

* ``QUEUED``: the provider holds the document and has not handed it to the network yet;
* ``SENT`` (alias ``TRANSMITTED``): handed to the Peppol network (AS4 from our access point, C2);
* ``DELIVERED``: the receiver's access point (C3) acknowledged receipt;
* ``ACCEPTED``: the receiver accepted the invoice (business response);
* ``REJECTED``: it will never be delivered or accepted as sent (unknown receiver, refused by the
  network or the receiver); correct it and issue again;
* ``FAILED``: a technical failure after the provider gave up; resending the same document may work.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

__all__ = [
    "FINAL_STATUSES",
    "ParticipantLookup",
    "PeppolProvider",
    "SendResult",
    "StatusResult",
    "TransmissionStatus",
    "derive_provider_uuid",
]


class TransmissionStatus(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    TRANSMITTED = "SENT"  # alias: same member as SENT
    DELIVERED = "DELIVERED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


FINAL_STATUSES = frozenset(
    {TransmissionStatus.ACCEPTED, TransmissionStatus.REJECTED, TransmissionStatus.FAILED}
)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class SendResult(_Result):
    provider: str
    message_id: str  # the provider's id; pass it to get_status
    status: TransmissionStatus
    provider_status: str | None = None
    idempotency_key: str
    # True when the provider told us it already had this transmission (a replayed send).
    duplicate: bool = False


class StatusResult(_Result):
    provider: str
    message_id: str
    status: TransmissionStatus
    provider_status: str | None = None  # the provider's own state names, for support
    reason: str | None = None
    reason_code: str | None = None
    updated_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ParticipantLookup(_Result):
    participant_id: str  # normalized "scheme:value"
    registered: bool
    name: str | None = None


@runtime_checkable
class PeppolProvider(Protocol):
    """An access-point adapter. Methods raise ``PeppolProviderError`` subclasses (see errors.py):
    ``RetryableProviderError`` when the same call may succeed later, ``PermanentProviderError``
    when it will not."""

    name: str

    async def send_invoice(
        self,
        xml: bytes,
        invoice_number: str,
        sender_id: str,
        receiver_id: str,
        *,
        idempotency_key: str,
    ) -> SendResult:
        """Hand a UBL document to the provider. Calling again with the same ``idempotency_key``
        (our transmission id) never sends the document twice."""
        ...

    async def get_status(self, message_id: str) -> StatusResult: ...

    async def validate_participant_id(self, participant_id: str) -> ParticipantLookup:
        """Is the participant registered on the network? Raises ``InvalidParticipantIdError``
        (a ``ValueError``) for malformed ids, without a network call."""
        ...

    async def aclose(self) -> None: ...


# Fixed namespace: the same idempotency key always maps to the same provider-side ids.
_NAMESPACE = uuid.UUID("5b0f6c1e-4d0a-5b8e-9a51-2f7c2d3e9a10")


def derive_provider_uuid(idempotency_key: str, purpose: str) -> str:
    """A stable UUID for a provider resource (document, dispatch, client token) of one send."""
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    return str(uuid.uuid5(_NAMESPACE, f"{purpose}:{idempotency_key}"))
