"""row-level security on every tenant table that does not have it yet

Revision ID: 0017
Revises: 0003 (RLS on users, which 0001 creates), 0013 (which revises 0004: customers, invoices,
and 0005: suppliers, purchase orders, goods receipts, inward invoices, matching)
Create Date: 2026-11-24 18:00:00

It revises these rather than 0001 with ``depends_on`` for the reason given in 0008 and 0013 (0013
rather than 0004 and 0005 directly: Alembic then orders the sibling revisions 0012 and 0016, which
name 0004/0005 in ``depends_on``, so that their upgrade fails with ``KeyError: '0001'``). 0003
must come first: it enables row-level security on ``users``, a table that exists before it.

PostgreSQL only (SQLite has no row-level security). The tables are found in the live schema, not
listed by hand: every base table in the schema with a ``company_id`` column and row-level security
off gets the same two policies as 0003 (tenant match or system scope; platform_read for SELECT).
Tables without ``company_id`` (companies, subscription_plans, content_blocks, sessions, tokens) are
platform-level and stay as they are. Revisions that create tenant tables enable it themselves;
tests/test_tenant_isolation.py fails for any that does not.

Each policy this revision creates carries the comment ``involinks:0017``, which is the record the
downgrade reads: it undoes exactly those tables, whatever other revisions did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from involinks.migrations import tenant_rls

revision: str = "0017"
down_revision: str | Sequence[str] | None = ("0003", "0013")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = "involinks:0017"

_UNPROTECTED = sa.text(
    "SELECT c.relname FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "JOIN information_schema.columns col "
    "  ON col.table_schema = n.nspname AND col.table_name = c.relname "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
    "  AND col.column_name = 'company_id' AND NOT c.relrowsecurity "
    "ORDER BY c.relname"
)
_MARKED = sa.text(
    "SELECT DISTINCT c.relname FROM pg_policy p "
    "JOIN pg_class c ON c.oid = p.polrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND obj_description(p.oid, 'pg_policy') = :mark "
    "ORDER BY c.relname"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    tables = list(bind.execute(_UNPROTECTED).scalars())
    for table in tables:
        for policy in tenant_rls.enable(table):
            op.execute(f'COMMENT ON POLICY "{policy}" ON "{table}" IS \'{MARK}\'')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    tables = list(bind.execute(_MARKED, {"mark": MARK}).scalars())
    for table in tables:
        tenant_rls.disable(table)
