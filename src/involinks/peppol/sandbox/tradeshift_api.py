"""Tradeshift-shaped endpoints of the sandbox (the subset the Tradeshift adapter uses, plus the
documented one-shot ``documents/dispatcher``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.sandbox.auth import check_tradeshift
from involinks.peppol.sandbox.deps import AccessPoint
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.models import (
    RECEIVER_NOT_FOUND,
    SandboxMessage,
    SandboxStatus,
    iso,
)
from involinks.peppol.sandbox.settings import FaultKind, SandboxParticipant

__all__ = ["PREFIX", "dispatch_state", "router", "unified_state"]

PREFIX = "/tradeshift/rest/external"
_IDS = uuid.UUID("7d1c5b0e-2a4f-5c3b-8e6d-9f0a1b2c3d4e")

_UNIFIED = {
    SandboxStatus.STORED: "UNDETERMINED",
    SandboxStatus.RECEIVED: "IN_TRANSIT",
    SandboxStatus.SENT: "SENT",
    SandboxStatus.DELIVERED: "DELIVERED",
    SandboxStatus.ACCEPTED: "ACCEPTED",
    SandboxStatus.REJECTED: "REJECTED_BY_RECEIVER",
    SandboxStatus.FAILED: "FAILED_DELIVERY",
}


def unified_state(message: SandboxMessage) -> str:
    return _UNIFIED[message.status]


def dispatch_state(message: SandboxMessage) -> str:
    status = message.status
    if status is SandboxStatus.RECEIVED:
        return "ACCEPTED"
    if status is SandboxStatus.SENT:
        return "FAILED_TRANSIENT" if message.inbound_attempts else "PROCESSING"
    if status is SandboxStatus.FAILED:
        return "FAILED"
    if status is SandboxStatus.REJECTED and message.reason_code == RECEIVER_NOT_FOUND:
        return "FAILED"
    return "COMPLETED"


def _stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_IDS, ":".join(parts)))


def _dispatch_json(message: SandboxMessage, tenant_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "DispatchId": message.dispatch_id,
        "ObjectId": message.message_id,
        "Created": iso(message.dispatched_at or message.created_at),
        "SenderUserId": _stable_id("user", tenant_id),
        "DispatchState": dispatch_state(message),
        "LastStateChange": iso(message.updated_at),
        "ReceiverConnectionId": _stable_id("connection", tenant_id, message.receiver_id),
        "DispatchChannel": "PEPPOL",
    }
    if dispatch_state(message) == "FAILED" and message.reason:
        body["FailureReason"] = message.reason
    return body


def _document_json(message: SandboxMessage, tenant_id: str, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "DocumentId": message.message_id,
        "ID": message.document_number,
        "URI": f"{base}{PREFIX}/documents/{message.message_id}",
        "DocumentType": {
            "mimeType": "text/xml",
            "documentProfileId": message.profile_id,
            "type": message.document_type.lower(),
        },
        "State": "DRAFT" if message.status is SandboxStatus.STORED else "LOCKED",
        "LastEdit": iso(message.updated_at),
        "ReceiverCompanyName": message.receiver_name or message.receiver_id,
        "UnifiedState": unified_state(message),
        "Deleted": False,
    }
    if message.dispatch_id is not None:
        body["LatestDispatch"] = _dispatch_json(message, tenant_id)
    return body


def _company_json(participant: SandboxParticipant) -> dict[str, Any]:
    pid = parse_participant_id(participant.participant_id)
    account = _stable_id("company", participant.participant_id)
    return {
        "CompanyAccountId": account,
        "CompanyName": participant.name or participant.participant_id,
        "Country": "AE" if pid.is_uae else None,
        "Identifiers": [
            {"scheme": "TS:ID", "value": account},
            {"scheme": pid.scheme, "value": pid.value},
        ],
    }


def _page(items: list[dict[str, Any]], key: str, limit: int) -> dict[str, Any]:
    shown = items[:limit]
    return {
        "itemsPerPage": limit,
        "itemCount": len(shown),
        "indexing": False,
        "numPages": 1,
        "pageId": 0,
        key: shown,
    }


async def _guard(request: Request, ap: SandboxAccessPoint) -> FaultKind:
    check_tradeshift(request, ap)
    return await ap.fault_before()


router = APIRouter(prefix=PREFIX, tags=["tradeshift-shaped"])


@router.get("/account/info")
async def account_info(request: Request, ap: AccessPoint) -> dict[str, Any]:
    kind = await _guard(request, ap)
    await ap.fault_after(kind)
    return {"CompanyAccountId": ap.settings.tenant_id, "CompanyName": "InvoLinks (sandbox)"}


@router.put("/documents/{document_id}", status_code=204)
async def save_document(
    document_id: str,
    request: Request,
    ap: AccessPoint,
    document_profile_id: Annotated[str, Query(alias="documentProfileId", min_length=1)],
) -> Response:
    kind = await _guard(request, ap)
    ap.store_document(document_id, await request.body(), document_profile_id)
    await ap.fault_after(kind)
    return Response(status_code=204)


@router.post("/documents/dispatcher")
async def store_and_dispatch(
    request: Request,
    ap: AccessPoint,
    document_id: Annotated[str, Query(alias="documentId", min_length=1)],
    document_profile_id: Annotated[str, Query(alias="documentProfileId", min_length=1)],
) -> Response:
    kind = await _guard(request, ap)
    message, _ = ap.store_document(document_id, await request.body(), document_profile_id)
    message, _ = ap.dispatch(
        document_id, message.dispatch_id or _stable_id("dispatch", document_id)
    )
    await ap.fault_after(kind)
    xml = (
        '<DocumentDispatchResponse xmlns="http://tradeshift.com/api/public/1.0">'
        f"<DocumentId>{message.message_id}</DocumentId>"
        f"<DispatchId>{message.dispatch_id}</DispatchId>"
        "</DocumentDispatchResponse>"
    )
    location = f"{PREFIX}/documents/{message.message_id}/dispatches/{message.dispatch_id}"
    return Response(xml, status_code=201, media_type="text/xml", headers={"Location": location})


@router.put("/documents/{document_id}/dispatches/{dispatch_id}")
async def dispatch_document(
    document_id: str, dispatch_id: str, request: Request, ap: AccessPoint
) -> JSONResponse:
    kind = await _guard(request, ap)
    message, replayed = ap.dispatch(document_id, dispatch_id)
    await ap.fault_after(kind)
    return JSONResponse(
        _dispatch_json(message, ap.settings.tenant_id),
        status_code=200 if replayed else 201,
        headers={"Location": f"{PREFIX}/documents/{document_id}/dispatches/{dispatch_id}"},
    )


@router.get("/documents/{document_id}/dispatches/latest")
async def latest_dispatch(document_id: str, request: Request, ap: AccessPoint) -> dict[str, Any]:
    kind = await _guard(request, ap)
    message = ap.get(document_id)
    if message is None or message.api != "tradeshift" or message.dispatch_id is None:
        raise SandboxError(404, "ObjectNotFound", "no dispatch for this document")
    await ap.fault_after(kind)
    return _dispatch_json(message, ap.settings.tenant_id)


@router.get("/documents")
async def find_documents(
    request: Request,
    ap: AccessPoint,
    ids: Annotated[list[str], Query(alias="id")] = [],  # noqa: B006 - FastAPI query default
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    kind = await _guard(request, ap)
    wanted = set(ids)
    messages = [
        m
        for m in ap.messages.values()
        if m.api == "tradeshift" and (not wanted or m.message_id in wanted)
    ]
    messages.sort(key=lambda m: m.updated_at, reverse=True)
    base = str(request.base_url).rstrip("/")
    items = [_document_json(m, ap.settings.tenant_id, base) for m in messages]
    await ap.fault_after(kind)
    return _page(items, "Document", limit)


@router.get("/documents/{document_id}")
async def get_document(document_id: str, request: Request, ap: AccessPoint) -> Response:
    kind = await _guard(request, ap)
    message = ap.get(document_id)
    if message is None or message.api != "tradeshift":
        raise SandboxError(404, "ObjectNotFound", "document not found")
    await ap.fault_after(kind)
    return Response(ap.read_xml(document_id), media_type="application/xml")


@router.get("/network/companies")
async def find_companies(
    request: Request,
    ap: AccessPoint,
    query: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    kind = await _guard(request, ap)
    try:
        exact = ap.lookup(str(parse_participant_id(query)))
        found = [exact] if exact is not None else []
    except InvalidParticipantIdError:
        needle = query.strip().lower()
        found = [p for p in ap.participants() if needle and needle in p.name.lower()]
    await ap.fault_after(kind)
    return _page([_company_json(p) for p in found], "Company", limit)
