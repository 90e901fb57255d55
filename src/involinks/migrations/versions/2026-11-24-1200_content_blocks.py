"""content blocks of the public site, with version history

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-24 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import involinks.core.types

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_blocks",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_format", sa.String(length=10), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_content_blocks_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_blocks")),
        sa.UniqueConstraint("key", "locale", name=op.f("uq_content_blocks_key_locale")),
    )
    op.create_table(
        "content_block_versions",
        sa.Column("block_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_format", sa.String(length=10), nullable=False),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", involinks.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["content_blocks.id"],
            name=op.f("fk_content_block_versions_block_id_content_blocks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_content_block_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_block_versions")),
        sa.UniqueConstraint(
            "block_id", "version", name=op.f("uq_content_block_versions_block_id_version")
        ),
    )
    op.create_index(
        op.f("ix_content_block_versions_block_id"),
        "content_block_versions",
        ["block_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_content_block_versions_block_id"), table_name="content_block_versions")
    op.drop_table("content_block_versions")
    op.drop_table("content_blocks")
