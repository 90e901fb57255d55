"""payments received on issued invoices; Peppol Invoice Responses sent and received

Revision ID: 0016
Revises: 0001
Depends on: 0004 (invoices), 0005 (inward_invoices)
Create Date: 2026-11-24 17:00:00

The PAID statuses of invoices and inward invoices need no change: both are stored as plain
strings (non-native enums without a CHECK constraint). On PostgreSQL the two new tables get the
row-level security policies of the other tenant tables (revision 0003, involinks.core.rls).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types
from involinks.migrations import tenant_rls

revision: str = "0016"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0004", "0005")

RLS_TABLES = ("invoice_payments", "peppol_invoice_responses")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "invoice_payments",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column(
            "source",
            sa.Enum("MANUAL", "PEPPOL", name="paymentsource", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("recorded_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        _fk("invoice_payments", "company_id", "companies", "RESTRICT"),
        _fk("invoice_payments", "invoice_id", "invoices", "RESTRICT"),
        _fk("invoice_payments", "recorded_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_payments")),
    )
    with op.batch_alter_table("invoice_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_payments_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_payments_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "peppol_invoice_responses",
        sa.Column(
            "direction",
            sa.Enum("OUTBOUND", "INBOUND", name="responsedirection", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=True),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("response_code", sa.String(length=4), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.String(length=16), nullable=True),
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("document_number", sa.String(length=200), nullable=False),
        sa.Column("sender_id", sa.String(length=100), nullable=False),
        sa.Column("receiver_id", sa.String(length=100), nullable=False),
        sa.Column("document_xml", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "QUEUED",
                "SENT",
                "DELIVERED",
                "ACCEPTED",
                "REJECTED",
                "FAILED",
                name="transmissionstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("peppol_message_id", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        _fk("peppol_invoice_responses", "company_id", "companies", "RESTRICT"),
        _fk("peppol_invoice_responses", "inward_invoice_id", "inward_invoices", "RESTRICT"),
        _fk("peppol_invoice_responses", "invoice_id", "invoices", "RESTRICT"),
        _fk("peppol_invoice_responses", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peppol_invoice_responses")),
        sa.UniqueConstraint(
            "company_id", "peppol_message_id", name="uq_peppol_invoice_responses_message"
        ),
    )
    with op.batch_alter_table("peppol_invoice_responses", schema=None) as batch_op:
        for column in ("company_id", "inward_invoice_id", "invoice_id", "provider_message_id"):
            batch_op.create_index(
                batch_op.f(f"ix_peppol_invoice_responses_{column}"), [column], unique=False
            )

    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.enable(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.disable(table)
    with op.batch_alter_table("peppol_invoice_responses", schema=None) as batch_op:
        for column in ("provider_message_id", "invoice_id", "inward_invoice_id", "company_id"):
            batch_op.drop_index(batch_op.f(f"ix_peppol_invoice_responses_{column}"))
    op.drop_table("peppol_invoice_responses")
    with op.batch_alter_table("invoice_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_payments_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_payments_company_id"))
    op.drop_table("invoice_payments")
