"""customers and invoices

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24 11:56:44.091401
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import involinks.core.types

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("trade_name", sa.String(length=300), nullable=True),
        sa.Column("trn", sa.String(length=15), nullable=True),
        sa.Column("vat_registered", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("peppol_id", sa.String(length=64), nullable=True),
        sa.Column("address_line1", sa.String(length=300), nullable=False),
        sa.Column("address_line2", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("emirate", sa.String(length=3), nullable=True),
        sa.Column("subdivision", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("legal_registration_type", sa.String(length=8), nullable=True),
        sa.Column("legal_registration_id", sa.String(length=100), nullable=True),
        sa.Column("legal_registration_authority", sa.String(length=200), nullable=True),
        sa.Column("legal_registration_country", sa.String(length=2), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_customers_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("company_id", "trn", name="uq_customers_company_id_trn"),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_company_id"), ["company_id"], unique=False)

    op.create_table(
        "invoice_number_counters",
        sa.Column(
            "kind",
            sa.Enum("invoice", "credit_note", name="invoicekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoice_number_counters_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("company_id", "kind", "period", name="pk_invoice_number_counters"),
    )
    with op.batch_alter_table("invoice_number_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_number_counters_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "invoices",
        sa.Column(
            "kind",
            sa.Enum("invoice", "credit_note", name="invoicekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "FINALIZED",
                "APPROVED",
                "SENT",
                "DELIVERED",
                "ACCEPTED",
                "REJECTED",
                "FAILED",
                "CANCELLED",
                name="invoicestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("type_code", sa.String(length=3), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("credited_invoice_id", sa.Uuid(), nullable=True),
        sa.Column("credit_reason_code", sa.String(length=16), nullable=True),
        sa.Column("credit_reason", sa.Text(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("supply_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("payment_terms", sa.Text(), nullable=True),
        sa.Column("purchase_order_reference", sa.String(length=200), nullable=True),
        sa.Column("buyer_reference", sa.String(length=200), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("billing_frequency", sa.String(length=8), nullable=True),
        sa.Column("beneficiary_id", sa.String(length=100), nullable=True),
        sa.Column("principal_id", sa.String(length=100), nullable=True),
        sa.Column("transaction_type_code", sa.String(length=8), nullable=False),
        sa.Column(
            "notes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "delivery", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", involinks.core.types.ExactDecimal(12, 6), nullable=True),
        sa.Column("payment_means_code", sa.String(length=4), nullable=False),
        sa.Column("payment_account_id", sa.String(length=64), nullable=True),
        sa.Column("payment_account_name", sa.String(length=200), nullable=True),
        sa.Column("payment_id", sa.String(length=140), nullable=True),
        sa.Column(
            "line_extension_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False
        ),
        sa.Column(
            "allowance_total_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False
        ),
        sa.Column("charge_total_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_exclusive_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_inclusive_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("payable_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount_aed", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column(
            "tax_inclusive_amount_aed", involinks.core.types.ExactDecimal(18, 2), nullable=False
        ),
        sa.Column(
            "vat_breakdown",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "seller_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "buyer_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("credited_invoice_number", sa.String(length=64), nullable=True),
        sa.Column("credited_invoice_issue_date", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("finalized_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finalized_by_id", sa.Uuid(), nullable=True),
        sa.Column("approved_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_invoices_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoices_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_invoices_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["credited_invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoices_credited_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invoices_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["finalized_by_id"],
            ["users.id"],
            name=op.f("fk_invoices_finalized_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("company_id", "number", name="uq_invoices_company_id_number"),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            "ix_invoices_company_id_issue_date", ["company_id", "issue_date"], unique=False
        )
        batch_op.create_index(
            "ix_invoices_company_id_status", ["company_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_credited_invoice_id"), ["credited_invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoices_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invoices_payable_amount"), ["payable_amount"], unique=False
        )

    op.create_table(
        "invoice_allowance_charges",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_charge", sa.Boolean(), nullable=False),
        sa.Column("amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("base_amount", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("percentage", involinks.core.types.ExactDecimal(12, 6), nullable=True),
        sa.Column("reason_code", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("vat_category", sa.String(length=2), nullable=False),
        sa.Column("vat_rate", involinks.core.types.ExactDecimal(12, 6), nullable=True),
        sa.Column("exemption_reason_code", sa.String(length=16), nullable=True),
        sa.Column("exemption_reason", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoice_allowance_charges_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_allowance_charges_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_allowance_charges")),
    )
    with op.batch_alter_table("invoice_allowance_charges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_allowance_charges_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_allowance_charges_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("unit_code", sa.String(length=3), nullable=False),
        sa.Column("unit_price", involinks.core.types.ExactDecimal(20, 6), nullable=False),
        sa.Column("discount_amount", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("discount_reason", sa.String(length=200), nullable=True),
        sa.Column("vat_category", sa.String(length=2), nullable=False),
        sa.Column("vat_rate", involinks.core.types.ExactDecimal(12, 6), nullable=True),
        sa.Column("exemption_reason_code", sa.String(length=16), nullable=True),
        sa.Column("exemption_reason", sa.String(length=300), nullable=True),
        sa.Column("item_type", sa.String(length=1), nullable=True),
        sa.Column("classification_code", sa.String(length=20), nullable=True),
        sa.Column("service_accounting_code", sa.String(length=20), nullable=True),
        sa.Column("standard_item_id", sa.String(length=20), nullable=True),
        sa.Column("sellers_item_id", sa.String(length=100), nullable=True),
        sa.Column("rcm_goods_type", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "line_extension_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False
        ),
        sa.Column("vat_amount", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("amount_with_vat", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoice_lines_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "invoice_status_events",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "FINALIZED",
                "APPROVED",
                "SENT",
                "DELIVERED",
                "ACCEPTED",
                "REJECTED",
                "FAILED",
                "CANCELLED",
                name="invoicestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_invoice_status_events_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoice_status_events_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_status_events_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_status_events")),
    )
    with op.batch_alter_table("invoice_status_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_status_events_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_status_events_invoice_id"), ["invoice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice_status_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_status_events_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_status_events_company_id"))

    op.drop_table("invoice_status_events")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_lines_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_lines_company_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("invoice_allowance_charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_allowance_charges_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_allowance_charges_company_id"))

    op.drop_table("invoice_allowance_charges")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_payable_amount"))
        batch_op.drop_index(batch_op.f("ix_invoices_customer_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_credited_invoice_id"))
        batch_op.drop_index("ix_invoices_company_id_status")
        batch_op.drop_index("ix_invoices_company_id_issue_date")
        batch_op.drop_index(batch_op.f("ix_invoices_company_id"))

    op.drop_table("invoices")
    with op.batch_alter_table("invoice_number_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_number_counters_company_id"))

    op.drop_table("invoice_number_counters")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_company_id"))

    op.drop_table("customers")
