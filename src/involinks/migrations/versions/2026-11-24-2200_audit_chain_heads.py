"""audit chain heads: append without searching the chain's history

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 22:00:00

Each audit write read its chain's last event (``ORDER BY seq DESC LIMIT 1`` with the tenant
filter); with statistics from when a company's history was small, PostgreSQL fetched and sorted
that whole history on every write. ``audit_chain_heads`` keeps each chain's last (seq, hash),
read and locked by primary key; it also replaces the advisory lock that serialized writers.
Heads start empty: each is created from its chain's last event on the chain's next write.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from involinks.migrations import tenant_rls

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("chain_key", sa.String(length=36), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_audit_chain_heads_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("chain_key", name=op.f("pk_audit_chain_heads")),
    )
    op.create_index(
        op.f("ix_audit_chain_heads_company_id"), "audit_chain_heads", ["company_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        tenant_rls.enable("audit_chain_heads")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        tenant_rls.disable("audit_chain_heads")
    op.drop_index(op.f("ix_audit_chain_heads_company_id"), table_name="audit_chain_heads")
    op.drop_table("audit_chain_heads")
