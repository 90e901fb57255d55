"""On PostgreSQL the import tables have the row-level security of the other tenant tables."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.core import rls
from tests.imports.conftest import URL, Tenant, body, make_tenant, upload
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def row_level_security() -> Iterator[None]:
    installed_here = rls.install()
    yield
    if installed_here:
        rls.uninstall()


async def test_imports_work_as_the_app_role_and_stay_in_their_company(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_session: AsyncSession,
    settings: Settings,
    row_level_security: None,
) -> None:
    other = await make_tenant(db_session, settings)
    data = csv_bytes(CUSTOMER_HEADER, [customer_row(1)])
    result = body(await upload(client, tenant, "customers", data), 201)
    assert result["status"] == "succeeded"
    assert body(await client.get(URL, headers=tenant.headers), 200)["total"] == 1
    assert body(await client.get(URL, headers=other.headers), 200)["total"] == 0
    assert (await client.get(f"{URL}/{result['id']}", headers=other.headers)).status_code == 404
    # Beneath the ORM: the policies themselves show each company only its own runs.
    counts = {}
    for company in (tenant.company, other.company):
        await db_session.execute(sa.text("SET LOCAL ROLE involinks_app"))
        await db_session.execute(
            sa.text(
                "SELECT set_config('involinks.company_id', :c, true), "
                "set_config('involinks.scope', 'company', true)"
            ),
            {"c": str(company.id)},
        )
        query = sa.text("SELECT count(*) FROM imports")
        counts[company.id] = (await db_session.execute(query)).scalar_one()
        await db_session.execute(sa.text("RESET ROLE"))
    assert counts == {tenant.company.id: 1, other.company.id: 0}
