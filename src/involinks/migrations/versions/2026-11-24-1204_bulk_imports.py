"""bulk imports: import runs and the ledger of imported document references

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-24 12:04:19.651565

On PostgreSQL both tables get the row-level security policies of the other tenant tables
(revision 0003, involinks.core.rls).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import involinks.core.types
from involinks.migrations import tenant_rls

revision: str = "0007"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RLS_TABLES = ("imports", "import_keys")


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column(
            "kind",
            sa.Enum(
                "invoices",
                "customers",
                "suppliers",
                "purchase_orders",
                name="importkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "validating",
                "importing",
                "succeeded",
                "partial",
                "failed",
                name="importstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("skip_invalid", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column(
            "file_format",
            sa.Enum("csv", "xlsx", name="fileformat", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("invalid_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column(
            "errors", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "results", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_imports_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_imports_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            "ix_imports_company_id_created_at", ["company_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_imports_company_id_kind_file_sha256",
            ["company_id", "kind", "file_sha256"],
            unique=False,
        )

    op.create_table(
        "import_keys",
        sa.Column(
            "kind",
            sa.Enum(
                "invoices",
                "customers",
                "suppliers",
                "purchase_orders",
                name="importkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_import_keys_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_import_keys_import_id_imports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_keys")),
        sa.UniqueConstraint(
            "company_id", "kind", "key", name=op.f("uq_import_keys_company_id_kind_key")
        ),
    )
    with op.batch_alter_table("import_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_keys_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_keys_import_id"), ["import_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.enable(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.disable(table)
    with op.batch_alter_table("import_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_keys_import_id"))
        batch_op.drop_index(batch_op.f("ix_import_keys_company_id"))

    op.drop_table("import_keys")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index("ix_imports_company_id_kind_file_sha256")
        batch_op.drop_index("ix_imports_company_id_created_at")
        batch_op.drop_index(batch_op.f("ix_imports_company_id"))

    op.drop_table("imports")
