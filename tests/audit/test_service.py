from __future__ import annotations

import asyncio
import hashlib
import json
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from involinks.audit import service as audit
from involinks.audit.models import AuditChainHead, AuditEvent, AuditLogTampering
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from tests.factories import create_company, create_user
from tests.statements import selects_sent


async def _disable_guard_triggers(session: AsyncSession) -> None:
    """Simulate someone with database access going around the application (rolled back later)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        await session.execute(sa.text("DROP TRIGGER audit_events_no_update"))
        await session.execute(sa.text("DROP TRIGGER audit_events_no_delete"))


async def test_events_are_chained_per_company_and_verify(db_session: AsyncSession) -> None:
    a = await create_company(db_session)
    b = await create_company(db_session)
    admin = await create_user(db_session, company=a)
    tenancy.bind_company(db_session, a.id)
    first = await audit.record(db_session, "user.invited", actor=admin, company_id=a.id)
    second = await audit.record(
        db_session,
        "user.role_changed",
        actor=admin,
        company_id=None,
        subject_type="user",
        subject_id=str(admin.id),
        ip="10.0.0.1",
        details={"role": "FINANCE_USER"},
    )
    with tenancy.system_scope(db_session):
        other = await audit.record(db_session, "company.approved", actor=None, company_id=b.id)

    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert other.prev_hash == "0" * 64  # b's chain is its own
    assert second.company_id == a.id  # None in a company-bound session means "this company"
    for event in (first, second, other):
        assert len(event.hash) == 64
        int(event.hash, 16)
    assert first.hash != second.hash

    report = await audit.verify_chain(db_session, a.id)
    assert report.ok
    assert report.checked == 2


async def test_hash_covers_content_as_sha256_of_canonical_json(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    event = await audit.record(
        db_session,
        "company.settings_changed",
        actor=None,
        company_id=company.id,
        details={"b": 1, "a": "x"},
    )
    # Recomputed here by hand from the documented fields (sha256 over sorted compact JSON).
    payload = {
        "v": 1,
        "id": str(event.id),
        "company_id": str(company.id),
        "chain_key": str(company.id),
        "seq": 1,
        "occurred_at": event.occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": "company.settings_changed",
        "actor_id": None,
        "actor_email": None,
        "actor_role": None,
        "subject_type": None,
        "subject_id": None,
        "ip": None,
        "user_agent": None,
        "details": {"a": "x", "b": 1},
        "prev_hash": "0" * 64,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest()


async def test_actor_email_is_masked_and_secrets_are_redacted(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    user = await create_user(db_session, company=company, email="fatima.ali@example.ae")
    tenancy.bind_company(db_session, company.id)
    event = await audit.record(
        db_session,
        "auth.password_reset",
        actor=user,
        company_id=company.id,
        details={"new_password": "Secret-123!", "nested": {"refresh_token": "abc"}, "n": 2},
    )
    assert event.actor_email == "fat***@example.ae"
    assert event.actor_role == Role.COMPANY_ADMIN.value
    assert event.details == {
        "n": 2,
        "nested": {"refresh_token": "[redacted]"},
        "new_password": "[redacted]",
    }


async def test_platform_event_in_unbound_session(db_session: AsyncSession) -> None:
    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    event = await audit.record(db_session, "auth.login", actor=admin, company_id=None, ip="::1")
    assert event.company_id is None
    assert event.chain_key == "platform"


async def test_cannot_write_another_companys_event(db_session: AsyncSession) -> None:
    a = await create_company(db_session)
    b = await create_company(db_session)
    tenancy.bind_company(db_session, a.id)
    with pytest.raises(tenancy.TenancyError):
        await audit.record(db_session, "x.y", actor=None, company_id=b.id)


async def test_company_sees_only_its_events(db_session: AsyncSession) -> None:
    a = await create_company(db_session)
    b = await create_company(db_session)
    with tenancy.system_scope(db_session):
        await audit.record(db_session, "a.event", actor=None, company_id=a.id)
        await audit.record(db_session, "b.event", actor=None, company_id=b.id)
    tenancy.bind_company(db_session, a.id)
    actions = (await db_session.execute(sa.select(AuditEvent.action))).scalars().all()
    assert actions == ["a.event"]


async def test_orm_refuses_update(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    event = await audit.record(db_session, "a.event", actor=None, company_id=company.id)
    event.action = "something.else"
    with pytest.raises(AuditLogTampering):
        await db_session.flush()


async def test_orm_refuses_delete(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    event = await audit.record(db_session, "a.event", actor=None, company_id=company.id)
    await db_session.delete(event)
    with pytest.raises(AuditLogTampering):
        await db_session.flush()


async def test_orm_refuses_bulk_update_and_delete(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    await audit.record(db_session, "a.event", actor=None, company_id=company.id)
    with pytest.raises(AuditLogTampering):
        await db_session.execute(sa.update(AuditEvent).values(action="x"))
    with pytest.raises(AuditLogTampering):
        await db_session.execute(sa.delete(AuditEvent))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'edited'", "DELETE FROM audit_events"],
)
async def test_database_refuses_raw_update_and_delete(
    db_session: AsyncSession, statement: str
) -> None:
    company = await create_company(db_session)
    with tenancy.system_scope(db_session):
        await audit.record(db_session, "a.event", actor=None, company_id=company.id)
    savepoint = await db_session.begin_nested()
    with pytest.raises((DBAPIError, IntegrityError)) as caught:
        await db_session.execute(sa.text(statement))
    assert "append-only" in str(caught.value)
    await savepoint.rollback()


async def test_verify_detects_edit_behind_the_apps_back(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    with tenancy.system_scope(db_session):
        for n in range(3):
            await audit.record(db_session, f"event.{n}", actor=None, company_id=company.id)
    await _disable_guard_triggers(db_session)
    await db_session.execute(
        sa.text("UPDATE audit_events SET ip = '6.6.6.6' WHERE chain_key = :k AND seq = 2"),
        {"k": str(company.id)},
    )
    tenancy.bind_company(db_session, company.id)
    report = await audit.verify_chain(db_session, company.id)
    assert not report.ok
    assert report.broken_at_seq == 2
    assert report.checked == 1


async def test_verify_detects_removed_event(db_session: AsyncSession) -> None:
    company = await create_company(db_session)
    with tenancy.system_scope(db_session):
        for n in range(3):
            await audit.record(db_session, f"event.{n}", actor=None, company_id=company.id)
    await _disable_guard_triggers(db_session)
    await db_session.execute(
        sa.text("DELETE FROM audit_events WHERE chain_key = :k AND seq = 2"),
        {"k": str(company.id)},
    )
    tenancy.bind_company(db_session, company.id)
    report = await audit.verify_chain(db_session, company.id)
    assert not report.ok
    assert report.broken_at_seq == 3


async def test_verify_detects_recomputed_forgery(db_session: AsyncSession) -> None:
    """Rewriting a row and its own hash still breaks the link held by the next row."""
    company = await create_company(db_session)
    with tenancy.system_scope(db_session):
        for n in range(2):
            await audit.record(db_session, f"event.{n}", actor=None, company_id=company.id)
    await _disable_guard_triggers(db_session)
    await db_session.execute(
        sa.text(
            "UPDATE audit_events SET action = 'forged', hash = :h WHERE chain_key = :k AND seq = 1"
        ),
        {"k": str(company.id), "h": uuid.uuid4().hex * 2},
    )
    tenancy.bind_company(db_session, company.id)
    report = await audit.verify_chain(db_session, company.id)
    assert not report.ok
    assert report.broken_at_seq == 1


async def test_event_rolled_back_with_a_savepoint_leaves_no_gap(db_session: AsyncSession) -> None:
    """The chain tail a transaction remembers (to skip re-reading it) must not outlive a
    rolled-back savepoint: the next event links to the last one that is really there."""
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    first = await audit.record(db_session, "user.invited", actor=None, company_id=None)
    savepoint = await db_session.begin_nested()
    undone = await audit.record(db_session, "user.removed", actor=None, company_id=None)
    assert undone.seq == 2
    await savepoint.rollback()
    after = await audit.record(db_session, "user.role_changed", actor=None, company_id=None)
    assert (after.seq, after.prev_hash) == (2, first.hash)
    report = await audit.verify_chain(db_session, company.id)
    assert (report.ok, report.checked) == (True, 2)


async def test_a_write_reads_the_chain_head_not_the_chain_history(
    db_session: AsyncSession,
) -> None:
    """Appending costs the same for a chain of ten events or ten million: the last event is
    found through the chain's head row, never by searching audit_events."""
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    first = await audit.record(db_session, "user.invited", actor=None, company_id=None)
    await db_session.commit()  # a new transaction: nothing of the chain is remembered

    connection = db_session.bind
    assert isinstance(connection, AsyncConnection)
    with selects_sent(connection.engine) as selects:
        second = await audit.record(db_session, "user.removed", actor=None, company_id=None)

    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert selects, "the chain's head was not read"
    assert not [s for s in selects if "FROM audit_events" in s], selects
    assert (await audit.verify_chain(db_session, company.id)).ok


async def test_a_chain_without_a_head_continues_from_its_last_event(
    db_session: AsyncSession,
) -> None:
    """Events restored from a backup taken before chain heads existed: the next write starts the
    head at the last event, so the chain goes on without a gap or a second seq 1."""
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    await audit.record(db_session, "user.invited", actor=None, company_id=None)
    last = await audit.record(db_session, "user.removed", actor=None, company_id=None)
    await db_session.commit()
    with tenancy.system_scope(db_session):
        await db_session.execute(sa.delete(AuditChainHead))
    await db_session.commit()

    after = await audit.record(db_session, "user.role_changed", actor=None, company_id=None)

    assert (after.seq, after.prev_hash) == (3, last.hash)
    report = await audit.verify_chain(db_session, company.id)
    assert (report.ok, report.checked) == (True, 3)


async def test_a_deferred_block_chains_its_events_at_its_end_without_those_rolled_back(
    db_session: AsyncSession,
) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    before = await audit.record(db_session, "user.invited", actor=None, company_id=None)

    async with audit.deferred(db_session):
        first = await audit.record(
            db_session, "customer.created", actor=None, company_id=None, subject_id="c1"
        )
        unit = await db_session.begin_nested()
        await audit.record(
            db_session, "customer.created", actor=None, company_id=None, subject_id="c2"
        )
        await unit.rollback()  # that row was refused: its event goes with it
        kept = await db_session.begin_nested()
        await audit.record(
            db_session, "customer.updated", actor=None, company_id=None, subject_id="c3"
        )
        await kept.commit()
        assert (first.action, first.subject_id, first.seq) == ("customer.created", "c1", None)
        assert await db_session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1

    stored = (await db_session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq))).all()
    assert [(e.seq, e.action, e.subject_id) for e in stored] == [
        (1, "user.invited", None),
        (2, "customer.created", "c1"),
        (3, "customer.updated", "c3"),
    ]
    assert stored[1].prev_hash == before.hash
    assert stored[1].occurred_at == first.occurred_at
    report = await audit.verify_chain(db_session, company.id)
    assert (report.ok, report.checked) == (True, 3)


async def test_a_deferred_block_that_fails_writes_none_of_its_events(
    db_session: AsyncSession,
) -> None:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)

    async def failing_unit_of_work() -> None:
        async with audit.deferred(db_session):
            await audit.record(db_session, "customer.created", actor=None, company_id=None)
            raise RuntimeError("the import stopped")

    with pytest.raises(RuntimeError):
        await failing_unit_of_work()

    after = await audit.record(db_session, "user.invited", actor=None, company_id=None)
    assert after.seq == 1
    assert (await audit.verify_chain(db_session, company.id)).checked == 1


@pytest.mark.postgres_only
async def test_other_writers_of_the_chain_go_ahead_while_a_deferred_block_runs(
    settings: Settings,
) -> None:
    """An import's write pass records events for minutes; a colleague signing in meanwhile
    appends to the same chain at once instead of waiting for the import to commit."""
    engine = create_engine(settings.database_url)
    maker = create_sessionmaker(engine)
    async with maker() as setup:
        company = await create_company(setup)
        await setup.commit()
    try:
        async with maker() as long_running, maker() as colleague:
            for session in (long_running, colleague):
                tenancy.bind_company(session, company.id)

            # Without deferral the first event locks the chain's head until commit.
            await audit.record(long_running, "customer.created", actor=None, company_id=None)
            waiting = asyncio.ensure_future(
                audit.record(colleague, "user.signed_in", actor=None, company_id=None)
            )
            await asyncio.sleep(1.0)
            assert not waiting.done()
            await long_running.rollback()
            await asyncio.wait_for(waiting, 10)
            await colleague.rollback()

            async with audit.deferred(long_running):
                deferred = await audit.record(
                    long_running, "customer.created", actor=None, company_id=None
                )
                signed_in = await asyncio.wait_for(
                    audit.record(colleague, "user.signed_in", actor=None, company_id=None), 10
                )
                await colleague.rollback()  # its lock goes; the deferred events chain next
            assert signed_in.seq == 1
            written = await long_running.scalar(
                sa.select(AuditEvent).where(AuditEvent.id != signed_in.id)
            )
            assert written is not None
            assert (written.action, written.seq, written.prev_hash) == (
                deferred.action,
                1,
                audit.GENESIS_HASH,
            )
            await long_running.rollback()
    finally:
        async with maker() as cleanup:
            tenancy.bind_system(cleanup)
            await cleanup.execute(sa.delete(Company).where(Company.id == company.id))
            await cleanup.commit()
        await engine.dispose()
