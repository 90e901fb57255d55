"""What issuing an invoice records: signing keys, the issued document, and the chain heads.

* ``signing_keys``: one row per company key (RSA, private key encrypted with a password derived
  from ``settings.secret_key``; see ``compliance.signing``). A rotation or an uploaded certificate
  adds a row and retires the previous one; retired rows stay, so documents signed before the
  rotation still verify with the key their signature names.
* ``issued_documents``: 1:1 with an issued invoice or credit note. The exact UBL bytes live in the
  artifact store (``xml_key``); the row holds their SHA-256, the hash-chain link
  (``previous_hash`` -> ``document_hash``, seed section 4.3), the detached signature and its key id.
* ``document_chain_heads``: one row per (company, series), locked while a document is issued so
  positions are gapless and two finalizers never link to the same predecessor. It also keeps the
  last hash outside the document rows (the ``expected_head`` of ``chain.verify_chain``), so removing
  the newest documents is visible.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import UtcDateTime, utcnow


class SigningKey(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A company signing key; exactly one active key per company (partial unique index)."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "key_id", name="uq_signing_keys_company_id_key_id"),
        sa.Index(
            "uq_signing_keys_company_id_active",
            "company_id",
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        ),
    )

    key_id: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the public key (DER SPKI)
    public_key_pem: Mapped[str] = mapped_column(sa.Text)
    encrypted_private_key: Mapped[bytes] = mapped_column(sa.LargeBinary)  # PKCS#8, encrypted
    certificate_pem: Mapped[str | None] = mapped_column(sa.Text)
    subject: Mapped[str | None] = mapped_column(sa.String(1000))
    issuer: Mapped[str | None] = mapped_column(sa.String(1000))
    serial_number: Mapped[str | None] = mapped_column(sa.String(80))
    not_valid_before: Mapped[datetime | None] = mapped_column(UtcDateTime)
    not_valid_after: Mapped[datetime | None] = mapped_column(UtcDateTime)
    uploaded: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<SigningKey {self.key_id[:12]} active={self.is_active}>"


class IssuedDocument(IdMixin, CompanyScoped, Base):
    """The compliance record of one issued invoice / credit note (never updated after issue,
    except for the PDF rendering fields)."""

    __tablename__ = "issued_documents"
    __table_args__ = (
        sa.UniqueConstraint(
            "company_id",
            "series",
            "position",
            name="uq_issued_documents_company_id_series_position",
        ),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="RESTRICT"), unique=True
    )
    series: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column(sa.BigInteger)  # 1-based place in the chain
    customization: Mapped[str] = mapped_column(sa.String(64))  # IBT-024 of the issued XML
    canonical_version: Mapped[int] = mapped_column(sa.Integer)
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    document_hash: Mapped[str] = mapped_column(sa.String(64))
    xml_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    xml_sha256: Mapped[str] = mapped_column(sa.String(64))
    xml_size: Mapped[int] = mapped_column(sa.Integer)
    signing_key_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("signing_keys.id", ondelete="RESTRICT"), index=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.Text)  # base64 RSASSA-PSS
    signature_algorithm: Mapped[str] = mapped_column(sa.String(64))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    pdf_key: Mapped[str | None] = mapped_column(sa.String(255))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_rendered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.series}#{self.position} {self.document_hash[:12]}>"


class DocumentChainHead(CompanyScoped, Base):
    """The newest link of one (company, series) chain."""

    __tablename__ = "document_chain_heads"
    __table_args__ = (
        sa.PrimaryKeyConstraint("company_id", "series", name="pk_document_chain_heads"),
    )

    series: Mapped[str] = mapped_column(sa.String(32))
    last_position: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
