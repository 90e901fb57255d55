"""payables: suppliers, purchase orders, goods receipts, inward invoices, matching

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-24 11:59:38.687221
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import involinks.core.types

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payables_sequences",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_payables_sequences_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payables_sequences")),
        sa.UniqueConstraint(
            "company_id", "kind", "year", name=op.f("uq_payables_sequences_company_id_kind_year")
        ),
    )
    with op.batch_alter_table("payables_sequences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payables_sequences_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "suppliers",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("trn", sa.String(length=15), nullable=True),
        sa.Column("peppol_id", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column(
            "contacts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("address_line1", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=True),
        sa.Column("payment_terms", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_suppliers_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("company_id", "trn", name=op.f("uq_suppliers_company_id_trn")),
    )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppliers_company_id"), ["company_id"], unique=False)

    op.create_table(
        "purchase_orders",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "SENT",
                "PARTIALLY_RECEIVED",
                "RECEIVED",
                "CLOSED",
                "CANCELLED",
                name="purchaseorderstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("expected_delivery_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("delivery_address", sa.Text(), nullable=True),
        sa.Column("payment_terms", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("net_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("sent_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_to", sa.String(length=320), nullable=True),
        sa.Column("pdf_storage_key", sa.String(length=255), nullable=True),
        sa.Column("closed_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_purchase_orders_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_purchase_orders_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_purchase_orders_supplier_id_suppliers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint(
            "company_id", "number", name=op.f("uq_purchase_orders_company_id_number")
        ),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_order_date"), ["order_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_purchase_orders_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "goods_receipts",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("delivery_note_reference", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("over_receipt", sa.Boolean(), nullable=False),
        sa.Column("received_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_goods_receipts_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_goods_receipts_purchase_order_id_purchase_orders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["users.id"],
            name=op.f("fk_goods_receipts_received_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_receipts")),
        sa.UniqueConstraint(
            "company_id", "number", name=op.f("uq_goods_receipts_company_id_number")
        ),
    )
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_purchase_order_id"), ["purchase_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_received_date"), ["received_date"], unique=False
        )

    op.create_table(
        "inward_invoices",
        sa.Column(
            "source",
            sa.Enum(
                "PEPPOL",
                "UPLOAD",
                "MANUAL",
                name="inwardinvoicesource",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("document_kind", sa.String(length=16), nullable=False),
        sa.Column("type_code", sa.String(length=3), nullable=True),
        sa.Column("invoice_number", sa.String(length=200), nullable=False),
        sa.Column("invoice_number_key", sa.String(length=200), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_name", sa.String(length=300), nullable=False),
        sa.Column("supplier_trn", sa.String(length=32), nullable=True),
        sa.Column("supplier_peppol_id", sa.String(length=100), nullable=True),
        sa.Column("buyer_trn", sa.String(length=32), nullable=True),
        sa.Column("order_reference", sa.String(length=200), nullable=True),
        sa.Column("net_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("payable_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "RECEIVED",
                "NEEDS_REVIEW",
                "READY_TO_PAY",
                "ON_HOLD",
                "DISPUTED",
                name="inwardinvoicestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "matching_status",
            sa.Enum(
                "FULL_MATCH",
                "VARIANCE_DETECTED",
                "PARTIAL_MATCH",
                "NOT_MATCHED",
                name="matchstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=True),
        sa.Column("matched_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("variance_amount", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column(
            "variance_approved_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("variance_approved_by_id", sa.Uuid(), nullable=True),
        sa.Column("variance_approval_note", sa.Text(), nullable=True),
        sa.Column("document_hash", sa.String(length=64), nullable=False),
        sa.Column("xml_storage_key", sa.String(length=255), nullable=True),
        sa.Column("peppol_message_id", sa.String(length=200), nullable=True),
        sa.Column("peppol_sender_id", sa.String(length=100), nullable=True),
        sa.Column("peppol_receiver_id", sa.String(length=100), nullable=True),
        sa.Column("received_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_inward_invoices_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_inward_invoices_purchase_order_id_purchase_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["users.id"],
            name=op.f("fk_inward_invoices_received_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_inward_invoices_supplier_id_suppliers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["variance_approved_by_id"],
            ["users.id"],
            name=op.f("fk_inward_invoices_variance_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inward_invoices")),
        sa.UniqueConstraint(
            "company_id", "document_hash", name=op.f("uq_inward_invoices_company_id_document_hash")
        ),
        sa.UniqueConstraint(
            "company_id",
            "peppol_message_id",
            name=op.f("uq_inward_invoices_company_id_peppol_message_id"),
        ),
        sa.UniqueConstraint(
            "company_id",
            "supplier_trn",
            "invoice_number_key",
            name=op.f("uq_inward_invoices_company_id_supplier_trn_invoice_number_key"),
        ),
    )
    with op.batch_alter_table("inward_invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_issue_date"), ["issue_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_matching_status"), ["matching_status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_purchase_order_id"), ["purchase_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_received_at"), ["received_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inward_invoices_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_inward_invoices_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_supplier_id"), ["supplier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_supplier_trn"), ["supplier_trn"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoices_total_amount"), ["total_amount"], unique=False
        )

    op.create_table(
        "purchase_order_lines",
        sa.Column("purchase_order_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=100), nullable=True),
        sa.Column("item_name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit_code", sa.String(length=3), nullable=False),
        sa.Column("quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("unit_price", involinks.core.types.ExactDecimal(20, 6), nullable=False),
        sa.Column("vat_category", sa.String(length=3), nullable=False),
        sa.Column("vat_rate", involinks.core.types.ExactDecimal(12, 6), nullable=False),
        sa.Column("net_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("received_quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("rejected_quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_purchase_order_lines_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_purchase_order_id_purchase_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
        sa.UniqueConstraint(
            "purchase_order_id",
            "line_no",
            name=op.f("uq_purchase_order_lines_purchase_order_id_line_no"),
        ),
    )
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_order_lines_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchase_order_lines_purchase_order_id"),
            ["purchase_order_id"],
            unique=False,
        )

    op.create_table(
        "goods_receipt_lines",
        sa.Column("goods_receipt_id", sa.Uuid(), nullable=False),
        sa.Column("purchase_order_line_id", sa.Uuid(), nullable=False),
        sa.Column("quantity_received", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("quantity_rejected", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("rejection_reason", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_goods_receipt_lines_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["goods_receipt_id"],
            ["goods_receipts.id"],
            name=op.f("fk_goods_receipt_lines_goods_receipt_id_goods_receipts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_goods_receipt_lines_purchase_order_line_id_purchase_order_lines"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_receipt_lines")),
    )
    with op.batch_alter_table("goods_receipt_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goods_receipt_lines_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipt_lines_goods_receipt_id"),
            ["goods_receipt_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipt_lines_purchase_order_line_id"),
            ["purchase_order_line_id"],
            unique=False,
        )

    op.create_table(
        "invoice_matches",
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=False),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=True),
        sa.Column("order_number", sa.String(length=32), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "FULL_MATCH",
                "VARIANCE_DETECTED",
                "PARTIAL_MATCH",
                "NOT_MATCHED",
                name="matchstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("matched_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("matched_by_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("expected_net", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("invoiced_net", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("variance_amount", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("variance_percent", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("expected_tax", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("invoiced_tax", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("tax_variance", involinks.core.types.ExactDecimal(18, 2), nullable=True),
        sa.Column(
            "tolerances", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "result", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_invoice_matches_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["inward_invoice_id"],
            ["inward_invoices.id"],
            name=op.f("fk_invoice_matches_inward_invoice_id_inward_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matched_by_id"],
            ["users.id"],
            name=op.f("fk_invoice_matches_matched_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_invoice_matches_purchase_order_id_purchase_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_matches")),
    )
    with op.batch_alter_table("invoice_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_matches_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_matches_inward_invoice_id"), ["inward_invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_matches_is_current"), ["is_current"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_matches_purchase_order_id"), ["purchase_order_id"], unique=False
        )

    op.create_table(
        "inward_invoice_events",
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=True),
        sa.Column("matching_status", sa.String(length=32), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_inward_invoice_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_inward_invoice_events_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["inward_invoice_id"],
            ["inward_invoices.id"],
            name=op.f("fk_inward_invoice_events_inward_invoice_id_inward_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inward_invoice_events")),
    )
    with op.batch_alter_table("inward_invoice_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inward_invoice_events_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoice_events_inward_invoice_id"),
            ["inward_invoice_id"],
            unique=False,
        )

    op.create_table(
        "inward_invoice_lines",
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=100), nullable=False),
        sa.Column("item_name", sa.String(length=1000), nullable=False),
        sa.Column("item_code", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("unit_code", sa.String(length=3), nullable=True),
        sa.Column("unit_price", involinks.core.types.ExactDecimal(20, 6), nullable=False),
        sa.Column("net_amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("vat_category", sa.String(length=3), nullable=True),
        sa.Column("vat_rate", involinks.core.types.ExactDecimal(12, 6), nullable=True),
        sa.Column("order_line_reference", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_inward_invoice_lines_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["inward_invoice_id"],
            ["inward_invoices.id"],
            name=op.f("fk_inward_invoice_lines_inward_invoice_id_inward_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inward_invoice_lines")),
    )
    with op.batch_alter_table("inward_invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inward_invoice_lines_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inward_invoice_lines_inward_invoice_id"),
            ["inward_invoice_id"],
            unique=False,
        )

    op.create_table(
        "match_consumptions",
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_match_id", sa.Uuid(), nullable=False),
        sa.Column("purchase_order_line_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", involinks.core.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_match_consumptions_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_match_id"],
            ["invoice_matches.id"],
            name=op.f("fk_match_consumptions_invoice_match_id_invoice_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inward_invoice_id"],
            ["inward_invoices.id"],
            name=op.f("fk_match_consumptions_inward_invoice_id_inward_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_match_consumptions_purchase_order_line_id_purchase_order_lines"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_consumptions")),
        sa.UniqueConstraint(
            "inward_invoice_id",
            "purchase_order_line_id",
            name=op.f("uq_match_consumptions_inward_invoice_id_purchase_order_line_id"),
        ),
    )
    with op.batch_alter_table("match_consumptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_consumptions_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_consumptions_invoice_match_id"), ["invoice_match_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_consumptions_inward_invoice_id"),
            ["inward_invoice_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_match_consumptions_purchase_order_line_id"),
            ["purchase_order_line_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("match_consumptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_consumptions_purchase_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_match_consumptions_inward_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_match_consumptions_invoice_match_id"))
        batch_op.drop_index(batch_op.f("ix_match_consumptions_company_id"))

    op.drop_table("match_consumptions")
    with op.batch_alter_table("inward_invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inward_invoice_lines_inward_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_inward_invoice_lines_company_id"))

    op.drop_table("inward_invoice_lines")
    with op.batch_alter_table("inward_invoice_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inward_invoice_events_inward_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_inward_invoice_events_company_id"))

    op.drop_table("inward_invoice_events")
    with op.batch_alter_table("invoice_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_matches_purchase_order_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_matches_is_current"))
        batch_op.drop_index(batch_op.f("ix_invoice_matches_inward_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_matches_company_id"))

    op.drop_table("invoice_matches")
    with op.batch_alter_table("goods_receipt_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_receipt_lines_purchase_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_goods_receipt_lines_goods_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_goods_receipt_lines_company_id"))

    op.drop_table("goods_receipt_lines")
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_order_lines_purchase_order_id"))
        batch_op.drop_index(batch_op.f("ix_purchase_order_lines_company_id"))

    op.drop_table("purchase_order_lines")
    with op.batch_alter_table("inward_invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inward_invoices_total_amount"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_supplier_trn"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_status"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_source"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_received_at"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_purchase_order_id"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_matching_status"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_issue_date"))
        batch_op.drop_index(batch_op.f("ix_inward_invoices_company_id"))

    op.drop_table("inward_invoices")
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_receipts_received_date"))
        batch_op.drop_index(batch_op.f("ix_goods_receipts_purchase_order_id"))
        batch_op.drop_index(batch_op.f("ix_goods_receipts_company_id"))

    op.drop_table("goods_receipts")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_orders_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_purchase_orders_status"))
        batch_op.drop_index(batch_op.f("ix_purchase_orders_order_date"))
        batch_op.drop_index(batch_op.f("ix_purchase_orders_company_id"))

    op.drop_table("purchase_orders")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppliers_company_id"))

    op.drop_table("suppliers")
    with op.batch_alter_table("payables_sequences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payables_sequences_company_id"))

    op.drop_table("payables_sequences")
