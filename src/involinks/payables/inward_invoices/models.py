from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import Amount, Quantity, Rate, UnitPrice, UtcDateTime, utcnow
from involinks.payables.matching.engine import MatchStatus
from involinks.payables.suppliers.models import Supplier

# History action recorded when the buyer on a received document is not this company.
BUYER_MISMATCH_EVENT = "addressed_to_other_buyer"


class InwardInvoiceSource(StrEnum):
    PEPPOL = "PEPPOL"
    UPLOAD = "UPLOAD"
    MANUAL = "MANUAL"


class InwardInvoiceStatus(StrEnum):
    RECEIVED = "RECEIVED"  # stored, not matched yet
    NEEDS_REVIEW = "NEEDS_REVIEW"  # matched with a variance, partially or not at all
    READY_TO_PAY = "READY_TO_PAY"  # full match, or variance approved
    ON_HOLD = "ON_HOLD"
    DISPUTED = "DISPUTED"
    REJECTED = "REJECTED"  # refused for good; the supplier credits it and issues a new one
    PAID = "PAID"


class InwardInvoice(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A supplier's invoice or credit note received by the company (accounts payable)."""

    __tablename__ = "inward_invoices"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "supplier_trn", "invoice_number_key"),
        sa.UniqueConstraint("company_id", "document_hash"),
        sa.UniqueConstraint("company_id", "peppol_message_id"),
    )

    source: Mapped[InwardInvoiceSource] = mapped_column(
        sa.Enum(InwardInvoiceSource, native_enum=False, length=16), index=True
    )
    document_kind: Mapped[str] = mapped_column(sa.String(16), default="Invoice")  # or CreditNote
    type_code: Mapped[str | None] = mapped_column(sa.String(3))
    invoice_number: Mapped[str] = mapped_column(sa.String(200))
    # Case- and space-insensitive form of the number, the duplicate key with the supplier TRN.
    invoice_number_key: Mapped[str] = mapped_column(sa.String(200))
    issue_date: Mapped[date] = mapped_column(sa.Date, index=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("suppliers.id", ondelete="RESTRICT"), index=True
    )
    supplier_name: Mapped[str] = mapped_column(sa.String(300))
    supplier_trn: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    supplier_peppol_id: Mapped[str | None] = mapped_column(sa.String(100))
    buyer_trn: Mapped[str | None] = mapped_column(sa.String(32))
    order_reference: Mapped[str | None] = mapped_column(sa.String(200))
    net_amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-109 total without VAT
    tax_amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-110
    total_amount: Mapped[Decimal] = mapped_column(Amount(), index=True)  # IBT-112 with VAT
    payable_amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-115
    status: Mapped[InwardInvoiceStatus] = mapped_column(
        sa.Enum(InwardInvoiceStatus, native_enum=False, length=32),
        default=InwardInvoiceStatus.RECEIVED,
        index=True,
    )
    matching_status: Mapped[MatchStatus] = mapped_column(
        sa.Enum(MatchStatus, native_enum=False, length=32),
        default=MatchStatus.NOT_MATCHED,
        index=True,
    )
    purchase_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("purchase_orders.id", ondelete="SET NULL"), index=True
    )
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    variance_amount: Mapped[Decimal | None] = mapped_column(Amount())
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    variance_approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    variance_approved_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    variance_approval_note: Mapped[str | None] = mapped_column(sa.Text)
    document_hash: Mapped[str] = mapped_column(sa.String(64))
    xml_storage_key: Mapped[str | None] = mapped_column(sa.String(255))
    peppol_message_id: Mapped[str | None] = mapped_column(sa.String(200))
    peppol_sender_id: Mapped[str | None] = mapped_column(sa.String(100))
    peppol_receiver_id: Mapped[str | None] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)

    supplier: Mapped[Supplier | None] = relationship(lazy="raise")
    lines: Mapped[list[InwardInvoiceLine]] = relationship(
        back_populates="inward_invoice",
        order_by="InwardInvoiceLine.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )
    events: Mapped[list[InwardInvoiceEvent]] = relationship(
        back_populates="inward_invoice",
        order_by="InwardInvoiceEvent.occurred_at",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    @property
    def is_credit_note(self) -> bool:
        return self.document_kind == "CreditNote"

    @property
    def has_original_xml(self) -> bool:
        return self.xml_storage_key is not None

    # UBL names of the document totals (cac:LegalMonetaryTotal), beside our column names.
    @property
    def tax_exclusive_amount(self) -> Decimal:  # IBT-109
        return self.net_amount

    @property
    def tax_inclusive_amount(self) -> Decimal:  # IBT-112
        return self.total_amount

    @property
    def line_extension_amount(self) -> Decimal:  # IBT-106: sum of the line nets (lines loaded)
        return sum((line.net_amount for line in self.lines), Decimal(0))

    @property
    def buyer_flag_reason(self) -> str | None:
        """Why the document looks addressed to another buyer (events loaded), else None."""
        for event in self.events:
            if event.action == BUYER_MISMATCH_EVENT:
                return event.note
        return None

    @property
    def addressed_to_other_buyer(self) -> bool:
        return self.buyer_flag_reason is not None

    def __repr__(self) -> str:
        return f"<InwardInvoice {self.id} {self.status}/{self.matching_status}>"


class InwardInvoiceLine(IdMixin, CompanyScoped, Base):
    __tablename__ = "inward_invoice_lines"

    inward_invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    line_id: Mapped[str] = mapped_column(sa.String(100))  # IBT-126
    item_name: Mapped[str] = mapped_column(sa.String(1000))  # IBT-153
    item_code: Mapped[str | None] = mapped_column(sa.String(200))  # IBT-155 seller's item id
    description: Mapped[str | None] = mapped_column(sa.Text)
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # IBT-129
    unit_code: Mapped[str | None] = mapped_column(sa.String(3))  # IBT-130
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())  # IBT-146 (per 1 unit)
    net_amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-131
    vat_category: Mapped[str | None] = mapped_column(sa.String(3))  # IBT-151
    vat_rate: Mapped[Decimal | None] = mapped_column(Rate())  # IBT-152
    order_line_reference: Mapped[str | None] = mapped_column(sa.String(100))  # IBT-132

    inward_invoice: Mapped[InwardInvoice] = relationship(back_populates="lines", lazy="raise")


class InwardInvoiceEvent(IdMixin, CompanyScoped, Base):
    """The invoice's own history (received, matched, approved, held, ...), shown on its page.
    The tamper-evident record of the same actions is the audit log."""

    __tablename__ = "inward_invoice_events"

    inward_invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(64))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    matching_status: Mapped[str | None] = mapped_column(sa.String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(sa.Text)

    inward_invoice: Mapped[InwardInvoice] = relationship(back_populates="events", lazy="raise")


class InwardPayment(IdMixin, CompanyScoped, Base):
    """A payment the company made on a supplier's invoice ready to pay, in the invoice's
    currency. The payments add up to at most the payable amount (IBT-115); the one that makes
    them equal settles the invoice (PAID)."""

    __tablename__ = "inward_invoice_payments"

    inward_invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("inward_invoices.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Amount())
    paid_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
