"""documents: external reference (invoice_ref / po_ref of an import) on invoices and orders

Revision ID: 0013
Revises: 0004 (invoices), 0005 (purchase orders), 0007 (import_keys, for the backfill)
Create Date: 2026-11-24 15:00:00

It revises the three rather than 0001 with ``depends_on``: Alembic cannot record a revision whose
dependencies are sibling heads (upgrading fails with ``KeyError: '0001'``, or leaves 0005 and 0007
out of alembic_version so the start-up schema check refuses to start); see also revision 0008.

The reference a company's own system gave a document (the ``invoice_ref`` / ``po_ref`` column of
an import file) is kept on the document itself: users see it, and a re-upload finds the document
by it. Unique per company (it is the import's key); NULL for documents typed in the web app.
Documents imported before this revision get it from the ``import_keys`` ledger.

Plain ALTERs, no batch copy: on SQLite a batch copy of ``invoices`` would drop and re-create the
table, deleting the rows that cascade from it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = ("0004", "0005", "0007")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (("invoices", "invoices"), ("purchase_orders", "purchase_orders"))


def upgrade() -> None:
    for table, kind in _TABLES:
        op.add_column(table, sa.Column("external_reference", sa.String(length=200), nullable=True))
        # Correlated subquery: the same statement on SQLite and PostgreSQL. Runs as the owner,
        # which row-level security does not restrict (not FORCEd).
        op.execute(
            f"UPDATE {table} SET external_reference = ("
            "SELECT MIN(k.key) FROM import_keys k "
            f"WHERE k.kind = '{kind}' AND k.record_id = {table}.id "
            f"AND k.company_id = {table}.company_id) "
            f"WHERE EXISTS (SELECT 1 FROM import_keys k WHERE k.kind = '{kind}' "
            f"AND k.record_id = {table}.id AND k.company_id = {table}.company_id)"
        )
        op.create_index(
            f"ix_{table}_company_id_external_reference",
            table,
            ["company_id", "external_reference"],
            unique=True,
        )


def downgrade() -> None:
    for table, _kind in _TABLES:
        op.drop_index(f"ix_{table}_company_id_external_reference", table_name=table)
        op.drop_column(table, "external_reference")
