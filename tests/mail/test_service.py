from __future__ import annotations

import email
import email.policy
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import RetryLater, get_task
from involinks.mail import service as mail
from involinks.mail.models import OutboxMessage, OutboxStatus
from tests.mail.conftest import Inbox, free_port


def _smtp_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})


async def _queue(session: AsyncSession, **kwargs: str) -> tuple[OutboxMessage, list[object]]:
    async with job_queue.collecting() as jobs:
        await mail.send_mail(session, **kwargs)  # type: ignore[arg-type]
        queued = list(jobs.items)
        jobs.discard()
    row = (
        (await session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc())))
        .scalars()
        .first()
    )
    assert row is not None
    return row, queued


async def test_send_mail_writes_outbox_and_enqueues_delivery(db_session: AsyncSession) -> None:
    row, queued = await _queue(
        db_session, to="owner@acme.ae", subject="Welcome", text="Hello", html="<p>Hello</p>"
    )
    assert (row.to_address, row.subject, row.text_body, row.html_body) == (
        "owner@acme.ae",
        "Welcome",
        "Hello",
        "<p>Hello</p>",
    )
    assert row.status is OutboxStatus.PENDING
    assert row.sent_at is None
    assert queued == [("mail.send", {"message_id": str(row.id)})]
    assert get_task("mail.send").func is mail.send_outbox_message


async def test_send_mail_outside_a_unit_of_work_fails_loudly(db_session: AsyncSession) -> None:
    with pytest.raises(RuntimeError):
        await mail.send_mail(db_session, to="a@b.ae", subject="s", text="t")


@pytest.mark.parametrize(
    ("to", "subject"),
    [("victim@acme.ae\nBcc: all@acme.ae", "Hi"), ("a@acme.ae", "Hi\r\nBcc: all@acme.ae")],
)
async def test_header_injection_is_refused(db_session: AsyncSession, to: str, subject: str) -> None:
    async with job_queue.collecting():
        with pytest.raises(ValueError, match="header injection"):
            await mail.send_mail(db_session, to=to, subject=subject, text="t")


async def test_deliver_over_smtp_once(
    db_session: AsyncSession, settings: Settings, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    row, _ = await _queue(
        db_session,
        to="owner@acme.ae",
        subject="Your company is approved",
        text="You can now sign in.",
        html="<p>You can now sign in.</p>",
    )
    smtp = _smtp_settings(settings, port)

    assert await mail.deliver(db_session, row.id, smtp) is True
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received["rcpt_tos"] == ["owner@acme.ae"]
    assert received["mail_from"] == "no-reply@involinks.local"
    parsed = email.message_from_string(received["content"], policy=email.policy.default)
    assert parsed["Subject"] == "Your company is approved"
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == (  # type: ignore[union-attr]
        "You can now sign in."
    )
    assert parsed.get_body(preferencelist=("html",)) is not None

    await db_session.refresh(row)
    assert row.status is OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    first_sent_at = row.sent_at

    # The job may run again (at-least-once queues): nothing is sent twice.
    assert await mail.deliver(db_session, row.id, smtp) is False
    assert len(inbox.messages) == 1
    await db_session.refresh(row)
    assert row.sent_at == first_sent_at


async def test_failed_delivery_is_recorded_and_retried(
    db_session: AsyncSession, settings: Settings
) -> None:
    row, _ = await _queue(db_session, to="owner@acme.ae", subject="s", text="t")
    nobody_listening = _smtp_settings(settings, free_port())
    with pytest.raises(RetryLater):
        await mail.deliver(db_session, row.id, nobody_listening)
    await db_session.refresh(row)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 1
    assert row.sent_at is None
    assert row.last_error


async def test_retry_after_failure_sends(
    db_session: AsyncSession, settings: Settings, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    row, _ = await _queue(db_session, to="owner@acme.ae", subject="s", text="t")
    with pytest.raises(RetryLater):
        await mail.deliver(db_session, row.id, _smtp_settings(settings, free_port()))
    assert await mail.deliver(db_session, row.id, _smtp_settings(settings, port)) is True
    await db_session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, None)
    assert len(inbox.messages) == 1


async def test_unknown_message_is_not_an_error(
    db_session: AsyncSession, settings: Settings
) -> None:
    assert await mail.deliver(db_session, uuid.uuid4(), _smtp_settings(settings, 1)) is False


async def test_job_without_smtp_host_leaves_the_outbox_as_delivery(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(mail, "get_settings", lambda: settings.model_copy(update={"smtp_host": ""}))

    def _no_database(_database_url: str) -> None:
        raise AssertionError("the embedded default must not touch the database in the job")

    monkeypatch.setattr(mail, "task_session", _no_database)
    await mail.send_outbox_message(str(uuid.uuid4()))
