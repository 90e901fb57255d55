from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import Quantity
from involinks.payables.purchase_orders.models import PurchaseOrder, PurchaseOrderLine


class GoodsReceipt(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A goods receipt note (GRN): one delivery against one purchase order."""

    __tablename__ = "goods_receipts"
    __table_args__ = (sa.UniqueConstraint("company_id", "number"),)

    number: Mapped[str] = mapped_column(sa.String(32))
    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_orders.id", ondelete="RESTRICT"), index=True
    )
    received_date: Mapped[date] = mapped_column(sa.Date, index=True)
    delivery_note_reference: Mapped[str | None] = mapped_column(sa.String(100))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Set when the user explicitly accepted more than was ordered on some line.
    over_receipt: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    purchase_order: Mapped[PurchaseOrder] = relationship(lazy="raise")
    lines: Mapped[list[GoodsReceiptLine]] = relationship(
        back_populates="goods_receipt",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    def __repr__(self) -> str:
        return f"<GoodsReceipt {self.id}>"


class GoodsReceiptLine(IdMixin, CompanyScoped, Base):
    __tablename__ = "goods_receipt_lines"

    goods_receipt_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("goods_receipts.id", ondelete="CASCADE"), index=True
    )
    purchase_order_line_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_order_lines.id", ondelete="RESTRICT"), index=True
    )
    quantity_received: Mapped[Decimal] = mapped_column(Quantity())
    quantity_rejected: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(300))

    goods_receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines", lazy="raise")
    purchase_order_line: Mapped[PurchaseOrderLine] = relationship(lazy="raise")

    @property
    def quantity_accepted(self) -> Decimal:
        return self.quantity_received - self.quantity_rejected
