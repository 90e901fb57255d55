"""/api/v1/invoices: HTTP only; the rules live in invoicing.service."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from involinks.auth.dependencies import AppSettings
from involinks.core.db import DbSession
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.dependencies import (
    CanApproveInvoices,
    CanCreateInvoices,
    CanDeleteInvoices,
    CanReadInvoices,
    InvoiceFromPath,
)
from involinks.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from involinks.invoicing.schemas import (
    CreditNoteCreate,
    InvoiceCreate,
    InvoiceDetail,
    InvoiceFilters,
    InvoiceListPage,
    InvoicePage,
    InvoiceRead,
    InvoiceSummary,
    InvoiceSummaryPage,
    InvoiceUpdate,
    ListView,
    SortField,
    SortOrder,
)
from involinks.storage import StoreDep

router = APIRouter(prefix="/invoices", tags=["invoices"])


@router.post("", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED)
async def create_invoice(
    data: InvoiceCreate, user: CanCreateInvoices, session: DbSession
) -> Invoice:
    """Create a draft invoice."""
    return await invoicing_service.create_draft(session, data, user=user)


@router.get("", response_model=InvoiceListPage)
async def list_invoices(
    session: DbSession,
    _user: CanReadInvoices,
    status_: Annotated[list[InvoiceStatus] | None, Query(alias="status")] = None,
    kind: InvoiceKind | None = None,
    customer_id: uuid.UUID | None = None,
    issue_date_from: date | None = None,
    issue_date_to: date | None = None,
    amount_min: Annotated[Decimal | None, Query(ge=0, max_digits=16, decimal_places=2)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0, max_digits=16, decimal_places=2)] = None,
    number: Annotated[str | None, Query(max_length=64)] = None,
    sort: SortField = "created_at",
    order: SortOrder = "desc",
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    view: ListView = "full",
) -> InvoicePage | InvoiceSummaryPage:
    """Invoices and credit notes, filtered, sorted and paged.

    ``view=full`` (the default) gives whole invoices, lines included; ``view=summary`` gives the
    fields a list screen shows (``InvoiceSummary``), which is much cheaper to serve.
    """
    filters = InvoiceFilters(
        statuses=tuple(status_ or ()),
        kind=kind,
        customer_id=customer_id,
        issue_date_from=issue_date_from,
        issue_date_to=issue_date_to,
        amount_min=amount_min,
        amount_max=amount_max,
        number=number,
    )
    if view == "summary":
        summaries, total = await invoicing_service.list_invoice_summaries(
            session, filters, sort=sort, order=order, page=page, page_size=page_size
        )
        return InvoiceSummaryPage(
            items=[InvoiceSummary.model_validate(summary) for summary in summaries],
            total=total,
            page=page,
            page_size=page_size,
        )
    items, total = await invoicing_service.list_invoices(
        session, filters, sort=sort, order=order, page=page, page_size=page_size
    )
    return InvoicePage(
        items=[InvoiceRead.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/{invoice_id}", response_model=InvoiceDetail)
async def get_invoice(invoice_id: uuid.UUID, session: DbSession, _user: CanReadInvoices) -> Invoice:
    """One invoice or credit note with its status history."""
    return await invoicing_service.get_invoice(session, invoice_id, history=True)


@router.patch("/{invoice_id}", response_model=InvoiceRead)
async def update_invoice(
    data: InvoiceUpdate, invoice: InvoiceFromPath, user: CanCreateInvoices, session: DbSession
) -> Invoice:
    """Edit a draft (409 once finalized)."""
    return await invoicing_service.update_draft(session, invoice, data, user=user)


@router.delete("/{invoice_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_invoice(
    invoice: InvoiceFromPath, user: CanDeleteInvoices, session: DbSession
) -> Response:
    """Delete a draft (409 once finalized)."""
    await invoicing_service.delete_draft(session, invoice, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{invoice_id}/finalize", response_model=InvoiceRead)
async def finalize_invoice(
    invoice: InvoiceFromPath,
    user: CanCreateInvoices,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
) -> Invoice:
    """Number the draft, issue its validated, hash-chained and signed UBL, make it immutable.

    422 with every failed PINT AE rule (``rule_id``, ``layer``, ``message``, ``location``,
    ``field``) when the document does not pass; nothing is written then.
    """
    # No savepoint of its own: the request's unit of work rolls back on any refusal.
    return await invoicing_service.finalize(
        session, invoice, user=user, settings=settings, store=store, savepoint=False
    )


@router.post("/{invoice_id}/approve", response_model=InvoiceRead)
async def approve_invoice(
    invoice: InvoiceFromPath, user: CanApproveInvoices, session: DbSession
) -> Invoice:
    """Approve a finalized document for sending."""
    return await invoicing_service.approve(session, invoice, user=user)


@router.post(
    "/{invoice_id}/credit-notes", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED
)
async def create_credit_note(
    data: CreditNoteCreate, invoice: InvoiceFromPath, user: CanCreateInvoices, session: DbSession
) -> Invoice:
    """Create a draft credit note for this invoice (the whole invoice when no lines are given)."""
    return await invoicing_service.create_credit_note(session, invoice, data, user=user)
