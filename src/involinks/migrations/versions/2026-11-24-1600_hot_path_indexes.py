"""indexes for the hot paths (seed section 8.4): invoice list, AP inbox, analytics

Revision ID: 0012
Revises: 0001
Create Date: 2026-11-24 16:00:00

See involinks.perf_indexes for what each index serves; tests/ops/test_hot_path_indexes.py checks
with EXPLAIN on PostgreSQL that the planner uses them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
# invoices (0004) and inward_invoices (0005).
depends_on: str | Sequence[str] | None = ("0004", "0005")

_INDEXES = (
    (
        "ix_invoices_company_id_status_issue_date",
        "invoices",
        ["company_id", "status", "issue_date"],
    ),
    ("ix_invoices_company_id_created_at", "invoices", ["company_id", "created_at", "id"]),
    (
        "ix_inward_invoices_company_id_received_at",
        "inward_invoices",
        ["company_id", "received_at", "id"],
    ),
    (
        "ix_inward_invoices_company_id_matching_status",
        "inward_invoices",
        ["company_id", "matching_status"],
    ),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
