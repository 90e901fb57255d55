import pytest
import sqlalchemy as sa

from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker


@pytest.mark.postgres_only
async def test_engine_bound_session_survives_savepoints_under_row_level_security(
    settings: Settings,
) -> None:
    """Production sessions are bound to the engine (not a test connection): a committed and a
    rolled-back savepoint must both leave the session usable, in company scope too."""
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            tenancy.bind_system(session)
            company_id = (await session.execute(sa.text("SELECT gen_random_uuid()"))).scalar_one()
            tenancy.bind_company(session, company_id)
            async with session.begin_nested():
                await session.execute(sa.text("SELECT 1"))
            savepoint = await session.begin_nested()
            await session.execute(sa.text("SELECT 2"))
            await savepoint.rollback()
            role = (await session.execute(sa.text("SELECT current_user"))).scalar_one()
            assert role == "involinks_app"
            await session.rollback()
    finally:
        await engine.dispose()


@pytest.mark.postgres_only
async def test_settings_applied_once_per_transaction_and_restored_after_a_rolled_back_savepoint(
    settings: Settings,
) -> None:
    """The role and settings cost one statement per transaction: not one per statement, not one
    per SAVEPOINT. A savepoint rolled back after a scope change takes the database's settings back
    with it; the next statement sets them again for the session's scope."""
    engine = create_engine(settings.database_url)
    switches: list[str] = []

    def before_cursor_execute(*args: object) -> None:
        if "set_config" in str(args[2]):
            switches.append(str(args[2]))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
    state = sa.text(
        "SELECT current_user, current_setting('involinks.scope', true), "
        "current_setting('involinks.company_id', true)"
    )
    try:
        async with create_sessionmaker(engine)() as session:
            tenancy.bind_system(session)
            company_id = (await session.execute(sa.text("SELECT gen_random_uuid()"))).scalar_one()
            await session.rollback()

            switches.clear()
            tenancy.bind_company(session, company_id)
            await session.execute(sa.text("SELECT 1"))
            await session.execute(sa.text("SELECT 2"))
            async with session.begin_nested():
                await session.execute(sa.text("SELECT 3"))
            assert len(switches) == 1, switches

            savepoint = await session.begin_nested()
            with tenancy.system_scope(session):
                row = (await session.execute(state)).one()
                assert (row[1], row[2]) == ("system", "")
            await savepoint.rollback()
            row = (await session.execute(state)).one()
            assert tuple(row) == ("involinks_app", "company", str(company_id))
            await session.commit()

            # A new transaction on the same pooled connection starts from nothing again.
            switches.clear()
            row = (await session.execute(state)).one()
            assert tuple(row) == ("involinks_app", "company", str(company_id))
            assert len(switches) == 1, switches
            await session.rollback()
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
        await engine.dispose()
