"""Peppol transmissions of outbound invoices, their status history, and the access-point provider
accounts companies send through.

A company sends through the platform-wide provider (settings ``PEPPOL_PROVIDER``,
``PEPPOL_BASE_URL``, ``PEPPOL_API_KEY``) unless it has an active ``PeppolProviderAccount``.
Moving to another provider deactivates the old account row instead of deleting it: every
transmission keeps the account it was sent through, so its status can still be read there.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import JSONType, UtcDateTime, utcnow

__all__ = [
    "FINAL_STATES",
    "EventSource",
    "PeppolInvoiceResponse",
    "PeppolProviderAccount",
    "PeppolTransmission",
    "PeppolTransmissionEvent",
    "ResponseDirection",
    "TransmissionState",
]


class TransmissionState(StrEnum):
    QUEUED = "QUEUED"  # waiting for the job to hand it to the provider
    SENT = "SENT"  # the provider accepted it (and may already have handed it to the network)
    DELIVERED = "DELIVERED"  # the receiver's access point acknowledged it
    ACCEPTED = "ACCEPTED"  # the receiver accepted the invoice
    REJECTED = "REJECTED"  # refused (by the provider, the network or the receiver)
    FAILED = "FAILED"  # a technical failure: sending the invoice again may work


FINAL_STATES = frozenset(
    {TransmissionState.ACCEPTED, TransmissionState.REJECTED, TransmissionState.FAILED}
)

# States only move forward; the three final ones share the last rank.
STATE_RANK: dict[TransmissionState, int] = {
    TransmissionState.QUEUED: 0,
    TransmissionState.SENT: 1,
    TransmissionState.DELIVERED: 2,
    TransmissionState.ACCEPTED: 3,
    TransmissionState.REJECTED: 3,
    TransmissionState.FAILED: 3,
}


class EventSource(StrEnum):
    REQUEST = "request"  # a user asked to send
    SEND = "send"  # the send job's outcome
    POLL = "poll"  # status read from the provider
    CALLBACK = "callback"  # status pushed by the provider


_state_enum = sa.Enum(TransmissionState, native_enum=False, length=16)


class PeppolProviderAccount(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A company's own access-point settings; at most one is active at a time."""

    __tablename__ = "peppol_provider_accounts"
    __table_args__ = (
        sa.Index("ix_peppol_provider_accounts_company_id_active", "company_id", "active"),
    )

    provider: Mapped[str] = mapped_column(sa.String(32))
    # None: the platform's PEPPOL_BASE_URL / PEPPOL_API_KEY.
    base_url: Mapped[str | None] = mapped_column(sa.String(500))
    api_key_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    options: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)  # not secret
    secret_options_encrypted: Mapped[str | None] = mapped_column(sa.Text)  # JSON object, sealed
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    activated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<PeppolProviderAccount {self.id} {self.provider} active={self.active}>"


class PeppolTransmission(IdMixin, TimestampMixin, CompanyScoped, Base):
    """One attempt to deliver an invoice over Peppol. Its id is the provider idempotency key, so a
    retried job never sends the document twice; sending again after a failure is a new row."""

    __tablename__ = "peppol_transmissions"
    __table_args__ = (
        sa.UniqueConstraint("idempotency_key", name="uq_peppol_transmissions_idempotency_key"),
        sa.Index("ix_peppol_transmissions_company_id_status", "company_id", "status"),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    provider: Mapped[str] = mapped_column(sa.String(32))
    # None: sent through the platform-wide provider settings.
    provider_account_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("peppol_provider_accounts.id", ondelete="RESTRICT")
    )
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    status: Mapped[TransmissionState] = mapped_column(_state_enum, default=TransmissionState.QUEUED)
    provider_status: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sender_id: Mapped[str] = mapped_column(sa.String(100))
    receiver_id: Mapped[str] = mapped_column(sa.String(100))
    document_number: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    events: Mapped[list[PeppolTransmissionEvent]] = relationship(
        back_populates="transmission",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PeppolTransmissionEvent.recorded_at",
        lazy="raise",
    )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    def __repr__(self) -> str:
        return f"<PeppolTransmission {self.id} {self.provider} {self.status}>"


class PeppolTransmissionEvent(IdMixin, CompanyScoped, Base):
    """What we learnt about a transmission, when and from where. Callbacks are kept even when
    they change nothing (``applied`` false); a callback's ``event_id`` is stored once."""

    __tablename__ = "peppol_transmission_events"
    __table_args__ = (
        sa.UniqueConstraint(
            "transmission_id", "event_id", name="uq_peppol_transmission_events_transmission_event"
        ),
    )

    transmission_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("peppol_transmissions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[TransmissionState] = mapped_column(_state_enum)
    provider_status: Mapped[str | None] = mapped_column(sa.String(100))
    source: Mapped[EventSource] = mapped_column(
        sa.Enum(
            EventSource,
            native_enum=False,
            length=16,
            values_callable=lambda sources: [source.value for source in sources],
        )
    )
    event_id: Mapped[str | None] = mapped_column(sa.String(200))
    applied: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    reason_code: Mapped[str | None] = mapped_column(sa.String(64))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    transmission: Mapped[PeppolTransmission] = relationship(back_populates="events", lazy="raise")


class ResponseDirection(StrEnum):
    OUTBOUND = "OUTBOUND"  # this company, as buyer, answers a supplier's invoice
    INBOUND = "INBOUND"  # a buyer answered an invoice this company issued


class PeppolInvoiceResponse(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A Peppol BIS Invoice Response (UBL ApplicationResponse) sent or received by the company.

    Outbound: built when the buyer accepts, rejects or pays an inward invoice that came over
    Peppol; the row id is the provider idempotency key and the XML is kept, so a retried job sends
    the same bytes once. Inbound: the buyer's answer to one of our invoices, kept as evidence and
    shown on the invoice's timeline."""

    __tablename__ = "peppol_invoice_responses"
    __table_args__ = (
        sa.UniqueConstraint(
            "company_id", "peppol_message_id", name="uq_peppol_invoice_responses_message"
        ),
    )

    direction: Mapped[ResponseDirection] = mapped_column(
        sa.Enum(ResponseDirection, native_enum=False, length=16)
    )
    # OUTBOUND: the inward invoice answered; INBOUND: our invoice that was answered.
    inward_invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="RESTRICT"), index=True
    )
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    response_code: Mapped[str] = mapped_column(sa.String(4))  # UNCL4343 subset: AP, RE, PD, ...
    reason: Mapped[str | None] = mapped_column(sa.Text)
    reason_code: Mapped[str | None] = mapped_column(sa.String(16))
    document_id: Mapped[str] = mapped_column(sa.String(200))  # the response's own cbc:ID
    document_number: Mapped[str] = mapped_column(sa.String(200))  # the invoice it answers
    sender_id: Mapped[str] = mapped_column(sa.String(100))
    receiver_id: Mapped[str] = mapped_column(sa.String(100))
    document_xml: Mapped[str] = mapped_column(sa.Text)  # sent or received bytes (UTF-8)
    status: Mapped[TransmissionState] = mapped_column(_state_enum, default=TransmissionState.QUEUED)
    provider: Mapped[str | None] = mapped_column(sa.String(32))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    peppol_message_id: Mapped[str | None] = mapped_column(sa.String(200))  # inbound message id
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<PeppolInvoiceResponse {self.id} {self.direction} {self.response_code}>"
