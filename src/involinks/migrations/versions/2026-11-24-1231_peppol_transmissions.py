"""peppol: provider accounts, transmissions and their status events

Revision ID: 0010
Revises: 0001
Depends on: 0004 (invoices)
Create Date: 2026-11-24 12:31:05

On PostgreSQL the three tables get the row-level security policies of the other tenant tables
(revision 0003, involinks.core.rls).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import involinks.core.types
from involinks.migrations import tenant_rls

revision: str = "0010"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0004"

RLS_TABLES = ("peppol_provider_accounts", "peppol_transmissions", "peppol_transmission_events")


def _state() -> sa.Enum:
    return sa.Enum(
        "QUEUED",
        "SENT",
        "DELIVERED",
        "ACCEPTED",
        "REJECTED",
        "FAILED",
        name="transmissionstate",
        native_enum=False,
        length=16,
    )


def upgrade() -> None:
    op.create_table(
        "peppol_provider_accounts",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=True),
        sa.Column("api_key_encrypted", sa.Text(), nullable=True),
        sa.Column(
            "options", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("secret_options_encrypted", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_peppol_provider_accounts_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_peppol_provider_accounts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peppol_provider_accounts")),
    )
    with op.batch_alter_table("peppol_provider_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peppol_provider_accounts_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_peppol_provider_accounts_company_id_active", ["company_id", "active"], unique=False
        )

    op.create_table(
        "peppol_transmissions",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_account_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("status", _state(), nullable=False),
        sa.Column("provider_status", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_attempt_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("sender_id", sa.String(length=100), nullable=False),
        sa.Column("receiver_id", sa.String(length=100), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=False),
        sa.Column("sent_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_peppol_transmissions_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_peppol_transmissions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_peppol_transmissions_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["provider_account_id"],
            ["peppol_provider_accounts.id"],
            name=op.f("fk_peppol_transmissions_provider_account_id_peppol_provider_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peppol_transmissions")),
        sa.UniqueConstraint("idempotency_key", name="uq_peppol_transmissions_idempotency_key"),
    )
    with op.batch_alter_table("peppol_transmissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peppol_transmissions_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_peppol_transmissions_company_id_status", ["company_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_peppol_transmissions_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_peppol_transmissions_provider_message_id"),
            ["provider_message_id"],
            unique=False,
        )

    op.create_table(
        "peppol_transmission_events",
        sa.Column("transmission_id", sa.Uuid(), nullable=False),
        sa.Column("status", _state(), nullable=False),
        sa.Column("provider_status", sa.String(length=100), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "request",
                "send",
                "poll",
                "callback",
                name="eventsource",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_peppol_transmission_events_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["transmission_id"],
            ["peppol_transmissions.id"],
            name=op.f("fk_peppol_transmission_events_transmission_id_peppol_transmissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peppol_transmission_events")),
        sa.UniqueConstraint(
            "transmission_id", "event_id", name="uq_peppol_transmission_events_transmission_event"
        ),
    )
    with op.batch_alter_table("peppol_transmission_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peppol_transmission_events_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_peppol_transmission_events_transmission_id"),
            ["transmission_id"],
            unique=False,
        )

    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.enable(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            tenant_rls.disable(table)

    with op.batch_alter_table("peppol_transmission_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peppol_transmission_events_transmission_id"))
        batch_op.drop_index(batch_op.f("ix_peppol_transmission_events_company_id"))
    op.drop_table("peppol_transmission_events")

    with op.batch_alter_table("peppol_transmissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peppol_transmissions_provider_message_id"))
        batch_op.drop_index(batch_op.f("ix_peppol_transmissions_invoice_id"))
        batch_op.drop_index("ix_peppol_transmissions_company_id_status")
        batch_op.drop_index(batch_op.f("ix_peppol_transmissions_company_id"))
    op.drop_table("peppol_transmissions")

    with op.batch_alter_table("peppol_provider_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_peppol_provider_accounts_company_id_active")
        batch_op.drop_index(batch_op.f("ix_peppol_provider_accounts_company_id"))
    op.drop_table("peppol_provider_accounts")
