"""API shapes of the compliance endpoints (issued XML/PDF/TDD are raw bytes, not schemas)."""

from __future__ import annotations

import uuid
from datetime import datetime

from involinks.compliance.models import SigningKey
from involinks.compliance.service import (
    ChainBreakInfo,
    ChainSummary,
    ChainVerification,
    DraftValidation,
    InvoiceVerification,
)
from involinks.core.schemas import Schema


class RuleIssueOut(Schema):
    """One failed rule; ``field`` is the invoice-form field it concerns (or null)."""

    rule_id: str
    layer: str
    message: str
    location: str | None = None
    field: str | None = None


class DraftValidationOut(Schema):
    valid: bool
    errors: list[RuleIssueOut]
    warnings: list[RuleIssueOut]

    @classmethod
    def of(cls, result: DraftValidation) -> DraftValidationOut:
        return cls(
            valid=result.valid,
            errors=[RuleIssueOut.model_validate(issue) for issue in result.errors],
            warnings=[RuleIssueOut.model_validate(issue) for issue in result.warnings],
        )


class VerificationDetailOut(Schema):
    check: str  # hash, xml, chain, signature
    message: str


class InvoiceVerificationOut(Schema):
    invoice_id: uuid.UUID
    number: str | None
    series: str
    position: int
    valid: bool
    hash_ok: bool  # data and XML unchanged since issue
    chain_ok: bool  # linked to its neighbours and the chain head
    signature_ok: bool  # signature over document_hash|xml_sha256 verifies with key_id
    key_id: str
    previous_hash: str
    document_hash: str
    recomputed_hash: str | None
    xml_sha256: str
    xml_sha256_now: str | None
    details: list[VerificationDetailOut]

    @classmethod
    def of(cls, result: InvoiceVerification) -> InvoiceVerificationOut:
        return cls(
            invoice_id=result.invoice_id,
            number=result.number,
            series=result.series,
            position=result.position,
            valid=result.valid,
            hash_ok=result.hash_ok,
            chain_ok=result.chain_ok,
            signature_ok=result.signature_ok,
            key_id=result.key_id,
            previous_hash=result.previous_hash,
            document_hash=result.document_hash,
            recomputed_hash=result.recomputed_hash,
            xml_sha256=result.xml_sha256,
            xml_sha256_now=result.xml_sha256_now,
            details=[VerificationDetailOut.model_validate(d) for d in result.details],
        )


class ChainBreakOut(Schema):
    company_id: uuid.UUID
    series: str
    position: int | None
    number: str | None
    invoice_id: uuid.UUID | None
    reason: str
    message: str
    expected: str | None = None
    found: str | None = None

    @classmethod
    def of(cls, item: ChainBreakInfo) -> ChainBreakOut:
        return cls.model_validate(item)


class ChainOut(Schema):
    company_id: uuid.UUID
    series: str
    checked: int
    intact: bool
    head_hash: str | None
    breaks: list[ChainBreakOut]

    @classmethod
    def of(cls, chain: ChainSummary) -> ChainOut:
        return cls(
            company_id=chain.company_id,
            series=chain.series,
            checked=chain.checked,
            intact=chain.intact,
            head_hash=chain.head_hash,
            breaks=[ChainBreakOut.of(item) for item in chain.breaks],
        )


class ChainReportOut(Schema):
    intact: bool
    checked: int
    first_break: ChainBreakOut | None
    chains: list[ChainOut]

    @classmethod
    def of(cls, report: ChainVerification) -> ChainReportOut:
        first = report.first_break
        return cls(
            intact=report.intact,
            checked=report.checked,
            first_break=None if first is None else ChainBreakOut.of(first),
            chains=[ChainOut.of(chain) for chain in report.chains],
        )


class SigningCertificateOut(Schema):
    """Public information on the company's active signing key (never the private key)."""

    key_id: str
    subject: str | None
    issuer: str | None
    serial_number: str | None
    not_valid_before: datetime | None
    not_valid_after: datetime | None
    uploaded: bool  # False: the self-signed certificate InvoLinks created
    created_at: datetime
    certificate_pem: str | None
    public_key_pem: str

    @classmethod
    def of(cls, key: SigningKey) -> SigningCertificateOut:
        return cls.model_validate(key)
