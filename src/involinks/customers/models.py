"""Customers: the buyers a company invoices (PINT AE buyer party, IBG-07)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin

UAE = "AE"
UAE_ENDPOINT_SCHEME = "0235"  # Peppol EAS code of the UAE TIN


@dataclass(frozen=True, slots=True)
class CustomerAddress:
    line1: str
    line2: str | None
    city: str
    postal_code: str | None
    emirate: str | None  # AUH, DXB, ... when the country is AE (ibr-128-ae)
    subdivision: str | None  # region of a foreign address
    country: str


@dataclass(frozen=True, slots=True)
class CustomerLegalRegistration:
    """IBT-047 with its type (BTAE-16), authority (BTAE-11) and passport country (BTAE-19)."""

    type: str
    id: str
    authority: str | None
    issuing_country: str | None


class Customer(IdMixin, TimestampMixin, CompanyScoped, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # NULL TRNs (buyers not registered for VAT) never collide, on both databases.
        sa.UniqueConstraint("company_id", "trn", name="uq_customers_company_id_trn"),
    )

    legal_name: Mapped[str] = mapped_column(sa.String(300))
    trade_name: Mapped[str | None] = mapped_column(sa.String(300))
    trn: Mapped[str | None] = mapped_column(sa.String(15))
    vat_registered: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    email: Mapped[str] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    peppol_id: Mapped[str | None] = mapped_column(sa.String(64))
    address_line1: Mapped[str] = mapped_column(sa.String(300))
    address_line2: Mapped[str | None] = mapped_column(sa.String(300))
    city: Mapped[str] = mapped_column(sa.String(120))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    emirate: Mapped[str | None] = mapped_column(sa.String(3))
    subdivision: Mapped[str | None] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(2), default=UAE)
    legal_registration_type: Mapped[str | None] = mapped_column(sa.String(8))
    legal_registration_id: Mapped[str | None] = mapped_column(sa.String(100))
    legal_registration_authority: Mapped[str | None] = mapped_column(sa.String(200))
    legal_registration_country: Mapped[str | None] = mapped_column(sa.String(2))

    @property
    def tin(self) -> str | None:
        """The first 10 digits of the TRN: the id in the Peppol participant id 0235:<TIN>."""
        return self.trn[:10] if self.trn else None

    @property
    def address(self) -> CustomerAddress:
        return CustomerAddress(
            line1=self.address_line1,
            line2=self.address_line2,
            city=self.city,
            postal_code=self.postal_code,
            emirate=self.emirate,
            subdivision=self.subdivision,
            country=self.country,
        )

    @property
    def legal_registration(self) -> CustomerLegalRegistration | None:
        if not self.legal_registration_type or not self.legal_registration_id:
            return None
        return CustomerLegalRegistration(
            type=self.legal_registration_type,
            id=self.legal_registration_id,
            authority=self.legal_registration_authority,
            issuing_country=self.legal_registration_country,
        )

    def __repr__(self) -> str:
        return f"<Customer {self.id}>"


def default_peppol_id(*, trn: str | None, vat_registered: bool, country: str) -> str | None:
    """0235:<TIN> for a buyer registered for VAT in the UAE; others have no default."""
    if vat_registered and trn and country == UAE:
        return f"{UAE_ENDPOINT_SCHEME}:{trn[:10]}"
    return None
