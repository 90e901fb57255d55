"""Invoice and credit note lifecycle: DRAFT -> FINALIZED -> APPROVED -> SENT (-> DELIVERED /
ACCEPTED / REJECTED / FAILED), CANCELLED only by a credit note covering the whole invoice.

Rules kept here (services flush, never commit; the request commits):

* a DRAFT is freely edited and deleted; anything else is immutable (409 naming the state);
* totals come only from ``invoicing.totals`` and are stored on the document and its lines;
* the number is taken at finalize (``invoicing.numbering``), the plan limit checked in the same
  transaction (``plans.enforcement``), and the seller and buyer data are snapshotted;
* a credit note credits a finalized invoice, never more than what remains of it (sum of its
  finalized credit notes); the one that exhausts it marks the invoice CANCELLED.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.compliance import service as compliance_service
from involinks.config import Settings
from involinks.core.db import unique_violation
from involinks.core.types import UAE_TIME, utcnow
from involinks.customers.models import Customer
from involinks.errors import Conflict, NotFound
from involinks.invoicing import drafting, numbering, repository
from involinks.invoicing.document import Document
from involinks.invoicing.exceptions import (
    CreditExceedsInvoice,
    CreditExceedsInvoiceNow,
    InvalidDocument,
    InvalidTransition,
    InvoiceNotDraft,
    InvoiceNotFound,
)
from involinks.invoicing.mapping import buyer_snapshot, invoice_to_document, seller_snapshot
from involinks.invoicing.models import (
    AED,
    CREDITABLE_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    InvoiceStatusEvent,
)
from involinks.invoicing.schemas import (
    CreditNoteCreate,
    DocumentInput,
    FieldIssue,
    InvoiceCreate,
    InvoiceFilters,
    InvoiceUpdate,
    PaymentMeansIn,
    SortField,
    SortOrder,
)
from involinks.plans import enforcement
from involinks.storage import ArtifactStore

#: Status changes made by users or by the Peppol delivery reports; CANCELLED is reached only
#: through a credit note (see :func:`finalize`).
TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.FINALIZED}),
    # PAID: settled in full (invoicing.payments), whether it went over Peppol or not.
    InvoiceStatus.FINALIZED: frozenset({InvoiceStatus.APPROVED, InvoiceStatus.PAID}),
    InvoiceStatus.APPROVED: frozenset({InvoiceStatus.SENT, InvoiceStatus.PAID}),
    InvoiceStatus.SENT: frozenset(
        {
            InvoiceStatus.DELIVERED,
            InvoiceStatus.ACCEPTED,
            InvoiceStatus.REJECTED,
            InvoiceStatus.FAILED,
            InvoiceStatus.PAID,
        }
    ),
    InvoiceStatus.DELIVERED: frozenset(
        {InvoiceStatus.ACCEPTED, InvoiceStatus.REJECTED, InvoiceStatus.PAID}
    ),
    InvoiceStatus.FAILED: frozenset({InvoiceStatus.SENT, InvoiceStatus.PAID}),
    InvoiceStatus.ACCEPTED: frozenset({InvoiceStatus.PAID}),
    InvoiceStatus.REJECTED: frozenset(),
    InvoiceStatus.CANCELLED: frozenset(),
    InvoiceStatus.PAID: frozenset(),
}


# --- audit -------------------------------------------------------------------------------------


@cache
def _audit_recorder() -> Callable[..., Awaitable[Any]] | None:
    # involinks.audit arrives with its own issue: events are recorded once it is there.
    try:
        module = importlib.import_module("involinks.audit.service")
    except ModuleNotFoundError:
        return None
    recorder = getattr(module, "record", None)
    return recorder if callable(recorder) else None


async def record_audit(
    session: AsyncSession,
    action: str,
    *,
    user: User | None,
    company_id: uuid.UUID | None = None,
    subject_type: str | None = None,
    subject_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """One audit event in the caller's transaction, via ``involinks.audit.service.record``."""
    recorder = _audit_recorder()
    if recorder is None:
        return
    await recorder(
        session,
        action,
        actor=user,
        company_id=company_id or (user.company_id if user else None),
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id else None,
        details=details,
    )


async def _audit_invoice(
    session: AsyncSession, action: str, invoice: Invoice, user: User | None, **details: Any
) -> None:
    await record_audit(
        session,
        action,
        user=user,
        company_id=invoice.company_id,
        subject_type="credit_note" if invoice.is_credit_note else "invoice",
        subject_id=invoice.id,
        details={"number": invoice.number, "status": invoice.status.value, **details},
    )


def _add_event(
    session: AsyncSession,
    invoice: Invoice,
    status: InvoiceStatus,
    *,
    user: User | None,
    note: str | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        InvoiceStatusEvent(
            invoice_id=invoice.id,
            company_id=invoice.company_id,
            status=status,
            at=at or utcnow(),
            by_id=user.id if user else None,
            note=note,
        )
    )


# --- reading -------------------------------------------------------------------------------


async def get_invoice(
    session: AsyncSession, invoice_id: uuid.UUID, *, history: bool = False
) -> Invoice:
    invoice = await repository.get(session, invoice_id, history=history)
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


async def list_invoices(
    session: AsyncSession,
    filters: InvoiceFilters,
    *,
    sort: SortField = "created_at",
    order: SortOrder = "desc",
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[Invoice], int]:
    return await repository.page(
        session, filters, sort=sort, order=order, page=page, page_size=page_size
    )


async def list_invoice_summaries(
    session: AsyncSession,
    filters: InvoiceFilters,
    *,
    sort: SortField = "created_at",
    order: SortOrder = "desc",
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[dict[str, object]], int]:
    """The same page as ``list_invoices``, as summaries: what a list screen shows, read without
    lines or ORM objects (the web app's invoice list)."""
    return await repository.summary_page(
        session, filters, sort=sort, order=order, page=page, page_size=page_size
    )


async def to_document(session: AsyncSession, invoice: Invoice) -> Document:
    """The PINT AE document of ``invoice``; a draft gets today's seller and buyer data."""
    if invoice.seller_snapshot is not None and invoice.buyer_snapshot is not None:
        return invoice_to_document(invoice)
    company = await _company(session, invoice.company_id)
    return invoice_to_document(
        invoice, seller=seller_snapshot(company), buyer=buyer_snapshot(invoice.customer)
    )


async def credited_amount(session: AsyncSession, invoice: Invoice) -> Decimal:
    """What the finalized credit notes of ``invoice`` credit in total."""
    return await repository.credited_total(session, invoice.id)


def issue_date_today() -> date:
    """Today in the UAE."""
    return utcnow().astimezone(UAE_TIME).date()


# --- helpers -------------------------------------------------------------------------------


async def _company(session: AsyncSession, company_id: uuid.UUID) -> Company:
    company = await session.get(Company, company_id)
    if company is None:  # the user's company exists: tenancy bound it
        raise NotFound("Company not found.")
    return company


async def _customer(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer not found.", code="customer_not_found")
    return customer


def _require_company(user: User) -> uuid.UUID:
    if user.company_id is None:
        raise Conflict("Only members of a company can issue invoices.")
    return user.company_id


# --- drafts ------------------------------------------------------------------------------------


async def create_draft(session: AsyncSession, data: InvoiceCreate, *, user: User) -> Invoice:
    company = await _company(session, _require_company(user))
    customer = await _customer(session, data.customer_id)
    flags = drafting.flags_or_default(data.transaction_type)
    means = data.payment_means or drafting.default_payment_means(
        company, self_billing=data.self_billing
    )
    drafting.validate(
        DocumentInput(
            type_code=data.type_code,
            issue_date=data.issue_date,
            supply_date=data.supply_date,
            currency=data.currency,
            exchange_rate=data.exchange_rate,
            payment_means_code=means.code,
            transaction_type=flags,
            period_start=data.period_start,
            period_end=data.period_end,
            billing_frequency=data.billing_frequency,
            delivery=data.delivery,
            lines=data.lines,
            allowances_charges=data.allowances_charges,
            categories=drafting.categories(None, data.lines, data.allowances_charges),
            is_credit_note=False,
            credit_reason_code=None,
        ),
        data.lines,
        data.allowances_charges,
    )
    invoice = Invoice(
        id=uuid.uuid4(),
        company_id=company.id,
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.DRAFT,
        customer_id=customer.id,
        customer=customer,
        created_by_id=user.id,
        **drafting.draft_values(data, means=means, flags=flags),
    )
    drafting.replace_lines(invoice, data.lines)
    drafting.replace_acs(invoice, data.allowances_charges)
    drafting.apply_totals(invoice)
    session.add(invoice)
    _add_event(session, invoice, InvoiceStatus.DRAFT, user=user, note="Draft created")
    await session.flush()
    await _audit_invoice(session, "invoice.created", invoice, user)
    return invoice


_NOT_NULL_FIELDS = (
    "customer_id",
    "type_code",
    "issue_date",
    "currency",
    "lines",
    "self_billing",
)


async def update_draft(
    session: AsyncSession, invoice: Invoice, data: InvoiceUpdate, *, user: User
) -> Invoice:
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotDraft(invoice)
    sent = data.model_fields_set
    issues = [
        FieldIssue(name, "cannot be empty")
        for name in _NOT_NULL_FIELDS
        if name in sent and getattr(data, name) is None
    ]
    allowed_types = ("381", "81") if invoice.is_credit_note else ("380", "480")
    if data.type_code is not None and data.type_code not in allowed_types:
        issues.append(
            FieldIssue("type_code", f"must be one of {', '.join(allowed_types)} for this document")
        )
    if invoice.is_credit_note:
        for name in ("customer_id", "currency", "exchange_rate", "supply_date", "self_billing"):
            if name in sent:
                issues.append(FieldIssue(name, "is taken from the credited invoice"))
    elif {"credit_reason_code", "credit_reason"} & sent:
        issues.append(FieldIssue("credit_reason_code", "only a credit note has a credit reason"))
    if issues:
        raise InvalidDocument(issues)

    def value(name: str, current: Any) -> Any:
        return getattr(data, name) if name in sent else current

    currency = value("currency", invoice.currency)
    flags = value("transaction_type", None) or drafting.flags_of(invoice)
    means = value("payment_means", None) or PaymentMeansIn(
        code=invoice.payment_means_code,
        account_id=invoice.payment_account_id,
        account_name=invoice.payment_account_name,
        payment_id=invoice.payment_id,
    )
    # Switching to AED drops the old rate unless one is sent (and then it is refused).
    exchange_rate = value("exchange_rate", None if currency == AED else invoice.exchange_rate)
    drafting.validate(
        DocumentInput(
            type_code=value("type_code", invoice.type_code),
            issue_date=value("issue_date", invoice.issue_date),
            supply_date=value("supply_date", invoice.supply_date),
            currency=currency,
            exchange_rate=exchange_rate,
            payment_means_code=means.code,
            transaction_type=flags,
            period_start=value("period_start", invoice.period_start),
            period_end=value("period_end", invoice.period_end),
            billing_frequency=value("billing_frequency", invoice.billing_frequency),
            delivery=data.delivery,
            lines=data.lines,
            allowances_charges=data.allowances_charges,
            categories=drafting.categories(invoice, data.lines, data.allowances_charges),
            is_credit_note=invoice.is_credit_note,
            credit_reason_code=value("credit_reason_code", invoice.credit_reason_code),
        ),
        data.lines,
        data.allowances_charges,
    )
    if "customer_id" in sent and data.customer_id != invoice.customer_id:
        assert data.customer_id is not None
        invoice.customer = await _customer(session, data.customer_id)
        invoice.customer_id = invoice.customer.id
    simple = (
        "type_code",
        "self_billing",
        "issue_date",
        "supply_date",
        "due_date",
        "payment_terms",
        "purchase_order_reference",
        "buyer_reference",
        "period_start",
        "period_end",
        "billing_frequency",
        "beneficiary_id",
        "principal_id",
        "credit_reason_code",
        "credit_reason",
    )
    for name in simple:
        if name in sent:
            setattr(invoice, name, getattr(data, name))
    if "notes" in sent:
        invoice.notes = list(data.notes or [])
    if "delivery" in sent:
        invoice.delivery = drafting.delivery_json(data.delivery)
    invoice.currency = currency
    invoice.exchange_rate = exchange_rate if currency != AED else None
    invoice.transaction_type_code = drafting.flags_code(flags)
    drafting.set_payment_means(invoice, means)
    if data.lines is not None:
        drafting.replace_lines(invoice, data.lines)
    if data.allowances_charges is not None:
        drafting.replace_acs(invoice, data.allowances_charges)
    drafting.apply_totals(invoice)
    if invoice.is_credit_note:
        await _check_credit_fits(session, invoice, at_finalize=False)
    invoice.updated_at = utcnow()  # lines may change alone: the document still changed
    await session.flush()
    await _audit_invoice(session, "invoice.updated", invoice, user, fields=sorted(sent))
    return invoice


async def delete_draft(session: AsyncSession, invoice: Invoice, *, user: User) -> None:
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotDraft(invoice)
    await _audit_invoice(session, "invoice.deleted", invoice, user)
    await session.delete(invoice)
    await session.flush()


# --- credit notes ------------------------------------------------------------------------------


async def _check_credit_fits(session: AsyncSession, credit: Invoice, *, at_finalize: bool) -> None:
    assert credit.credited_invoice_id is not None
    original = await repository.get(session, credit.credited_invoice_id, for_update=at_finalize)
    if original is None:
        raise InvoiceNotFound()
    if at_finalize and original.status not in CREDITABLE_STATUSES:
        raise InvalidTransition(
            credit,
            InvoiceStatus.FINALIZED,
            f"the credited invoice {original.number} is {original.status.value}",
        )
    already = await repository.credited_total(session, original.id, exclude=credit.id)
    remaining = original.payable_amount - already
    if credit.payable_amount > remaining:
        error = CreditExceedsInvoiceNow if at_finalize else CreditExceedsInvoice
        raise error(credit=credit.payable_amount, remaining=remaining, currency=credit.currency)


async def create_credit_note(
    session: AsyncSession, invoice: Invoice, data: CreditNoteCreate, *, user: User
) -> Invoice:
    """A DRAFT credit note for ``invoice``; without lines it credits the whole invoice."""
    if invoice.is_credit_note:
        raise Conflict("A credit note cannot itself be credited.", code="not_an_invoice")
    if invoice.status not in CREDITABLE_STATUSES:
        raise InvalidTransition(
            invoice,
            InvoiceStatus.CANCELLED,
            "only a finalized invoice that is not cancelled can be credited",
        )
    if data.lines is None:
        lines = [drafting.line_in(line) for line in invoice.lines]
        acs = (
            data.allowances_charges
            if data.allowances_charges is not None
            else [drafting.ac_in(ac) for ac in invoice.allowances_charges]
        )
    else:
        lines = data.lines
        acs = data.allowances_charges or []
    issue_date = data.issue_date or issue_date_today()
    flags = drafting.flags_of(invoice)
    drafting.validate(
        DocumentInput(
            type_code=data.type_code,
            issue_date=issue_date,
            supply_date=None,
            currency=invoice.currency,
            exchange_rate=invoice.exchange_rate,
            payment_means_code=invoice.payment_means_code,
            transaction_type=flags,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            billing_frequency=invoice.billing_frequency,
            delivery=None,
            lines=lines,
            allowances_charges=acs,
            categories=drafting.categories(None, lines, acs),
            is_credit_note=True,
            credit_reason_code=data.reason_code,
        ),
        lines,
        acs,
    )
    credit = Invoice(
        id=uuid.uuid4(),
        company_id=invoice.company_id,
        kind=InvoiceKind.CREDIT_NOTE,
        status=InvoiceStatus.DRAFT,
        type_code=data.type_code,
        customer_id=invoice.customer_id,
        customer=invoice.customer,
        credited_invoice_id=invoice.id,
        credited_invoice_number=invoice.number,
        credited_invoice_issue_date=invoice.issue_date,
        credit_reason_code=data.reason_code,
        credit_reason=data.reason,
        issue_date=issue_date,
        purchase_order_reference=invoice.purchase_order_reference,
        buyer_reference=invoice.buyer_reference,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        billing_frequency=invoice.billing_frequency,
        beneficiary_id=invoice.beneficiary_id,
        principal_id=invoice.principal_id,
        transaction_type_code=invoice.transaction_type_code,
        self_billing=invoice.self_billing,  # compliance: a self-billed invoice's credit note
        notes=list(data.notes or []),
        delivery=invoice.delivery,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        payment_means_code=invoice.payment_means_code,
        payment_account_id=invoice.payment_account_id,
        payment_account_name=invoice.payment_account_name,
        payment_id=invoice.payment_id,
        created_by_id=user.id,
    )
    drafting.replace_lines(credit, lines)
    drafting.replace_acs(credit, acs)
    drafting.apply_totals(credit)
    await _check_credit_fits(session, credit, at_finalize=False)
    session.add(credit)
    _add_event(
        session, credit, InvoiceStatus.DRAFT, user=user, note=f"Credit note for {invoice.number}"
    )
    await session.flush()
    await _audit_invoice(
        session, "credit_note.created", credit, user, credited_invoice_id=str(invoice.id)
    )
    return credit


# --- lifecycle ---------------------------------------------------------------------------------


async def finalize(
    session: AsyncSession,
    invoice: Invoice,
    *,
    user: User,
    now: datetime | None = None,
    settings: Settings | None = None,
    store: ArtifactStore | None = None,
    savepoint: bool = True,
) -> Invoice:
    """DRAFT -> FINALIZED: check, number, snapshot parties, issue the compliant document (UBL
    validated, hash-chained, signed: compliance.service.issuing); a full credit cancels its
    invoice.

    ``settings`` and ``store`` (secret key, artifact store) default to ``get_settings()``'s.
    A refusal takes back everything finalize wrote (the number above all), in a savepoint of
    its own; ``savepoint=False`` is for a caller whose unit of work rolls back on any error
    anyway, as the API's request session does, and saves two round trips on the way.
    """
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotDraft(invoice)
    now = now or utcnow()
    company = await _company(session, invoice.company_id)
    if drafting.finalize_issues(invoice, invoice.customer):
        # 422 with every failed rule (the pre-checks and the official layers), as /validate.
        raise await compliance_service.draft_rejection(session, invoice, now=now)
    if invoice.is_credit_note:
        await _check_credit_fits(session, invoice, at_finalize=True)
    # Numbering through issuing in a savepoint: a refusal anywhere (plan limit, number taken,
    # an official rule) takes back everything written here, whatever the caller does next.
    async with session.begin_nested() if savepoint else nullcontext():
        await _number_and_issue(
            session, invoice, company, user=user, now=now, settings=settings, store=store
        )
    if invoice.is_credit_note:
        await _cancel_if_fully_credited(session, invoice, user=user, now=now)
    return invoice


async def _number_and_issue(
    session: AsyncSession,
    invoice: Invoice,
    company: Company,
    *,
    user: User,
    now: datetime,
    settings: Settings | None,
    store: ArtifactStore | None,
) -> None:
    # The counter row stays locked until commit: the plan check below cannot race.
    number = await numbering.assign_number(
        session,
        company_id=company.id,
        company_settings=company.settings,
        kind=invoice.kind,
        issue_date=invoice.issue_date,
    )
    invoice.number = number
    invoice.finalized_at = now
    invoice.finalized_by_id = user.id
    invoice.seller_snapshot = seller_snapshot(company)
    invoice.buyer_snapshot = buyer_snapshot(invoice.customer)
    # Compliance: the UBL is built and its official validation starts at once, in a helper
    # process; the chain, signature, storage and everything below run meanwhile, and leaving
    # the block waits for the verdict (422 with every failed rule). A refusal in the block
    # (plan limit, number taken) discards the verdict, the stored file and every row.
    async with compliance_service.issuing(
        session, invoice, user=user, now=now, settings=settings, store=store
    ):
        await enforcement.check_invoice_limit(session, company, now=now, kind=invoice.kind)
        invoice.status = InvoiceStatus.FINALIZED
        _add_event(session, invoice, InvoiceStatus.FINALIZED, user=user, note=number, at=now)
        try:
            await _audit_invoice(session, "invoice.finalized", invoice, user)  # flushes all of it
        except IntegrityError as exc:
            # The unique key (company, number) answers what a lookup before would have: a
            # numbering format changed so that the counter meets a number already issued.
            if unique_violation(exc) != ("invoices", frozenset({"company_id", "number"})):
                raise
            raise Conflict(
                f"The number {number} is already used; check the numbering format in the "
                "company settings.",
                code="number_taken",
            ) from exc


async def _cancel_if_fully_credited(
    session: AsyncSession, credit: Invoice, *, user: User, now: datetime
) -> None:
    assert credit.credited_invoice_id is not None
    original = await repository.get(session, credit.credited_invoice_id)
    if original is None:
        return
    credited = await repository.credited_total(session, original.id)
    if credited < original.payable_amount:
        return
    original.status = InvoiceStatus.CANCELLED
    _add_event(
        session,
        original,
        InvoiceStatus.CANCELLED,
        user=user,
        note=f"Fully credited by {credit.number}",
        at=now,
    )
    await session.flush()
    await _audit_invoice(
        session, "invoice.cancelled", original, user, credit_note_id=str(credit.id)
    )


async def transition(
    session: AsyncSession,
    invoice: Invoice,
    target: InvoiceStatus,
    *,
    user: User | None,
    note: str | None = None,
) -> Invoice:
    """A plain status change along :data:`TRANSITIONS` (approval, Peppol delivery reports)."""
    if target is InvoiceStatus.FINALIZED:
        raise InvalidTransition(invoice, target, "use finalize")
    if target not in TRANSITIONS[invoice.status]:
        raise InvalidTransition(invoice, target)
    invoice.status = target
    now = utcnow()
    if target is InvoiceStatus.APPROVED:
        invoice.approved_at = now
        invoice.approved_by_id = user.id if user else None
    _add_event(session, invoice, target, user=user, note=note, at=now)
    await session.flush()
    await _audit_invoice(session, f"invoice.{target.value.lower()}", invoice, user)
    return invoice


async def approve(session: AsyncSession, invoice: Invoice, *, user: User) -> Invoice:
    return await transition(session, invoice, InvoiceStatus.APPROVED, user=user)
