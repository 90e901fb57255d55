"""/api/v1/suppliers: CRUD, one supplier per TRN per company, permissions, tenancy."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from tests.factories import unique_trn
from tests.payables.conftest import Api, Tenant, error, make_tenant, ok

URL = "/api/v1/suppliers"


async def test_create_read_update_list(api: Api, client: httpx.AsyncClient, tenant: Tenant) -> None:
    trn = unique_trn()
    created = await api.supplier(
        name="Al Noor Trading",
        trn=f"{trn[:3]} {trn[3:9]}-{trn[9:]}",  # typed with separators
        peppol_id=f"0235:{trn[:10]}",
        contacts=[{"name": "Sara", "email": "sara@alnoor.ae", "role": "sales"}],
        payment_terms="30 days net",
    )
    assert created["trn"] == trn
    assert created["contacts"] == [
        {"name": "Sara", "email": "sara@alnoor.ae", "phone": None, "role": "sales"}
    ]
    assert created["is_active"] is True

    fetched = ok(await client.get(f"{URL}/{created['id']}", headers=tenant.headers))
    assert fetched["name"] == "Al Noor Trading"

    updated = ok(
        await client.patch(
            f"{URL}/{created['id']}",
            json={"payment_terms_days": 45, "is_active": False},
            headers=tenant.headers,
        )
    )
    assert updated["payment_terms_days"] == 45
    assert updated["is_active"] is False

    page = ok(await client.get(URL, params={"q": "noor"}, headers=tenant.headers))
    assert page["total"] == 1
    assert page["items"][0]["id"] == created["id"]
    assert ok(await client.get(URL, params={"q": "nothing"}, headers=tenant.headers))["total"] == 0


async def test_duplicate_trn_is_a_conflict(
    api: Api, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    trn = unique_trn()
    first = await api.supplier(trn=trn)
    body = error(
        await client.post(URL, json={"name": "Copy", "trn": trn}, headers=tenant.headers), 409
    )
    assert body["details"]["supplier_id"] == first["id"]

    other = await api.supplier()
    body = error(
        await client.patch(f"{URL}/{other['id']}", json={"trn": trn}, headers=tenant.headers), 409
    )
    assert body["code"] == "duplicate_supplier"


async def test_same_trn_in_another_company_is_allowed(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    trn = unique_trn()
    mine = await api.supplier(trn=trn)
    other = await make_tenant(db_session, settings)
    theirs = ok(await client.post(URL, json={"name": "X", "trn": trn}, headers=other.headers), 201)
    assert theirs["id"] != mine["id"]
    # ... and neither company sees the other's supplier.
    error(await client.get(f"{URL}/{mine['id']}", headers=other.headers), 404)
    error(await client.patch(f"{URL}/{mine['id']}", json={"name": "Y"}, headers=other.headers), 404)


async def test_invalid_trn_is_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = error(
        await client.post(URL, json={"name": "X", "trn": "12345"}, headers=tenant.headers), 422
    )
    assert body["details"][0]["field"] == "trn"


async def test_finance_user_reads_but_cannot_change(
    api: Api, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = await api.supplier()
    ok(await client.get(URL, headers=tenant.finance_headers))
    ok(await client.get(f"{URL}/{created['id']}", headers=tenant.finance_headers))
    error(await client.post(URL, json={"name": "X"}, headers=tenant.finance_headers), 403)
    error(
        await client.patch(
            f"{URL}/{created['id']}", json={"name": "Y"}, headers=tenant.finance_headers
        ),
        403,
    )
    error(await client.delete(f"{URL}/{created['id']}", headers=tenant.finance_headers), 403)


async def test_delete_unused_supplier_but_not_one_with_orders(
    api: Api, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    unused = await api.supplier()
    assert (await client.delete(f"{URL}/{unused['id']}", headers=tenant.headers)).status_code == 204
    error(await client.get(f"{URL}/{unused['id']}", headers=tenant.headers), 404)

    used = await api.supplier()
    await api.order(used["id"], [{"item_name": "Paper", "quantity": "1", "unit_price": "10"}])
    body = error(await client.delete(f"{URL}/{used['id']}", headers=tenant.headers), 409)
    assert body["code"] == "supplier_in_use"
