"""Inward invoices: the three ways in (Peppol, uploaded UBL file, manual entry), duplicates.

Every door ends in `_store`: one row per supplier document, the original XML kept in the artifact
store, the history started, and the 3-way match run at once (`matching.service.match_invoice`).

Duplicates (409, naming the earlier invoice): the same supplier TRN with the same invoice number
(compared without case or spaces), or byte-identical XML (sha256). A Peppol message id is
idempotent instead: delivering the same message again returns the invoice already stored.

Documents arriving as XML are checked like our own invoices: the official PINT AE validation
(UBL 2.1 XSD + PINT and AE Schematron). An invalid document is refused with the failed rules and
nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.compliance.ubl import ParseError, parse_document
from involinks.compliance.validation import ValidationResult
from involinks.compliance.validation.pool import validate_ubl_async
from involinks.config import get_settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.errors import AppError, Conflict, NotFound, Unprocessable
from involinks.invoicing.document import Document, DocumentKind
from involinks.payables.inward_invoices import history
from involinks.payables.inward_invoices.models import (
    BUYER_MISMATCH_EVENT,
    InwardInvoice,
    InwardInvoiceLine,
    InwardInvoiceSource,
    InwardInvoiceStatus,
)
from involinks.payables.inward_invoices.schemas import InwardInvoiceCreate
from involinks.payables.matching import service as matching_service
from involinks.payables.matching.engine import MatchStatus
from involinks.payables.purchase_orders.service import money, vat_by_group
from involinks.payables.suppliers import service as suppliers_service
from involinks.payables.suppliers.models import Supplier
from involinks.storage import ArtifactStore, store_for

QUANTITY_PLACES = 6
XML_CONTENT_TYPE = "application/xml"
_PRICE_QUANTUM = Decimal(1).scaleb(-6)


class DuplicateInvoice(Conflict):
    code = "duplicate_invoice"


class InvalidInvoiceDocument(Unprocessable):
    """`details` is the list of failed rules: {rule_id, message, location, field, layer}."""

    code = "invalid_document"


class DocumentTooLarge(AppError):
    status_code = 413
    code = "too_large"


# --------------------------------------------------------------------------- reading


async def get_invoice(
    session: AsyncSession, invoice_id: uuid.UUID, *, for_update: bool = False
) -> InwardInvoice:
    query = sa.select(InwardInvoice).where(InwardInvoice.id == invoice_id)
    if for_update:
        query = query.with_for_update(of=InwardInvoice)
    invoice = (
        await session.execute(
            query.options(
                selectinload(InwardInvoice.lines), selectinload(InwardInvoice.events)
            ).execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if invoice is None:
        raise NotFound("Inward invoice not found.")
    return invoice


def storage_namespace(company_id: uuid.UUID) -> str:
    return f"payables-inward/{company_id}"


async def read_original(store: ArtifactStore, invoice: InwardInvoice) -> bytes | None:
    """The XML as received (checked against its hash), None for a typed-in invoice."""
    if invoice.xml_storage_key is None:
        return None
    return await store.get(invoice.xml_storage_key, expected_sha256=invoice.document_hash)


# --------------------------------------------------------------------------- duplicates


def number_key(number: str) -> str:
    return "".join(number.split()).casefold()


def document_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _refuse_duplicate(
    session: AsyncSession,
    *,
    supplier_trn: str | None,
    supplier_id: uuid.UUID | None,
    key: str,
    digest: str,
) -> None:
    same_number: Any = None
    if supplier_trn:
        same_number = InwardInvoice.supplier_trn == supplier_trn
    elif supplier_id:
        same_number = InwardInvoice.supplier_id == supplier_id
    conditions = [InwardInvoice.document_hash == digest]
    if same_number is not None:
        conditions.append(sa.and_(same_number, InwardInvoice.invoice_number_key == key))
    existing = (
        (
            await session.execute(
                sa.select(InwardInvoice)
                .where(sa.or_(*conditions))
                .order_by(InwardInvoice.received_at)
                .limit(1)
            )
        )
        .scalars()
        .first()
    )
    if existing is None:
        return
    why = (
        "the same document"
        if existing.document_hash == digest
        else "the same supplier and invoice number"
    )
    raise DuplicateInvoice(
        f"Duplicate of invoice {existing.invoice_number} from {existing.supplier_name}, "
        f"received {existing.received_at.date().isoformat()} ({why}).",
        details={
            "existing_id": str(existing.id),
            "invoice_number": existing.invoice_number,
            "supplier_name": existing.supplier_name,
            "received_at": existing.received_at.isoformat(),
            "reason": why,
        },
    )


# --------------------------------------------------------------------------- XML documents


def issue_dicts(result: ValidationResult) -> list[dict[str, Any]]:
    return [
        {
            "rule_id": issue.rule_id,
            "message": issue.message,
            "location": issue.location,
            "field": issue.field,
            "layer": issue.layer.value,
            "severity": issue.severity.value,
        }
        for issue in result.errors
    ]


async def check_document(xml: bytes) -> Document:
    """Validate with the official PINT AE rules, then read into the document model."""
    document, _result = await check_document_result(xml)
    return document


async def check_document_result(xml: bytes) -> tuple[Document, ValidationResult]:
    """`check_document`, also giving the validation result (its warnings) to show the user."""
    # Saxon and lxml are CPU-bound: they run in a helper process, the event loop stays free.
    result = await validate_ubl_async(xml)
    if not result.valid:
        errors = issue_dicts(result)
        shown = "; ".join(f"[{e['rule_id']}] {e['message']}" for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise InvalidInvoiceDocument(
            f"The document fails {len(errors)} PINT AE rule(s): {shown}{more}", details=errors
        )
    try:
        return parse_document(xml), result
    except ParseError as exc:
        raise InvalidInvoiceDocument(
            f"The document cannot be read: {exc}",
            details=[
                {
                    "rule_id": "parse",
                    "message": exc.message,
                    "location": exc.path,
                    "field": None,
                    "layer": "xml",
                    "severity": "fatal",
                }
            ],
        ) from exc


def _quantity(value: Decimal, where: str) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -QUANTITY_PLACES:
        # Stored exactly or not at all: rounding a supplier's quantity would change the invoice.
        raise InvalidInvoiceDocument(
            f"{where}: quantity {value} has more than {QUANTITY_PLACES} decimals.",
            details=[
                {
                    "rule_id": "involinks-quantity-precision",
                    "message": f"quantity {value} has more than {QUANTITY_PLACES} decimals",
                    "location": where,
                    "field": None,
                    "layer": "involinks",
                    "severity": "fatal",
                }
            ],
        )
    return value


def lines_from_document(document: Document) -> list[InwardInvoiceLine]:
    lines = []
    for position, line in enumerate(document.lines, start=1):
        price = line.price
        unit_price = price.amount
        if price.base_quantity:
            unit_price = price.amount / price.base_quantity  # IBT-146 is per IBT-149 units
        item = line.item
        lines.append(
            InwardInvoiceLine(
                id=uuid.uuid4(),
                position=position,
                line_id=line.id,
                item_name=item.name,
                # Our PO's item code is the buyer's item id (IBT-156); else the seller's (IBT-155).
                item_code=item.buyers_item_id or item.sellers_item_id,
                description=item.description,
                quantity=_quantity(line.quantity, f"invoice line {line.id}"),
                unit_code=line.unit_code[:3] if line.unit_code else None,
                unit_price=unit_price.quantize(_PRICE_QUANTUM, rounding=ROUND_HALF_UP),
                net_amount=money(line.line_extension_amount),
                vat_category=item.classified_tax_category.code,
                vat_rate=item.classified_tax_category.percent,
                order_line_reference=line.order_line_id,
            )
        )
    return lines


def invoice_from_document(
    document: Document, *, source: InwardInvoiceSource, digest: str
) -> InwardInvoice:
    seller = document.seller
    endpoint = seller.endpoint
    totals = document.totals
    return InwardInvoice(
        id=uuid.uuid4(),
        source=source,
        document_kind=document.kind.value,
        type_code=document.type_code,
        invoice_number=document.id,
        invoice_number_key=number_key(document.id),
        issue_date=document.issue_date,
        due_date=document.due_date,
        currency=document.currency_code,
        supplier_name=seller.registration_name or seller.name or "(no name)",
        supplier_trn=seller.trn,
        supplier_peppol_id=(
            f"{endpoint.scheme_id}:{endpoint.value}" if endpoint and endpoint.scheme_id else None
        ),
        buyer_trn=document.buyer.trn,
        order_reference=document.order_reference.id if document.order_reference else None,
        net_amount=money(totals.tax_exclusive_amount),
        tax_amount=money(document.tax_total.tax_amount),
        total_amount=money(totals.tax_inclusive_amount),
        payable_amount=money(totals.payable_amount),
        status=InwardInvoiceStatus.RECEIVED,
        matching_status=MatchStatus.NOT_MATCHED,
        document_hash=digest,
        received_at=utcnow(),
        lines=lines_from_document(document),
    )


def buyer_mismatch(document: Document, company: Company) -> str | None:
    """Why `document` looks addressed to a buyer other than `company`, else None.

    The buyer TRN (IBT-048) must be the company's TRN and the buyer endpoint (IBT-049, scheme
    0235 = the TIN, the first 10 digits of the TRN) its Peppol id. Such a document is still
    stored (the sender or the access point may have mis-addressed it) and flagged for review.
    """
    reasons = []
    buyer = document.buyer
    if buyer.trn and buyer.trn != company.trn:
        reasons.append("the buyer TRN (IBT-048) is not this company's TRN")
    endpoint = buyer.endpoint
    if endpoint is not None and endpoint.value:
        ours = {company.trn, company.tin}
        if company.peppol_id:
            ours.add(company.peppol_id)
            ours.add(company.peppol_id.split(":", 1)[-1])
        full = f"{endpoint.scheme_id}:{endpoint.value}" if endpoint.scheme_id else endpoint.value
        if full not in ours and endpoint.value not in ours:
            reasons.append("the buyer electronic address (IBT-049) is not this company's")
    return "; ".join(reasons) or None


# --------------------------------------------------------------------------- the doors


async def _store(
    session: AsyncSession,
    invoice: InwardInvoice,
    *,
    actor: User | None,
    xml: bytes | None,
    store: ArtifactStore | None,
    note: str,
    flag: str | None = None,
) -> InwardInvoice:
    if invoice.supplier_id is None and invoice.supplier_trn:
        supplier = await suppliers_service.find_by_trn(session, invoice.supplier_trn)
        invoice.supplier_id = supplier.id if supplier else None
    invoice.received_by_id = actor.id if actor else None
    session.add(invoice)
    try:
        # The checks above answer nearly always; the unique keys settle a race, in a savepoint
        # so the caller's transaction survives.
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DuplicateInvoice("This invoice has already been received.") from exc
    if xml is not None and store is not None:
        stored = await store.put(
            storage_namespace(invoice.company_id), xml, content_type=XML_CONTENT_TYPE
        )
        invoice.xml_storage_key = stored.key
    await history.record(
        session,
        invoice,
        "received",
        actor=actor,
        note=note,
        details={"source": invoice.source.value},
    )
    if flag is not None:
        await history.record(session, invoice, BUYER_MISMATCH_EVENT, actor=actor, note=flag)
    await matching_service.match_invoice(session, invoice, actor=actor, trigger="arrival")
    return await get_invoice(session, invoice.id)


async def _receive_xml(
    session: AsyncSession,
    xml: bytes,
    *,
    source: InwardInvoiceSource,
    actor: User | None,
    store: ArtifactStore,
    note: str,
    peppol: dict[str, str] | None = None,
) -> InwardInvoice:
    invoice, _result = await _receive_xml_checked(
        session, xml, source=source, actor=actor, store=store, note=note, peppol=peppol
    )
    return invoice


async def _receive_xml_checked(
    session: AsyncSession,
    xml: bytes,
    *,
    source: InwardInvoiceSource,
    actor: User | None,
    store: ArtifactStore,
    note: str,
    peppol: dict[str, str] | None = None,
) -> tuple[InwardInvoice, ValidationResult]:
    document, result = await check_document_result(xml)
    digest = document_hash(xml)
    await _refuse_duplicate(
        session,
        supplier_trn=document.seller.trn,
        supplier_id=None,
        key=number_key(document.id),
        digest=digest,
    )
    invoice = invoice_from_document(document, source=source, digest=digest)
    for field, value in (peppol or {}).items():
        setattr(invoice, field, value)
    company_id = tenancy.current_company_id(session)
    company = await session.get(Company, company_id) if company_id is not None else None
    flag = buyer_mismatch(document, company) if company is not None else None
    stored = await _store(session, invoice, actor=actor, xml=xml, store=store, note=note, flag=flag)
    return stored, result


@contextmanager
def _company_bound(session: AsyncSession, company_id: uuid.UUID) -> Iterator[None]:
    """Run with `company_id` bound, then give the session its previous scope back."""
    scope = tenancy.current_scope(session)
    if scope is tenancy.Scope.COMPANY:
        if tenancy.current_company_id(session) != company_id:
            raise tenancy.TenancyError("session is bound to another company")
        yield
        return
    tenancy.bind_company(session, company_id)
    try:
        yield
    finally:
        if scope is tenancy.Scope.SYSTEM:
            tenancy.bind_system(session)
        elif scope is tenancy.Scope.PLATFORM_READ:
            tenancy.bind_platform_read(session)
        # An unscoped session stays bound to this company: narrower than a system scope, and
        # the caller can read what it was given.


async def receive_peppol_document(
    session: AsyncSession,
    *,
    company_id: uuid.UUID,
    xml: bytes,
    sender_id: str,
    receiver_id: str,
    message_id: str,
    store: ArtifactStore | None = None,
) -> InwardInvoice:
    """Store a document delivered over Peppol to `company_id`, match it, return it.

    The original XML goes to `store` (default: the configured artifact store).

    Idempotent per `message_id`: a redelivery returns the invoice stored the first time.
    Raises `InvalidInvoiceDocument` (422, failed rules in `details`) and `DuplicateInvoice`
    (409, the earlier invoice in `details`) for the caller to turn into a Peppol rejection.
    Flushes, never commits.
    """
    with _company_bound(session, company_id):
        existing = (
            await session.execute(
                sa.select(InwardInvoice.id).where(InwardInvoice.peppol_message_id == message_id)
            )
        ).scalar_one_or_none()
        if existing is not None:
            return await get_invoice(session, existing)
        return await _receive_xml(
            session,
            xml,
            source=InwardInvoiceSource.PEPPOL,
            actor=None,
            store=store or store_for(get_settings()),
            note=f"Peppol message {message_id} from {sender_id}",
            peppol={
                "peppol_message_id": message_id,
                "peppol_sender_id": sender_id,
                "peppol_receiver_id": receiver_id,
            },
        )


async def upload_document(
    session: AsyncSession,
    xml: bytes,
    *,
    filename: str | None,
    actor: User,
    store: ArtifactStore,
) -> InwardInvoice:
    """A UBL 2.1 / PINT AE invoice or credit note file uploaded by a user."""
    invoice, _result = await upload_document_checked(
        session, xml, filename=filename, actor=actor, store=store
    )
    return invoice


async def upload_document_checked(
    session: AsyncSession,
    xml: bytes,
    *,
    filename: str | None,
    actor: User,
    store: ArtifactStore,
) -> tuple[InwardInvoice, ValidationResult]:
    """`upload_document`, also giving the (passed) validation result with its warnings."""
    return await _receive_xml_checked(
        session,
        xml,
        source=InwardInvoiceSource.UPLOAD,
        actor=actor,
        store=store,
        note=f"uploaded {filename}" if filename else "uploaded",
    )


def _manual_digest(data: InwardInvoiceCreate, supplier_key: str) -> str:
    canonical = {
        "supplier": supplier_key,
        "number": number_key(data.invoice_number),
        "kind": data.document_kind,
        "issue_date": data.issue_date.isoformat(),
        "currency": data.currency,
        "lines": [
            [line.item_name, str(line.quantity), str(line.unit_price), str(line.net_amount)]
            for line in data.lines
        ],
    }
    return document_hash(json.dumps(canonical, sort_keys=True).encode())


async def create_manual(
    session: AsyncSession, data: InwardInvoiceCreate, *, actor: User
) -> InwardInvoice:
    """A supplier invoice typed in from paper or PDF."""
    supplier: Supplier | None = None
    if data.supplier_id is not None:
        supplier = await suppliers_service.get_supplier(session, data.supplier_id)
        if data.supplier_trn and supplier.trn and data.supplier_trn != supplier.trn:
            raise Unprocessable(
                "supplier_trn does not match the supplier's TRN.",
                details=[{"field": "supplier_trn", "message": "differs from the supplier's TRN"}],
            )
    elif data.supplier_trn is not None:
        supplier = await suppliers_service.find_by_trn(session, data.supplier_trn)
    supplier_trn = supplier.trn if supplier and supplier.trn else data.supplier_trn
    supplier_name = data.supplier_name or (supplier.name if supplier else None)
    if not supplier_name:
        raise Unprocessable(
            "Name the supplier: no supplier has this TRN yet.",
            details=[{"field": "supplier_name", "message": "required for an unknown supplier"}],
        )

    lines = [
        InwardInvoiceLine(
            id=uuid.uuid4(),
            position=position,
            line_id=line.line_id or str(position),
            item_name=line.item_name,
            item_code=line.item_code,
            description=line.description,
            quantity=line.quantity,
            unit_code=line.unit_code,
            unit_price=line.unit_price,
            net_amount=(
                line.net_amount
                if line.net_amount is not None
                else money(line.quantity * line.unit_price)
            ),
            vat_category=line.vat_category,
            vat_rate=line.vat_rate,
            order_line_reference=line.order_line_reference,
        )
        for position, line in enumerate(data.lines, start=1)
    ]
    net = (
        data.net_amount
        if data.net_amount is not None
        else sum((line.net_amount for line in lines), Decimal(0))
    )
    tax = (
        data.tax_amount
        if data.tax_amount is not None
        else vat_by_group(
            (line.vat_category or "S", line.vat_rate or Decimal(0), line.net_amount)
            for line in lines
        )
    )
    total = data.total_amount if data.total_amount is not None else net + tax
    if total != net + tax:
        raise Unprocessable(
            f"The total {total} must be the net {net} plus the VAT {tax}.",
            details=[{"field": "total_amount", "message": "must equal net_amount + tax_amount"}],
        )

    digest = _manual_digest(data, supplier_trn or str(supplier.id if supplier else ""))
    key = number_key(data.invoice_number)
    await _refuse_duplicate(
        session,
        supplier_trn=supplier_trn,
        supplier_id=supplier.id if supplier else None,
        key=key,
        digest=digest,
    )
    invoice = InwardInvoice(
        id=uuid.uuid4(),
        source=InwardInvoiceSource.MANUAL,
        document_kind=(
            DocumentKind.CREDIT_NOTE.value
            if data.document_kind == "CreditNote"
            else DocumentKind.INVOICE.value
        ),
        invoice_number=data.invoice_number,
        invoice_number_key=key,
        issue_date=data.issue_date,
        due_date=data.due_date,
        currency=data.currency,
        supplier_id=supplier.id if supplier else None,
        supplier_name=supplier_name,
        supplier_trn=supplier_trn,
        supplier_peppol_id=supplier.peppol_id if supplier else None,
        order_reference=data.order_reference,
        net_amount=net,
        tax_amount=tax,
        total_amount=total,
        payable_amount=total,
        status=InwardInvoiceStatus.RECEIVED,
        matching_status=MatchStatus.NOT_MATCHED,
        document_hash=digest,
        received_at=utcnow(),
        notes=data.notes,
        lines=lines,
    )
    return await _store(session, invoice, actor=actor, xml=None, store=None, note="entered by hand")
