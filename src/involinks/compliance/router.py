"""Compliance endpoints: the issued XML, PDF and Tax Data Document of an invoice, draft validation,
integrity checks (one document, whole chains), and the company's signing certificate.

HTTP only; the rules live in :mod:`involinks.compliance.service`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission

# Registers the compliance.render_pdf job wherever the API is loaded.
from involinks.compliance import service, tasks  # noqa: F401
from involinks.compliance.schemas import (
    ChainReportOut,
    DraftValidationOut,
    InvoiceVerificationOut,
    SigningCertificateOut,
)
from involinks.core.db import DbSession
from involinks.core.schemas import Schema
from involinks.errors import NotFound
from involinks.invoicing.dependencies import CanReadInvoices, InvoiceFromPath
from involinks.invoicing.models import Invoice
from involinks.storage import StoreDep
from involinks.storage.uploads import read_single_file

CanManageCertificate = Annotated[User, Depends(require(Permission.COMPANY_SETTINGS))]

_XML_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/xml": {}}}}
_PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _filename(invoice: Invoice, suffix: str) -> str:
    # Numbers may hold "/" (format "S/{yy}/{seq}"): keep a plain, header-safe name.
    base = _UNSAFE_FILENAME.sub("_", invoice.number or str(invoice.id)).strip("._") or "document"
    return f"{base}{suffix}"


def _download(data: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content=data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


# --- /invoices/{id}/... ------------------------------------------------------------------------

invoices_router = APIRouter(prefix="/invoices", tags=["invoices"])


class ChainBreakSummaryOut(Schema):
    """The first break of a chain report: where (``index`` = position in its series, null at the
    chain head), which document, why."""

    index: int | None
    number: str | None
    label: str
    series: str
    reason: str
    message: str


class ChainVerifyOut(Schema):
    intact: bool
    checked: int
    first_broken: ChainBreakSummaryOut | None


# Declared before the "/{invoice_id}/..." routes: "chain" must never be parsed as an invoice id.
@invoices_router.get("/chain/verify", response_model=ChainVerifyOut)
async def verify_invoice_chains(
    _user: CanReadInvoices, session: DbSession, store: StoreDep
) -> ChainVerifyOut:
    """Check every document chain of the company (hashes, links, XML, signatures); the first
    break is named."""
    report = await service.verify_company_chains(session, store=store)
    first = report.first_break
    return ChainVerifyOut(
        intact=report.intact,
        checked=report.checked,
        first_broken=None
        if first is None
        else ChainBreakSummaryOut(
            index=first.position,
            number=first.number,
            label=first.number or (str(first.invoice_id) if first.invoice_id else first.series),
            series=first.series,
            reason=first.reason,
            message=first.message,
        ),
    )


@invoices_router.get("/{invoice_id}/xml", response_class=Response, responses=_XML_RESPONSE)
async def get_invoice_xml(
    invoice: InvoiceFromPath, session: DbSession, store: StoreDep
) -> Response:
    """The issued UBL 2.1 XML, byte for byte as validated, hashed and signed."""
    xml = await service.issued_xml(session, invoice, store=store)
    return _download(xml, service.XML_CONTENT_TYPE, _filename(invoice, ".xml"))


@invoices_router.get("/{invoice_id}/pdf", response_class=Response, responses=_PDF_RESPONSE)
async def get_invoice_pdf(
    invoice: InvoiceFromPath, session: DbSession, store: StoreDep
) -> Response:
    """The PDF of the issued document (rendered now if the background job has not run yet)."""
    pdf = await service.pdf_bytes(session, invoice, store=store)
    return _download(pdf, service.PDF_CONTENT_TYPE, _filename(invoice, ".pdf"), inline=True)


@invoices_router.get("/{invoice_id}/tdd", response_class=Response, responses=_XML_RESPONSE)
async def get_invoice_tdd(
    invoice: InvoiceFromPath, session: DbSession, store: StoreDep, settings: AppSettings
) -> Response:
    """The UAE Tax Data Document (report to the FTA) of the issued document."""
    tdd = await service.tdd_xml(session, invoice, settings=settings, store=store)
    return _download(tdd, service.XML_CONTENT_TYPE, _filename(invoice, "-tdd.xml"))


@invoices_router.post("/{invoice_id}/validate", response_model=DraftValidationOut)
async def validate_invoice(invoice: InvoiceFromPath, session: DbSession) -> DraftValidationOut:
    """Validate a draft as finalize would (PINT AE XSD, PINT and AE rules, our checks); changes
    nothing."""
    return DraftValidationOut.of(await service.validate_draft(session, invoice))


@invoices_router.get("/{invoice_id}/verify", response_model=InvoiceVerificationOut)
async def verify_invoice(
    invoice: InvoiceFromPath, session: DbSession, store: StoreDep
) -> InvoiceVerificationOut:
    """Recompute the document hash from the stored data and XML, check the chain links and the
    signature."""
    return InvoiceVerificationOut.of(await service.verify_invoice(session, invoice, store=store))


# --- /compliance -------------------------------------------------------------------------------

compliance_router = APIRouter(prefix="/compliance", tags=["compliance"])


@compliance_router.get("/chain/verify", response_model=ChainReportOut)
async def verify_chains(
    _user: CanReadInvoices, session: DbSession, store: StoreDep
) -> ChainReportOut:
    """Check every document chain of the company; the first break is named."""
    return ChainReportOut.of(await service.verify_company_chains(session, store=store))


# --- /company/signing-certificate -------------------------------------------------------------

company_router = APIRouter(prefix="/company", tags=["company"])

_CERTIFICATE_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PKCS#12 (.p12/.pfx), or PEM certificate (+ key)",
                        },
                        "private_key": {
                            "type": "string",
                            "description": "PEM private key, when not inside the file",
                        },
                        "password": {
                            "type": "string",
                            "description": "opens the PKCS#12 file or an encrypted PEM key",
                        },
                    },
                }
            }
        },
    }
}


@company_router.post(
    "/signing-certificate",
    status_code=status.HTTP_201_CREATED,
    response_model=SigningCertificateOut,
    openapi_extra=_CERTIFICATE_UPLOAD,
)
async def upload_signing_certificate(
    request: Request, user: CanManageCertificate, session: DbSession, settings: AppSettings
) -> SigningCertificateOut:
    """Use the company's own certificate and key for signing (the previous key is kept for
    verifying what it signed). 422 with the reason when the upload cannot be used."""
    upload = await read_single_file(
        request, max_bytes=settings.max_upload_bytes, allowed_fields=("private_key", "password")
    )
    password = upload.fields.get("password") or None
    private_key = upload.fields.get("private_key") or None
    key = await service.upload_certificate(
        session,
        user=user,
        data=upload.data,
        password=password.encode() if password else None,
        key_data=private_key.encode() if private_key else None,
        settings=settings,
    )
    return SigningCertificateOut.of(key)


@company_router.get("/signing-certificate", response_model=SigningCertificateOut)
async def get_signing_certificate(
    _user: CanManageCertificate, session: DbSession
) -> SigningCertificateOut:
    """The active signing key and certificate (public information only)."""
    key = await service.current_key(session)
    if key is None:
        raise NotFound(
            "The company has no signing key yet: one is created when the first invoice is "
            "finalized, or upload a certificate.",
            code="no_signing_key",
        )
    return SigningCertificateOut.of(key)


routers: tuple[APIRouter, ...] = (invoices_router, compliance_router, company_router)
