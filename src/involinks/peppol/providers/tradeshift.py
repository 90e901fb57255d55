"""Tradeshift adapter (Tradeshift External REST API).

Documented endpoints used (base ``https://api.tradeshift.com/tradeshift``, sandbox
``https://api-sandbox.tradeshift.com/tradeshift``):

* ``GET  /rest/external/documents/{documentId}/dispatches/latest``: latest dispatch of a document
  (``DispatchState`` ACCEPTED, PROCESSING, COMPLETED, FAILED_TRANSIENT, FAILED); Tradeshift's
  guidance is to read it before retrying a dispatch;
* ``PUT  /rest/external/documents/{documentId}?documentProfileId=..&draft=false``: store the UBL;
  the client chooses the document UUID, so a replay updates the same document;
* ``PUT  /rest/external/documents/{documentId}/dispatches/{dispatchId}``: dispatch the stored
  document; the client chooses the dispatch UUID (JSON body, ``ConnectionId`` optional);
* ``GET  /rest/external/documents?id={documentId}``: document information with ``UnifiedState``
  (SENT, DELIVERED, ACCEPTED, REJECTED_BY_RECEIVER, FAILED_DELIVERY, ...) and ``LatestDispatch``;
* ``GET  /rest/external/network/companies?query=..``: company search in the network.

Authentication: OAuth2 bearer token, or OAuth 1.0a two-legged HMAC-SHA1 (deprecated by Tradeshift,
still supported); every request carries ``X-Tradeshift-TenantId``. Error body:
``{"ErrorCode", "Message", "ErrorDetail": [{"Key", "Value"}], "RequestId"}``.

Idempotency: both ids are UUIDv5 of our transmission id, so a retried send stores and dispatches
the same resources.

Not publicly documented (assumptions to confirm during provider onboarding):

* the ``documentProfileId`` for PINT AE documents (options ``document_profile_invoice`` /
  ``document_profile_creditnote``; our defaults are placeholders);
* that replaying the dispatch PUT with the same ``dispatchId`` answers 2xx or 409 and does not
  dispatch again (we also read ``dispatches/latest`` first, which is documented);
* how a Peppol participant shows in ``/network/companies`` (no response schema is published):
  we read a ``Company`` list whose ``Identifiers`` hold ``{"scheme": "0235", "value": TIN}`` or
  ``{"scheme": "PEPPOL", "value": "0235:TIN"}``;
* the name of the failure-reason field of a failed dispatch (``FailureReason`` assumed);
* rate limiting: no 429 or Retry-After is documented; both are handled generically.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from involinks.peppol.participants import parse_participant_id
from involinks.peppol.providers._document import check_document
from involinks.peppol.providers._http import BearerAuth, ErrorInfo, ProviderHttp, json_body
from involinks.peppol.providers.base import (
    ParticipantLookup,
    SendResult,
    StatusResult,
    TransmissionStatus,
    derive_provider_uuid,
)
from involinks.peppol.providers.errors import MessageNotFoundError, ProviderResponseError
from involinks.peppol.providers.oauth1 import OAuth1Auth
from involinks.peppol.providers.registry import ProviderConfig, register_provider

__all__ = ["TradeshiftProvider", "normalize_tradeshift_status"]

API = "/rest/external"
DEFAULT_DOCUMENT_PROFILES = {
    "Invoice": "peppol.pint.ae.invoice.ubl.2.1",
    "CreditNote": "peppol.pint.ae.creditnote.ubl.2.1",
    "ApplicationResponse": "peppol.bis.invoice-response.ubl.2.1",
}
_PEPPOL_SCHEMES = {"peppol", "iso6523-actorid-upis"}

_UNIFIED: dict[str, TransmissionStatus] = {
    "ACCEPTED": TransmissionStatus.ACCEPTED,
    "PAID_UNCONFIRMED": TransmissionStatus.ACCEPTED,
    "PAID_CONFIRMED": TransmissionStatus.ACCEPTED,
    "OVERDUE": TransmissionStatus.ACCEPTED,
    "REJECTED_BY_RECEIVER": TransmissionStatus.REJECTED,
    "DISPUTED_BY_RECEIVER": TransmissionStatus.REJECTED,
    "REJECTED_BY_SENDER": TransmissionStatus.REJECTED,
    "CANCELED": TransmissionStatus.REJECTED,
    "FAILED_DELIVERY": TransmissionStatus.FAILED,
    "DELIVERED": TransmissionStatus.DELIVERED,
    "SENT": TransmissionStatus.SENT,
}
_DISPATCH: dict[str, TransmissionStatus] = {
    "ACCEPTED": TransmissionStatus.QUEUED,
    "FAILED_TRANSIENT": TransmissionStatus.QUEUED,  # Tradeshift retries by itself
    "PROCESSING": TransmissionStatus.SENT,
    "COMPLETED": TransmissionStatus.DELIVERED,
    "FAILED": TransmissionStatus.FAILED,
}


def normalize_tradeshift_status(
    unified_state: str | None, dispatch_state: str | None
) -> TransmissionStatus:
    """Business outcome (UnifiedState) first, then the technical dispatch state."""
    if unified_state in _UNIFIED:
        return _UNIFIED[unified_state]
    if dispatch_state in _DISPATCH:
        return _DISPATCH[dispatch_state]
    return TransmissionStatus.QUEUED


def _parse_error(response: httpx.Response) -> ErrorInfo:
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError("error body is not an object")
    details = tuple(
        f"{item.get('Key')}: {item.get('Value')}"
        for item in body.get("ErrorDetail") or []
        if isinstance(item, dict) and item.get("Key") != "stacktrace"
    )
    return body.get("ErrorCode"), str(body.get("Message") or response.reason_phrase), details


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@register_provider("tradeshift")
class TradeshiftProvider:
    name = "tradeshift"

    def __init__(
        self,
        *,
        base_url: str,
        tenant_id: str,
        auth: httpx.Auth,
        client: httpx.AsyncClient | None = None,
        timeout_seconds: float = 30.0,
        document_profiles: Mapping[str, str] | None = None,
    ) -> None:
        if not tenant_id:
            raise ValueError("Tradeshift needs the tenant id (X-Tradeshift-TenantId)")
        self._http = ProviderHttp(
            provider=self.name,
            base_url=base_url,
            timeout_seconds=timeout_seconds,
            client=client,
            auth=auth,
            headers={"X-Tradeshift-TenantId": tenant_id, "Accept": "application/json"},
            error_parser=_parse_error,
        )
        self._profiles = {**DEFAULT_DOCUMENT_PROFILES, **(document_profiles or {})}

    @classmethod
    def from_config(
        cls, config: ProviderConfig, *, client: httpx.AsyncClient | None = None
    ) -> TradeshiftProvider:
        return cls(
            base_url=config.base_url,
            tenant_id=config.option("tenant_id"),
            auth=_auth_from_config(config),
            client=client,
            timeout_seconds=config.timeout_seconds,
            document_profiles=_profiles_from_config(config),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> TradeshiftProvider:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

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
        document_id = derive_provider_uuid(idempotency_key, "tradeshift-document")
        dispatch_id = derive_provider_uuid(idempotency_key, "tradeshift-dispatch")

        # A previous attempt may have landed although we never saw its response.
        latest = await self._http.request(
            "GET", f"{API}/documents/{document_id}/dispatches/latest", accept_status={404}
        )
        if latest.status_code != 404:
            state = self._dispatch_state(latest)
            return self._send_result(document_id, idempotency_key, state, duplicate=True)

        await self._http.request(
            "PUT",
            f"{API}/documents/{document_id}",
            params={"documentProfileId": self._profiles[routing.document_type], "draft": "false"},
            content=xml,
            headers={"Content-Type": "application/xml"},
            accept_status={409},  # already stored by an earlier attempt
        )
        dispatched = await self._http.request(
            "PUT",
            f"{API}/documents/{document_id}/dispatches/{dispatch_id}",
            json={},
            accept_status={409},  # already dispatched by an earlier attempt
        )
        state = None
        if dispatched.content and dispatched.headers.get("content-type", "").startswith(
            "application/json"
        ):
            state = self._dispatch_state(dispatched)
        return self._send_result(
            document_id,
            idempotency_key,
            state,
            duplicate=dispatched.status_code in (200, 409),
        )

    def _dispatch_state(self, response: httpx.Response) -> str | None:
        try:
            body = json_body(response)
        except ValueError as exc:
            raise ProviderResponseError(str(exc), provider=self.name) from exc
        state = body.get("DispatchState") if isinstance(body, dict) else None
        return state if isinstance(state, str) else None

    def _send_result(
        self, document_id: str, key: str, dispatch_state: str | None, *, duplicate: bool
    ) -> SendResult:
        return SendResult(
            provider=self.name,
            message_id=document_id,
            status=normalize_tradeshift_status(None, dispatch_state),
            provider_status=dispatch_state,
            idempotency_key=key,
            duplicate=duplicate,
        )

    async def get_status(self, message_id: str) -> StatusResult:
        response = await self._http.request(
            "GET", f"{API}/documents", params={"id": message_id, "limit": "1"}
        )
        try:
            body = json_body(response)
            documents = body.get("Document") if isinstance(body, dict) else None
        except ValueError as exc:
            raise ProviderResponseError(str(exc), provider=self.name) from exc
        if not isinstance(documents, list):
            raise ProviderResponseError("document list missing", provider=self.name)
        document = next(
            (d for d in documents if isinstance(d, dict) and d.get("DocumentId") == message_id),
            None,
        )
        if document is None:
            raise MessageNotFoundError(f"document {message_id} not found", provider=self.name)
        unified = document.get("UnifiedState")
        dispatch = document.get("LatestDispatch") or {}
        dispatch_state = dispatch.get("DispatchState") if isinstance(dispatch, dict) else None
        status = normalize_tradeshift_status(
            unified if isinstance(unified, str) else None,
            dispatch_state if isinstance(dispatch_state, str) else None,
        )
        raw = "/".join(str(s) for s in (unified, dispatch_state) if s)
        reason = dispatch.get("FailureReason") if isinstance(dispatch, dict) else None
        return StatusResult(
            provider=self.name,
            message_id=message_id,
            status=status,
            provider_status=raw or None,
            reason=reason if isinstance(reason, str) else None,
            updated_at=_timestamp(dispatch.get("LastStateChange"))
            if isinstance(dispatch, dict)
            else None,
        )

    async def validate_participant_id(self, participant_id: str) -> ParticipantLookup:
        wanted = parse_participant_id(participant_id)
        response = await self._http.request(
            "GET",
            f"{API}/network/companies",
            params={"query": str(wanted), "limit": "25"},
        )
        try:
            body = json_body(response)
        except ValueError as exc:
            raise ProviderResponseError(str(exc), provider=self.name) from exc
        companies = body.get("Company") if isinstance(body, dict) else None
        for company in companies if isinstance(companies, list) else []:
            if isinstance(company, dict) and _has_identifier(company, str(wanted)):
                name = company.get("CompanyName")
                return ParticipantLookup(
                    participant_id=str(wanted),
                    registered=True,
                    name=name if isinstance(name, str) else None,
                )
        return ParticipantLookup(participant_id=str(wanted), registered=False)


def _has_identifier(company: dict[str, Any], wanted: str) -> bool:
    for ident in company.get("Identifiers") or []:
        if not isinstance(ident, dict):
            continue
        scheme = str(ident.get("scheme") or "").strip()
        value = str(ident.get("value") or "").strip()
        candidate = value if scheme.lower() in _PEPPOL_SCHEMES else f"{scheme}:{value}"
        try:
            if str(parse_participant_id(candidate)) == wanted:
                return True
        except ValueError:
            continue
    return False


def _auth_from_config(config: ProviderConfig) -> httpx.Auth:
    mode = config.options.get("auth", "oauth2")
    if mode == "oauth2":
        return BearerAuth(config.api_key.get_secret_value())
    if mode == "oauth1":
        return OAuth1Auth(
            consumer_key=config.option("consumer_key"),
            consumer_secret=config.secret("consumer_secret"),
            token=config.option("token"),
            token_secret=config.api_key.get_secret_value(),
        )
    raise ValueError(f"unknown Tradeshift auth mode {mode!r} (oauth2 or oauth1)")


def _profiles_from_config(config: ProviderConfig) -> dict[str, str]:
    profiles = {}
    if "document_profile_invoice" in config.options:
        profiles["Invoice"] = config.options["document_profile_invoice"]
    if "document_profile_creditnote" in config.options:
        profiles["CreditNote"] = config.options["document_profile_creditnote"]
    return profiles
