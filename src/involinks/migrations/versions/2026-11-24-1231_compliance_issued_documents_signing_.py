"""compliance: issued documents (hash chain, signatures), company signing keys, chain heads

Revision ID: 0009
Revises: 0001
Depends on: 0004 (invoices)
Create Date: 2026-11-24 12:31:18.525334

Also adds ``invoices.self_billing`` (PINT AE self-billing flag). On PostgreSQL the three new tables
get the row-level security policies of the other tenant tables (revision 0003, involinks.core.rls).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types
from involinks.migrations import tenant_rls

revision: str = "0009"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0004"

RLS_TABLES = ("signing_keys", "issued_documents", "document_chain_heads")


def upgrade() -> None:
    op.create_table(
        "document_chain_heads",
        sa.Column("series", sa.String(length=32), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_document_chain_heads_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("company_id", "series", name="pk_document_chain_heads"),
    )
    with op.batch_alter_table("document_chain_heads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_chain_heads_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=True),
        sa.Column("subject", sa.String(length=1000), nullable=True),
        sa.Column("issuer", sa.String(length=1000), nullable=True),
        sa.Column("serial_number", sa.String(length=80), nullable=True),
        sa.Column(
            "not_valid_before", involinks.core.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "not_valid_after", involinks.core.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("uploaded", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("retired_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_signing_keys_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_signing_keys_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("company_id", "key_id", name="uq_signing_keys_company_id_key_id"),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_keys_company_id"), ["company_id"], unique=False
        )
        # At most one active key per company.
        batch_op.create_index(
            "uq_signing_keys_company_id_active",
            ["company_id"],
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )

    op.create_table(
        "issued_documents",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("series", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("customization", sa.String(length=64), nullable=False),
        sa.Column("canonical_version", sa.Integer(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("document_hash", sa.String(length=64), nullable=False),
        sa.Column("xml_key", sa.String(length=255), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("xml_size", sa.Integer(), nullable=False),
        sa.Column("signing_key_id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("signature_algorithm", sa.String(length=64), nullable=False),
        sa.Column("issued_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("pdf_key", sa.String(length=255), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "pdf_rendered_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_issued_documents_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_issued_documents_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["signing_key_id"],
            ["signing_keys.id"],
            name=op.f("fk_issued_documents_signing_key_id_signing_keys"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint(
            "company_id",
            "series",
            "position",
            name="uq_issued_documents_company_id_series_position",
        ),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_issued_documents_invoice_id")),
        sa.UniqueConstraint("xml_key", name=op.f("uq_issued_documents_xml_key")),
    )
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_documents_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issued_documents_signing_key_id"), ["signing_key_id"], unique=False
        )

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("self_billing", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.enable(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.disable(table)
    # A plain ALTER (SQLite >= 3.35 drops columns natively): a batch copy of invoices would drop
    # and re-create the table, which with foreign keys on deletes the rows cascading from it.
    op.drop_column("invoices", "self_billing")

    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_documents_signing_key_id"))
        batch_op.drop_index(batch_op.f("ix_issued_documents_company_id"))
    op.drop_table("issued_documents")

    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signing_keys_company_id_active",
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )
        batch_op.drop_index(batch_op.f("ix_signing_keys_company_id"))
    op.drop_table("signing_keys")

    with op.batch_alter_table("document_chain_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_chain_heads_company_id"))
    op.drop_table("document_chain_heads")
