"""Basware adapter (Basware Network REST API).

Documented publicly (network-developer.basware.com, and the published JSON schema of
``POST /invoices``):

* base ``https://api.basware.com`` (test ``https://test-api.basware.com``), JSON bodies, UTF-8,
  content in other encodings wrapped in Base64 fields;
* HTTP Basic authentication over HTTPS;
* ``POST /v1/invoices/{bumId}``: send an invoice; ``clientToken`` (a UUID) makes Basware process
  an invoice only once, and a timed-out call must be retried with the same token;
* the document life cycle is reported through notifications: ``TechnicalAccept`` (action
  ``Delivered`` / ``DeliveryConfirmed``), ``TechnicalReject`` (``Undelivered``),
  ``BusinessAccept`` (``DocumentAccepted``), ``BusinessReject`` (``DocumentRejected``);
* error body ``{"version", "errors": {"message", "code", "type", "validationErrors":
  [{"fieldId", "fieldMessage"}]}}``.

Not publicly documented (assumptions to confirm during provider onboarding):

* how to hand over a ready UBL (PINT AE) document byte for byte: the public invoice model is
  Basware's own JSON; we send the routing fields there and the UBL Base64-encoded in
  ``ublDocument.content``;
* that 409 answers a replayed ``bumId``/``clientToken`` (treated as an idempotent success);
* the notification query ``GET /v1/notifications?bumId=..`` (a list, or ``{"notifications": [..]}``)
  and its fields ``notificationType``, ``actionCode``, ``reasonCode``, ``reason``, ``createdAt``;
  the action ``Sent`` for "handed to the network", and ``reasonCode`` values
  ``ReceiverNotFound`` / ``ValidationError`` marking a technical reject as a rejection rather than
  a delivery failure;
* the participant lookup ``GET /v1/directory/peppol?participantId=..``, modeled on the documented
  ``GET /v1/directory/fr`` (a JSON array of entries; empty when unknown);
* the ``X-BW-REQUEST-ID`` correlation header (seen in public client code);
* rate limiting: handled generically (429 + Retry-After).
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

import httpx

from involinks.peppol.participants import ParticipantId, parse_participant_id
from involinks.peppol.providers._document import check_document
from involinks.peppol.providers._http import ErrorInfo, ProviderHttp, json_body
from involinks.peppol.providers.base import (
    ParticipantLookup,
    SendResult,
    StatusResult,
    TransmissionStatus,
    derive_provider_uuid,
)
from involinks.peppol.providers.errors import ProviderResponseError
from involinks.peppol.providers.registry import ProviderConfig, register_provider

__all__ = ["BaswareProvider", "normalize_basware_notifications"]

REQUEST_ID_HEADER = "X-BW-REQUEST-ID"
_REJECT_REASONS = {"ReceiverNotFound", "ValidationError"}


def _rank(notification: dict[str, Any]) -> tuple[int, TransmissionStatus]:
    kind = notification.get("notificationType")
    action = notification.get("actionCode")
    if kind == "BusinessAccept":
        return 5, TransmissionStatus.ACCEPTED
    if kind == "BusinessReject":
        return 5, TransmissionStatus.REJECTED
    if kind == "TechnicalReject":
        if notification.get("reasonCode") in _REJECT_REASONS:
            return 4, TransmissionStatus.REJECTED
        return 4, TransmissionStatus.FAILED
    if kind == "TechnicalAccept" and action in ("Delivered", "DeliveryConfirmed"):
        return 3, TransmissionStatus.DELIVERED
    if kind == "TechnicalAccept":
        return 2, TransmissionStatus.SENT
    return 0, TransmissionStatus.QUEUED


def normalize_basware_notifications(
    notifications: list[dict[str, Any]],
) -> tuple[TransmissionStatus, dict[str, Any] | None]:
    """The most advanced state any notification reports (robust to list order)."""
    best: tuple[int, TransmissionStatus] = (0, TransmissionStatus.QUEUED)
    chosen: dict[str, Any] | None = None
    for notification in notifications:
        ranked = _rank(notification)
        if ranked[0] > best[0]:
            best, chosen = ranked, notification
    return best[1], chosen


def _parse_error(response: httpx.Response) -> ErrorInfo:
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        raise ValueError("no errors object")
    details = tuple(
        f"{item.get('fieldId')}: {item.get('fieldMessage')}"
        for item in errors.get("validationErrors") or []
        if isinstance(item, dict)
    )
    return errors.get("code"), str(errors.get("message") or response.reason_phrase), details


def _party(participant: ParticipantId, name: str | None) -> dict[str, Any]:
    return {
        "endpoint": {"id": participant.value, "schemeId": participant.scheme},
        "partyName": name or str(participant),
    }


@register_provider("basware")
class BaswareProvider:
    name = "basware"

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        client: httpx.AsyncClient | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        if not username or not password:
            raise ValueError("Basware needs a user name and password (HTTP Basic)")
        self._http = ProviderHttp(
            provider=self.name,
            base_url=base_url,
            timeout_seconds=timeout_seconds,
            client=client,
            auth=httpx.BasicAuth(username, password),
            headers={"Accept": "application/json"},
            error_parser=_parse_error,
        )

    @classmethod
    def from_config(
        cls, config: ProviderConfig, *, client: httpx.AsyncClient | None = None
    ) -> BaswareProvider:
        return cls(
            base_url=config.base_url,
            username=config.option("username"),
            password=config.api_key.get_secret_value(),
            client=client,
            timeout_seconds=config.timeout_seconds,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> BaswareProvider:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _request_id(self) -> dict[str, str]:
        return {REQUEST_ID_HEADER: str(uuid.uuid4())}

    async def send_invoice(
        self,
        xml: bytes,
        invoice_number: str,
        sender_id: str,
        receiver_id: str,
        *,
        idempotency_key: str,
    ) -> SendResult:
        routing = check_document(self.name, xml, invoice_number, sender_id, receiver_id)
        bum_id = derive_provider_uuid(idempotency_key, "basware-bum")
        body = {
            "clientToken": derive_provider_uuid(idempotency_key, "basware-client-token"),
            "deliveryChannelPreference": "only-eInvoicing",
            "data": {
                "id": routing.document_number,
                "accountingSupplierParty": _party(routing.sender, routing.sender_name),
                "accountingCustomerParty": _party(routing.receiver, routing.receiver_name),
            },
            "ublDocument": {
                "documentType": routing.document_type,
                "customizationId": routing.customization_id,
                "mimeType": "application/xml",
                "content": base64.b64encode(xml).decode("ascii"),
            },
        }
        response = await self._http.request(
            "POST",
            f"/v1/invoices/{bum_id}",
            json=body,
            headers=self._request_id(),
            accept_status={409},  # this bumId/clientToken was processed already
        )
        provider_status = None
        if response.status_code != 409 and response.content:
            try:
                answer = json_body(response)
            except ValueError as exc:
                raise ProviderResponseError(str(exc), provider=self.name) from exc
            raw = answer.get("status") if isinstance(answer, dict) else None
            provider_status = raw if isinstance(raw, str) else None
        return SendResult(
            provider=self.name,
            message_id=bum_id,
            status=TransmissionStatus.QUEUED,
            provider_status=provider_status,
            idempotency_key=idempotency_key,
            duplicate=response.status_code in (200, 409),
        )

    async def get_status(self, message_id: str) -> StatusResult:
        response = await self._http.request(
            "GET", "/v1/notifications", params={"bumId": message_id}, headers=self._request_id()
        )
        try:
            body = json_body(response)
        except ValueError as exc:
            raise ProviderResponseError(str(exc), provider=self.name) from exc
        items = body.get("notifications") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise ProviderResponseError("notification list missing", provider=self.name)
        notifications = [n for n in items if isinstance(n, dict) and n.get("bumId") == message_id]
        status, chosen = normalize_basware_notifications(notifications)
        if chosen is None:
            return StatusResult(provider=self.name, message_id=message_id, status=status)
        raw = "/".join(
            str(chosen.get(k)) for k in ("notificationType", "actionCode") if chosen.get(k)
        )
        return StatusResult(
            provider=self.name,
            message_id=message_id,
            status=status,
            provider_status=raw or None,
            reason=chosen.get("reason") if isinstance(chosen.get("reason"), str) else None,
            reason_code=chosen.get("reasonCode")
            if isinstance(chosen.get("reasonCode"), str)
            else None,
            updated_at=_timestamp(chosen.get("createdAt")),
        )

    async def validate_participant_id(self, participant_id: str) -> ParticipantLookup:
        wanted = parse_participant_id(participant_id)
        response = await self._http.request(
            "GET",
            "/v1/directory/peppol",
            params={"participantId": str(wanted)},
            headers=self._request_id(),
        )
        try:
            entries = json_body(response)
        except ValueError as exc:
            raise ProviderResponseError(str(exc), provider=self.name) from exc
        if not isinstance(entries, list):
            raise ProviderResponseError("directory answer is not a list", provider=self.name)
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            try:
                found = parse_participant_id(str(entry.get("participantId") or ""))
            except ValueError:
                continue
            if found == wanted:
                name = entry.get("name")
                return ParticipantLookup(
                    participant_id=str(wanted),
                    registered=True,
                    name=name if isinstance(name, str) else None,
                )
        return ParticipantLookup(participant_id=str(wanted), registered=False)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
