"""Request and response bodies of the Peppol endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from involinks.core.schemas import InputSchema, Schema
from involinks.peppol.models import EventSource, TransmissionState

__all__ = [
    "InboundAccepted",
    "ParticipantRead",
    "ProviderSettingsRead",
    "ProviderSettingsUpdate",
    "StatusCallback",
    "StatusCallbackResult",
    "TransmissionEventRead",
    "TransmissionRead",
]


class TransmissionEventRead(Schema):
    status: TransmissionState
    provider_status: str | None
    source: EventSource
    event_id: str | None
    applied: bool
    reason: str | None
    reason_code: str | None
    occurred_at: datetime
    recorded_at: datetime


class TransmissionRead(Schema):
    id: uuid.UUID
    invoice_id: uuid.UUID
    provider: str
    idempotency_key: str
    provider_message_id: str | None
    status: TransmissionState
    provider_status: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sender_id: str
    receiver_id: str
    document_number: str
    sent_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    events: list[TransmissionEventRead]


class StatusCallback(BaseModel):
    """A status report pushed by the access point (the sandbox's ``StatusEvent`` shape; a bridge
    in front of another provider posts the same). ``event_id`` is stable per report."""

    model_config = ConfigDict(extra="ignore")

    event_id: str = Field(min_length=1, max_length=200)
    message_id: str = Field(min_length=1, max_length=200)
    status: str = Field(min_length=1, max_length=32)
    reason_code: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=2000)
    occurred_at: datetime | None = None


class StatusCallbackResult(Schema):
    transmission_id: uuid.UUID
    status: TransmissionState
    duplicate: bool
    applied: bool


class InboundAccepted(Schema):
    inward_invoice_id: uuid.UUID | None  # None for a buyer's Invoice Response
    message_id: str
    duplicate: bool
    buyer_response_id: uuid.UUID | None = None


class ParticipantRead(Schema):
    participant_id: str
    registered: bool
    name: str | None
    provider: str


class ProviderSettingsRead(Schema):
    source: Literal["company", "platform"]
    provider: str
    base_url: str
    has_api_key: bool  # the company's own key; otherwise the platform's is used
    options: dict[str, str]
    secret_option_keys: list[str]
    since: datetime | None
    available_providers: list[str]


class ProviderSettingsUpdate(InputSchema):
    """``provider: null`` goes back to the platform-wide provider. Keys left out of a change that
    keeps the provider and base URL are kept (rotate a key by sending the new one)."""

    provider: str | None = Field(min_length=1, max_length=32)
    base_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    api_key: SecretStr | None = None
    options: dict[str, str] = Field(default_factory=dict)
    secret_options: dict[str, SecretStr] = Field(default_factory=dict)
