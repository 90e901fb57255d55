"""Documents arriving over Peppol for a company hosted on InvoLinks.

The access point POSTs the UBL with signed routing headers (``inbound_signature``). We answer:

* 401 when the signature, timestamp or routing headers do not verify;
* 404 when no active company has the receiver's participant id (``Company.peppol_id``,
  ``0235:<TIN>``);
* 422 when the document is not one we can take: unreadable, addressed (``cbc:EndpointID`` of the
  customer, PINT IBT-049) to someone else than the authenticated receiver, or failing the PINT AE
  rules; 409 when the company already holds the same invoice under another message. An access
  point treats these as a rejection of the message;
* 202 with the inward invoice id when stored, 200 with the same id when the message id was
  delivered before (an access point retrying after a lost answer creates nothing new).

An ApplicationResponse (Peppol BIS Invoice Response, a buyer's answer to one of the company's
invoices) is not an inward invoice: ``peppol.responses`` stores it against the invoice it names,
with the same 202 / 200 / 422 answers (the id is then ``buyer_response_id``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.companies.models import Company, CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.errors import AppError, NotFound, Unprocessable
from involinks.payables.inward_invoices import service as inward_service
from involinks.payables.inward_invoices.models import InwardInvoice
from involinks.peppol.inbound_signature import (
    InvalidSignatureError,
    verify_inbound,
    verify_status_callback,
)
from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.ubl_routing import (
    APPLICATION_RESPONSE,
    RoutingInfo,
    UblRoutingError,
    read_routing,
)
from involinks.storage import ArtifactStore

__all__ = [
    "InboundResult",
    "InvalidPeppolSignature",
    "UnknownReceiver",
    "receive_document",
    "verify_callback",
]


class InvalidPeppolSignature(AppError):
    status_code = 401
    code = "invalid_signature"


class UnknownReceiver(NotFound):
    code = "unknown_receiver"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "too_large"


@dataclass(frozen=True, slots=True)
class InboundResult:
    inward_invoice_id: uuid.UUID | None
    message_id: str
    duplicate: bool
    buyer_response_id: uuid.UUID | None = None


def _secret(settings: Settings) -> str:
    return settings.peppol_inbound_secret.get_secret_value()


def verify_callback(body: bytes, headers: Mapping[str, str], settings: Settings) -> None:
    """Raise ``InvalidPeppolSignature`` unless a status callback is authentic and recent."""
    try:
        verify_status_callback(body, headers, secrets=_secret(settings))
    except InvalidSignatureError as exc:
        raise InvalidPeppolSignature(f"Status callback refused: {exc}.") from exc


async def _receiver_company(session: AsyncSession, receiver_id: str) -> Company:
    try:
        receiver = str(parse_participant_id(receiver_id))
    except InvalidParticipantIdError as exc:
        raise UnknownReceiver("No company on InvoLinks has this participant id.") from exc
    with tenancy.system_scope(session):
        company = (
            await session.execute(sa.select(Company).where(Company.peppol_id == receiver))
        ).scalar_one_or_none()
    if company is None or company.status is not CompanyStatus.ACTIVE:
        raise UnknownReceiver("No company on InvoLinks has this participant id.")
    return company


def _check_addressed_to(xml: bytes, receiver_id: str) -> RoutingInfo:
    try:
        routing = read_routing(xml)
    except UblRoutingError as exc:
        raise Unprocessable(
            f"The document cannot be routed: {exc}.", code="invalid_document"
        ) from exc
    if str(routing.receiver) != str(parse_participant_id(receiver_id)):
        raise Unprocessable(
            "The document's customer endpoint (IBT-049) is not the receiver it was delivered to.",
            code="routing_mismatch",
        )
    return routing


async def receive_document(
    session: AsyncSession,
    *,
    body: bytes,
    headers: Mapping[str, str],
    settings: Settings,
    store: ArtifactStore,
) -> InboundResult:
    """Verify, route and store one inbound document (flushes, never commits)."""
    if len(body) > settings.max_upload_bytes:
        raise PayloadTooLarge("The document is larger than this platform accepts.")
    try:
        envelope = verify_inbound(body, headers, secrets=_secret(settings))
    except InvalidSignatureError as exc:
        raise InvalidPeppolSignature(f"Inbound document refused: {exc}.") from exc
    company = await _receiver_company(session, envelope.receiver_id)
    routing = _check_addressed_to(body, envelope.receiver_id)
    if routing.document_type == APPLICATION_RESPONSE:
        from involinks.peppol import responses  # imports the peppol service

        response, seen = await responses.receive_response(
            session,
            company=company,
            xml=body,
            sender_id=envelope.sender_id,
            receiver_id=envelope.receiver_id,
            message_id=envelope.message_id,
        )
        return InboundResult(
            inward_invoice_id=None,
            message_id=envelope.message_id,
            duplicate=seen,
            buyer_response_id=response.id,
        )
    with tenancy.company_scope(session, company.id):
        earlier = (
            await session.execute(
                sa.select(InwardInvoice.id).where(
                    InwardInvoice.peppol_message_id == envelope.message_id
                )
            )
        ).scalar_one_or_none()
        invoice = await inward_service.receive_peppol_document(
            session,
            company_id=company.id,
            xml=body,
            sender_id=envelope.sender_id,
            receiver_id=envelope.receiver_id,
            message_id=envelope.message_id,
            store=store,
        )
    return InboundResult(
        inward_invoice_id=invoice.id, message_id=envelope.message_id, duplicate=earlier is not None
    )
