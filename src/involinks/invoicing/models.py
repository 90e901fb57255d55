"""Invoices and credit notes (outbound), their lines, allowances/charges, status history and the
per-company number counters.

Amounts computed by ``involinks.invoicing.totals`` are stored on the document and its lines so that
lists, filters and reports never recompute them. Seller and buyer party data are copied into
``seller_snapshot`` / ``buyer_snapshot`` at finalize: a finalized document never changes when the
company or customer record is edited later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import Amount, JSONType, Quantity, Rate, UnitPrice, UtcDateTime, utcnow
from involinks.customers.models import Customer
from involinks.invoicing.document import TransactionType

AED = "AED"


@dataclass(frozen=True, slots=True)
class PaymentMeansValue:
    code: str
    account_id: str | None
    account_name: str | None
    payment_id: str | None


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"  # freely edited and deletable; no number
    FINALIZED = "FINALIZED"  # immutable; numbered
    APPROVED = "APPROVED"
    SENT = "SENT"  # handed to the Peppol access point (delivery statuses below)
    DELIVERED = "DELIVERED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"  # only through a credit note covering the whole invoice
    PAID = "PAID"  # settled in full (recorded payments or the buyer's Peppol "paid" response)


#: States in which a document is part of the books (numbered, immutable).
ISSUED_STATUSES = frozenset(InvoiceStatus) - {InvoiceStatus.DRAFT}
#: States an invoice can be credited from.
CREDITABLE_STATUSES = ISSUED_STATUSES - {InvoiceStatus.CANCELLED}

_status_enum = sa.Enum(InvoiceStatus, native_enum=False, length=16)
_kind_enum = sa.Enum(
    InvoiceKind,
    native_enum=False,
    length=16,
    values_callable=lambda kinds: [kind.value for kind in kinds],
)


class Invoice(IdMixin, TimestampMixin, CompanyScoped, Base):
    """An outbound tax invoice (kind ``invoice``) or credit note (kind ``credit_note``)."""

    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "number", name="uq_invoices_company_id_number"),
        sa.Index("ix_invoices_company_id_status", "company_id", "status"),
        sa.Index("ix_invoices_company_id_issue_date", "company_id", "issue_date"),
        sa.Index(
            "ix_invoices_company_id_external_reference",
            "company_id",
            "external_reference",
            unique=True,
        ),
    )

    kind: Mapped[InvoiceKind] = mapped_column(_kind_enum, default=InvoiceKind.INVOICE)
    status: Mapped[InvoiceStatus] = mapped_column(_status_enum, default=InvoiceStatus.DRAFT)
    number: Mapped[str | None] = mapped_column(sa.String(64))  # IBT-001, assigned at finalize
    type_code: Mapped[str] = mapped_column(sa.String(3))  # IBT-003: 380/480, 381/81

    customer_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    # Credit notes: the invoice credited (IBG-03) and the reason (BTAE-03 code, free text).
    credited_invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    credit_reason_code: Mapped[str | None] = mapped_column(sa.String(16))
    credit_reason: Mapped[str | None] = mapped_column(sa.Text)

    issue_date: Mapped[date] = mapped_column(sa.Date)  # IBT-002
    supply_date: Mapped[date | None] = mapped_column(sa.Date)  # IBT-007 date of supply
    due_date: Mapped[date | None] = mapped_column(sa.Date)  # IBT-009
    payment_terms: Mapped[str | None] = mapped_column(sa.Text)  # IBT-020
    purchase_order_reference: Mapped[str | None] = mapped_column(sa.String(200))  # IBT-013
    buyer_reference: Mapped[str | None] = mapped_column(sa.String(200))  # IBT-010
    # The reference the company's own system gave it (an import's invoice_ref); unique per
    # company, so a re-upload finds the invoice by it (migration 0013).
    external_reference: Mapped[str | None] = mapped_column(sa.String(200))
    period_start: Mapped[date | None] = mapped_column(sa.Date)  # IBT-073
    period_end: Mapped[date | None] = mapped_column(sa.Date)  # IBT-074
    billing_frequency: Mapped[str | None] = mapped_column(sa.String(8))  # BTAE-06
    beneficiary_id: Mapped[str | None] = mapped_column(sa.String(100))  # BTAE-01 (free zone)
    principal_id: Mapped[str | None] = mapped_column(sa.String(100))  # BTAE-14 (disclosed agent)
    transaction_type_code: Mapped[str] = mapped_column(sa.String(8), default="00000000")  # BTAE-02
    # compliance (migration 0009): issued by the company on its supplier's behalf, i.e. PINT AE
    # self-billing: the counterparty is the seller, type codes 389 / 261 (compliance.service).
    self_billing: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    notes: Mapped[list[str]] = mapped_column(JSONType, default=list)  # IBT-022
    # IBG-13 delivery: {"delivery_date", "line1", "line2", "city", "postal_code", "emirate",
    # "subdivision", "country", "incoterms"} (exports and e-commerce need the address).
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    currency: Mapped[str] = mapped_column(sa.String(3), default=AED)  # IBT-005
    exchange_rate: Mapped[Decimal | None] = mapped_column(Rate())  # BTAE-04, AED per unit

    payment_means_code: Mapped[str] = mapped_column(sa.String(4), default="30")  # IBT-081
    payment_account_id: Mapped[str | None] = mapped_column(sa.String(64))  # IBT-084 (IBAN)
    payment_account_name: Mapped[str | None] = mapped_column(sa.String(200))  # IBT-085
    payment_id: Mapped[str | None] = mapped_column(sa.String(140))  # IBT-083

    # Totals (IBG-22, IBT-110, IBT-111) as computed by invoicing.totals.
    line_extension_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    allowance_total_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    charge_total_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    tax_exclusive_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    tax_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    tax_inclusive_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    payable_amount: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0), index=True)
    tax_amount_aed: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    tax_inclusive_amount_aed: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    # [{"category", "rate", "taxable_amount", "tax_amount"}] with decimal strings (IBG-23).
    vat_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    seller_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    buyer_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The credited invoice's number and date, copied when the credit note is created (IBG-03).
    credited_invoice_number: Mapped[str | None] = mapped_column(sa.String(64))
    credited_invoice_issue_date: Mapped[date | None] = mapped_column(sa.Date)

    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finalized_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    customer: Mapped[Customer] = relationship(lazy="raise")
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InvoiceLine.position",
        lazy="raise",
    )
    allowances_charges: Mapped[list[InvoiceAllowanceCharge]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InvoiceAllowanceCharge.position",
        lazy="raise",
    )
    status_events: Mapped[list[InvoiceStatusEvent]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InvoiceStatusEvent.at",
        lazy="raise",
    )

    @property
    def is_credit_note(self) -> bool:
        return self.kind is InvoiceKind.CREDIT_NOTE

    @property
    def transaction_type(self) -> TransactionType:
        return TransactionType.from_code(self.transaction_type_code)

    @property
    def payment_means(self) -> PaymentMeansValue:
        return PaymentMeansValue(
            self.payment_means_code,
            self.payment_account_id,
            self.payment_account_name,
            self.payment_id,
        )

    @property
    def seller(self) -> dict[str, Any] | None:
        return self.seller_snapshot

    @property
    def buyer(self) -> dict[str, Any] | None:
        return self.buyer_snapshot

    @property
    def status_history(self) -> list[InvoiceStatusEvent]:
        return self.status_events

    def __repr__(self) -> str:
        return f"<Invoice {self.id} {self.kind} {self.status}>"


class InvoiceLine(IdMixin, CompanyScoped, Base):
    """IBG-25 document line; amounts as computed by invoicing.totals."""

    __tablename__ = "invoice_lines"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)  # 1-based; the line id IBT-126
    item_name: Mapped[str] = mapped_column(sa.String(300))  # IBT-153
    description: Mapped[str | None] = mapped_column(sa.Text)  # IBT-154
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # IBT-129
    unit_code: Mapped[str] = mapped_column(sa.String(3))  # IBT-130 (UN/ECE Rec 20)
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())  # IBT-146 net price
    discount_amount: Mapped[Decimal | None] = mapped_column(Amount())  # IBT-136 line allowance
    discount_reason: Mapped[str | None] = mapped_column(sa.String(200))  # IBT-139
    vat_category: Mapped[str] = mapped_column(sa.String(2))  # IBT-151
    vat_rate: Mapped[Decimal | None] = mapped_column(Rate())  # IBT-152
    exemption_reason_code: Mapped[str | None] = mapped_column(sa.String(16))
    exemption_reason: Mapped[str | None] = mapped_column(sa.String(300))
    item_type: Mapped[str | None] = mapped_column(sa.String(1))  # BTAE-13: G, S, B
    classification_code: Mapped[str | None] = mapped_column(sa.String(20))  # IBT-158 (HS)
    service_accounting_code: Mapped[str | None] = mapped_column(sa.String(20))  # BTAE-17 (SAC)
    standard_item_id: Mapped[str | None] = mapped_column(sa.String(20))  # IBT-157 (GTIN, 0160)
    sellers_item_id: Mapped[str | None] = mapped_column(sa.String(100))  # IBT-155
    rcm_goods_type: Mapped[str | None] = mapped_column(sa.String(16))  # BTAE-09
    note: Mapped[str | None] = mapped_column(sa.Text)  # IBT-127

    line_extension_amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-131
    vat_amount: Mapped[Decimal | None] = mapped_column(Amount())  # BTAE-08 (None: exempt)
    amount_with_vat: Mapped[Decimal] = mapped_column(Amount())  # BTAE-10

    invoice: Mapped[Invoice] = relationship(back_populates="lines", lazy="raise")


class InvoiceAllowanceCharge(IdMixin, CompanyScoped, Base):
    """Document-level allowance (IBG-20) or charge (IBG-21) with its own VAT category."""

    __tablename__ = "invoice_allowance_charges"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    is_charge: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    amount: Mapped[Decimal] = mapped_column(Amount())  # IBT-092 / IBT-099
    base_amount: Mapped[Decimal | None] = mapped_column(Amount())  # IBT-093 / IBT-100
    percentage: Mapped[Decimal | None] = mapped_column(Rate())  # IBT-094 / IBT-101
    reason_code: Mapped[str | None] = mapped_column(sa.String(8))  # IBT-098 / IBT-105
    reason: Mapped[str | None] = mapped_column(sa.String(300))  # IBT-097 / IBT-104
    vat_category: Mapped[str] = mapped_column(sa.String(2))  # IBT-095 / IBT-102
    vat_rate: Mapped[Decimal | None] = mapped_column(Rate())  # IBT-096 / IBT-103
    exemption_reason_code: Mapped[str | None] = mapped_column(sa.String(16))
    exemption_reason: Mapped[str | None] = mapped_column(sa.String(300))

    invoice: Mapped[Invoice] = relationship(back_populates="allowances_charges", lazy="raise")


class InvoiceStatusEvent(IdMixin, CompanyScoped, Base):
    """One step of a document's timeline."""

    __tablename__ = "invoice_status_events"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[InvoiceStatus] = mapped_column(_status_enum)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(sa.Text)

    invoice: Mapped[Invoice] = relationship(back_populates="status_events", lazy="raise")


class InvoiceNumberCounter(CompanyScoped, Base):
    """Last number used per (company, document kind, period); see invoicing.numbering."""

    __tablename__ = "invoice_number_counters"
    __table_args__ = (
        sa.PrimaryKeyConstraint("company_id", "kind", "period", name="pk_invoice_number_counters"),
    )

    kind: Mapped[InvoiceKind] = mapped_column(_kind_enum)
    period: Mapped[str] = mapped_column(sa.String(8))  # "" or "2026" or "2026-11"
    last_value: Mapped[int] = mapped_column(sa.BigInteger)
