"""company documents may share an artifact: storage keys are content-addressed

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 21:30:00

Artifact keys are now ``<namespace>/<sha256 of the bytes>``, so the same file uploaded twice (as a
logo and as a stamp, say) is one object named by two rows. The unique constraint on
``company_documents.storage_key`` gives way to a plain index: deleting a document looks up
whether another row still names the object before removing it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company_documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_company_documents_storage_key", type_="unique")
        batch_op.create_index(
            batch_op.f("ix_company_documents_storage_key"), ["storage_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("company_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_documents_storage_key"))
        batch_op.create_unique_constraint("uq_company_documents_storage_key", ["storage_key"])
