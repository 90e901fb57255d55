"""payments made on supplier invoices (accounts payable), part or whole

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-25 03:00:00

An invoice ready to pay can be paid in parts; each payment is a row here, and the one that brings
the total to the payable amount settles the invoice (PAID). On PostgreSQL the table gets the
row-level security policies of the other tenant tables (revision 0003, involinks.core.rls).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types
from involinks.migrations import tenant_rls

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "inward_invoice_payments"


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{TABLE}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("inward_invoice_id", sa.Uuid(), nullable=False),
        sa.Column("amount", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        _fk("company_id", "companies", "RESTRICT"),
        _fk("inward_invoice_id", "inward_invoices", "RESTRICT"),
        _fk("recorded_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column in ("company_id", "inward_invoice_id"):
            batch_op.create_index(batch_op.f(f"ix_{TABLE}_{column}"), [column], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        tenant_rls.enable(TABLE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        tenant_rls.disable(TABLE)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column in ("inward_invoice_id", "company_id"):
            batch_op.drop_index(batch_op.f(f"ix_{TABLE}_{column}"))
    op.drop_table(TABLE)
