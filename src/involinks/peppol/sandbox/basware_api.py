"""Basware-shaped endpoints of the sandbox (what the Basware adapter uses)."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.sandbox.auth import check_basware
from involinks.peppol.sandbox.deps import AccessPoint
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.models import (
    RECEIVER_NOT_FOUND,
    SandboxMessage,
    SandboxStatus,
    iso,
)
from involinks.peppol.sandbox.settings import FaultKind
from involinks.peppol.ubl_routing import UblRoutingError, read_routing

__all__ = ["PREFIX", "notifications_for", "router"]

PREFIX = "/basware/v1"
_IDS = uuid.UUID("3c9e7a21-6b4d-5f80-a1c2-d3e4f5a6b7c8")


class _In(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class _Endpoint(_In):
    id: str
    scheme_id: str


class _Party(_In):
    endpoint: _Endpoint
    party_name: str = Field(min_length=1)


class _Data(_In):
    id: str = Field(min_length=1)
    accounting_supplier_party: _Party
    accounting_customer_party: _Party


class _UblDocument(_In):
    mime_type: str = "application/xml"
    content: str = Field(min_length=1)


class InvoiceIn(_In):
    client_token: str = Field(min_length=1)
    delivery_channel_preference: str = ""
    data: _Data
    ubl_document: _UblDocument


def _validation(details: list[tuple[str, str]]) -> SandboxError:
    return SandboxError(
        400,
        "Error.004.0002",
        "Required field is missing or a field does not match the expected pattern.",
        details=details,
    )


def _notification(
    message: SandboxMessage, kind: str, action: str, at: float, reason_code: str | None = None
) -> dict[str, Any]:
    return {
        "notificationId": str(uuid.uuid5(_IDS, f"{message.message_id}:{kind}:{action}")),
        "bumId": message.message_id,
        "notificationType": kind,
        "actionCode": action,
        "reasonCode": reason_code,
        "reason": message.reason if reason_code else None,
        "createdAt": iso(at),
    }


def notifications_for(message: SandboxMessage) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for entry in message.history:
        status = entry.status
        if status is SandboxStatus.SENT:
            items.append(_notification(message, "TechnicalAccept", "Sent", entry.at))
        elif status is SandboxStatus.DELIVERED:
            items.append(_notification(message, "TechnicalAccept", "Delivered", entry.at))
        elif status is SandboxStatus.ACCEPTED:
            items.append(_notification(message, "BusinessAccept", "DocumentAccepted", entry.at))
        elif status is SandboxStatus.REJECTED and message.reason_code == RECEIVER_NOT_FOUND:
            items.append(
                _notification(
                    message, "TechnicalReject", "Undelivered", entry.at, "ReceiverNotFound"
                )
            )
        elif status is SandboxStatus.REJECTED:
            items.append(
                _notification(
                    message, "BusinessReject", "DocumentRejected", entry.at, "DocumentRejected"
                )
            )
        elif status is SandboxStatus.FAILED:
            items.append(
                _notification(message, "TechnicalReject", "Undelivered", entry.at, "DeliveryFailed")
            )
    return items


async def _guard(request: Request, ap: SandboxAccessPoint) -> FaultKind:
    check_basware(request, ap)
    return await ap.fault_before()


router = APIRouter(prefix=PREFIX, tags=["basware-shaped"])


@router.post("/invoices/{bum_id}")
async def send_invoice(bum_id: str, request: Request, ap: AccessPoint) -> JSONResponse:
    kind = await _guard(request, ap)
    try:
        payload = InvoiceIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise _validation(
            [(".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()]
        ) from exc
    try:
        xml = base64.b64decode(payload.ubl_document.content, validate=True)
        routing = read_routing(xml)
    except (binascii.Error, UblRoutingError) as exc:
        raise _validation([("ublDocument.content", str(exc))]) from exc
    problems = []
    if payload.data.id != routing.document_number:
        problems.append(("data.id", "differs from the UBL cbc:ID"))
    for field, party, expected in (
        ("data.accountingSupplierParty", payload.data.accounting_supplier_party, routing.sender),
        ("data.accountingCustomerParty", payload.data.accounting_customer_party, routing.receiver),
    ):
        try:
            given = parse_participant_id(f"{party.endpoint.scheme_id}:{party.endpoint.id}")
        except InvalidParticipantIdError:
            given = None
        if given != expected:
            problems.append((f"{field}.endpoint", "differs from the UBL EndpointID"))
    if problems:
        raise _validation(problems)
    message, replayed = ap.submit_basware(bum_id, payload.client_token, xml)
    await ap.fault_after(kind)
    return JSONResponse(
        {"bumId": message.message_id, "clientToken": message.client_token, "status": "Received"},
        status_code=200 if replayed else 202,
    )


@router.get("/invoices/{bum_id}")
async def get_invoice(bum_id: str, request: Request, ap: AccessPoint) -> dict[str, Any]:
    kind = await _guard(request, ap)
    message = ap.get(bum_id)
    if message is None or message.api != "basware":
        raise SandboxError(404, "Error.004.0404", "invoice not found")
    await ap.fault_after(kind)
    return {
        "bumId": message.message_id,
        "status": message.status.value,
        "data": {"id": message.document_number},
        "version": "1.0",
    }


@router.get("/notifications")
async def list_notifications(
    request: Request,
    ap: AccessPoint,
    bum_id: Annotated[str, Query(alias="bumId", min_length=1)],
) -> dict[str, Any]:
    kind = await _guard(request, ap)
    message = ap.get(bum_id)
    if message is None or message.api != "basware":
        raise SandboxError(404, "Error.004.0404", "invoice not found")
    await ap.fault_after(kind)
    return {"notifications": notifications_for(message)}


@router.get("/directory/peppol")
async def directory(
    request: Request,
    ap: AccessPoint,
    participant_id: Annotated[str, Query(alias="participantId", min_length=1)],
) -> list[dict[str, Any]]:
    kind = await _guard(request, ap)
    try:
        wanted = str(parse_participant_id(participant_id))
    except InvalidParticipantIdError as exc:
        raise _validation([("participantId", str(exc))]) from exc
    participant = ap.lookup(wanted)
    await ap.fault_after(kind)
    if participant is None:
        return []
    return [
        {
            "participantId": participant.participant_id,
            "name": participant.name or None,
            "countryCode": "AE" if wanted.startswith("0235:") else None,
        }
    ]
