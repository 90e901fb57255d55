"""Sandbox records: messages (JSON next to their UBL on disk) and status callback events."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "HistoryEntry",
    "PendingEvent",
    "SandboxMessage",
    "SandboxStatus",
    "StatusEvent",
    "iso",
]

Api = Literal["tradeshift", "basware", "external"]


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


class SandboxStatus(StrEnum):
    STORED = "STORED"  # Tradeshift-shaped: saved, not dispatched yet
    RECEIVED = "RECEIVED"  # accepted by the access point (C2)
    SENT = "SENT"  # handed to the receiving access point (C3)
    DELIVERED = "DELIVERED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


TERMINAL = frozenset({SandboxStatus.ACCEPTED, SandboxStatus.REJECTED, SandboxStatus.FAILED})

# Reason codes the sandbox sets.
RECEIVER_NOT_FOUND = "RECEIVER_NOT_FOUND"
BUSINESS_REJECTED = "BUSINESS_REJECTED"
DELIVERY_FAILED = "DELIVERY_FAILED"


class HistoryEntry(BaseModel):
    status: SandboxStatus
    at: float
    reason: str | None = None


class StatusEvent(BaseModel):
    """Body of a status callback (POST to ``status_callback_url``). ``event_id`` is stable: a
    duplicated callback repeats it, so receivers deduplicate on it."""

    event_id: str
    message_id: str
    api: Api
    status: SandboxStatus
    reason_code: str | None = None
    reason: str | None = None
    occurred_at: str
    sender_id: str
    receiver_id: str
    document_number: str


class PendingEvent(BaseModel):
    event: StatusEvent
    attempts: int = 0
    next_at: float


class SandboxMessage(BaseModel):
    message_id: str
    api: Api
    document_type: str
    document_number: str
    sender_id: str
    receiver_id: str
    receiver_name: str | None = None
    profile_id: str | None = None
    content_sha256: str
    dispatch_id: str | None = None
    client_token: str | None = None
    status: SandboxStatus
    reason_code: str | None = None
    reason: str | None = None
    created_at: float
    dispatched_at: float | None = None
    updated_at: float
    history: list[HistoryEntry] = Field(default_factory=list)
    inbound_attempts: int = 0
    next_inbound_at: float | None = None
    outbox: list[PendingEvent] = Field(default_factory=list)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL
