from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, synonym

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import JSONType


class Supplier(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A vendor of the company. The TRN identifies it (one supplier per TRN per company): inward
    invoices are tied to their supplier and to its purchase orders by the seller TRN (IBT-031)."""

    __tablename__ = "suppliers"
    __table_args__ = (sa.UniqueConstraint("company_id", "trn"),)

    name: Mapped[str] = mapped_column(sa.String(300))
    # The API name (IBT-027 Seller legal registration name); `name` is the column.
    legal_name: Mapped[str] = synonym("name")
    # NULL for a supplier without a UAE TRN (abroad); NULLs never collide in the unique key.
    trn: Mapped[str | None] = mapped_column(sa.String(15))
    peppol_id: Mapped[str | None] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    # [{"name", "email", "phone", "role"}]
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    address_line1: Mapped[str | None] = mapped_column(sa.String(300))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2), default="AE")
    currency: Mapped[str] = mapped_column(sa.String(3), default="AED")
    payment_terms_days: Mapped[int | None] = mapped_column(sa.Integer)
    payment_terms: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Supplier {self.id}>"
