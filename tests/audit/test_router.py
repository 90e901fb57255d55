from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from tests.factories import auth_headers, create_company, create_user

URL = "/api/v1/audit-events"


async def _seed(db_session: AsyncSession) -> tuple[Company, Company]:
    a = await create_company(db_session)
    b = await create_company(db_session)
    with tenancy.system_scope(db_session):
        await audit.record(
            db_session,
            "user.invited",
            actor=None,
            company_id=a.id,
            subject_type="user",
            subject_id="u1",
        )
        await audit.record(
            db_session,
            "user.updated",
            actor=None,
            company_id=a.id,
            subject_type="user",
            subject_id="u1",
        )
        await audit.record(db_session, "company.settings_changed", actor=None, company_id=a.id)
        await audit.record(db_session, "user.invited", actor=None, company_id=b.id)
    return a, b


async def test_company_admin_reads_only_own_log_with_filters(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    a, b = await _seed(db_session)
    admin = await create_user(db_session, company=a)
    headers = auth_headers(settings, admin)

    everything = (await client.get(URL, headers=headers)).json()
    assert everything["total"] == 3
    assert {e["company_id"] for e in everything["items"]} == {str(a.id)}
    # newest first
    assert everything["items"][0]["action"] == "company.settings_changed"

    prefix = (await client.get(URL, headers=headers, params={"action": "user."})).json()
    assert sorted(e["action"] for e in prefix["items"]) == ["user.invited", "user.updated"]
    exact = (await client.get(URL, headers=headers, params={"action": "user.invited"})).json()
    assert exact["total"] == 1
    paged = (await client.get(URL, headers=headers, params={"page_size": 2, "page": 2})).json()
    assert len(paged["items"]) == 1
    assert paged["total"] == 3
    assert (
        await client.get(URL, headers=headers, params={"company_id": str(b.id)})
    ).status_code == 422


async def test_finance_user_cannot_read_the_log(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    company = await create_company(db_session)
    user = await create_user(db_session, company=company, role=Role.FINANCE_USER)
    assert (await client.get(URL, headers=auth_headers(settings, user))).status_code == 403


async def test_super_admin_reads_all_and_filtersby_company(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    a, b = await _seed(db_session)
    platform = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    headers = auth_headers(settings, platform)
    all_events = (await client.get(URL, headers=headers, params={"page_size": 200})).json()
    companies = {e["company_id"] for e in all_events["items"]}
    assert {str(a.id), str(b.id)} <= companies
    onlyb = (await client.get(URL, headers=headers, params={"company_id": str(b.id)})).json()
    assert [e["action"] for e in onlyb["items"]] == ["user.invited"]


async def test_verify_endpoint(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    a, b = await _seed(db_session)
    admin = await create_user(db_session, company=a)
    report = (await client.get(f"{URL}/verify", headers=auth_headers(settings, admin))).json()
    assert report == {
        "chain_key": str(a.id),
        "ok": True,
        "checked": 3,
        "broken_at_seq": None,
        "reason": None,
    }
    platform = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    other = (
        await client.get(
            f"{URL}/verify",
            headers=auth_headers(settings, platform),
            params={"company_id": str(b.id)},
        )
    ).json()
    assert (other["ok"], other["checked"]) == (True, 1)
