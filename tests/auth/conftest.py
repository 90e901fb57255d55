"""Helpers for the sign-in tests: a clock the tests move, and readers for mail and audit rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.core import tenancy
from involinks.mail.models import OutboxMessage


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(app: FastAPI) -> FakeClock:
    # Near the wall clock, because JWT expiry is checked against real time by PyJWT.
    fake = FakeClock(datetime.now(UTC).replace(microsecond=0))
    app.state.clock = fake
    return fake


async def mails_to(session: AsyncSession, address: str) -> list[OutboxMessage]:
    with tenancy.system_scope(session):
        rows = await session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at)
            .execution_options(populate_existing=True)
        )
        return list(rows.scalars())


async def last_code_mailed_to(session: AsyncSession, address: str) -> str:
    mails = await mails_to(session, address)
    assert mails, f"no mail to {address}"
    match = re.search(r"^\s+(\d{6})\s*$", mails[-1].text_body, re.M)
    assert match, mails[-1].text_body
    return match.group(1)


async def audit_actions(session: AsyncSession, user_id: object) -> list[str]:
    with tenancy.system_scope(session):
        rows = await session.execute(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject_id == str(user_id))
            .order_by(AuditEvent.chain_key, AuditEvent.seq)
        )
        return list(rows.scalars())
