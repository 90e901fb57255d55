"""Admin endpoints of the sandbox: faults, clock, participant directory, message inspection."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from involinks.peppol.participants import InvalidParticipantIdError
from involinks.peppol.sandbox.auth import check_admin
from involinks.peppol.sandbox.deps import AccessPoint, get_access_point
from involinks.peppol.sandbox.engine import SandboxAccessPoint, SandboxError
from involinks.peppol.sandbox.models import SandboxMessage, iso
from involinks.peppol.sandbox.settings import FaultConfig, SandboxParticipant

__all__ = ["PREFIX", "router"]

PREFIX = "/sandbox/admin"


async def _admin(request: Request, ap: SandboxAccessPoint = Depends(get_access_point)) -> None:
    check_admin(request, ap)


router = APIRouter(prefix=PREFIX, tags=["sandbox-admin"], dependencies=[Depends(_admin)])


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(ge=0, le=366 * 24 * 3600)


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    hosted: bool = False
    response: Literal["accept", "reject", "none"] = "accept"


def _summary(message: SandboxMessage) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "api": message.api,
        "document_type": message.document_type,
        "status": message.status,
        "reason_code": message.reason_code,
        "document_number": message.document_number,
        "sender_id": message.sender_id,
        "receiver_id": message.receiver_id,
        "updated_at": iso(message.updated_at),
    }


@router.get("/state")
async def state(ap: AccessPoint) -> dict[str, Any]:
    return {
        "now": iso(ap.clock.now()),
        "manual_clock": hasattr(ap.clock, "advance"),
        "messages": dict(Counter(m.status.value for m in ap.messages.values())),
        "participants": len(ap.participants()),
        "faults": ap.faults.model_dump(),
        "stats": dict(ap.stats.counters),
    }


@router.get("/faults")
async def get_faults(ap: AccessPoint) -> FaultConfig:
    return ap.faults


@router.put("/faults")
async def put_faults(faults: FaultConfig, ap: AccessPoint) -> FaultConfig:
    ap.faults = faults
    return ap.faults


@router.get("/clock")
async def get_clock(ap: AccessPoint) -> dict[str, Any]:
    now = ap.clock.now()
    return {"now": now, "iso": iso(now), "manual": hasattr(ap.clock, "advance")}


@router.post("/clock/advance")
async def advance_clock(body: AdvanceIn, ap: AccessPoint) -> dict[str, Any]:
    transitions = await ap.advance(body.seconds)
    now = ap.clock.now()
    return {"now": now, "iso": iso(now), "transitions": transitions}


@router.post("/tick")
async def tick(ap: AccessPoint) -> dict[str, Any]:
    return {"transitions": await ap.process_due()}


@router.get("/participants")
async def list_participants(ap: AccessPoint) -> list[SandboxParticipant]:
    return ap.participants()


@router.put("/participants/{participant_id}")
async def put_participant(
    participant_id: str, body: ParticipantIn, ap: AccessPoint
) -> SandboxParticipant:
    try:
        participant = SandboxParticipant(participant_id=participant_id, **body.model_dump())
    except ValueError as exc:
        raise SandboxError(400, "BadRequest", f"invalid participant: {exc}") from exc
    ap.upsert_participant(participant)
    return participant


@router.delete("/participants/{participant_id}", status_code=204)
async def delete_participant(participant_id: str, ap: AccessPoint) -> Response:
    try:
        removed = ap.remove_participant(participant_id)
    except InvalidParticipantIdError as exc:
        raise SandboxError(400, "BadRequest", str(exc)) from exc
    if not removed:
        raise SandboxError(404, "NotFound", "participant not registered")
    return Response(status_code=204)


@router.get("/messages")
async def list_messages(ap: AccessPoint) -> list[dict[str, Any]]:
    messages = sorted(ap.messages.values(), key=lambda m: m.created_at)
    return [_summary(m) for m in messages]


@router.get("/messages/{message_id}")
async def get_message(message_id: str, ap: AccessPoint) -> SandboxMessage:
    message = ap.get(message_id)
    if message is None:
        raise SandboxError(404, "NotFound", "message not found")
    return message


@router.get("/messages/{message_id}/xml")
async def get_message_xml(message_id: str, ap: AccessPoint) -> Response:
    if ap.get(message_id) is None:
        raise SandboxError(404, "NotFound", "message not found")
    return Response(ap.read_xml(message_id), media_type="application/xml")


@router.post("/inbound", status_code=201)
async def inject_inbound(request: Request, ap: AccessPoint) -> dict[str, Any]:
    """Simulate another access point sending a document to a participant hosted on InvoLinks."""
    return _summary(ap.inject_inbound(await request.body()))
