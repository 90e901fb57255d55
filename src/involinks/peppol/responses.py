"""The buyer's answer to an invoice over Peppol (BIS Invoice Response 3), both ways.

Outbound (this company is the buyer): accepting, rejecting or paying an inward invoice that came
over Peppol queues a ``PeppolInvoiceResponse`` with its XML built once, and the job
``peppol.send_response`` hands it to the company's provider. The row id is the idempotency key, so
a retried job, or a second copy of it, never delivers twice; the same answer asked for twice
(e.g. a double click) is one row. Retryable provider errors are retried with the send backoff.

Inbound (this company is the supplier): an ApplicationResponse delivered to our inbound endpoint
names one of our invoices by number. It is accepted only from the invoice's buyer (its Peppol id
as issued), stored as evidence, shown on the invoice timeline, and moves the invoice: AP ->
ACCEPTED, RE -> REJECTED (a business rejection, never confused with a transport FAILED), PD ->
the outstanding amount recorded as a payment, so PAID.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit_service
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.errors import Unprocessable
from involinks.invoicing import payments
from involinks.invoicing import repository as invoice_repository
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater
from involinks.payables.inward_invoices.models import InwardInvoice, InwardInvoiceSource
from involinks.peppol.invoice_response import (
    InvoiceResponseError,
    ResponseCode,
    build_response,
    parse_response,
)
from involinks.peppol.models import PeppolInvoiceResponse, ResponseDirection, TransmissionState
from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.providers import PermanentProviderError, RetryableProviderError
from involinks.peppol.service import (
    SessionFactory,
    _active_account,
    _error_text,
    _open,
    provider_config,
    send_retry_policy,
)

__all__ = [
    "SEND_RESPONSE_JOB",
    "apply_callback",
    "process_response_send",
    "queue_response",
    "receive_response",
    "responses_of_invoice",
    "resume_queued",
]

log = logging.getLogger(__name__)

SEND_RESPONSE_JOB = "peppol.send_response"

# What a provider callback about a response message means for the response row.
_CALLBACK_STATES: Mapping[str, TransmissionState] = {
    "DELIVERED": TransmissionState.DELIVERED,
    "ACCEPTED": TransmissionState.DELIVERED,  # the sandbox's business step: still delivered
    "REJECTED": TransmissionState.FAILED,
    "FAILED": TransmissionState.FAILED,
}
_RANK = {
    TransmissionState.QUEUED: 0,
    TransmissionState.SENT: 1,
    TransmissionState.DELIVERED: 2,
    TransmissionState.FAILED: 3,
}


# --- outbound: the buyer answers --------------------------------------------------------------


async def queue_response(
    session: AsyncSession,
    inward: InwardInvoice,
    code: ResponseCode,
    *,
    actor: User | None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> PeppolInvoiceResponse | None:
    """Queue the answer to ``inward`` (flushes). None when it did not come over Peppol (there is
    nobody to answer on the network); the existing row when the same answer was queued before."""
    if inward.source is not InwardInvoiceSource.PEPPOL or not inward.peppol_sender_id:
        return None
    try:
        receiver = parse_participant_id(inward.peppol_sender_id)
        sender = parse_participant_id(inward.peppol_receiver_id or "")
    except InvalidParticipantIdError:
        log.warning("inward invoice without usable Peppol ids: no response sent")
        return None
    earlier = (
        await session.execute(
            sa.select(PeppolInvoiceResponse).where(
                PeppolInvoiceResponse.direction == ResponseDirection.OUTBOUND,
                PeppolInvoiceResponse.inward_invoice_id == inward.id,
                PeppolInvoiceResponse.response_code == code.value,
            )
        )
    ).scalar_one_or_none()
    if earlier is not None:
        return earlier
    response_id = uuid.uuid4()
    xml = build_response(
        response_id=str(response_id),
        issue_date=utcnow().date(),
        code=code,
        invoice_number=inward.invoice_number,
        document_type_code=inward.type_code,
        sender=sender,
        sender_name=None,
        receiver=receiver,
        receiver_name=inward.supplier_name,
        reason=reason,
        reason_code=reason_code,
    )
    row = PeppolInvoiceResponse(
        id=response_id,
        company_id=inward.company_id,
        direction=ResponseDirection.OUTBOUND,
        inward_invoice_id=inward.id,
        response_code=code.value,
        reason=reason,
        reason_code=reason_code,
        document_id=str(response_id),
        document_number=inward.invoice_number,
        sender_id=str(sender),
        receiver_id=str(receiver),
        document_xml=xml.decode("utf-8"),
        status=TransmissionState.QUEUED,
        attempts=0,
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    await session.flush()
    await audit_service.record(
        session,
        "peppol.invoice_response_queued",
        actor=actor,
        company_id=inward.company_id,
        subject_type="inward_invoice",
        subject_id=str(inward.id),
        details={
            "invoice_number": inward.invoice_number,
            "response_code": code.value,
            "response_id": str(row.id),
            "receiver_id": str(receiver),
        },
    )
    job_queue.enqueue(SEND_RESPONSE_JOB, response_id=str(row.id))
    return row


async def _load_for_job(
    session: AsyncSession, response_id: uuid.UUID
) -> PeppolInvoiceResponse | None:
    with tenancy.system_scope(session):
        company_id = (
            await session.execute(
                sa.select(PeppolInvoiceResponse.company_id).where(
                    PeppolInvoiceResponse.id == response_id
                )
            )
        ).scalar_one_or_none()
    if company_id is None:
        return None
    tenancy.bind_company(session, company_id)
    return (
        await session.execute(
            sa.select(PeppolInvoiceResponse)
            .where(PeppolInvoiceResponse.id == response_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def process_response_send(
    sessions: SessionFactory,
    response_id: uuid.UUID,
    *,
    settings: Settings,
    rng: random.Random | None = None,
) -> None:
    """Body of ``peppol.send_response``: hand a QUEUED response to the provider once."""
    async with sessions() as session:
        row = await _load_for_job(session, response_id)
        if row is None or row.status is not TransmissionState.QUEUED:
            return
        row.attempts += 1
        attempt = row.attempts
        xml = row.document_xml.encode("utf-8")
        document_id, sender, receiver = row.document_id, row.sender_id, row.receiver_id
        account = await _active_account(session)
        provider = _open(provider_config(settings, account))
        row.provider = provider.name
        await session.commit()

    policy = send_retry_policy(settings)
    error: Exception | None = None
    message_id: str | None = None
    try:  # outside any transaction: the provider may take its time
        result = await provider.send_invoice(
            xml, document_id, sender, receiver, idempotency_key=str(response_id)
        )
        message_id = result.message_id
    except (RetryableProviderError, PermanentProviderError) as exc:
        error = exc
    finally:
        await provider.aclose()

    retry_in: float | None = None
    async with sessions() as session:
        row = await _load_for_job(session, response_id)
        if row is None or row.status is not TransmissionState.QUEUED:
            return
        if message_id is not None:
            row.status = TransmissionState.SENT
            row.provider_message_id = message_id
            row.sent_at = utcnow()
            row.last_error = None
        elif isinstance(error, RetryableProviderError) and attempt < policy.max_attempts:
            retry_in = policy.delay_for(attempt, error, rng or random.Random())
            row.last_error = f"attempt {attempt}: {_error_text(error)}"
        else:
            row.status = TransmissionState.FAILED
            row.last_error = _error_text(error) if error else "not sent"
        await session.commit()
    if retry_in is not None:
        raise RetryLater(f"provider asked to retry: {error}", delay_seconds=retry_in)


async def resume_queued(session: AsyncSession) -> int:
    """Enqueue ``peppol.send_response`` for every response still QUEUED (its job may have been
    lost with an in-process queue); the job is idempotent. Returns how many."""
    with tenancy.system_scope(session):
        ids = (
            (
                await session.execute(
                    sa.select(PeppolInvoiceResponse.id).where(
                        PeppolInvoiceResponse.direction == ResponseDirection.OUTBOUND,
                        PeppolInvoiceResponse.status == TransmissionState.QUEUED,
                    )
                )
            )
            .scalars()
            .all()
        )
    for response_id in ids:
        job_queue.enqueue(SEND_RESPONSE_JOB, response_id=str(response_id))
    return len(ids)


async def apply_callback(
    session: AsyncSession, message_id: str, status: str, reason: str | None
) -> PeppolInvoiceResponse | None:
    """A provider status report about a response we sent; None when the message is not one."""
    with tenancy.system_scope(session):
        company_id = (
            await session.execute(
                sa.select(PeppolInvoiceResponse.company_id).where(
                    PeppolInvoiceResponse.provider_message_id == message_id,
                    PeppolInvoiceResponse.direction == ResponseDirection.OUTBOUND,
                )
            )
        ).scalar_one_or_none()
    if company_id is None:
        return None
    with tenancy.company_scope(session, company_id):
        row = (
            await session.execute(
                sa.select(PeppolInvoiceResponse).where(
                    PeppolInvoiceResponse.provider_message_id == message_id,
                    PeppolInvoiceResponse.direction == ResponseDirection.OUTBOUND,
                )
            )
        ).scalar_one()
        state = _CALLBACK_STATES.get(status.upper())
        if state is not None and _RANK[state] > _RANK.get(row.status, 0):
            row.status = state
            if state is TransmissionState.FAILED:
                row.last_error = reason or status
            await session.flush()
    return row


# --- inbound: the supplier hears back ---------------------------------------------------------


def _refuse(message: str, code: str) -> Unprocessable:
    return Unprocessable(message, code=code)


async def _answered_invoice(session: AsyncSession, number: str) -> Invoice | None:
    invoice_id = (
        await session.execute(sa.select(Invoice.id).where(Invoice.number == number))
    ).scalar_one_or_none()
    if invoice_id is None:
        return None
    return await invoice_repository.get(session, invoice_id, for_update=True)


async def _apply_to_invoice(
    session: AsyncSession, invoice: Invoice, row: PeppolInvoiceResponse, paid_on: date
) -> None:
    code = ResponseCode(row.response_code)
    note = f"Buyer response {code.value} (Invoice Response {row.document_id})"
    if code is ResponseCode.ACCEPTED:
        target = InvoiceStatus.ACCEPTED
    elif code is ResponseCode.REJECTED:
        target = InvoiceStatus.REJECTED
        note = f"{note}: {row.reason or row.reason_code}"
    elif code is ResponseCode.PAID:
        if invoice.status not in payments.PAYABLE_STATUSES:
            return
        owed = await payments.outstanding(session, invoice)
        if owed > 0:
            await payments.record_payment(
                session,
                invoice,
                amount=owed,
                paid_on=paid_on,
                reference=f"Peppol {row.document_id}"[:200],
                source=payments.PaymentSource.PEPPOL,
                user=None,
                note=note,
            )
        else:
            await invoicing_service.transition(
                session, invoice, InvoiceStatus.PAID, user=None, note=note
            )
        return
    else:
        return  # acknowledged / in process / under query: on the timeline only
    if target in invoicing_service.TRANSITIONS[invoice.status]:
        await invoicing_service.transition(session, invoice, target, user=None, note=note)


async def receive_response(
    session: AsyncSession,
    *,
    company: Company,
    xml: bytes,
    sender_id: str,
    receiver_id: str,
    message_id: str,
) -> tuple[PeppolInvoiceResponse, bool]:
    """Store the buyer's answer and apply it (flushes); (row, True) for a message seen before."""
    with tenancy.company_scope(session, company.id):
        earlier = (
            await session.execute(
                sa.select(PeppolInvoiceResponse).where(
                    PeppolInvoiceResponse.direction == ResponseDirection.INBOUND,
                    PeppolInvoiceResponse.peppol_message_id == message_id,
                )
            )
        ).scalar_one_or_none()
        if earlier is not None:
            return earlier, True
        try:
            parsed = parse_response(xml)
        except InvoiceResponseError as exc:
            raise _refuse(
                f"The Invoice Response cannot be used: {exc}.", "invalid_document"
            ) from exc
        if str(parsed.sender) != str(parse_participant_id(sender_id)):
            raise _refuse(
                "The response's SenderParty endpoint is not the participant that sent it.",
                "routing_mismatch",
            )
        invoice = await _answered_invoice(session, parsed.invoice_number)
        if invoice is None:
            raise _refuse(
                f"No invoice {parsed.invoice_number} was issued by the receiver.", "unknown_invoice"
            )
        buyer = (invoice.buyer_snapshot or {}).get("peppol_id")
        try:
            buyer_id = str(parse_participant_id(str(buyer))) if buyer else None
        except InvalidParticipantIdError:
            buyer_id = None
        if buyer_id != str(parsed.sender):
            raise _refuse(
                f"Invoice {invoice.number} was not issued to the participant answering it.",
                "response_sender_mismatch",
            )
        row = PeppolInvoiceResponse(
            id=uuid.uuid4(),
            company_id=company.id,
            direction=ResponseDirection.INBOUND,
            invoice_id=invoice.id,
            response_code=parsed.code.value,
            reason=parsed.reason,
            reason_code=parsed.reason_code,
            document_id=parsed.response_id[:200],
            document_number=parsed.invoice_number[:200],
            sender_id=str(parsed.sender),
            receiver_id=receiver_id,
            document_xml=xml.decode("utf-8", errors="replace"),
            status=TransmissionState.DELIVERED,
            peppol_message_id=message_id,
            attempts=0,
        )
        session.add(row)
        await session.flush()
        await audit_service.record(
            session,
            "peppol.invoice_response_received",
            actor=None,
            company_id=company.id,
            subject_type="invoice",
            subject_id=str(invoice.id),
            details={
                "number": invoice.number,
                "response_code": parsed.code.value,
                "response_id": parsed.response_id,
                "message_id": message_id,
                "reason_code": parsed.reason_code,
            },
        )
        await _apply_to_invoice(session, invoice, row, parsed.issue_date or utcnow().date())
    return row, False


async def responses_of_invoice(
    session: AsyncSession, invoice_id: uuid.UUID
) -> list[PeppolInvoiceResponse]:
    """The buyer's answers received for one of our invoices, oldest first."""
    return list(
        (
            await session.execute(
                sa.select(PeppolInvoiceResponse)
                .where(
                    PeppolInvoiceResponse.invoice_id == invoice_id,
                    PeppolInvoiceResponse.direction == ResponseDirection.INBOUND,
                )
                .order_by(PeppolInvoiceResponse.created_at)
            )
        )
        .scalars()
        .all()
    )
