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
