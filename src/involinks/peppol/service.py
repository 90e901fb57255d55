"""Sending invoices over Peppol and following them until the receiver answers.

Rules kept here (request-side functions flush, never commit; job bodies own their sessions):

* only an APPROVED invoice is sent, or a FAILED one again; the buyer needs a Peppol participant id.
  A send request creates a ``PeppolTransmission`` (QUEUED) and the job ``peppol.send``; asking again
  while one is in flight answers that transmission (a double click sends nothing twice);
* the transmission id is the provider idempotency key: a retried job, or two copies of it, never
  hand the document over twice. Retryable provider errors are retried with backoff, a Retry-After
  wins; after ``SEND_RETRY_POLICY.max_attempts`` the transmission is FAILED with the reason. A
  document the provider refuses is REJECTED at once, any other permanent error FAILED at once;
* the provider is called outside any database transaction (SQLite would hold its write lock
  for as long as the provider takes);
* statuses only move forward (QUEUED < SENT < DELIVERED < ACCEPTED/REJECTED/FAILED, the last three
  final), whether they come from the send, from polling (``peppol.poll_status``, rescheduled while
  not final) or from status callbacks (deduplicated by their ``event_id``);
* the invoice follows its latest transmission once the provider has accepted it: SENT, then
  DELIVERED / ACCEPTED / REJECTED / FAILED along ``invoicing.service.TRANSITIONS``. A transmission
  the provider never accepted leaves the invoice as it was (APPROVED), so it can be sent again;
* a company sends through its active ``PeppolProviderAccount`` or, without one, the platform's
  provider. A transmission keeps the account it used: moving provider loses no history.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from pydantic import SecretStr, ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.audit import service as audit_service
from involinks.auth.models import User
from involinks.companies.models import Company, CompanyStatus
from involinks.compliance import service as compliance_service
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.crypto import DecryptionError, secret_box
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.schemas import Schema
from involinks.core.types import utcnow
from involinks.errors import AppError, Conflict, NotFound, Unprocessable
from involinks.invoicing import repository as invoice_repository
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus, InvoiceStatusEvent
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater
from involinks.observability.metrics import PEPPOL_SENDS
from involinks.peppol.embedded import provider_base_url
from involinks.peppol.models import (
    FINAL_STATES,
    STATE_RANK,
    EventSource,
    PeppolProviderAccount,
    PeppolTransmission,
    PeppolTransmissionEvent,
    TransmissionState,
)
from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.providers import (
    InvalidDocumentError,
    PeppolProvider,
    PermanentProviderError,
    ProviderConfig,
    RetryableProviderError,
    RetryPolicy,
    SendResult,
    TransmissionStatus,
    UnknownProviderError,
    ValidationRejectedError,
    available_providers,
    create_provider,
)
from involinks.peppol.schemas import (
    ParticipantRead,
    ProviderSettingsRead,
    ProviderSettingsUpdate,
    StatusCallback,
    StatusCallbackResult,
)
from involinks.storage import store_for

__all__ = [
    "POLL_JOB",
    "SEND_JOB",
    "SEND_MAX_ATTEMPTS_LIMIT",
    "SEND_RETRY_POLICY",
    "BuyerNotOnPeppol",
    "InvoiceNotSendable",
    "ProviderFailed",
    "ProviderUnavailable",
    "SessionFactory",
    "TimelineEntry",
    "apply_state",
    "get_provider_settings",
    "handle_status_callback",
    "hosted_participants",
    "invoice_timeline",
    "issued_xml",
    "list_transmissions",
    "lookup_participant",
    "poll_delay",
    "process_poll",
    "process_send",
    "provider_config",
    "queue_send",
    "resume_stalled",
    "sandbox_directory",
    "send_retry_policy",
    "update_provider_settings",
]

if TYPE_CHECKING:
    from involinks.peppol.sandbox.settings import SandboxParticipant

log = logging.getLogger(__name__)

SEND_JOB = "peppol.send"
POLL_JOB = "peppol.poll_status"

#: Backoff of the send job with the default settings; the provider's Retry-After wins over the
#: computed delay. ``send_retry_policy`` reads the configured one.
SEND_RETRY_POLICY = RetryPolicy(
    max_attempts=6, base_delay=30.0, multiplier=2.0, max_delay=1800.0, jitter=0.1
)
#: The most attempts a configuration may ask for (``Settings.peppol_send_max_attempts``).
SEND_MAX_ATTEMPTS_LIMIT = 100
POLL_MIN_SECONDS = 5.0
POLL_MAX_SECONDS = 900.0
#: After this long without a final status we stop asking; a callback can still settle it.
POLL_GIVE_UP_AFTER = timedelta(days=7)
#: Clocks of workers differ a little: an attempt this close to its time is due.
SCHEDULE_TOLERANCE_SECONDS = 1.0
#: A QUEUED transmission untouched this long is taken to have lost its job (e.g. a restart of the
#: in-process queue): asking to send again kicks it.
STALLED_AFTER = timedelta(minutes=2)

_SENDABLE = frozenset({InvoiceStatus.APPROVED, InvoiceStatus.FAILED})

_FROM_PROVIDER: dict[TransmissionStatus, TransmissionState] = {
    # The provider holds the document: for us it is accepted, i.e. sent.
    TransmissionStatus.QUEUED: TransmissionState.SENT,
    TransmissionStatus.SENT: TransmissionState.SENT,
    TransmissionStatus.DELIVERED: TransmissionState.DELIVERED,
    TransmissionStatus.ACCEPTED: TransmissionState.ACCEPTED,
    TransmissionStatus.REJECTED: TransmissionState.REJECTED,
    TransmissionStatus.FAILED: TransmissionState.FAILED,
}

# Status names in callbacks (the sandbox's ``SandboxStatus``; provider bridges use the same).
_FROM_CALLBACK: dict[str, TransmissionState | None] = {
    "STORED": None,  # saved at the provider, not dispatched: nothing to report
    "QUEUED": TransmissionState.SENT,
    "RECEIVED": TransmissionState.SENT,
    "SENT": TransmissionState.SENT,
    "TRANSMITTED": TransmissionState.SENT,
    "DELIVERED": TransmissionState.DELIVERED,
    "ACCEPTED": TransmissionState.ACCEPTED,
    "REJECTED": TransmissionState.REJECTED,
    "FAILED": TransmissionState.FAILED,
}

SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


# --- errors --------------------------------------------------------------------------------------


def _label(invoice: Invoice) -> str:
    kind = "Credit note" if invoice.is_credit_note else "Invoice"
    return f"{kind} {invoice.number}" if invoice.number else f"{kind} (draft)"


class InvoiceNotSendable(Conflict):
    def __init__(self, invoice: Invoice) -> None:
        super().__init__(
            f"{_label(invoice)} is {invoice.status.value}; only an APPROVED invoice can be sent "
            "over Peppol (or a FAILED one, again).",
            code="invoice_not_sendable",
            details={"status": invoice.status.value},
        )


class BuyerNotOnPeppol(Unprocessable):
    def __init__(self, invoice: Invoice, problem: str) -> None:
        super().__init__(
            f"{_label(invoice)} cannot be sent over Peppol: {problem}. Add the buyer's Peppol id "
            "(0235:<TIN>) to the customer; a finalized invoice keeps the buyer data it was "
            "issued with, so credit it and issue a new one.",
            code="buyer_not_on_peppol",
            details=[{"field": "buyer.peppol_id", "message": problem}],
        )


class ProviderUnavailable(AppError):
    status_code = 503
    code = "peppol_provider_unavailable"


class ProviderFailed(AppError):
    status_code = 502
    code = "peppol_provider_error"


class InvalidProviderSettings(Unprocessable):
    code = "invalid_provider_settings"


# --- the issued document -------------------------------------------------------------------------


async def issued_xml(session: AsyncSession, invoice: Invoice, *, settings: Settings) -> bytes:
    """The UBL validated, hashed and signed when ``invoice`` was issued (from compliance)."""
    return await compliance_service.issued_xml(session, invoice, store=store_for(settings))


# --- providers -----------------------------------------------------------------------------------


def _api_key_context(account_id: uuid.UUID) -> str:
    return f"peppol_provider:{account_id}:api_key"


def _secret_options_context(account_id: uuid.UUID) -> str:
    return f"peppol_provider:{account_id}:secret_options"


def provider_config(settings: Settings, account: PeppolProviderAccount | None) -> ProviderConfig:
    """What to connect with: the account's own values, the platform's for anything it leaves out
    (all of them without an account)."""
    timeout = settings.peppol_timeout_seconds
    if account is None:
        return ProviderConfig(
            name=settings.peppol_provider,
            base_url=provider_base_url(settings),
            api_key=settings.peppol_api_key,
            timeout_seconds=timeout,
        )
    box = secret_box(settings)
    api_key = settings.peppol_api_key
    if account.api_key_encrypted:
        api_key = SecretStr(
            box.decrypt(account.api_key_encrypted, context=_api_key_context(account.id))
        )
    secret_options: dict[str, SecretStr] = {}
    if account.secret_options_encrypted:
        opened = box.decrypt(
            account.secret_options_encrypted, context=_secret_options_context(account.id)
        )
        secret_options = {key: SecretStr(value) for key, value in json.loads(opened).items()}
    return ProviderConfig(
        name=account.provider,
        base_url=account.base_url or provider_base_url(settings),
        api_key=api_key,
        timeout_seconds=timeout,
        options=dict(account.options or {}),
        secret_options=secret_options,
    )


async def _active_account(session: AsyncSession) -> PeppolProviderAccount | None:
    if tenancy.current_scope(session) is not tenancy.Scope.COMPANY:
        return None  # a platform reader has no company of its own: the platform's provider
    return (
        await session.execute(
            sa.select(PeppolProviderAccount)
            .where(PeppolProviderAccount.active.is_(True))
            .order_by(PeppolProviderAccount.activated_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def _account(
    session: AsyncSession, account_id: uuid.UUID | None
) -> PeppolProviderAccount | None:
    if account_id is None:
        return None
    return (
        await session.execute(
            sa.select(PeppolProviderAccount).where(PeppolProviderAccount.id == account_id)
        )
    ).scalar_one()


def _open(config: ProviderConfig) -> PeppolProvider:
    """The adapter, or ``InvalidProviderSettings`` when the configuration cannot work."""
    try:
        return create_provider(config)
    except (UnknownProviderError, ValueError) as exc:
        raise InvalidProviderSettings(f"Peppol provider settings: {exc}") from exc


# --- provider settings of a company --------------------------------------------------------------


def _settings_read(
    settings: Settings, account: PeppolProviderAccount | None
) -> ProviderSettingsRead:
    providers = available_providers()
    if account is None:
        return ProviderSettingsRead(
            source="platform",
            provider=settings.peppol_provider,
            base_url=provider_base_url(settings),
            has_api_key=False,
            options={},
            secret_option_keys=[],
            since=None,
            available_providers=providers,
        )
    secret_keys: list[str] = []
    if account.secret_options_encrypted:
        opened = secret_box(settings).decrypt(
            account.secret_options_encrypted, context=_secret_options_context(account.id)
        )
        secret_keys = sorted(json.loads(opened))
    return ProviderSettingsRead(
        source="company",
        provider=account.provider,
        base_url=account.base_url or provider_base_url(settings),
        has_api_key=bool(account.api_key_encrypted),
        options=dict(account.options or {}),
        secret_option_keys=secret_keys,
        since=account.activated_at,
        available_providers=providers,
    )


async def get_provider_settings(session: AsyncSession, settings: Settings) -> ProviderSettingsRead:
    return _settings_read(settings, await _active_account(session))


def _describe(settings: Settings, account: PeppolProviderAccount | None) -> dict[str, Any]:
    if account is None:
        return {"source": "platform", "provider": settings.peppol_provider}
    return {"source": "company", "provider": account.provider, "base_url": account.base_url}


async def update_provider_settings(
    session: AsyncSession, settings: Settings, data: ProviderSettingsUpdate, *, user: User
) -> ProviderSettingsRead:
    """Choose the company's provider (``data.provider`` None: the platform's). The same provider
    and base URL update the active account in place (a key rotation); anything else is a move:
    the old account is deactivated, never deleted, so its transmissions can still be followed."""
    current = await _active_account(session)
    before = _describe(settings, current)
    now = utcnow()
    box = secret_box(settings)

    if data.provider is None:
        if current is None:
            return _settings_read(settings, None)
        current.active = False
        current.deactivated_at = now
        await session.flush()
        await _audit_move(session, user, before, _describe(settings, None))
        return _settings_read(settings, None)

    if data.provider not in available_providers():
        raise InvalidProviderSettings(
            f"Unknown Peppol provider {data.provider!r}; choose one of "
            f"{', '.join(available_providers())}.",
            details=[{"field": "provider", "message": "unknown provider"}],
        )
    base_url = data.base_url.rstrip("/") if data.base_url else None
    same = current is not None and (current.provider, current.base_url) == (data.provider, base_url)
    if same and current is not None:
        account = current
    else:
        account = PeppolProviderAccount(
            id=uuid.uuid4(),
            provider=data.provider,
            base_url=base_url,
            active=True,
            activated_at=now,
            created_by_id=user.id,
        )
    account.options = dict(data.options)
    if data.api_key is not None:
        account.api_key_encrypted = box.encrypt(
            data.api_key.get_secret_value(), context=_api_key_context(account.id)
        )
    if data.secret_options or not same:
        account.secret_options_encrypted = (
            box.encrypt(
                json.dumps({k: v.get_secret_value() for k, v in data.secret_options.items()}),
                context=_secret_options_context(account.id),
            )
            if data.secret_options
            else None
        )
    # Refuse settings the adapter cannot start with (a missing tenant id, user name, ...).
    provider = _open(provider_config(settings, account))
    await provider.aclose()

    if not same:
        if current is not None:
            current.active = False
            current.deactivated_at = now
            await session.flush()  # the old row leaves the "active" set before the new joins
        session.add(account)
    await session.flush()
    after = _describe(settings, account)
    if same:
        await audit_service.record(
            session,
            "peppol.provider_updated",
            actor=user,
            company_id=None,
            subject_type="peppol_provider_account",
            subject_id=str(account.id),
            details={
                **after,
                "api_key_changed": data.api_key is not None,
                "options": sorted(account.options),
            },
        )
    else:
        await _audit_move(session, user, before, after)
    return _settings_read(settings, account)


async def _audit_move(
    session: AsyncSession, user: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    await audit_service.record(
        session,
        "peppol.provider_changed",
        actor=user,
        company_id=None,
        subject_type="company",
        subject_id=str(tenancy.current_company_id(session)),
        details={"from": before, "to": after},
    )


# --- sending -------------------------------------------------------------------------------------


def _participant(invoice: Invoice, snapshot: dict[str, Any] | None, party: str) -> str:
    raw = (snapshot or {}).get("peppol_id")
    if not raw:
        raise BuyerNotOnPeppol(invoice, f"the {party} has no Peppol participant id")
    try:
        return str(parse_participant_id(str(raw)))
    except InvalidParticipantIdError:
        raise BuyerNotOnPeppol(
            invoice, f"the {party}'s Peppol id {raw!r} is not a participant id"
        ) from None


async def _transmissions_of(
    session: AsyncSession, invoice_id: uuid.UUID
) -> Sequence[PeppolTransmission]:
    return (
        (
            await session.execute(
                sa.select(PeppolTransmission)
                .where(PeppolTransmission.invoice_id == invoice_id)
                .options(selectinload(PeppolTransmission.events))
                .order_by(PeppolTransmission.created_at.desc())
            )
        )
        .scalars()
        .all()
    )


async def list_transmissions(
    session: AsyncSession, invoice: Invoice
) -> Sequence[PeppolTransmission]:
    """Every transmission of the invoice, newest first, each with its status history."""
    return await _transmissions_of(session, invoice.id)


class TimelineEntry(Schema):
    """One step of an invoice's life: its own status changes and its transmissions' events."""

    at: datetime  # when InvoLinks recorded it (one clock for the whole list)
    # buyer_response: the buyer's Peppol Invoice Response (status ACCEPTED / REJECTED / PAID /
    # its code); payment: a payment recorded against the invoice.
    kind: Literal["invoice", "transmission", "buyer_response", "payment"]
    status: str
    source: str | None = None  # transmission events: request, send, poll, callback, ...
    transmission_id: uuid.UUID | None = None
    applied: bool = True  # a transmission report that changed nothing is kept, not applied
    note: str | None = None
    reason_code: str | None = None
    occurred_at: datetime | None = None  # transmission events: the time the provider reported
    # buyer responses: the network message id and the response's own id (the evidence).
    message_id: str | None = None
    document_id: str | None = None
    amount: Decimal | None = None  # payments


async def invoice_timeline(session: AsyncSession, invoice: Invoice) -> list[TimelineEntry]:
    """Invoice status events and transmission status events merged, oldest first. Ordered by
    our own clock: a provider's ``occurred_at`` comes from another clock and may lag ours, so it
    is shown, not sorted on (ties keep the invoice's own step first, then the load order)."""
    invoice_events = (
        (
            await session.execute(
                sa.select(InvoiceStatusEvent).where(InvoiceStatusEvent.invoice_id == invoice.id)
            )
        )
        .scalars()
        .all()
    )
    keyed: list[tuple[tuple[datetime, int], TimelineEntry]] = [
        (
            (event.at, 0),
            TimelineEntry(at=event.at, kind="invoice", status=event.status.value, note=event.note),
        )
        for event in invoice_events
    ]
    for transmission in await _transmissions_of(session, invoice.id):
        for t_event in transmission.events:
            entry = TimelineEntry(
                at=t_event.recorded_at,
                kind="transmission",
                status=t_event.status.value,
                source=t_event.source.value,
                transmission_id=transmission.id,
                applied=t_event.applied,
                note=t_event.reason,
                reason_code=t_event.reason_code,
                occurred_at=t_event.occurred_at,
            )
            keyed.append(((t_event.recorded_at, 1), entry))
    from involinks.invoicing.payments import InvoicePayment
    from involinks.peppol.responses import responses_of_invoice

    labels = {"AP": "ACCEPTED", "RE": "REJECTED", "PD": "PAID"}
    for response in await responses_of_invoice(session, invoice.id):
        entry = TimelineEntry(
            at=response.created_at,
            kind="buyer_response",
            status=labels.get(response.response_code, response.response_code),
            source="peppol",
            note=response.reason,
            reason_code=response.reason_code,
            message_id=response.peppol_message_id,
            document_id=response.document_id,
        )
        keyed.append(((response.created_at, 2), entry))
    paid = (
        (
            await session.execute(
                sa.select(InvoicePayment).where(InvoicePayment.invoice_id == invoice.id)
            )
        )
        .scalars()
        .all()
    )
    for payment in paid:
        entry = TimelineEntry(
            at=payment.recorded_at,
            kind="payment",
            status="PAYMENT",
            source=payment.source.value.lower(),
            note=payment.reference,
            amount=payment.amount,
        )
        keyed.append(((payment.recorded_at, 3), entry))
    # Python's sort is stable: equal keys keep the load order (ids do not order anything).
    keyed.sort(key=lambda pair: pair[0])
    return [entry for _, entry in keyed]


async def queue_send(
    session: AsyncSession,
    invoice: Invoice,
    *,
    user: User,
    settings: Settings,
    now: datetime | None = None,
) -> PeppolTransmission:
    """Create the transmission and enqueue ``peppol.send`` (sent after the request commits)."""
    now = now or utcnow()
    # Lock the invoice so two requests cannot both create a transmission (PostgreSQL row lock;
    # SQLite serializes writers anyway).
    locked = await invoice_repository.get(session, invoice.id, for_update=True)
    invoice = locked or invoice
    if invoice.status not in _SENDABLE:
        raise InvoiceNotSendable(invoice)
    in_flight = [t for t in await _transmissions_of(session, invoice.id) if not t.is_final]
    if in_flight:
        current = in_flight[0]
        if current.status is TransmissionState.QUEUED and _stalled(current, now):
            job_queue.enqueue(SEND_JOB, transmission_id=str(current.id))
        return current
    receiver = _participant(invoice, invoice.buyer_snapshot, "buyer")
    sender = _participant(invoice, invoice.seller_snapshot, "seller")
    account = await _active_account(session)
    transmission_id = uuid.uuid4()
    transmission = PeppolTransmission(
        id=transmission_id,
        company_id=invoice.company_id,
        invoice_id=invoice.id,
        provider=account.provider if account else settings.peppol_provider,
        provider_account_id=account.id if account else None,
        idempotency_key=str(transmission_id),
        status=TransmissionState.QUEUED,
        attempts=0,
        sender_id=sender,
        receiver_id=receiver,
        document_number=invoice.number or "",
        created_by_id=user.id,
        events=[],
    )
    transmission.events.append(
        PeppolTransmissionEvent(
            company_id=invoice.company_id,
            status=TransmissionState.QUEUED,
            source=EventSource.REQUEST,
            applied=True,
            occurred_at=now,
            recorded_at=now,
        )
    )
    session.add(transmission)
    await session.flush()
    await audit_service.record(
        session,
        "peppol.send_requested",
        actor=user,
        company_id=invoice.company_id,
        subject_type="credit_note" if invoice.is_credit_note else "invoice",
        subject_id=str(invoice.id),
        details={
            "number": invoice.number,
            "transmission_id": str(transmission.id),
            "provider": transmission.provider,
        },
    )
    job_queue.enqueue(SEND_JOB, transmission_id=str(transmission.id))
    return transmission


def _stalled(transmission: PeppolTransmission, now: datetime) -> bool:
    if transmission.next_attempt_at is not None:
        return transmission.next_attempt_at <= now - STALLED_AFTER
    return transmission.updated_at <= now - STALLED_AFTER


# --- status bookkeeping --------------------------------------------------------------------------


def _event(
    transmission: PeppolTransmission,
    state: TransmissionState,
    *,
    source: EventSource,
    applied: bool,
    provider_status: str | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> PeppolTransmissionEvent:
    now = utcnow()
    return PeppolTransmissionEvent(
        company_id=transmission.company_id,
        transmission_id=transmission.id,
        status=state,
        source=source,
        applied=applied,
        provider_status=provider_status,
        reason=reason,
        reason_code=reason_code,
        event_id=event_id,
        occurred_at=occurred_at or now,
        recorded_at=now,
    )


async def apply_state(
    session: AsyncSession,
    transmission: PeppolTransmission,
    state: TransmissionState,
    *,
    source: EventSource,
    provider_status: str | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> bool:
    """Move the transmission (and its invoice) forward to ``state``; True when it moved.

    A change is recorded as an event; a callback is recorded even when it changes nothing."""
    applied = not transmission.is_final and STATE_RANK[state] > STATE_RANK[transmission.status]
    if provider_status and (applied or transmission.provider_status is None):
        transmission.provider_status = provider_status
    if applied:
        transmission.status = state
        if state in FINAL_STATES:
            transmission.completed_at = utcnow()
            transmission.next_attempt_at = None
        if state in (TransmissionState.REJECTED, TransmissionState.FAILED):
            transmission.last_error = reason or reason_code or transmission.last_error
    if applied or source is EventSource.CALLBACK:
        session.add(
            _event(
                transmission,
                state,
                source=source,
                applied=applied,
                provider_status=provider_status,
                reason=reason,
                reason_code=reason_code,
                event_id=event_id,
                occurred_at=occurred_at,
            )
        )
    await session.flush()
    if applied:
        await _follow_on_invoice(session, transmission, state, reason)
    return applied


async def _follow_on_invoice(
    session: AsyncSession,
    transmission: PeppolTransmission,
    state: TransmissionState,
    reason: str | None,
) -> None:
    if transmission.sent_at is None:
        return  # never accepted by the provider: the invoice stays sendable
    latest = (
        await session.execute(
            sa.select(PeppolTransmission.id)
            .where(PeppolTransmission.invoice_id == transmission.invoice_id)
            .order_by(PeppolTransmission.created_at.desc())
            .limit(1)
        )
    ).scalar_one()
    if latest != transmission.id:
        return  # an older transmission's late news: the newer one speaks for the invoice
    invoice = await invoicing_service.get_invoice(session, transmission.invoice_id)
    target = InvoiceStatus(state.value)
    if invoice.status is target:
        return
    note = f"Peppol transmission {transmission.id} via {transmission.provider}"
    if target is not InvoiceStatus.SENT and invoice.status in _SENDABLE:
        await invoicing_service.transition(
            session, invoice, InvoiceStatus.SENT, user=None, note=note
        )
    if target in invoicing_service.TRANSITIONS[invoice.status]:
        await invoicing_service.transition(
            session, invoice, target, user=None, note=f"{note}: {reason}" if reason else note
        )
    else:
        log.warning(
            "invoice status not moved by Peppol status",
            extra={
                "invoice_id": str(invoice.id),
                "status": invoice.status.value,
                "peppol_status": state.value,
            },
        )


# --- the jobs ------------------------------------------------------------------------------------


async def _load_for_job(
    session: AsyncSession, transmission_id: uuid.UUID
) -> PeppolTransmission | None:
    """The transmission, with the session bound to its company (jobs bind tenancy themselves)."""
    with tenancy.system_scope(session):
        company_id = (
            await session.execute(
                sa.select(PeppolTransmission.company_id).where(
                    PeppolTransmission.id == transmission_id
                )
            )
        ).scalar_one_or_none()
    if company_id is None:
        return None
    tenancy.bind_company(session, company_id)
    return (
        await session.execute(
            sa.select(PeppolTransmission)
            .where(PeppolTransmission.id == transmission_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class _Prepared:
    provider: PeppolProvider
    xml: bytes
    document_number: str
    sender_id: str
    receiver_id: str
    idempotency_key: str
    attempt: int


def _error_text(error: Exception) -> str:
    text = str(error)
    details = getattr(error, "details", ()) or ()
    if details:
        text += " (" + "; ".join(str(d) for d in details[:5]) + ")"
    return text[:2000]


async def _prepare_send(
    sessions: SessionFactory, transmission_id: uuid.UUID, settings: Settings
) -> _Prepared | float | None:
    """Count the attempt and gather what the provider needs, in one short transaction. A float:
    the seconds until the attempt is due (a copy of the job came early)."""
    async with sessions() as session:
        transmission = await _load_for_job(session, transmission_id)
        if transmission is None or transmission.status is not TransmissionState.QUEUED:
            return None
        if transmission.next_attempt_at is not None:
            wait = (transmission.next_attempt_at - utcnow()).total_seconds()
            if wait > SCHEDULE_TOLERANCE_SECONDS:
                return wait
        transmission.attempts += 1
        transmission.next_attempt_at = None
        try:
            invoice = await invoicing_service.get_invoice(session, transmission.invoice_id)
            xml = await issued_xml(session, invoice, settings=settings)
            config = provider_config(
                settings, await _account(session, transmission.provider_account_id)
            )
            provider = _open(config)
        except Exception as exc:  # whatever stops us from sending, the user must see it
            log.exception(
                "peppol send could not start", extra={"transmission_id": str(transmission_id)}
            )
            await apply_state(
                session,
                transmission,
                TransmissionState.FAILED,
                source=EventSource.SEND,
                reason=f"The document could not be prepared for sending: {_error_text(exc)}",
            )
            await session.commit()
            return None
        prepared = _Prepared(
            provider=provider,
            xml=xml,
            document_number=transmission.document_number,
            sender_id=transmission.sender_id,
            receiver_id=transmission.receiver_id,
            idempotency_key=transmission.idempotency_key,
            attempt=transmission.attempts,
        )
        await session.commit()
        return prepared


async def process_send(
    sessions: SessionFactory,
    transmission_id: uuid.UUID,
    *,
    settings: Settings,
    policy: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> None:
    """Body of the ``peppol.send`` job. Raises ``RetryLater`` when the provider asked us to come
    back; returns when the transmission is sent, final, or not ours to send any more."""
    policy = policy or send_retry_policy(settings)
    prepared = await _prepare_send(sessions, transmission_id, settings)
    if prepared is None:
        return
    if isinstance(prepared, float):
        raise RetryLater("the next attempt is not due yet", delay_seconds=prepared)
    error: Exception | None = None
    result: SendResult | None = None
    try:
        result = await prepared.provider.send_invoice(
            prepared.xml,
            prepared.document_number,
            prepared.sender_id,
            prepared.receiver_id,
            idempotency_key=prepared.idempotency_key,
        )
    except (RetryableProviderError, PermanentProviderError) as exc:
        error = exc
    finally:
        await prepared.provider.aclose()

    retry_in: float | None = None
    async with job_queue.collecting() as follow_ups:
        async with sessions() as session:
            transmission = await _load_for_job(session, transmission_id)
            if transmission is None:
                return
            outcome: str | None = None
            if result is not None and transmission.status is TransmissionState.QUEUED:
                await _record_sent(session, transmission, result)
                if not transmission.is_final:
                    job_queue.enqueue(POLL_JOB, transmission_id=str(transmission.id))
                outcome = "sent"
            elif error is not None and transmission.status is TransmissionState.QUEUED:
                retry_in = await _record_send_error(
                    session, transmission, error, prepared.attempt, policy, rng
                )
                outcome = "retry" if retry_in is not None else transmission.status.value.lower()
            await session.commit()
        if outcome is not None:
            PEPPOL_SENDS.labels(outcome=outcome).inc()
        await follow_ups.send()
    if retry_in is not None:
        raise RetryLater(f"provider asked to retry: {error}", delay_seconds=retry_in)


async def _record_sent(
    session: AsyncSession, transmission: PeppolTransmission, result: SendResult
) -> None:
    transmission.provider_message_id = result.message_id
    transmission.last_error = None
    transmission.next_attempt_at = None
    if transmission.sent_at is None:
        transmission.sent_at = utcnow()
    await apply_state(
        session,
        transmission,
        TransmissionState.SENT,
        source=EventSource.SEND,
        provider_status=result.provider_status,
    )
    state = _FROM_PROVIDER[result.status]
    if state is not TransmissionState.SENT:
        await apply_state(
            session,
            transmission,
            state,
            source=EventSource.SEND,
            provider_status=result.provider_status,
        )


async def _record_send_error(
    session: AsyncSession,
    transmission: PeppolTransmission,
    error: Exception,
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random | None,
) -> float | None:
    """Schedule the next attempt (its delay in seconds) or settle the transmission (None)."""
    text = _error_text(error)
    if isinstance(error, RetryableProviderError):
        if attempt < policy.max_attempts:
            delay = policy.delay_for(attempt, error, rng or random.Random())
            transmission.last_error = f"attempt {attempt}: {text}"
            transmission.next_attempt_at = utcnow() + timedelta(seconds=delay)
            await session.flush()
            return delay
        reason = f"gave up after {attempt} attempts: {text}"
        await apply_state(
            session, transmission, TransmissionState.FAILED, source=EventSource.SEND, reason=reason
        )
        return None
    # The document itself was refused: it will never go through as it is.
    refused = isinstance(error, ValidationRejectedError | InvalidDocumentError)
    state = TransmissionState.REJECTED if refused else TransmissionState.FAILED
    code = getattr(error, "code", None)
    await apply_state(
        session,
        transmission,
        state,
        source=EventSource.SEND,
        reason=text,
        reason_code=code if isinstance(code, str) else None,
    )
    return None


def send_retry_policy(settings: Settings) -> RetryPolicy:
    """The send job's backoff as configured (``PEPPOL_SEND_*``)."""
    return RetryPolicy(
        max_attempts=min(settings.peppol_send_max_attempts, SEND_MAX_ATTEMPTS_LIMIT),
        base_delay=settings.peppol_send_backoff_seconds,
        multiplier=SEND_RETRY_POLICY.multiplier,
        max_delay=max(
            settings.peppol_send_backoff_max_seconds, settings.peppol_send_backoff_seconds
        ),
        jitter=SEND_RETRY_POLICY.jitter,
    )


def poll_delay(sent_at: datetime | None, now: datetime) -> float:
    """Ask often just after sending, then less and less (half the age, 5 s to 15 min)."""
    age = (now - sent_at).total_seconds() if sent_at else 0.0
    return min(POLL_MAX_SECONDS, max(POLL_MIN_SECONDS, age / 2))


async def process_poll(
    sessions: SessionFactory, transmission_id: uuid.UUID, *, settings: Settings
) -> None:
    """Body of the ``peppol.poll_status`` job: read the status from the provider the
    transmission used; ``RetryLater`` while it is not final."""
    async with sessions() as session:
        transmission = await _load_for_job(session, transmission_id)
        if (
            transmission is None
            or transmission.is_final
            or transmission.provider_message_id is None
        ):
            return
        message_id = transmission.provider_message_id
        sent_at = transmission.sent_at
        try:
            account = await _account(session, transmission.provider_account_id)
            provider = _open(provider_config(settings, account))
        except (InvalidProviderSettings, DecryptionError) as exc:
            transmission.last_error = f"status polling stopped: {exc}"
            await session.commit()
            return
        await session.commit()

    now = utcnow()
    delay = poll_delay(sent_at, now)
    try:
        status = await provider.get_status(message_id)
    except RetryableProviderError as exc:
        raise RetryLater(
            f"status poll: {exc}", delay_seconds=max(delay, exc.retry_after or 0.0)
        ) from exc
    except PermanentProviderError as exc:
        async with sessions() as session:
            transmission = await _load_for_job(session, transmission_id)
            if transmission is not None and not transmission.is_final:
                transmission.last_error = f"status polling stopped: {_error_text(exc)}"
            await session.commit()
        return
    finally:
        await provider.aclose()

    async with sessions() as session:
        transmission = await _load_for_job(session, transmission_id)
        if transmission is None:
            return
        await apply_state(
            session,
            transmission,
            _FROM_PROVIDER[status.status],
            source=EventSource.POLL,
            provider_status=status.provider_status,
            reason=status.reason,
            reason_code=status.reason_code,
            occurred_at=status.updated_at,
        )
        final = transmission.is_final
        too_old = sent_at is not None and now - sent_at > POLL_GIVE_UP_AFTER
        if not final:
            if too_old:
                transmission.last_error = "status polling stopped: no final status after 7 days"
                transmission.next_attempt_at = None
            else:
                transmission.next_attempt_at = now + timedelta(seconds=delay)
        await session.commit()
    if not final and not too_old:
        raise RetryLater("not final yet", delay_seconds=delay)


async def resume_stalled(session: AsyncSession) -> int:
    """Enqueue the jobs of transmissions that may have lost theirs (e.g. the in-process queue
    restarted): QUEUED ones get ``peppol.send`` (which waits for their next attempt time),
    SENT/DELIVERED ones ``peppol.poll_status``. Jobs are idempotent, so a spare copy costs at most
    one provider call. Returns how many were queued."""
    with tenancy.system_scope(session):
        rows = (
            await session.execute(
                sa.select(PeppolTransmission.id, PeppolTransmission.status).where(
                    PeppolTransmission.status.in_(
                        [
                            TransmissionState.QUEUED,
                            TransmissionState.SENT,
                            TransmissionState.DELIVERED,
                        ]
                    ),
                    sa.or_(
                        PeppolTransmission.status == TransmissionState.QUEUED,
                        PeppolTransmission.provider_message_id.is_not(None),
                    ),
                )
            )
        ).all()
    for transmission_id, status in rows:
        job = SEND_JOB if status is TransmissionState.QUEUED else POLL_JOB
        job_queue.enqueue(job, transmission_id=str(transmission_id))
    return len(rows)


# --- status callbacks ----------------------------------------------------------------------------


async def handle_status_callback(
    session: AsyncSession, callback: StatusCallback
) -> StatusCallbackResult:
    """Apply a verified status callback once: a repeated ``event_id`` changes nothing."""
    name = callback.status.upper()
    if name not in _FROM_CALLBACK:
        raise Unprocessable(
            f"Unknown Peppol status {callback.status!r}.", code="unknown_peppol_status"
        )
    state = _FROM_CALLBACK[name]
    with tenancy.system_scope(session):
        company_id = (
            await session.execute(
                sa.select(PeppolTransmission.company_id)
                .where(PeppolTransmission.provider_message_id == callback.message_id)
                .order_by(PeppolTransmission.created_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    if company_id is None:
        from involinks.peppol import responses  # imports this module

        sent = await responses.apply_callback(
            session, callback.message_id, callback.status, callback.reason
        )
        if sent is not None:  # a buyer's Invoice Response we sent: its own status only
            return StatusCallbackResult(
                transmission_id=sent.id, status=sent.status, duplicate=False, applied=True
            )
        # Possibly ahead of our own bookkeeping of the send: the access point retries.
        raise NotFound("No transmission with this message id.", code="unknown_message")
    with tenancy.company_scope(session, company_id):
        transmission = (
            await session.execute(
                sa.select(PeppolTransmission)
                .where(PeppolTransmission.provider_message_id == callback.message_id)
                .order_by(PeppolTransmission.created_at.desc())
                .limit(1)
            )
        ).scalar_one()
        seen = (
            await session.execute(
                sa.select(PeppolTransmissionEvent.id).where(
                    PeppolTransmissionEvent.transmission_id == transmission.id,
                    PeppolTransmissionEvent.event_id == callback.event_id,
                )
            )
        ).scalar_one_or_none()
        if seen is not None or state is None:
            return StatusCallbackResult(
                transmission_id=transmission.id,
                status=transmission.status,
                duplicate=seen is not None,
                applied=False,
            )
        try:
            # A copy of this callback racing us loses on the unique key, inside a savepoint.
            async with session.begin_nested():
                applied = await apply_state(
                    session,
                    transmission,
                    state,
                    source=EventSource.CALLBACK,
                    provider_status=callback.status,
                    reason=callback.reason,
                    reason_code=callback.reason_code,
                    event_id=callback.event_id,
                    occurred_at=callback.occurred_at,
                )
        except IntegrityError:
            return StatusCallbackResult(
                transmission_id=transmission.id,
                status=transmission.status,
                duplicate=True,
                applied=False,
            )
        return StatusCallbackResult(
            transmission_id=transmission.id,
            status=transmission.status,
            duplicate=False,
            applied=applied,
        )


# --- participants --------------------------------------------------------------------------------


async def lookup_participant(
    session: AsyncSession, settings: Settings, participant: str
) -> ParticipantRead:
    """Is ``participant`` registered on the network? Asked through the company's provider."""
    try:
        parse_participant_id(participant)
    except InvalidParticipantIdError as exc:
        raise Unprocessable(
            f"{exc}; a UAE participant id looks like 0235:1234567890.",
            code="invalid_participant_id",
            details=[{"field": "participant_id", "message": str(exc)}],
        ) from exc
    provider = _open(provider_config(settings, await _active_account(session)))
    try:
        found = await provider.validate_participant_id(participant)
    except RetryableProviderError as exc:
        retry_after = int(exc.retry_after) if exc.retry_after else 30
        raise ProviderUnavailable(
            "The Peppol provider did not answer; try again shortly.",
            headers={"Retry-After": str(max(1, retry_after))},
        ) from exc
    except PermanentProviderError as exc:
        raise ProviderFailed(f"The Peppol provider refused the lookup: {exc}") from exc
    finally:
        await provider.aclose()
    return ParticipantRead(
        participant_id=found.participant_id,
        registered=found.registered,
        name=found.name,
        provider=provider.name,
    )


# --- the local sandbox ---------------------------------------------------------------------------


async def hosted_participants(session: AsyncSession) -> list[SandboxParticipant]:
    """Every active company with a Peppol id, as participants hosted on InvoLinks, for the
    sandbox access point's directory (``SandboxParticipant`` objects)."""
    from involinks.peppol.sandbox.settings import SandboxParticipant

    with tenancy.system_scope(session):
        rows = (
            await session.execute(
                sa.select(Company.peppol_id, Company.legal_name).where(
                    Company.status == CompanyStatus.ACTIVE, Company.peppol_id.is_not(None)
                )
            )
        ).all()
    participants = []
    for peppol_id, name in rows:
        try:
            participants.append(
                # Hosted buyers answer for themselves (peppol.responses): no simulated answer.
                SandboxParticipant(
                    participant_id=peppol_id, name=name, hosted=True, response="none"
                )
            )
        except ValidationError:
            log.warning("company with an unusable Peppol id left out of the sandbox directory")
    return participants


async def sandbox_directory(settings: Settings) -> list[SandboxParticipant]:
    """``hosted_participants`` read from the configured database, for ``involinks sandbox-ap`` at
    start-up; empty (with a warning) when the database cannot be read yet."""
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            return await hosted_participants(session)
    except SQLAlchemyError:
        log.warning("sandbox directory: the platform database could not be read")
        return []
    finally:
        await engine.dispose()
