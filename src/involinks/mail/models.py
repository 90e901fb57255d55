from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, IdMixin, TimestampMixin
from involinks.core.types import UtcDateTime


class OutboxStatus(StrEnum):
    PENDING = "PENDING"  # written; delivered by the "mail.send" job when SMTP is configured
    SENT = "SENT"
    FAILED = "FAILED"  # last attempt failed; the job retries


class OutboxMessage(IdMixin, TimestampMixin, Base):
    """Every outgoing e-mail. A platform table (not tenant-scoped): only super admins read it.

    Without SMTP_HOST (the embedded default) this table *is* the delivery.
    """

    __tablename__ = "mail_outbox"

    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(OutboxStatus, native_enum=False, length=16),
        default=OutboxStatus.PENDING,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status}>"
