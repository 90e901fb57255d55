from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile, status
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.analytics.sql import uae_today
from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.compliance.validation import ValidationIssue, ValidationResult
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.core.types import utcnow
from involinks.errors import NotFound, Unprocessable
from involinks.payables import inbox
from involinks.payables.inward_invoices import service, workflow
from involinks.payables.inward_invoices.models import InwardInvoice, InwardInvoiceStatus
from involinks.payables.inward_invoices.schemas import (
    InboxSummary,
    InwardInvoiceCreate,
    InwardInvoiceListItem,
    InwardInvoiceRead,
    InwardInvoiceUploadRead,
    InwardPaymentIn,
    InwardPaymentRead,
    MarkPaidIn,
    NoteIn,
    ReasonIn,
    ValidationIssueRead,
    ValidationResultRead,
)
from involinks.payables.matching import service as matching_service
from involinks.payables.matching.engine import MatchStatus
from involinks.storage import StoreDep

router = APIRouter(prefix="/inward-invoices", tags=["inward-invoices"])

CanReadAP = Annotated[User, Depends(require(Permission.AP_READ))]
CanManageAP = Annotated[User, Depends(require(Permission.AP_MANAGE))]


def validation_read(result: ValidationResult) -> ValidationResultRead:
    def issues(found: Sequence[ValidationIssue]) -> list[ValidationIssueRead]:
        return [
            ValidationIssueRead(
                rule_id=issue.rule_id,
                severity=issue.severity.value,
                layer=issue.layer.value,
                message=issue.message,
                location=issue.location,
                field=issue.field,
            )
            for issue in found
        ]

    return ValidationResultRead(
        valid=result.valid,
        document_type=result.document_type,
        customization_id=result.customization_id,
        rule_set=result.rule_set,
        errors=issues(result.errors),
        warnings=issues(result.warnings),
    )


async def to_read(session: DbSession, invoice: InwardInvoice) -> InwardInvoiceRead:
    read = InwardInvoiceRead.model_validate(invoice)
    current = await matching_service.current_match(session, invoice.id)
    if current is not None:
        read.match = matching_service.match_read(current)
    payments = await workflow.payments_of(session, invoice)
    read.payments = [InwardPaymentRead.model_validate(payment) for payment in payments]
    read.paid_amount = sum((payment.amount for payment in payments), Decimal("0.00"))
    read.outstanding_amount = workflow.outstanding(invoice, read.paid_amount)
    return read


async def inbox_filters(
    status: InwardInvoiceStatus | None = None,
    matching_status: MatchStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    supplier: Annotated[str | None, Query(max_length=100)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    amount_min: Annotated[Decimal | None, Query(ge=0)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0)] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
) -> inbox.InboxFilters:
    return inbox.InboxFilters(
        status=status,
        matching_status=matching_status,
        supplier_id=supplier_id,
        supplier=supplier,
        date_from=date_from,
        date_to=date_to,
        amount_min=amount_min,
        amount_max=amount_max,
        currency=currency,
    )


Filters = Annotated[inbox.InboxFilters, Depends(inbox_filters)]


@router.get("", response_model=Page[InwardInvoiceListItem])
async def list_inward_invoices(
    _user: CanReadAP,
    session: DbSession,
    filters: Filters,
    sort: Annotated[str, Query(max_length=40)] = inbox.DEFAULT_SORT,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[InwardInvoiceListItem]:
    rows, total = await inbox.list_invoices(
        session, filters, sort=sort, page=page, page_size=page_size
    )
    paid = await workflow.paid_by_invoice(session, rows)
    items = []
    for row in rows:
        item = InwardInvoiceListItem.model_validate(row)
        item.paid_amount = paid.get(row.id, Decimal("0.00"))
        item.outstanding_amount = workflow.outstanding(row, item.paid_amount)
        items.append(item)
    return Page[InwardInvoiceListItem](
        items=items,
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/summary", response_model=InboxSummary)
async def inward_invoice_summary(
    _user: CanReadAP, session: DbSession, filters: Filters
) -> InboxSummary:
    return await inbox.summary(session, filters)


@router.post(
    "",
    response_model=InwardInvoiceRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Duplicate of an invoice already received"}},
)
async def create_inward_invoice(
    data: InwardInvoiceCreate, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    invoice = await service.create_manual(session, data, actor=user)
    return await to_read(session, invoice)


@router.post(
    "/upload",
    response_model=InwardInvoiceUploadRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "Duplicate of an invoice already received"},
        413: {"description": "File too large"},
        422: {"description": "Not valid PINT AE: the failed rules are in error.details"},
    },
)
async def upload_inward_invoice(
    user: CanManageAP,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
    file: Annotated[UploadFile, File(description="UBL 2.1 / PINT AE Invoice or CreditNote")],
) -> InwardInvoiceUploadRead:
    limit = settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise service.DocumentTooLarge(
            f"The file is larger than the {limit // 1024} KiB allowed.",
            details={"max_bytes": limit},
        )
    if not data.strip():
        raise Unprocessable(
            "The file is empty.", details=[{"field": "file", "message": "empty file"}]
        )
    invoice, result = await service.upload_document_checked(
        session, data, filename=file.filename, actor=user, store=store
    )
    read = await to_read(session, invoice)
    return InwardInvoiceUploadRead(**dict(read), validation=validation_read(result))


@router.get("/{invoice_id}", response_model=InwardInvoiceRead)
async def get_inward_invoice(
    invoice_id: uuid.UUID, _user: CanReadAP, session: DbSession
) -> InwardInvoiceRead:
    return await to_read(session, await service.get_invoice(session, invoice_id))


@router.get(
    "/{invoice_id}/xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
async def get_inward_invoice_xml(
    invoice_id: uuid.UUID, _user: CanReadAP, session: DbSession, store: StoreDep
) -> Response:
    invoice = await service.get_invoice(session, invoice_id)
    data = await service.read_original(store, invoice)
    if data is None:
        raise NotFound("This invoice was entered by hand; there is no original XML.")
    return Response(
        data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="inward-invoice-{invoice.id}.xml"'},
    )


async def _review(
    session: AsyncSession,
    invoice_id: uuid.UUID,
    action: Callable[[InwardInvoice], Awaitable[object]],
) -> InwardInvoiceRead:
    """One review action on the invoice, locked while it runs; answers with the invoice as it now
    stands."""
    invoice = await service.get_invoice(session, invoice_id, for_update=True)
    await action(invoice)
    return await to_read(session, await service.get_invoice(session, invoice_id))


@router.post("/{invoice_id}/approve-variance", response_model=InwardInvoiceRead)
async def approve_inward_invoice_variance(
    invoice_id: uuid.UUID, data: NoteIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.approve_variance(session, invoice, note=data.note, actor=user),
    )


@router.post("/{invoice_id}/dispute", response_model=InwardInvoiceRead)
async def dispute_inward_invoice(
    invoice_id: uuid.UUID, data: ReasonIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.dispute(session, invoice, reason=data.reason, actor=user),
    )


@router.post("/{invoice_id}/hold", response_model=InwardInvoiceRead)
async def hold_inward_invoice(
    invoice_id: uuid.UUID, data: ReasonIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.hold(session, invoice, reason=data.reason, actor=user),
    )


@router.post("/{invoice_id}/release", response_model=InwardInvoiceRead)
async def release_inward_invoice(
    invoice_id: uuid.UUID, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    return await _review(
        session, invoice_id, lambda invoice: workflow.release(session, invoice, actor=user)
    )


@router.post("/{invoice_id}/accept", response_model=InwardInvoiceRead)
async def accept_inward_invoice(
    invoice_id: uuid.UUID, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    """Accept an invoice ready to pay; over Peppol the supplier is told (Invoice Response AP)."""
    return await _review(
        session, invoice_id, lambda invoice: workflow.accept(session, invoice, actor=user)
    )


@router.post("/{invoice_id}/reject", response_model=InwardInvoiceRead)
async def reject_inward_invoice(
    invoice_id: uuid.UUID, data: ReasonIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    """Reject for good (the supplier credits and reissues); over Peppol with the reason (RE)."""
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.reject(session, invoice, reason=data.reason, actor=user),
    )


@router.post(
    "/{invoice_id}/payments",
    response_model=InwardInvoiceRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "The invoice is not ready to pay, or is a credit note"},
        422: {"description": "More than is still owed"},
    },
)
async def record_inward_invoice_payment(
    invoice_id: uuid.UUID, data: InwardPaymentIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    """Record a payment made on a ready-to-pay invoice, part or whole; the one that pays what
    is still owed settles it (PAID; over Peppol the supplier is told, PD). Answers with the
    invoice, its payments and what is still owed."""
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.record_payment(
            session,
            invoice,
            amount=data.amount,
            paid_on=data.paid_on or uae_today(utcnow()),
            reference=data.reference,
            actor=user,
        ),
    )


@router.get("/{invoice_id}/payments", response_model=list[InwardPaymentRead])
async def list_inward_invoice_payments(
    invoice_id: uuid.UUID, _user: CanReadAP, session: DbSession
) -> list[InwardPaymentRead]:
    invoice = await service.get_invoice(session, invoice_id)
    return [
        InwardPaymentRead.model_validate(p) for p in await workflow.payments_of(session, invoice)
    ]


@router.post("/{invoice_id}/mark-paid", response_model=InwardInvoiceRead)
async def mark_inward_invoice_paid(
    invoice_id: uuid.UUID, data: MarkPaidIn, user: CanManageAP, session: DbSession
) -> InwardInvoiceRead:
    """Record that a ready-to-pay invoice was paid; over Peppol the supplier is told (PD)."""
    return await _review(
        session,
        invoice_id,
        lambda invoice: workflow.mark_paid(
            session,
            invoice,
            paid_on=data.paid_on or uae_today(utcnow()),
            reference=data.reference,
            actor=user,
        ),
    )
