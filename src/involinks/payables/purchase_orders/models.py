from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import Amount, Quantity, Rate, UnitPrice, UtcDateTime
from involinks.payables.suppliers.models import Supplier


class PurchaseOrderStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    PARTIALLY_RECEIVED = "PARTIALLY_RECEIVED"
    RECEIVED = "RECEIVED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class PurchaseOrder(IdMixin, TimestampMixin, CompanyScoped, Base):
    __tablename__ = "purchase_orders"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "number"),
        sa.Index(
            "ix_purchase_orders_company_id_external_reference",
            "company_id",
            "external_reference",
            unique=True,
        ),
    )

    number: Mapped[str] = mapped_column(sa.String(32))
    # The reference the company's own system gave it (an import's po_ref); unique per company,
    # so a re-upload finds the order by it (migration 0013).
    external_reference: Mapped[str | None] = mapped_column(sa.String(200))
    supplier_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[PurchaseOrderStatus] = mapped_column(
        sa.Enum(PurchaseOrderStatus, native_enum=False, length=32),
        default=PurchaseOrderStatus.DRAFT,
        index=True,
    )
    order_date: Mapped[date] = mapped_column(sa.Date, index=True)
    expected_delivery_date: Mapped[date | None] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3), default="AED")
    delivery_address: Mapped[str | None] = mapped_column(sa.Text)
    payment_terms: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    net_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    tax_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    total_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_to: Mapped[str | None] = mapped_column(sa.String(320))
    pdf_storage_key: Mapped[str | None] = mapped_column(sa.String(255))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    supplier: Mapped[Supplier] = relationship(lazy="raise")
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="purchase_order",
        order_by="PurchaseOrderLine.line_no",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    def __repr__(self) -> str:
        return f"<PurchaseOrder {self.id} {self.status}>"


class PurchaseOrderLine(IdMixin, CompanyScoped, Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (sa.UniqueConstraint("purchase_order_id", "line_no"),)

    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True
    )
    # The line id a supplier quotes back as the order line reference (IBT-132).
    line_no: Mapped[int] = mapped_column(sa.Integer)
    item_code: Mapped[str | None] = mapped_column(sa.String(100))
    item_name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    unit_code: Mapped[str] = mapped_column(sa.String(3), default="H87")
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())
    vat_category: Mapped[str] = mapped_column(sa.String(3), default="S")
    vat_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(5))
    net_amount: Mapped[Decimal] = mapped_column(Amount())
    # Running totals over the goods receipts, kept with them in one transaction.
    received_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    rejected_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines", lazy="raise")

    @property
    def accepted_quantity(self) -> Decimal:
        return self.received_quantity - self.rejected_quantity

    def __repr__(self) -> str:
        return f"<PurchaseOrderLine {self.id} #{self.line_no}>"


class PayablesSequence(IdMixin, CompanyScoped, Base):
    """Counter row behind the gapless PO-/GRN- numbers (see `numbering`)."""

    __tablename__ = "payables_sequences"
    __table_args__ = (sa.UniqueConstraint("company_id", "kind", "year"),)

    kind: Mapped[str] = mapped_column(sa.String(8))
    year: Mapped[int] = mapped_column(sa.Integer)
    last_value: Mapped[int] = mapped_column(sa.Integer, default=0)
