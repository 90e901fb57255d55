"""auth: refresh tokens, MFA (TOTP, e-mailed codes, backup codes), password tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "password_changed_at",
                involinks.core.types.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("mfa_totp_secret", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("mfa_totp_pending_secret", sa.String(length=255), nullable=True)
        )
        batch_op.add_column(sa.Column("mfa_totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("mfa_email_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "refresh_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_refresh_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refresh_tokens_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mfa_backup_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mfa_backup_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_backup_codes")),
    )
    with op.batch_alter_table("mfa_backup_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mfa_backup_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mfa_email_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mfa_email_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_email_codes")),
    )
    with op.batch_alter_table("mfa_email_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mfa_email_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "password_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", involinks.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_tokens_token_hash")),
    )
    with op.batch_alter_table("password_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_tokens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("password_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_tokens_user_id"))
    op.drop_table("password_tokens")

    with op.batch_alter_table("mfa_email_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mfa_email_codes_user_id"))
    op.drop_table("mfa_email_codes")

    with op.batch_alter_table("mfa_backup_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mfa_backup_codes_user_id"))
    op.drop_table("mfa_backup_codes")

    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_family_id"))
    op.drop_table("refresh_tokens")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mfa_email_enabled")
        batch_op.drop_column("mfa_totp_last_step")
        batch_op.drop_column("mfa_totp_pending_secret")
        batch_op.drop_column("mfa_totp_secret")
        batch_op.drop_column("password_changed_at")
