"""Compliance at finalize, and everything read back from an issued document.

Issuing (:func:`issue`, called by ``invoicing.service.finalize`` inside its transaction once the
number, ``finalized_at`` and the party snapshots are set, before the status changes):

1. map the invoice to the PINT AE document (``invoicing.mapping``; a self-billed document swaps the
   parties and takes type code 389 / 261) and write UBL 2.1 (``compliance.ubl.builder``);
2. validate those bytes: UBL 2.1 XSD, PINT and AE Schematron, our own checks. Any blocking issue
   refuses the finalize (:class:`ComplianceRejected`, 422) before anything is written;
3. lock the chain head of (company, series), link to the previous document, hash the canonical form
   (``compliance.chain``), sign ``document_hash|xml_sha256`` with the company's active key (created
   on first use), store the XML, add the ``issued_documents`` row and the audit event
   ``invoice.issued``. The PDF is rendered afterwards by the job ``compliance.render_pdf``.

Verifying recomputes from what is stored now: the canonical form from the invoice rows, the SHA-256
of the XML artifact; it compares them with the recorded hashes, walks the links to the neighbours
and the chain head, and checks the signature with the key its key id names (old keys are kept).

Reads that may run in a platform-read session (super admin) are wrapped in
``tenancy.company_scope`` of the document's company, so a lookup of "the company's key" or "the
company's logo" can never pick another tenant's row.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any, Final

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import schema as sa_schema
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.companies.models import Company, CompanyDocument, DocumentKind
from involinks.compliance import signing
from involinks.compliance.chain import (
    GENESIS_HASH,
    BreakReason,
    ChainEntry,
    canonical_document,
    compute_hash,
    link,
    sha256_hex,
    verify_chain,
)
from involinks.compliance.chain.canonical import CANONICAL_VERSION
from involinks.compliance.models import DocumentChainHead, IssuedDocument, SigningKey
from involinks.compliance.pdf import PdfError, PdfOptions, render_pdf
from involinks.compliance.tdd import TddContext, TddError, TddScope, build_tdd
from involinks.compliance.ubl import ParseError, parse_document
from involinks.compliance.ubl.builder import BuildError, build
from involinks.compliance.validation import (
    Layer,
    Severity,
    ValidationIssue,
    ValidationResult,
    validate_tdd,
)
from involinks.compliance.validation.pool import validate_ubl_async
from involinks.config import Settings, get_settings
from involinks.core import tenancy
from involinks.core.types import UAE_TIME, utcnow
from involinks.errors import AppError, Conflict, NotFound, Unprocessable
from involinks.invoicing import drafting, mapping
from involinks.invoicing.document import Customization, Document
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.repository import load_options
from involinks.invoicing.schemas import FieldIssue
from involinks.jobs.queue import enqueue
from involinks.storage import (
    ArtifactCorrupted,
    ArtifactNotFound,
    ArtifactStore,
    StoredArtifact,
    store_for,
)

log = logging.getLogger(__name__)

__all__ = [
    "PDF_CONTENT_TYPE",
    "RENDER_PDF_JOB",
    "XML_CONTENT_TYPE",
    "ChainBreakInfo",
    "ChainSummary",
    "ChainVerification",
    "ComplianceRejected",
    "DraftValidation",
    "IntegrityFailure",
    "InvoiceVerification",
    "NotIssued",
    "SigningKeyUnavailable",
    "VerificationDetail",
    "as_issued",
    "current_key",
    "document_for",
    "draft_rejection",
    "get_issued",
    "issue_dict",
    "issued_xml",
    "issuing",
    "pdf_bytes",
    "render_pdf_job",
    "rotate_key",
    "series_of",
    "tdd_xml",
    "upload_certificate",
    "validate_draft",
    "verify_company_chains",
    "verify_invoice",
]

XML_CONTENT_TYPE: Final = "application/xml"
PDF_CONTENT_TYPE: Final = "application/pdf"
RENDER_PDF_JOB: Final = "compliance.render_pdf"
# A self-billed document keeps the billing code's meaning under its own code (README of the PINT
# AE reference: self-billing type codes 389 / 480 and 261 / 81).
_SELF_BILLING_TYPE_CODES: Final = {"380": "389", "381": "261"}
_DRAFT_RULE_ID: Final = "involinks-draft"


# --- errors ------------------------------------------------------------------------------------


def issue_dict(issue: ValidationIssue) -> dict[str, Any]:
    """The API shape of one failed rule: ``field`` is the invoice-form field (or ``None``)."""
    return {
        "rule_id": issue.rule_id,
        "layer": issue.layer.value,
        "message": issue.message,
        "location": issue.location,
        "field": issue.field,
    }


def _labelled(issue: ValidationIssue) -> str:
    # Schematron messages usually start with their rule id already.
    prefix = f"[{issue.rule_id}]"
    return issue.message if issue.message.startswith(prefix) else f"{prefix} {issue.message}"


class ComplianceRejected(Unprocessable):
    """The document fails the UAE e-invoicing rules: nothing was issued."""

    code = "compliance_rejected"

    def __init__(self, issues: Sequence[ValidationIssue], *, what: str = "The document") -> None:
        shown = "; ".join(_labelled(issue) for issue in issues[:3])
        more = f" (and {len(issues) - 3} more)" if len(issues) > 3 else ""
        super().__init__(
            f"{what} does not pass the UAE e-invoicing rules: {shown}{more}",
            details=[issue_dict(issue) for issue in issues],
        )
        self.issues = tuple(issues)


class NotIssued(Conflict):
    code = "not_issued"

    def __init__(self, invoice: Invoice) -> None:
        kind = "credit note" if invoice.is_credit_note else "invoice"
        super().__init__(
            f"This {kind} is {invoice.status.value} and has no issued document yet; finalize it "
            "first."
        )


class IntegrityFailure(AppError):
    """Stored bytes no longer match their recorded hash: they are never served or sent."""

    status_code = 500
    code = "integrity_error"


class SigningKeyUnavailable(AppError):
    status_code = 500
    code = "signing_key_unavailable"


# --- the document ------------------------------------------------------------------------------


def series_of(invoice: Invoice) -> str:
    """The chain (and numbering) series: invoices and credit notes are numbered apart."""
    return invoice.kind.value


def as_issued(document: Document, *, self_billing: bool) -> Document:
    """The document as it is issued: a self-billed one is the supplier's invoice written by the
    buyer (our company), so the counterparty becomes the seller and the company the buyer."""
    if not self_billing:
        return document
    return replace(
        document,
        customization=Customization.SELF_BILLING,
        type_code=_SELF_BILLING_TYPE_CODES.get(document.type_code, document.type_code),
        seller=document.buyer,
        buyer=document.seller,
    )


async def _company(session: AsyncSession, company_id: uuid.UUID) -> Company:
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("Company not found.")
    return company


async def document_for(session: AsyncSession, invoice: Invoice) -> Document:
    """The PINT AE document of ``invoice`` (its snapshots once finalized, today's data for a
    draft). Needs the lines and allowances/charges loaded, and the customer for a draft."""
    if invoice.seller_snapshot is not None and invoice.buyer_snapshot is not None:
        document = mapping.invoice_to_document(invoice)
    else:
        company = await _company(session, invoice.company_id)
        document = mapping.invoice_to_document(
            invoice,
            seller=mapping.seller_snapshot(company),
            buyer=mapping.buyer_snapshot(invoice.customer),
        )
    return as_issued(document, self_billing=invoice.self_billing)


def _build_xml(document: Document) -> bytes:
    try:
        return build(document)
    except BuildError as exc:
        raise ComplianceRejected(
            [
                ValidationIssue(
                    layer=Layer.XML,
                    rule_id="ubl-build",
                    severity=Severity.FATAL,
                    message=f"The document cannot be written as UBL 2.1: {exc}",
                )
            ]
        ) from exc


async def _settle(checking: asyncio.Future[ValidationResult]) -> None:
    """Wait for the validation started in ``issue``; 422 with every failed rule if it failed."""
    result = await checking
    if not result.valid:
        raise ComplianceRejected(result.errors)


# --- signing keys ------------------------------------------------------------------------------


def _secrets(settings: Settings) -> list[str]:
    previous = settings.previous_secret_keys.get_secret_value().split(",")
    candidates = [settings.secret_key.get_secret_value(), *previous]
    return [secret.strip() for secret in candidates if secret.strip()]


def _stored(key: SigningKey) -> signing.CompanySigningKey:
    return signing.CompanySigningKey(
        key_id=key.key_id,
        public_key_pem=key.public_key_pem,
        encrypted_private_key_pem=key.encrypted_private_key,
        certificate_pem=key.certificate_pem,
        not_valid_before=key.not_valid_before,
        not_valid_after=key.not_valid_after,
        uploaded=key.uploaded,
    )


# Opening an encrypted PKCS#8 key costs ~100 ms (deliberately slow KDF); finalize would pay it on
# every invoice. Keep opened keys per process, keyed by what identifies the exact sealed bytes.
_UNLOCKED_KEYS: dict[tuple[uuid.UUID, str, str, str], rsa.RSAPrivateKey] = {}
_UNLOCKED_KEYS_MAX = 256


def _unlock(key: SigningKey, settings: Settings) -> rsa.RSAPrivateKey:
    """Open the key with SECRET_KEY, or a former one (then re-seal it under the current one)."""
    cache_key = (
        key.company_id,
        key.key_id,
        hashlib.sha256(key.encrypted_private_key).hexdigest(),
        # The secrets that may open it are part of the key: rotating SECRET_KEY must not reuse.
        hashlib.sha256("\0".join(_secrets(settings)).encode()).hexdigest(),
    )
    cached = _UNLOCKED_KEYS.get(cache_key)
    if cached is not None:
        return cached
    private_key = _open(key, settings)
    if len(_UNLOCKED_KEYS) >= _UNLOCKED_KEYS_MAX:
        _UNLOCKED_KEYS.pop(next(iter(_UNLOCKED_KEYS)))
    _UNLOCKED_KEYS[cache_key] = private_key
    return private_key


def _open(key: SigningKey, settings: Settings) -> rsa.RSAPrivateKey:
    secrets = _secrets(settings)
    for index, secret in enumerate(secrets):
        try:
            private_key = signing.unlock_private_key(
                _stored(key), secret=secret, company_id=key.company_id
            )
        except signing.SigningError:
            continue
        if index > 0:
            password = signing.key_encryption_password(secrets[0], key.company_id)
            key.encrypted_private_key = signing.encrypt_private_key(private_key, password)
        return private_key
    raise SigningKeyUnavailable(
        "The company's signing key cannot be opened with SECRET_KEY or PREVIOUS_SECRET_KEYS; "
        "nothing was issued."
    )


async def current_key(session: AsyncSession) -> SigningKey | None:
    """The active signing key of the bound company."""
    return await session.scalar(
        sa.select(SigningKey)
        .where(SigningKey.is_active == sa.true())
        .execution_options(populate_existing=True)
    )


async def _add_key(
    session: AsyncSession,
    stored: signing.CompanySigningKey,
    *,
    company_id: uuid.UUID,
    user: User | None,
    now: datetime,
) -> SigningKey:
    """Make ``stored`` the active key; the previous active key is retired, never deleted."""
    for old in await session.scalars(
        sa.select(SigningKey).where(SigningKey.is_active == sa.true())
    ):
        if old.key_id != stored.key_id:
            old.is_active = False
            old.retired_at = now
    await session.flush()  # retire first: one active key per company (partial unique index)
    certificate = (
        signing.load_certificate(stored.certificate_pem) if stored.certificate_pem else None
    )
    key = await session.scalar(sa.select(SigningKey).where(SigningKey.key_id == stored.key_id))
    if key is None:
        key = SigningKey(
            id=uuid.uuid4(),
            company_id=company_id,
            key_id=stored.key_id,
            public_key_pem=stored.public_key_pem,
            created_by_id=user.id if user else None,
        )
        session.add(key)
    key.encrypted_private_key = stored.encrypted_private_key_pem
    key.certificate_pem = stored.certificate_pem
    key.subject = certificate.subject.rfc4514_string() if certificate else None
    key.issuer = certificate.issuer.rfc4514_string() if certificate else None
    key.serial_number = str(certificate.serial_number) if certificate else None
    key.not_valid_before = stored.not_valid_before
    key.not_valid_after = stored.not_valid_after
    key.uploaded = stored.uploaded
    key.is_active = True
    key.retired_at = None
    await session.flush()
    return key


async def _active_key(
    session: AsyncSession, company: Company, *, settings: Settings, user: User | None, now: datetime
) -> SigningKey:
    key = await current_key(session)
    if key is not None and not _expired(key, now):
        return key
    # First use (or expiry): lock the company row so two finalizes (invoice and credit note
    # series) do not both create a key. SQLite writers are serialized already.
    await session.execute(sa.select(Company.id).where(Company.id == company.id).with_for_update())
    key = await current_key(session)
    if key is not None and not _expired(key, now):
        return key
    # An expired certificate (self-signed or uploaded) is not used to sign: a new self-signed
    # key takes over and the old one stays for verifying what it signed.
    replaced = key.key_id if key is not None else None
    stored = signing.new_company_key(
        secret=settings.secret_key.get_secret_value(),
        company_id=company.id,
        legal_name=company.legal_name,
        trn=company.trn,
        now=now,
    )
    key = await _add_key(session, stored, company_id=company.id, user=user, now=now)
    await audit.record(
        session,
        "company.signing_key_created",
        actor=user,
        company_id=company.id,
        subject_type="signing_key",
        subject_id=str(key.id),
        details={"key_id": key.key_id, "self_signed": True, "replaces_expired": replaced},
    )
    return key


def _expired(key: SigningKey, now: datetime) -> bool:
    return key.not_valid_after is not None and now >= key.not_valid_after


async def rotate_key(
    session: AsyncSession, *, user: User | None, settings: Settings, now: datetime | None = None
) -> SigningKey:
    """A new self-signed key for the bound company; documents signed before keep verifying."""
    now = now or utcnow()
    company_id = tenancy.current_company_id(session)
    if company_id is None:
        raise Conflict("Only a company can rotate its signing key.")
    company = await _company(session, company_id)
    stored = signing.new_company_key(
        secret=settings.secret_key.get_secret_value(),
        company_id=company.id,
        legal_name=company.legal_name,
        trn=company.trn,
        now=now,
    )
    key = await _add_key(session, stored, company_id=company.id, user=user, now=now)
    await audit.record(
        session,
        "company.signing_key_rotated",
        actor=user,
        company_id=company.id,
        subject_type="signing_key",
        subject_id=str(key.id),
        details={"key_id": key.key_id},
    )
    return key


async def upload_certificate(
    session: AsyncSession,
    *,
    user: User,
    data: bytes,
    password: bytes | None,
    key_data: bytes | None,
    settings: Settings,
    now: datetime | None = None,
) -> SigningKey:
    """Store an uploaded certificate and private key (PKCS#12, or PEM) as the active key."""
    now = now or utcnow()
    if user.company_id is None:
        raise Conflict("Only a company can upload a signing certificate.")
    try:
        stored = signing.company_key_from_upload(
            data,
            secret=settings.secret_key.get_secret_value(),
            company_id=user.company_id,
            now=now,
            password=password,
            key_data=key_data,
        )
    except (signing.SigningError, ValueError) as exc:
        raise Unprocessable(
            f"The certificate cannot be used: {exc}.",
            code="invalid_certificate",
            details=[{"field": "file", "message": str(exc)}],
        ) from exc
    key = await _add_key(session, stored, company_id=user.company_id, user=user, now=now)
    await audit.record(
        session,
        "company.signing_certificate_uploaded",
        actor=user,
        company_id=user.company_id,
        subject_type="signing_key",
        subject_id=str(key.id),
        details={
            "key_id": key.key_id,
            "subject": key.subject,
            "not_valid_after": key.not_valid_after.isoformat() if key.not_valid_after else None,
        },
    )
    return key


# --- issuing -----------------------------------------------------------------------------------


def _xml_namespace(company_id: uuid.UUID) -> str:
    return f"issued-documents/{company_id}"


def _pdf_namespace(company_id: uuid.UUID) -> str:
    return f"invoice-pdfs/{company_id}"


async def _lock_chain_head(
    session: AsyncSession, company_id: uuid.UUID, series: str
) -> tuple[int, str | None]:
    """(last position, last hash) of (company, series), the head row created if needed and
    locked until commit.

    ``SELECT ... FOR UPDATE``: on PostgreSQL a second finalizer waits here until the first
    commits, then reads the head it left; positions are gapless and no two documents link to
    the same predecessor (SQLite serializes writers anyway). A series' first document creates
    the head (``INSERT ... ON CONFLICT DO NOTHING``, so of two first documents at once one
    creates it and the other waits for it) and locks it the same way. A plain read locks the
    row without writing a new version of it, as an upsert would on every issue.
    """
    _refuse_other_company(session, company_id)
    table = DocumentChainHead.__table__
    assert isinstance(table, sa_schema.Table)
    head = (
        sa.select(table.c.last_position, table.c.last_hash)
        .where(table.c.company_id == company_id, table.c.series == series)
        .with_for_update()
    )
    row = (await session.execute(head)).first()
    if row is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.execute(
            insert(table)
            .values(
                company_id=company_id,
                series=series,
                last_position=0,
                last_hash=None,
                updated_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[table.c.company_id, table.c.series])
        )
        row = (await session.execute(head)).one()
    return int(row.last_position), row.last_hash


async def _advance_chain_head(
    session: AsyncSession,
    company_id: uuid.UUID,
    series: str,
    record: IssuedDocument,
    *,
    now: datetime,
) -> None:
    """Point the (locked) head of the series at the document just issued."""
    _refuse_other_company(session, company_id)
    table = DocumentChainHead.__table__
    assert isinstance(table, sa_schema.Table)
    await session.execute(
        sa.update(table)
        .where(table.c.company_id == company_id, table.c.series == series)
        .values(last_position=record.position, last_hash=record.document_hash, updated_at=now)
    )


def _refuse_other_company(session: AsyncSession, company_id: uuid.UUID) -> None:
    if tenancy.current_company_id(session) != company_id:
        # Core statements bypass the ORM tenant hooks: refuse to write another company's head.
        raise tenancy.TenancyError("issuing for a company other than the bound one")


def _enqueue_render(record: IssuedDocument) -> None:
    # Registers the task (the module imports this one, so it cannot be imported at the top).
    from involinks.compliance import tasks as _tasks  # noqa: F401

    try:
        enqueue(
            RENDER_PDF_JOB, invoice_id=str(record.invoice_id), company_id=str(record.company_id)
        )
    except RuntimeError:
        # No unit of work around this call (a script or a test calling the service directly):
        # nothing would send the job after commit. GET .../pdf renders on demand instead.
        log.debug("no unit of work: PDF job not enqueued", extra={"invoice_id": str(record.id)})


@asynccontextmanager
async def issuing(
    session: AsyncSession,
    invoice: Invoice,
    *,
    user: User | None,
    now: datetime | None = None,
    settings: Settings | None = None,
    store: ArtifactStore | None = None,
) -> AsyncIterator[IssuedDocument]:
    """Build, validate, chain, sign and store the document of an invoice being finalized.

    The body writes what goes with the issue (the status change, its events) and flushes; the
    official validation runs meanwhile in a helper process (``validation.pool``), and on
    leaving, a document that failed raises :class:`ComplianceRejected` (422, every failed rule
    with its form field). Any error leaves no stored file behind; the caller's transaction,
    rolled back, leaves no row.
    """
    if invoice.status is not InvoiceStatus.DRAFT:
        raise Conflict("Only a document being finalized can be issued.", code="already_issued")
    if invoice.number is None or invoice.finalized_at is None:
        raise ValueError("issuing() needs the number and finalized_at of the document set")
    if invoice.seller_snapshot is None or invoice.buyer_snapshot is None:
        raise ValueError("issuing() needs the party snapshots taken")
    settings = settings or get_settings()
    store = store or store_for(settings)
    now = now or utcnow()

    document = await document_for(session, invoice)
    xml = _build_xml(document)
    # The verdict is awaited only on the way out: the chain, key, signature and storage work
    # below, and the caller's own writes, happen while a helper checks the document. The XML
    # is stored meanwhile too (a file write and its fsync, off the event loop).
    checking = asyncio.ensure_future(validate_ubl_async(xml))
    storing = asyncio.ensure_future(
        store.put(_xml_namespace(invoice.company_id), xml, content_type=XML_CONTENT_TYPE)
    )
    await asyncio.sleep(0)  # let both start now, not at the next database round trip
    try:
        company = await _company(session, invoice.company_id)
        series = series_of(invoice)
        position, last_hash = await _lock_chain_head(session, company.id, series)
        previous_hash = link(last_hash)
        key = await _active_key(session, company, settings=settings, user=user, now=now)
        private_key = _unlock(key, settings)
        xml_sha256 = sha256_hex(xml)
        canonical = canonical_document(
            document, series=series, xml_sha256=xml_sha256, previous_hash=previous_hash
        )
        document_hash = compute_hash(canonical)
        signature = signing.sign(private_key, document_hash, xml_sha256)

        stored = await storing
        record = IssuedDocument(
            id=uuid.uuid4(),
            company_id=company.id,
            invoice_id=invoice.id,
            series=series,
            position=position + 1,
            customization=document.customization.value,
            canonical_version=CANONICAL_VERSION,
            previous_hash=previous_hash,
            document_hash=document_hash,
            xml_key=stored.key,
            xml_sha256=xml_sha256,
            xml_size=stored.size,
            signing_key_id=key.id,
            key_id=signature.key_id,
            signature=signature.value,
            signature_algorithm=signature.algorithm,
            issued_at=now,
        )
        session.add(record)
        await _advance_chain_head(session, company.id, series, record, now=now)
        await audit.record(
            session,
            "invoice.issued",
            actor=user,
            company_id=company.id,
            subject_type="credit_note" if invoice.is_credit_note else "invoice",
            subject_id=str(invoice.id),
            details={
                "number": invoice.number,
                "series": series,
                "position": record.position,
                "customization": record.customization,
                "previous_hash": previous_hash,
                "document_hash": document_hash,
                "xml_sha256": xml_sha256,
                "key_id": record.key_id,
            },
            flush=False,  # written with the caller's rows, in its flush
        )
        yield record
        await _settle(checking)
    except BaseException:
        await _discard_stored(store, storing)  # no row, no file
        raise
    finally:
        if not checking.done():
            checking.cancel()  # an error above: the verdict is no longer needed
        elif not checking.cancelled():
            checking.exception()  # seen, so asyncio does not report it as never retrieved
    _enqueue_render(record)


async def _discard_stored(store: ArtifactStore, storing: asyncio.Future[StoredArtifact]) -> None:
    """Delete the file an abandoned issue stored, once its write is over (a write in a thread
    cannot be stopped half-way, so wait for it rather than leave a file behind)."""
    await asyncio.wait([storing])
    if storing.cancelled() or storing.exception() is not None:
        return
    if storing.result().created:  # identical bytes stored before belong to someone else
        await store.delete(storing.result().key)


# --- reading an issued document ----------------------------------------------------------------


async def get_issued(session: AsyncSession, invoice: Invoice) -> IssuedDocument:
    """The compliance record of an issued invoice; :class:`NotIssued` (409) for a draft."""
    with tenancy.company_scope(session, invoice.company_id):
        record = await session.scalar(
            sa.select(IssuedDocument).where(IssuedDocument.invoice_id == invoice.id)
        )
    if record is None:
        raise NotIssued(invoice)
    return record


async def _read_xml(store: ArtifactStore, record: IssuedDocument) -> bytes:
    try:
        return await store.get(record.xml_key, expected_sha256=record.xml_sha256)
    except ArtifactNotFound as exc:
        log.error("issued XML missing", extra={"issued_document_id": str(record.id)})
        raise IntegrityFailure(
            "The issued XML of this document is missing from storage.", code="xml_missing"
        ) from exc
    except ArtifactCorrupted as exc:
        log.error("issued XML failed its hash check", extra={"issued_document_id": str(record.id)})
        raise IntegrityFailure(
            "The stored XML no longer matches the document that was issued, so it is not "
            "served; the platform team has been alerted."
        ) from exc


async def issued_xml(
    session: AsyncSession, invoice: Invoice, *, store: ArtifactStore | None = None
) -> bytes:
    """The exact UBL bytes that were validated, hashed and signed when ``invoice`` was issued.

    Raises :class:`NotIssued` (409) for a draft and :class:`IntegrityFailure` (500) when the stored
    bytes no longer match the SHA-256 recorded at issue (altered bytes are never handed out).
    ``store`` defaults to the artifact store of ``get_settings()``; pass the request's store
    (``involinks.storage.StoreDep``) where there is one.
    """
    record = await get_issued(session, invoice)
    return await _read_xml(store or store_for(get_settings()), record)


@dataclass(frozen=True, slots=True)
class DraftValidation:
    valid: bool
    errors: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, Any], ...] = ()


def _uae_wall_time(moment: datetime) -> time:
    local = moment.astimezone(UAE_TIME)
    return time(local.hour, local.minute, local.second, tzinfo=UAE_TIME)


def _precheck_issue(issue: FieldIssue) -> ValidationIssue:
    return ValidationIssue(
        layer=Layer.INVOLINKS,
        rule_id=issue.rule_id or _DRAFT_RULE_ID,
        severity=Severity.FATAL,
        message=issue.message,
        field=issue.field,
    )


async def _draft_findings(
    session: AsyncSession, invoice: Invoice, *, now: datetime
) -> tuple[list[ValidationIssue], list[ValidationIssue]]:
    """Errors and warnings of a DRAFT: finalize's pre-checks, then the full validation of the
    UBL it would issue with today's seller and buyer data."""
    prechecks = [
        _precheck_issue(issue) for issue in drafting.finalize_issues(invoice, invoice.customer)
    ]
    document = await document_for(session, invoice)
    # Finalize stamps the issue time (IBT-168); a draft has none yet.
    document = replace(document, issue_time=_uae_wall_time(now))
    try:
        xml = _build_xml(document)
    except ComplianceRejected as exc:
        return prechecks + list(exc.issues), []
    result = await validate_ubl_async(xml)
    # A pre-check the official rules also report for the same field is listed once: the
    # official layer and location with our message and form field ("lines.0.description").
    official = {(issue.rule_id, issue.field): issue for issue in reversed(result.errors)}
    merged: list[ValidationIssue] = []
    for issue in prechecks:
        same = official.get((issue.rule_id, _bracketed(issue.field)))
        merged.append(replace(issue, layer=same.layer, location=same.location) if same else issue)
    taken = {(issue.rule_id, _bracketed(issue.field)) for issue in merged}
    rest = [issue for issue in result.errors if (issue.rule_id, issue.field) not in taken]
    return merged + rest, list(result.warnings)


def _bracketed(field: str | None) -> str | None:
    """A pre-check's form field ("lines.0.description") in the validation's vocabulary
    ("lines[0].description")."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", field) if field else field


async def validate_draft(
    session: AsyncSession, invoice: Invoice, *, now: datetime | None = None
) -> DraftValidation:
    """Check a DRAFT as finalize would (its pre-checks, then the full validation of the UBL it
    would issue with today's seller and buyer data), changing nothing."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise Conflict(
            f"This document is {invoice.status.value}: it was validated when it was issued "
            "(use verify to check it now).",
            code="invoice_not_draft",
        )
    errors, warnings = await _draft_findings(session, invoice, now=now or utcnow())
    return DraftValidation(
        valid=not errors,
        errors=tuple(issue_dict(issue) for issue in errors),
        warnings=tuple(issue_dict(issue) for issue in warnings),
    )


async def draft_rejection(
    session: AsyncSession, invoice: Invoice, *, now: datetime | None = None
) -> ComplianceRejected:
    """The 422 of a finalize whose pre-checks failed: every failed rule of the draft, as
    ``validate_draft`` lists them, so one answer shows everything to fix."""
    errors, _warnings = await _draft_findings(session, invoice, now=now or utcnow())
    return ComplianceRejected(errors)


# --- PDF -----------------------------------------------------------------------------------------


async def _branding(
    session: AsyncSession, store: ArtifactStore, company_id: uuid.UUID
) -> tuple[bytes | None, bytes | None]:
    """The newest logo and stamp the company uploaded (skipped when unreadable)."""
    images: dict[DocumentKind, bytes | None] = {DocumentKind.LOGO: None, DocumentKind.STAMP: None}
    with tenancy.company_scope(session, company_id):
        for kind in images:
            document = await session.scalar(
                sa.select(CompanyDocument)
                .where(CompanyDocument.kind == kind)
                .order_by(CompanyDocument.created_at.desc(), CompanyDocument.id.desc())
                .limit(1)
            )
            if document is None:
                continue
            try:
                images[kind] = await store.get(
                    document.storage_key, expected_sha256=document.sha256
                )
            except (ArtifactNotFound, ArtifactCorrupted):
                log.warning("company image unreadable", extra={"document_id": str(document.id)})
    return images[DocumentKind.LOGO], images[DocumentKind.STAMP]


async def _render(session: AsyncSession, record: IssuedDocument, store: ArtifactStore) -> bytes:
    # Drawn from the issued XML itself, so the PDF shows exactly what was signed and sent.
    xml = await _read_xml(store, record)
    try:
        document = parse_document(xml)
    except ParseError as exc:  # our own validated output: only a code change can cause this
        raise IntegrityFailure(f"The issued XML cannot be read back: {exc}") from exc
    logo, stamp = await _branding(session, store, record.company_id)
    options = PdfOptions(
        logo=logo, stamp=stamp, document_hash=record.document_hash, signature_key_id=record.key_id
    )
    try:
        return render_pdf(document, options)
    except PdfError:
        log.warning("company images not drawable", extra={"issued_document_id": str(record.id)})
        return render_pdf(document, replace(options, logo=None, stamp=None))


async def _save_pdf(
    session: AsyncSession, record: IssuedDocument, pdf: bytes, store: ArtifactStore
) -> None:
    stored = await store.put(_pdf_namespace(record.company_id), pdf, content_type=PDF_CONTENT_TYPE)
    record.pdf_key = stored.key
    record.pdf_sha256 = stored.sha256
    record.pdf_rendered_at = utcnow()
    try:
        await session.flush()
    except Exception:
        if stored.created:  # an earlier render of the same bytes may be another row's
            await store.delete(stored.key)
        raise


async def render_pdf_job(
    session: AsyncSession, invoice_id: uuid.UUID, *, store: ArtifactStore
) -> bool:
    """Render and store the PDF of an issued document unless it is stored already (idempotent).

    Returns whether a PDF was rendered; an unknown invoice (e.g. its finalize rolled back) is
    nothing to do.
    """
    record = await session.scalar(
        sa.select(IssuedDocument)
        .where(IssuedDocument.invoice_id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if record is None or record.pdf_key is not None:
        return False
    await _save_pdf(session, record, await _render(session, record, store), store)
    return True


async def pdf_bytes(session: AsyncSession, invoice: Invoice, *, store: ArtifactStore) -> bytes:
    """The stored PDF, or a fresh rendering when the job has not run yet (or the stored one is
    unreadable); a fresh rendering is stored when the session may write for the company."""
    record = await get_issued(session, invoice)
    if record.pdf_key is not None and record.pdf_sha256 is not None:
        try:
            return await store.get(record.pdf_key, expected_sha256=record.pdf_sha256)
        except (ArtifactNotFound, ArtifactCorrupted):
            log.warning("stored PDF unreadable, rendering again", extra={"id": str(record.id)})
    pdf = await _render(session, record, store)
    if tenancy.current_scope(session) is tenancy.Scope.COMPANY:
        await _save_pdf(session, record, pdf, store)
    return pdf


# --- UAE Tax Data Document ---------------------------------------------------------------------


def _tdd_scope(document: Document) -> TddScope:
    # The counterparty is the buyer of a billing document and the seller of a self-billed one.
    other = (
        document.seller if document.customization is Customization.SELF_BILLING else document.buyer
    )
    country = other.postal_address.country_code if other.postal_address else None
    if country in (None, "AE") and not (
        document.transaction_type is not None and document.transaction_type.exports
    ):
        return TddScope.DOMESTIC
    return TddScope.INTERNATIONAL_PEPPOL if other.endpoint else TddScope.INTERNATIONAL_NON_PEPPOL


async def tdd_xml(
    session: AsyncSession, invoice: Invoice, *, settings: Settings, store: ArtifactStore
) -> bytes:
    """The UAE Tax Data Document reporting the issued document (validated before it is given)."""
    if not settings.tdd_fta_spis_id or not settings.tdd_representative_spis_id:
        raise Conflict(
            "Tax Data Documents are not configured: set TDD_FTA_SPIS_ID and "
            "TDD_REPRESENTATIVE_SPIS_ID.",
            code="tdd_not_configured",
        )
    record = await get_issued(session, invoice)
    xml = await _read_xml(store, record)
    try:
        context = TddContext(
            issued_at=record.issued_at,
            receiver_id=settings.tdd_fta_spis_id,
            representative_id=settings.tdd_representative_spis_id,
            scope=_tdd_scope(parse_document(xml)),
        )
        tdd = build_tdd(xml, context)
    except (TddError, ParseError) as exc:
        raise Unprocessable(f"The Tax Data Document cannot be built: {exc}", code="tdd") from exc
    result = validate_tdd(tdd)
    if not result.valid:
        raise ComplianceRejected(result.errors, what="The Tax Data Document")
    return tdd


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerificationDetail:
    check: str  # "hash", "xml", "chain" or "signature"
    message: str


@dataclass(frozen=True, slots=True)
class InvoiceVerification:
    invoice_id: uuid.UUID
    number: str | None
    series: str
    position: int
    hash_ok: bool
    chain_ok: bool
    signature_ok: bool
    key_id: str
    previous_hash: str
    document_hash: str
    recomputed_hash: str | None
    xml_sha256: str
    xml_sha256_now: str | None
    details: tuple[VerificationDetail, ...]

    @property
    def valid(self) -> bool:
        return self.hash_ok and self.chain_ok and self.signature_ok


def _recompute(document: Document, record: IssuedDocument) -> str | None:
    """The hash of the canonical form rebuilt from today's data (None when it cannot be built).

    It uses the recorded ``xml_sha256`` and ``previous_hash``: a change to either column, or to any
    business data in the invoice rows, gives another hash.
    """
    try:
        return compute_hash(
            canonical_document(
                document,
                series=record.series,
                xml_sha256=record.xml_sha256,
                previous_hash=record.previous_hash,
                version=record.canonical_version,
            )
        )
    except ValueError:
        return None


async def _document_now(session: AsyncSession, invoice: Invoice) -> Document | None:
    try:
        return await document_for(session, invoice)
    except ValueError:  # rows altered so far that they no longer map (e.g. a bad code)
        return None


async def _xml_sha_now(store: ArtifactStore, record: IssuedDocument) -> str | None:
    try:
        return sha256_hex(await store.get(record.xml_key))
    except ArtifactNotFound:
        return None


def _signature_ok(record: IssuedDocument, public_keys: dict[str, str]) -> bool:
    return signing.verify_recorded(
        public_keys,
        signing.DocumentSignature(
            key_id=record.key_id, value=record.signature, algorithm=record.signature_algorithm
        ),
        record.document_hash,
        record.xml_sha256,
    )


async def _public_keys(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(sa.select(SigningKey.key_id, SigningKey.public_key_pem))
    return dict(rows.all())


async def _neighbour(
    session: AsyncSession, record: IssuedDocument, position: int
) -> tuple[IssuedDocument, str | None] | None:
    row = (
        await session.execute(
            sa.select(IssuedDocument, Invoice.number)
            .join(Invoice, Invoice.id == IssuedDocument.invoice_id)
            .where(IssuedDocument.series == record.series, IssuedDocument.position == position)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def _chain_details(session: AsyncSession, record: IssuedDocument) -> list[str]:
    problems: list[str] = []
    if record.position == 1:
        if record.previous_hash != GENESIS_HASH:
            problems.append(
                "The first document of the series does not start from the genesis hash."
            )
    else:
        previous = await _neighbour(session, record, record.position - 1)
        if previous is None:
            problems.append(
                f"The document before this one (position {record.position - 1}) is missing."
            )
        elif record.previous_hash != previous[0].document_hash:
            problems.append(
                f"This document does not link to the one before it ({previous[1]}): a document "
                "was removed, inserted or altered and re-hashed."
            )
    following = await _neighbour(session, record, record.position + 1)
    if following is not None:
        if following[0].previous_hash != record.document_hash:
            problems.append(
                f"The next document ({following[1]}) does not link to this one: this document's "
                "hash was changed after the next one was issued."
            )
    else:
        head = await session.scalar(
            sa.select(DocumentChainHead).where(DocumentChainHead.series == record.series)
        )
        if head is None or head.last_position != record.position:
            problems.append(
                "The chain head does not end at this document although no later document is "
                "stored: later documents were removed."
            )
        elif head.last_hash != record.document_hash:
            problems.append("The chain head records another hash for this document.")
    return problems


async def verify_invoice(
    session: AsyncSession, invoice: Invoice, *, store: ArtifactStore
) -> InvoiceVerification:
    """Recompute and check one issued document (see the module docstring)."""
    record = await get_issued(session, invoice)
    details: list[VerificationDetail] = []
    with tenancy.company_scope(session, invoice.company_id):
        document = await _document_now(session, invoice)
        recomputed = None if document is None else _recompute(document, record)
        xml_now = await _xml_sha_now(store, record)
        chain_problems = await _chain_details(session, record)
        public_keys = await _public_keys(session)

    data_ok = recomputed == record.document_hash
    if not data_ok:
        details.append(
            VerificationDetail(
                "hash",
                "The invoice data stored now do not hash to the document hash recorded at issue: "
                "the document was altered after it was issued.",
            )
        )
    xml_ok = xml_now == record.xml_sha256
    if xml_now is None:
        details.append(VerificationDetail("xml", "The issued XML is missing from storage."))
    elif not xml_ok:
        details.append(
            VerificationDetail(
                "xml", "The stored XML no longer matches the SHA-256 recorded when it was issued."
            )
        )
    details += [VerificationDetail("chain", problem) for problem in chain_problems]
    signature_ok = _signature_ok(record, public_keys)
    if not signature_ok:
        known = record.key_id in public_keys
        details.append(
            VerificationDetail(
                "signature",
                "The signature does not verify over the recorded document hash and XML hash."
                if known
                else "The signature names a key the company does not have.",
            )
        )
    return InvoiceVerification(
        invoice_id=invoice.id,
        number=invoice.number,
        series=record.series,
        position=record.position,
        hash_ok=data_ok and xml_ok,
        chain_ok=not chain_problems,
        signature_ok=signature_ok,
        key_id=record.key_id,
        previous_hash=record.previous_hash,
        document_hash=record.document_hash,
        recomputed_hash=recomputed,
        xml_sha256=record.xml_sha256,
        xml_sha256_now=xml_now,
        details=tuple(details),
    )


@dataclass(frozen=True, slots=True)
class ChainBreakInfo:
    company_id: uuid.UUID
    series: str
    position: int | None  # None: the break is at the end of the chain (its head)
    number: str | None
    invoice_id: uuid.UUID | None
    reason: str
    message: str
    expected: str | None = None
    found: str | None = None


@dataclass(frozen=True, slots=True)
class ChainSummary:
    company_id: uuid.UUID
    series: str
    checked: int
    head_hash: str | None
    breaks: tuple[ChainBreakInfo, ...]

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass(frozen=True, slots=True)
class ChainVerification:
    chains: tuple[ChainSummary, ...] = field(default_factory=tuple)

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def intact(self) -> bool:
        return all(chain.intact for chain in self.chains)

    @property
    def first_break(self) -> ChainBreakInfo | None:
        for chain in self.chains:
            if chain.breaks:
                return chain.breaks[0]
        return None


_EXTRA_REASONS: Final = {
    "xml_missing": "the issued XML is missing from storage",
    "xml_altered": "the stored XML no longer matches the SHA-256 recorded at issue",
    "signature_invalid": "the signature does not verify with the key it names",
    "head_missing": "the chain head row is missing",
}


async def _invoices_by_id(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Invoice]:
    wanted = list(ids)
    found: dict[uuid.UUID, Invoice] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.scalars(
            sa.select(Invoice).where(Invoice.id.in_(chunk)).options(*load_options())
        )
        found.update({invoice.id: invoice for invoice in rows})
    return found


async def _verify_one_chain(
    session: AsyncSession,
    store: ArtifactStore,
    records: list[IssuedDocument],
    head: DocumentChainHead | None,
    invoices: dict[uuid.UUID, Invoice],
    public_keys: dict[str, str],
) -> ChainSummary:
    company_id, series = records[0].company_id, records[0].series
    entries: list[ChainEntry] = []
    extra: list[tuple[int, ChainBreakInfo]] = []
    labels: list[tuple[str | None, uuid.UUID]] = []
    for index, record in enumerate(records):
        invoice = invoices.get(record.invoice_id)
        number = invoice.number if invoice is not None else None
        labels.append((number, record.invoice_id))
        label = number or str(record.invoice_id)
        document = None if invoice is None else await _document_now(session, invoice)
        canonical = b""
        if document is not None:
            try:
                canonical = canonical_document(
                    document,
                    series=record.series,
                    xml_sha256=record.xml_sha256,
                    previous_hash=record.previous_hash,
                    version=record.canonical_version,
                )
            except ValueError:
                canonical = b""  # reported as malformed by verify_chain
        entries.append(
            ChainEntry(label=label, canonical=canonical, stored_hash=record.document_hash)
        )

        reasons: list[str] = []
        xml_now = await _xml_sha_now(store, record)
        if xml_now is None:
            reasons.append("xml_missing")
        elif xml_now != record.xml_sha256:
            reasons.append("xml_altered")
        if not _signature_ok(record, public_keys):
            reasons.append("signature_invalid")
        extra += [
            (
                index,
                ChainBreakInfo(
                    company_id=company_id,
                    series=series,
                    position=record.position,
                    number=number,
                    invoice_id=record.invoice_id,
                    reason=reason,
                    message=f"{label}: {_EXTRA_REASONS[reason]}",
                ),
            )
            for reason in reasons
        ]

    report = verify_chain(entries, expected_head=None if head is None else head.last_hash)
    found: list[tuple[int, int, ChainBreakInfo]] = []
    for item in report.breaks:
        inside = item.index < len(records)
        number, invoice_id = labels[item.index] if inside else (None, None)
        found.append(
            (
                item.index,
                0,
                ChainBreakInfo(
                    company_id=company_id,
                    series=series,
                    position=records[item.index].position if inside else None,
                    number=number,
                    invoice_id=invoice_id,
                    reason=item.reason.value,
                    message=item.message
                    if item.reason is not BreakReason.LINK or inside
                    else f"{item.label}: the chain head records a later document that is missing",
                    expected=item.expected,
                    found=item.found,
                ),
            )
        )
    found += [(index, 1, info) for index, info in extra]
    if head is None:
        found.append(
            (
                len(records),
                1,
                ChainBreakInfo(
                    company_id=company_id,
                    series=series,
                    position=None,
                    number=None,
                    invoice_id=None,
                    reason="head_missing",
                    message=f"{series}: {_EXTRA_REASONS['head_missing']}",
                ),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    return ChainSummary(
        company_id=company_id,
        series=series,
        checked=len(records),
        head_hash=report.head_hash,
        breaks=tuple(info for _, _, info in found),
    )


async def verify_company_chains(
    session: AsyncSession, *, store: ArtifactStore
) -> ChainVerification:
    """Check every chain the session can see (one company's, or all for a platform reader).

    Each document's canonical form is rebuilt from today's data and its XML artifact re-hashed;
    breaks are listed in issue order, the first one named by :attr:`ChainVerification.first_break`.
    """
    records = list(
        await session.scalars(
            sa.select(IssuedDocument).order_by(
                IssuedDocument.company_id, IssuedDocument.series, IssuedDocument.position
            )
        )
    )
    heads = {
        (head.company_id, head.series): head
        for head in await session.scalars(sa.select(DocumentChainHead))
    }
    groups: dict[tuple[uuid.UUID, str], list[IssuedDocument]] = {}
    for record in records:
        groups.setdefault((record.company_id, record.series), []).append(record)
    invoices = await _invoices_by_id(session, (record.invoice_id for record in records))
    chains: list[ChainSummary] = []
    for (company_id, series), group in groups.items():
        with tenancy.company_scope(session, company_id):
            public_keys = await _public_keys(session)
            chains.append(
                await _verify_one_chain(
                    session, store, group, heads.get((company_id, series)), invoices, public_keys
                )
            )
    # A head whose documents are all gone is a chain removed entirely.
    for (company_id, series), head in heads.items():
        if (company_id, series) not in groups and head.last_position > 0:
            chains.append(
                ChainSummary(
                    company_id=company_id,
                    series=series,
                    checked=0,
                    head_hash=None,
                    breaks=(
                        ChainBreakInfo(
                            company_id=company_id,
                            series=series,
                            position=None,
                            number=None,
                            invoice_id=None,
                            reason=BreakReason.LINK.value,
                            message=(
                                f"{series}: the chain head records {head.last_position} "
                                "documents but none is stored"
                            ),
                            expected=head.last_hash,
                            found=GENESIS_HASH,
                        ),
                    ),
                )
            )
    return ChainVerification(chains=tuple(chains))
