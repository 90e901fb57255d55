"""Outgoing e-mail through a transactional outbox.

`send_mail()` writes the message to `mail_outbox` in the caller's transaction and enqueues the job
"mail.send", which the queue dispatches only after the commit. The job delivers over SMTP when
SMTP_HOST is set; without it (the embedded default) the outbox row is the delivery and the super admin
reads it at GET /api/v1/admin/outbox. Delivery is idempotent: `sent_at` is set once, and a row that
has it is never sent again.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings, get_settings
from involinks.core.db import task_session
from involinks.core.types import utcnow
from involinks.jobs.queue import enqueue
from involinks.jobs.registry import RetryLater, task
from involinks.logging import mask_text
from involinks.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

SEND_JOB = "mail.send"
_SMTP_TIMEOUT_SECONDS = 30
_MAX_SUBJECT = 300


async def send_mail(
    session: AsyncSession, *, to: str, subject: str, text: str, html: str | None = None
) -> None:
    """Queue one e-mail in the caller's unit of work; nothing leaves before the commit."""
    if "\n" in to or "\r" in to or "\n" in subject or "\r" in subject:
        raise ValueError("header injection: newline in recipient or subject")
    message = OutboxMessage(
        id=uuid.uuid4(),
        to_address=to.strip(),
        subject=subject.strip()[:_MAX_SUBJECT],
        text_body=text,
        html_body=html,
        status=OutboxStatus.PENDING,
        attempts=0,
    )
    session.add(message)
    await session.flush()
    enqueue(SEND_JOB, message_id=str(message.id))
    log.info("mail queued", extra={"to": mask_text(message.to_address), "mail_id": str(message.id)})


def build_message(settings: Settings, row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=row.id.hex, domain="involinks")
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def _smtp_send(settings: Settings, message: EmailMessage) -> None:
    smtp: smtplib.SMTP
    if settings.smtp_port == 465:  # implicit TLS ("SMTPS")
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=_SMTP_TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=_SMTP_TIMEOUT_SECONDS)
    with smtp:
        if settings.smtp_starttls and settings.smtp_port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)


async def deliver(session: AsyncSession, message_id: uuid.UUID, settings: Settings) -> bool:
    """Send one outbox row over SMTP and commit its new state. True when it was sent now.

    The row is locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers) so
    two workers cannot both send it.
    """
    row = (
        await session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        log.warning("mail not in outbox", extra={"mail_id": str(message_id)})
        await session.rollback()
        return False
    if row.sent_at is not None:
        await session.rollback()
        return False
    row.attempts += 1
    try:
        await asyncio.to_thread(_smtp_send, settings, build_message(settings, row))
    except (OSError, smtplib.SMTPException) as exc:
        row.status = OutboxStatus.FAILED
        row.last_error = mask_text(f"{type(exc).__name__}: {exc}")[:2000]
        await session.commit()
        log.warning(
            "mail delivery failed",
            extra={"mail_id": str(message_id), "attempt": row.attempts, "error": row.last_error},
        )
        raise RetryLater(f"SMTP delivery failed: {type(exc).__name__}") from exc
    row.status = OutboxStatus.SENT
    row.sent_at = utcnow()
    row.last_error = None
    await session.commit()
    log.info("mail sent", extra={"mail_id": str(message_id), "to": mask_text(row.to_address)})
    return True


@task(SEND_JOB, max_retries=8, retry_backoff_seconds=30.0)
async def send_outbox_message(message_id: str) -> None:
    settings = get_settings()
    if not settings.smtp_host:
        return  # embedded default: the outbox row is the delivery
    async with task_session(settings.database_url) as session:
        await deliver(session, uuid.UUID(message_id), settings)
