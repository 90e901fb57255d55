"""The sandbox access point's behaviour, independent of the HTTP shapes it speaks.

A dispatched message moves, on the sandbox clock, through
``RECEIVED -> SENT -> DELIVERED -> ACCEPTED`` (or ``REJECTED`` by the receiver's business response);
a receiver missing from the participant directory ends in ``REJECTED`` (``RECEIVER_NOT_FOUND``)
when the message would leave for the network, as an SMP lookup would fail. A document for a
participant hosted on InvoLinks is POSTed, signed, to the inbound URL when it is delivered;
if that keeps failing the message ends in ``FAILED``. Each change is reported to the status
callback URL, when one is configured.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

from involinks.peppol.inbound_signature import sign_inbound, sign_status_callback
from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.sandbox.clock import Clock
from involinks.peppol.sandbox.models import (
    BUSINESS_REJECTED,
    DELIVERY_FAILED,
    RECEIVER_NOT_FOUND,
    Api,
    HistoryEntry,
    PendingEvent,
    SandboxMessage,
    SandboxStatus,
    StatusEvent,
    iso,
)
from involinks.peppol.sandbox.settings import (
    FaultConfig,
    FaultKind,
    SandboxParticipant,
    SandboxSettings,
)
from involinks.peppol.sandbox.store import SandboxStore, is_safe_id
from involinks.peppol.ubl_routing import RoutingInfo, UblRoutingError, read_routing

__all__ = ["SandboxAccessPoint", "SandboxError"]

log = logging.getLogger(__name__)

_EVENT_NAMESPACE = uuid.UUID("0f5e3c52-8f0b-5d7e-9d3a-6c1b2a4e7f90")


class SandboxError(Exception):
    """Rendered by the app in the shape of the API that was called."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        details: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details or []  # (field, problem) pairs for validation errors


@dataclass
class _Outcome:
    ok: bool
    detail: str = ""


@dataclass
class SandboxStats:
    counters: Counter[str] = field(default_factory=Counter)


class SandboxAccessPoint:
    def __init__(
        self,
        settings: SandboxSettings,
        *,
        clock: Clock,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store = SandboxStore(settings.data_dir)
        self.messages = self.store.load_messages()
        self.faults: FaultConfig = settings.faults.model_copy(deep=True)
        self.stats = SandboxStats()
        self.oauth_nonces: dict[str, float] = {}
        self._participants = self._initial_participants()
        self._rng = random.Random(settings.seed)
        self._lock = asyncio.Lock()
        self._client = http_client
        self._owns_client = http_client is None

    # -- lifecycle -----------------------------------------------------------------------------

    def _outbound(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.settings.outbound_timeout_seconds)
        return self._client

    async def aclose(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- participant directory -----------------------------------------------------------------

    def _initial_participants(self) -> dict[str, SandboxParticipant]:
        stored = self.store.load_participants() or []
        merged = {p.participant_id: p for p in stored}
        # Configured participants win over stored ones with the same id.
        merged.update({p.participant_id: p for p in self.settings.participants})
        if merged and stored != list(merged.values()):
            self.store.save_participants(list(merged.values()))
        return merged

    def participants(self) -> list[SandboxParticipant]:
        return sorted(self._participants.values(), key=lambda p: p.participant_id)

    def lookup(self, participant_id: str) -> SandboxParticipant | None:
        try:
            key = str(parse_participant_id(participant_id))
        except InvalidParticipantIdError:
            return None
        return self._participants.get(key)

    def upsert_participant(self, participant: SandboxParticipant) -> None:
        self._participants[participant.participant_id] = participant
        self.store.save_participants(self.participants())

    def remove_participant(self, participant_id: str) -> bool:
        key = str(parse_participant_id(participant_id))
        removed = self._participants.pop(key, None) is not None
        if removed:
            self.store.save_participants(self.participants())
        return removed

    # -- faults --------------------------------------------------------------------------------

    def next_fault(self) -> FaultKind:
        self.stats.counters["api_requests"] += 1
        faults = self.faults
        kind: FaultKind = "none"
        if faults.script:
            kind = faults.script.pop(0)
        elif faults.timeout_rate and self._rng.random() < faults.timeout_rate:
            kind = "timeout"
        elif faults.rate_limit_rate and self._rng.random() < faults.rate_limit_rate:
            kind = "rate_limit"
        elif faults.error_rate and self._rng.random() < faults.error_rate:
            kind = "error"
        if kind != "none":
            self.stats.counters[f"fault_{kind}"] += 1
        return kind

    async def fault_before(self) -> FaultKind:
        """Apply latency and pre-processing faults; returns the fault kind for the handler."""
        kind = self.next_fault()
        if self.faults.latency_seconds:
            await asyncio.sleep(self.faults.latency_seconds)
        if kind == "timeout":
            await asyncio.sleep(self.faults.hang_seconds)
            raise SandboxError(504, "GatewayTimeout", "upstream timed out (injected)")
        if kind == "rate_limit":
            raise SandboxError(
                429,
                "TooManyRequests",
                "rate limit exceeded (injected)",
                headers={"Retry-After": str(self.faults.retry_after_seconds)},
            )
        if kind == "error":
            raise SandboxError(
                self.faults.error_status, "ServiceUnavailable", "temporary failure (injected)"
            )
        return kind

    async def fault_after(self, kind: FaultKind) -> None:
        """The request took effect; lose its answer when asked to."""
        if kind == "timeout_after_processing":
            await asyncio.sleep(self.faults.hang_seconds)
            raise SandboxError(504, "GatewayTimeout", "upstream timed out (injected)")
        if kind == "error_after_processing":
            raise SandboxError(
                self.faults.error_status, "ServiceUnavailable", "temporary failure (injected)"
            )

    # -- documents -----------------------------------------------------------------------------

    def get(self, message_id: str) -> SandboxMessage | None:
        return self.messages.get(message_id)

    def read_xml(self, message_id: str) -> bytes:
        return self.store.read_xml(message_id)

    def _routing(self, xml: bytes) -> RoutingInfo:
        try:
            return read_routing(xml)
        except UblRoutingError as exc:
            raise SandboxError(400, "BadRequest", f"document rejected: {exc}") from exc

    def _check_id(self, message_id: str) -> None:
        if not is_safe_id(message_id):
            raise SandboxError(400, "BadRequest", "invalid document id")

    def _new_message(
        self, message_id: str, api: Api, routing: RoutingInfo, digest: str
    ) -> SandboxMessage:
        now = self.clock.now()
        return SandboxMessage(
            message_id=message_id,
            api=api,
            document_type=routing.document_type,
            document_number=routing.document_number,
            sender_id=str(routing.sender),
            receiver_id=str(routing.receiver),
            receiver_name=routing.receiver_name,
            content_sha256=digest,
            status=SandboxStatus.STORED,
            created_at=now,
            updated_at=now,
        )

    def store_document(
        self, message_id: str, xml: bytes, profile_id: str
    ) -> tuple[SandboxMessage, bool]:
        """Tradeshift-shaped save. Returns (message, created)."""
        self._check_id(message_id)
        routing = self._routing(xml)
        digest = hashlib.sha256(xml).hexdigest()
        existing = self.messages.get(message_id)
        if existing is not None:
            if existing.api != "tradeshift":
                raise SandboxError(409, "Conflict", "id used by another document")
            if existing.status is not SandboxStatus.STORED:
                if existing.content_sha256 == digest:
                    return existing, False  # replay of the same save
                raise SandboxError(409, "Conflict", "document already dispatched (locked)")
        message = self._new_message(message_id, "tradeshift", routing, digest)
        if existing is not None:
            message.created_at = existing.created_at
        message.profile_id = profile_id
        self.messages[message_id] = message
        self.store.save_message(message, xml)
        self.stats.counters["documents_stored"] += 1
        return message, existing is None

    def dispatch(self, message_id: str, dispatch_id: str) -> tuple[SandboxMessage, bool]:
        """Tradeshift-shaped dispatch of a stored document. Returns (message, replayed)."""
        self._check_id(dispatch_id)
        message = self.messages.get(message_id)
        if message is None or message.api != "tradeshift":
            raise SandboxError(404, "ObjectNotFound", "document not found")
        if message.dispatch_id is not None:
            if message.dispatch_id == dispatch_id:
                return message, True
            raise SandboxError(409, "Conflict", "document already dispatched")
        message.dispatch_id = dispatch_id
        self._mark_received(message)
        return message, False

    def submit_basware(
        self, bum_id: str, client_token: str, xml: bytes
    ) -> tuple[SandboxMessage, bool]:
        """Basware-shaped send. Returns (message, replayed)."""
        self._check_id(bum_id)
        routing = self._routing(xml)
        digest = hashlib.sha256(xml).hexdigest()
        existing = self.messages.get(bum_id)
        if existing is not None:
            if (
                existing.api == "basware"
                and existing.client_token == client_token
                and existing.content_sha256 == digest
            ):
                return existing, True
            raise SandboxError(409, "Conflict", "bumId already used for another document")
        message = self._new_message(bum_id, "basware", routing, digest)
        message.client_token = client_token
        self.messages[bum_id] = message
        self.store.save_message(message, xml)
        self._mark_received(message)
        return message, False

    def inject_inbound(self, xml: bytes) -> SandboxMessage:
        """A document from another access point to a participant hosted on InvoLinks."""
        routing = self._routing(xml)
        participant = self.lookup(str(routing.receiver))
        if participant is None or not participant.hosted:
            raise SandboxError(400, "BadRequest", "receiver is not a hosted participant")
        message_id = str(uuid.uuid4())
        message = self._new_message(
            message_id, "external", routing, hashlib.sha256(xml).hexdigest()
        )
        self.messages[message_id] = message
        self.store.save_message(message, xml)
        self._mark_received(message)
        return message

    def _mark_received(self, message: SandboxMessage) -> None:
        now = self.clock.now()
        message.dispatched_at = now
        self._transition(message, SandboxStatus.RECEIVED, now)
        self.store.save_message(message)
        self.stats.counters["messages_received"] += 1

    def _transition(
        self,
        message: SandboxMessage,
        status: SandboxStatus,
        at: float,
        *,
        reason_code: str | None = None,
        reason: str | None = None,
    ) -> None:
        message.status = status
        message.reason_code = reason_code
        message.reason = reason
        message.updated_at = at
        message.history.append(HistoryEntry(status=status, at=at, reason=reason))
        if self.settings.status_callback_url:
            event = StatusEvent(
                event_id=str(uuid.uuid5(_EVENT_NAMESPACE, f"{message.message_id}:{status}")),
                message_id=message.message_id,
                api=message.api,
                status=status,
                reason_code=reason_code,
                reason=reason,
                occurred_at=iso(at),
                sender_id=message.sender_id,
                receiver_id=message.receiver_id,
                document_number=message.document_number,
            )
            message.outbox.append(PendingEvent(event=event, next_at=at))

    # -- progression ---------------------------------------------------------------------------

    async def advance(self, seconds: float) -> int:
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise SandboxError(409, "Conflict", "the sandbox runs on wall time (manual_clock off)")
        advance(seconds)
        return await self.process_due()

    async def process_due(self) -> int:
        """Run every transition, delivery and callback that is due now; returns transitions."""
        async with self._lock:
            now = self.clock.now()
            transitions = 0
            for message in list(self.messages.values()):
                attempts = message.inbound_attempts
                dirty = False
                # Bounded: each pass either changes status (at most 4 times) or stops.
                for _ in range(len(SandboxStatus)):
                    if not await self._step(message, now):
                        break
                    transitions += 1
                    dirty = True
                if message.outbox:
                    await self._flush_outbox(message, now)
                    dirty = True
                if dirty or attempts != message.inbound_attempts:
                    self.store.save_message(message)
            return transitions

    async def _step(self, message: SandboxMessage, now: float) -> bool:
        if message.dispatched_at is None or message.is_terminal:
            return False
        timings = self.settings.timings
        start = message.dispatched_at
        participant = self.lookup(message.receiver_id)
        if message.status is SandboxStatus.RECEIVED:
            due = start + timings.sent_after_seconds
            if now < due:
                return False
            if participant is None:
                self._transition(
                    message,
                    SandboxStatus.REJECTED,
                    due,
                    reason_code=RECEIVER_NOT_FOUND,
                    reason=f"receiver {message.receiver_id} is not registered on the network",
                )
            else:
                self._transition(message, SandboxStatus.SENT, due)
            return True
        if message.status is SandboxStatus.SENT:
            due = message.next_inbound_at or start + timings.delivered_after_seconds
            if now < due:
                return False
            if participant is not None and participant.hosted:
                outcome = await self._deliver_inbound(message)
                if not outcome.ok:
                    message.inbound_attempts += 1
                    if message.inbound_attempts >= timings.max_inbound_attempts:
                        self._transition(
                            message,
                            SandboxStatus.FAILED,
                            now,
                            reason_code=DELIVERY_FAILED,
                            reason=f"inbound delivery failed: {outcome.detail}",
                        )
                        return True
                    message.next_inbound_at = now + timings.inbound_retry_seconds
                    return False
            self._transition(message, SandboxStatus.DELIVERED, max(due, message.updated_at))
            return True
        if message.status is SandboxStatus.DELIVERED:
            # A late delivery (after inbound retries) still leaves the receiver its usual delay.
            delay = timings.responded_after_seconds - timings.delivered_after_seconds
            due = max(start + timings.responded_after_seconds, message.updated_at + delay)
            response = participant.response if participant is not None else "none"
            if now < due or response == "none":
                return False
            if response == "accept":
                self._transition(message, SandboxStatus.ACCEPTED, max(due, message.updated_at))
            else:
                self._transition(
                    message,
                    SandboxStatus.REJECTED,
                    max(due, message.updated_at),
                    reason_code=BUSINESS_REJECTED,
                    reason="rejected by the receiver",
                )
            return True
        return False

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
        try:
            response = await self._outbound().post(
                url, content=body, headers=headers, timeout=self.settings.outbound_timeout_seconds
            )
        except httpx.HTTPError as exc:
            return _Outcome(False, type(exc).__name__)
        if response.is_success:
            return _Outcome(True)
        return _Outcome(False, f"HTTP {response.status_code}")

    async def _deliver_inbound(self, message: SandboxMessage) -> _Outcome:
        url = self.settings.inbound_url
        secret = self.settings.inbound_secret
        if not url or secret is None:
            return _Outcome(False, "no inbound URL configured")
        body = self.store.read_xml(message.message_id)
        headers = sign_inbound(
            body,
            secret=secret.get_secret_value(),
            sender_id=message.sender_id,
            receiver_id=message.receiver_id,
            message_id=message.message_id,
        )
        headers["Content-Type"] = "application/xml"
        outcome = await self._post(url, body, headers)
        self.stats.counters["inbound_ok" if outcome.ok else "inbound_failed"] += 1
        return outcome

    async def _flush_outbox(self, message: SandboxMessage, now: float) -> None:
        url = self.settings.status_callback_url
        secret = self.settings.effective_callback_secret
        if not url or secret is None:
            message.outbox.clear()
            return
        timings = self.settings.timings
        remaining: list[PendingEvent] = []
        for pending in message.outbox:
            if pending.next_at > now:
                remaining.append(pending)
                continue
            body = pending.event.model_dump_json().encode()
            copies = 1
            rate = self.faults.duplicate_callback_rate
            if rate and self._rng.random() < rate:
                copies = 2
            delivered = False
            for _ in range(copies):
                headers = sign_status_callback(body, secret=secret.get_secret_value())
                headers["Content-Type"] = "application/json"
                outcome = await self._post(url, body, headers)
                delivered = delivered or outcome.ok
                self.stats.counters["callbacks_ok" if outcome.ok else "callbacks_failed"] += 1
            if copies == 2:
                self.stats.counters["callbacks_duplicated"] += 1
            if delivered:
                continue
            pending.attempts += 1
            if pending.attempts < timings.max_callback_attempts:
                pending.next_at = now + timings.callback_retry_seconds
                remaining.append(pending)
            else:
                log.warning("sandbox dropped a status callback after retries")
        message.outbox = remaining
