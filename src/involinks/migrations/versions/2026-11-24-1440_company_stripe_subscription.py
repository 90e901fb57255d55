"""companies: the Stripe customer and subscription behind a paid plan

Revision ID: 0011
Revises: 0001
Create Date: 2026-11-24 14:40:00

Two nullable columns on companies (no tenant table is created, so no RLS policy is needed). The
Stripe webhook (involinks.plans.webhooks) finds a company by its subscription id, so that id is
unique.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild on SQLite (rows referencing companies).
    op.add_column(
        "companies", sa.Column("stripe_customer_id", sa.String(length=255), nullable=True)
    )
    op.add_column(
        "companies", sa.Column("stripe_subscription_id", sa.String(length=255), nullable=True)
    )
    op.create_index(
        op.f("ix_companies_stripe_subscription_id"),
        "companies",
        ["stripe_subscription_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_companies_stripe_subscription_id"), table_name="companies")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("stripe_subscription_id")
        batch_op.drop_column("stripe_customer_id")
