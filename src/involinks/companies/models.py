from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import JSONType, UtcDateTime


class CompanyStatus(StrEnum):
    PENDING_APPROVAL = "PENDING_APPROVAL"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"


class LegalRegistrationType(StrEnum):
    """PINT AE seller legal registration identifier types (IBT-030 scheme)."""

    TL = "TL"  # trade licence (with its issuing authority)
    EID = "EID"  # Emirates ID
    PAS = "PAS"  # passport
    CD = "CD"  # cabinet decision


class Company(IdMixin, TimestampMixin, Base):
    """A tenant. Its own row is not company-scoped: the tenant filter is keyed on its id."""

    __tablename__ = "companies"

    legal_name: Mapped[str] = mapped_column(sa.String(300))
    trn: Mapped[str] = mapped_column(sa.String(15), unique=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    phone: Mapped[str] = mapped_column(sa.String(32))
    address_line1: Mapped[str] = mapped_column(sa.String(300))
    address_line2: Mapped[str | None] = mapped_column(sa.String(300))
    city: Mapped[str] = mapped_column(sa.String(120))
    emirate: Mapped[str] = mapped_column(sa.String(3))
    country: Mapped[str] = mapped_column(sa.String(2), default="AE")
    legal_registration_type: Mapped[str] = mapped_column(sa.String(8))
    legal_registration_id: Mapped[str] = mapped_column(sa.String(100))
    legal_registration_authority: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[CompanyStatus] = mapped_column(
        sa.Enum(CompanyStatus, native_enum=False, length=32),
        default=CompanyStatus.PENDING_APPROVAL,
        index=True,
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    plan_code: Mapped[str] = mapped_column(sa.String(32), default="FREE")
    # The paid subscription behind plan_code (plans.webhooks), when it was bought through Stripe.
    stripe_customer_id: Mapped[str | None] = mapped_column(sa.String(255))
    stripe_subscription_id: Mapped[str | None] = mapped_column(
        sa.String(255), unique=True, index=True
    )
    # When Stripe created the checkout event that set stripe_subscription_id: a checkout event
    # delivered late (older than this) must not take the company back to an older subscription.
    stripe_subscription_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    peppol_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    mfa_required: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    @property
    def tin(self) -> str:
        """The first 10 digits of the TRN: the id in the Peppol participant id 0235:<TIN>."""
        return self.trn[:10]

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.status}>"


CompanyId = uuid.UUID


class DocumentKind(StrEnum):
    TRADE_LICENCE = "trade_licence"
    OTHER_REGISTRATION = "other_registration"
    LOGO = "logo"
    STAMP = "stamp"


class CompanyDocument(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A registration paper or branding image. The bytes live in the artifact store under a
    content-addressed key (shared by rows with identical files); `filename` is the uploader's
    name, kept for display and the download name only."""

    __tablename__ = "company_documents"

    kind: Mapped[DocumentKind] = mapped_column(
        sa.Enum(DocumentKind, native_enum=False, length=32), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255), index=True)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    def __repr__(self) -> str:
        return f"<CompanyDocument {self.id} {self.kind}>"
