from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin
from involinks.core.types import Amount, JSONType, Quantity, UtcDateTime, utcnow
from involinks.payables.matching.engine import MatchStatus


class InvoiceMatch(IdMixin, CompanyScoped, Base):
    """One run of the 3-way match for an inward invoice. Every run is kept; `is_current` marks
    the one in force. `result` holds the engine's explanation line by line."""

    __tablename__ = "invoice_matches"

    inward_invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="CASCADE"), index=True
    )
    purchase_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_orders.id", ondelete="SET NULL"), index=True
    )
    order_number: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[MatchStatus] = mapped_column(sa.Enum(MatchStatus, native_enum=False, length=32))
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True, index=True)
    trigger: Mapped[str] = mapped_column(sa.String(16))  # arrival | manual | release
    matched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    matched_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    currency: Mapped[str] = mapped_column(sa.String(3))
    expected_net: Mapped[Decimal] = mapped_column(Amount())
    invoiced_net: Mapped[Decimal] = mapped_column(Amount())
    variance_amount: Mapped[Decimal | None] = mapped_column(Amount())
    variance_percent: Mapped[Decimal | None] = mapped_column(Amount())
    expected_tax: Mapped[Decimal] = mapped_column(Amount())
    invoiced_tax: Mapped[Decimal] = mapped_column(Amount())
    tax_variance: Mapped[Decimal | None] = mapped_column(Amount())
    tolerances: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class MatchConsumption(IdMixin, CompanyScoped, Base):
    """Quantity of a PO line that a matched invoice has drawn on. The open quantity of a line is
    its accepted quantity minus the sum of these rows, so received goods are paid only once."""

    __tablename__ = "match_consumptions"
    __table_args__ = (sa.UniqueConstraint("inward_invoice_id", "purchase_order_line_id"),)

    inward_invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="CASCADE"), index=True
    )
    invoice_match_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoice_matches.id", ondelete="CASCADE"), index=True
    )
    purchase_order_line_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_order_lines.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity())
