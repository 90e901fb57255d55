"""Peppol endpoints: sending invoices, their transmissions, the signed hand-offs from the access
point (inbound documents, status callbacks), participant lookup and provider settings.

HTTP only; the rules live in ``peppol.service`` and ``peppol.inbound``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.errors import Unprocessable
from involinks.invoicing.dependencies import CanReadInvoices, InvoiceFromPath
from involinks.peppol import inbound
from involinks.peppol import service as peppol_service
from involinks.peppol import tasks as _tasks  # noqa: F401 - registers the jobs enqueued here
from involinks.peppol.models import PeppolTransmission
from involinks.peppol.schemas import (
    InboundAccepted,
    ParticipantRead,
    ProviderSettingsRead,
    ProviderSettingsUpdate,
    StatusCallback,
    StatusCallbackResult,
    TransmissionRead,
)
from involinks.plans.enforcement import RequireFeature
from involinks.plans.models import Feature
from involinks.storage import ArtifactStore, get_store

__all__ = ["router"]

router = APIRouter(tags=["peppol"])

CanSendInvoices = Annotated[User, Depends(require(Permission.INVOICE_SEND))]
CanManageSettings = Annotated[User, Depends(require(Permission.COMPANY_SETTINGS))]
Store = Annotated[ArtifactStore, Depends(get_store)]


@router.post(
    "/invoices/{invoice_id}/send",
    response_model=TransmissionRead,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(RequireFeature(Feature.PEPPOL_SENDING))],
)
async def send_invoice(
    invoice: InvoiceFromPath, user: CanSendInvoices, session: DbSession, settings: AppSettings
) -> PeppolTransmission:
    """Queue an APPROVED invoice (or a FAILED one, again) for sending over Peppol."""
    return await peppol_service.queue_send(session, invoice, user=user, settings=settings)


@router.get("/invoices/{invoice_id}/transmissions", response_model=list[TransmissionRead])
async def list_transmissions(
    invoice: InvoiceFromPath, _user: CanReadInvoices, session: DbSession
) -> Sequence[PeppolTransmission]:
    """The invoice's Peppol transmissions, newest first, each with its status history."""
    return await peppol_service.list_transmissions(session, invoice)


@router.get("/invoices/{invoice_id}/timeline", response_model=list[peppol_service.TimelineEntry])
async def invoice_timeline(
    invoice: InvoiceFromPath, _user: CanReadInvoices, session: DbSession
) -> list[peppol_service.TimelineEntry]:
    """The invoice's status changes and its Peppol transmissions' events, oldest first."""
    return await peppol_service.invoice_timeline(session, invoice)


@router.post(
    "/peppol/inbound",
    response_model=InboundAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": InboundAccepted, "description": "Delivered before"}},
)
async def receive_inbound(
    request: Request, response: Response, session: DbSession, settings: AppSettings, store: Store
) -> InboundAccepted:
    """A document delivered by the access point (signed; see peppol.inbound_signature)."""
    result = await inbound.receive_document(
        session,
        body=await request.body(),
        headers=request.headers,
        settings=settings,
        store=store,
    )
    if result.duplicate:
        response.status_code = status.HTTP_200_OK
    return InboundAccepted(
        inward_invoice_id=result.inward_invoice_id,
        message_id=result.message_id,
        duplicate=result.duplicate,
        buyer_response_id=result.buyer_response_id,
    )


@router.post("/peppol/status-callback", response_model=StatusCallbackResult)
async def status_callback(
    request: Request, session: DbSession, settings: AppSettings
) -> StatusCallbackResult:
    """A transmission status pushed by the access point (signed); repeats change nothing."""
    body = await request.body()
    inbound.verify_callback(body, request.headers, settings)
    try:
        callback = StatusCallback.model_validate_json(body)
    except ValueError as exc:
        raise Unprocessable("The status callback body is not a status event.") from exc
    return await peppol_service.handle_status_callback(session, callback)


# The path parameter is not named *_id: it names a network participant, not a row of ours.
@router.get("/peppol/participants/{participant}", response_model=ParticipantRead)
async def lookup_participant(
    participant: Annotated[str, Path(max_length=120, description="e.g. 0235:1234567890")],
    _user: CanReadInvoices,
    session: DbSession,
    settings: AppSettings,
) -> ParticipantRead:
    """Is this participant registered on the Peppol network (asked through our provider)?"""
    return await peppol_service.lookup_participant(session, settings, participant)


@router.get("/peppol/settings", response_model=ProviderSettingsRead)
async def get_provider_settings(
    _user: CanManageSettings, session: DbSession, settings: AppSettings
) -> ProviderSettingsRead:
    """The access-point provider this company sends through."""
    return await peppol_service.get_provider_settings(session, settings)


@router.put("/peppol/settings", response_model=ProviderSettingsRead)
async def update_provider_settings(
    data: ProviderSettingsUpdate, user: CanManageSettings, session: DbSession, settings: AppSettings
) -> ProviderSettingsRead:
    """Choose the company's own provider, or ``provider: null`` for the platform's."""
    return await peppol_service.update_provider_settings(session, settings, data, user=user)
