"""companies remember when their current Stripe subscription was bought

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25 00:15:00

``companies.stripe_subscription_since`` holds the creation time of the Stripe checkout event that
set ``stripe_subscription_id``. Stripe does not promise to deliver events in order: a checkout
completed earlier but delivered later is recognised by it, so the company keeps the newer
subscription and the older one is the one cancelled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "stripe_subscription_since",
                involinks.core.types.UtcDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("stripe_subscription_since")
