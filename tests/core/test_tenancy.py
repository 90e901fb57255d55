import uuid

import pytest
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.core import tenancy
from involinks.core.tenancy import TenancyError
from tests.factories import create_company, create_user


@pytest.fixture
async def two_companies(db_session: AsyncSession) -> tuple[User, User]:
    company_a = await create_company(db_session)
    company_b = await create_company(db_session)
    user_a = await create_user(db_session, company=company_a)
    user_b = await create_user(db_session, company=company_b)
    return user_a, user_b


async def test_reads_are_confined_to_the_bound_company(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    user_a, user_b = two_companies
    assert user_a.company_id is not None
    tenancy.bind_company(db_session, user_a.company_id)
    db_session.expunge_all()
    visible = (await db_session.execute(select(User.id))).scalars().all()
    assert user_a.id in visible
    assert user_b.id not in visible
    assert (await db_session.execute(select(User).where(User.id == user_b.id))).scalar() is None
    assert await db_session.get(User, user_b.id) is None


async def test_bulk_update_cannot_reach_another_company(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    user_a, user_b = two_companies
    assert user_a.company_id is not None
    tenancy.bind_company(db_session, user_a.company_id)
    result = await db_session.execute(
        update(User).where(User.id == user_b.id).values(full_name="Hijacked")
    )
    assert result.rowcount == 0  # type: ignore[attr-defined]
    with tenancy.system_scope(db_session):
        db_session.expunge_all()
        name = (
            await db_session.execute(select(User.full_name).where(User.id == user_b.id))
        ).scalar()
    assert name != "Hijacked"


async def test_unbound_session_fails_closed(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    with pytest.raises(TenancyError, match="without a company"):
        await db_session.execute(select(func.count()).select_from(User))
    with pytest.raises(TenancyError, match="without a company"):
        await db_session.execute(select(User.id))


async def test_counts_over_a_tenant_table_are_confined(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    user_a, _ = two_companies
    assert user_a.company_id is not None
    tenancy.bind_company(db_session, user_a.company_id)
    count = (await db_session.execute(select(func.count()).select_from(User))).scalar_one()
    assert count == 1


async def test_new_rows_are_stamped_and_foreign_rows_refused(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    user_a, user_b = two_companies
    assert user_a.company_id is not None
    tenancy.bind_company(db_session, user_a.company_id)
    newcomer = User(email="new@a.ae", full_name="New", role=Role.FINANCE_USER)
    db_session.add(newcomer)
    await db_session.flush()
    assert newcomer.company_id == user_a.company_id

    db_session.add(
        User(email="x@b.ae", full_name="X", role=Role.FINANCE_USER, company_id=user_b.company_id)
    )
    with pytest.raises(TenancyError, match="another company"):
        await db_session.flush()


async def test_platform_read_sees_all_but_cannot_write(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    user_a, user_b = two_companies
    tenancy.bind_platform_read(db_session)
    ids = set((await db_session.execute(select(User.id))).scalars())
    assert {user_a.id, user_b.id} <= ids
    with pytest.raises(TenancyError, match="cannot change tenant rows"):
        await db_session.execute(update(User).values(full_name="x"))
    loaded = await db_session.get(User, user_a.id)
    assert loaded is not None
    loaded.full_name = "Changed by a super admin"
    with pytest.raises(TenancyError):
        await db_session.flush()


async def test_bulk_inserts_are_stamped_and_foreign_rows_refused(
    db_session: AsyncSession, two_companies: tuple[User, User]
) -> None:
    # session.execute(insert(...), rows) skips before_flush; the execute hook stamps the rows.
    user_a, user_b = two_companies
    assert user_a.company_id is not None
    table = User.__table__
    assert isinstance(table, Table)
    with pytest.raises(TenancyError, match="without a company"):
        await db_session.execute(
            insert(table), [{"email": "u@a.ae", "full_name": "U", "role": Role.FINANCE_USER}]
        )
    tenancy.bind_company(db_session, user_a.company_id)
    rows = [
        {"id": uuid.uuid4(), "email": f"bulk{n}@a.ae", "full_name": "B", "role": Role.FINANCE_USER}
        for n in range(3)
    ]
    await db_session.execute(insert(table), rows)
    stamped = (
        await db_session.execute(select(User.company_id).where(User.email.like("bulk%@a.ae")))
    ).scalars()
    assert list(stamped) == [user_a.company_id] * 3
    foreign = {"email": "f@b.ae", "full_name": "F", "role": Role.FINANCE_USER}
    with pytest.raises(TenancyError, match="another company"):
        await db_session.execute(insert(table), [{**foreign, "company_id": user_b.company_id}])
