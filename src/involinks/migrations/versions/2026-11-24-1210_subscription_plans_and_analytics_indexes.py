"""subscription plans (seeded), indexes for the plan check and the platform analytics

Revision ID: 0008
Revises: 0003, 0004
Create Date: 2026-11-24 12:10:00

It revises 0003 (audit_events) and 0004 (invoices), whose tables it indexes, rather than 0001 with
`depends_on`: Alembic leaves a revision reached only through depends_on out of alembic_version, so
it would stay a script head the database never reports, and the start-up schema check
(`ensure_migrated`, which compares the two sets of heads) would refuse to start.

The four plans are seeded with their launch terms (involinks.plans.defaults holds the same values);
the super admin edits them afterwards. The two invoice indexes serve involinks.plans.enforcement
(a company's invoices finalized this month) and involinks.analytics.platform (invoices by
finalization time across companies; the index also carries kind, status and the AED total, so
those queries are answered from the index). The audit index serves "active users" (one seek per
user for an event in the range). See involinks.analytics.indexes.
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import involinks.core.types

revision: str = "0008"
down_revision: str | Sequence[str] | None = ("0003", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLANS = (
    # code, name, description, position, invoices/month, users, peppol, AP, import, AED/month
    ("FREE", "Free", "Try InvoLinks: issue a few e-invoices a month.", 10, 10, 2,
     False, False, False, "0.00"),
    ("BASIC", "Basic", "Small businesses sending e-invoices over Peppol.", 20, 100, 5,
     True, False, False, "199.00"),
    ("PRO", "Pro", "Growing teams: accounts payable with 3-way matching and bulk import.", 30,
     1000, 25, True, True, True, "799.00"),
    ("ENTERPRISE", "Enterprise", "Unlimited invoices and users.", 40, None, None,
     True, True, True, "2999.00"),
)  # fmt: skip


def upgrade() -> None:
    plans = op.create_table(
        "subscription_plans",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("monthly_invoice_limit", sa.Integer(), nullable=True),
        sa.Column("user_limit", sa.Integer(), nullable=True),
        sa.Column("peppol_sending", sa.Boolean(), nullable=False),
        sa.Column("accounts_payable", sa.Boolean(), nullable=False),
        sa.Column("bulk_import", sa.Boolean(), nullable=False),
        sa.Column("price_aed_monthly", involinks.core.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_subscription_plans")),
    )
    now = involinks.core.types.utcnow()
    op.bulk_insert(
        plans,
        [
            {
                "code": code,
                "name": name,
                "description": description,
                "position": position,
                "monthly_invoice_limit": invoices,
                "user_limit": users,
                "peppol_sending": peppol,
                "accounts_payable": payables,
                "bulk_import": bulk_import,
                "price_aed_monthly": Decimal(price),
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for (
                code,
                name,
                description,
                position,
                invoices,
                users,
                peppol,
                payables,
                bulk_import,
                price,
            ) in _PLANS
        ],
    )
    op.create_index(
        "ix_invoices_finalized_at",
        "invoices",
        ["finalized_at", "kind", "status", "tax_inclusive_amount_aed"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_company_id_finalized_at",
        "invoices",
        ["company_id", "finalized_at"],
        unique=False,
    )
    op.create_index(
        "ix_audit_events_actor_id_occurred_at",
        "audit_events",
        ["actor_id", "occurred_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_id_occurred_at", table_name="audit_events")
    op.drop_index("ix_invoices_company_id_finalized_at", table_name="invoices")
    op.drop_index("ix_invoices_finalized_at", table_name="invoices")
    op.drop_table("subscription_plans")
