"""one head again: merge the branches that grew side by side

Revision ID: 0018
Revises: 0002, 0006, 0008, 0009, 0010, 0011, 0012, 0016, 0017
Create Date: 2026-11-24 19:00:00

The revisions of the first domains were written in parallel, each revising what it needed, so the
graph had nine heads. This revision changes nothing in the schema; it joins them, so the next
revision has a single parent (``down_revision = "0018"``) and ``alembic upgrade head`` works
again as well as ``heads``.
"""

from collections.abc import Sequence

revision: str = "0018"
down_revision: str | Sequence[str] | None = (
    "0002",
    "0006",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0016",
    "0017",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
