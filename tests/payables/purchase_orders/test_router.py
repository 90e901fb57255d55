"""/api/v1/purchase-orders: drafting, totals, numbering, status transitions, sending."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.core import tenancy
from involinks.mail.models import OutboxMessage
from tests.payables.conftest import Api, MemoryStore, Tenant, error, make_tenant, ok, po_line

URL = "/api/v1/purchase-orders"


async def test_create_computes_totals_and_numbers(api: Api) -> None:
    supplier = await api.supplier()
    order = await api.order(
        supplier["id"],
        [
            po_line("A4 paper", "12", "18.75", item_code="P-A4"),
            po_line("Stapler", "3", "9.99"),
            po_line("Bottled water", "10", "1.5", vat_category="Z", vat_rate="0"),
        ],
        expected_delivery_date="2026-03-10",
    )
    # 12 x 18.75 = 225.00; 3 x 9.99 = 29.97; 10 x 1.50 = 15.00 (zero rated).
    assert [line["net_amount"] for line in order["lines"]] == ["225.00", "29.97", "15.00"]
    assert [line["line_no"] for line in order["lines"]] == [1, 2, 3]
    assert order["net_amount"] == "269.97"
    # VAT 5 % of the standard-rated group 254.97 = 12.7485 -> 12.75.
    assert order["tax_amount"] == "12.75"
    assert order["total_amount"] == "282.72"
    assert order["status"] == "DRAFT"
    assert order["number"] == "PO-2026-00001"
    assert order["supplier"]["id"] == supplier["id"]

    second = await api.order(supplier["id"], [po_line("Pens", "1", "5")])
    assert second["number"] == "PO-2026-00002"
    next_year = await api.order(
        supplier["id"], [po_line("Pens", "1", "5")], order_date="2027-01-02"
    )
    assert next_year["number"] == "PO-2027-00001"


async def test_numbering_is_per_company(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    await api.order((await api.supplier())["id"], [po_line("Pens", "1", "5")])
    other = await make_tenant(db_session, settings)
    other_api = Api(client, other)
    theirs = await other_api.order((await other_api.supplier())["id"], [po_line("Pens", "1", "5")])
    assert theirs["number"] == "PO-2026-00001"
    error(await client.get(f"{URL}/{theirs['id']}", headers=api.tenant.headers), 404)


async def test_zero_rated_category_needs_rate_zero(api: Api, client: httpx.AsyncClient) -> None:
    supplier = await api.supplier()
    response = await client.post(
        URL,
        json={
            "supplier_id": supplier["id"],
            "lines": [po_line("Water", "1", "1", vat_category="Z", vat_rate="5")],
        },
        headers=api.tenant.headers,
    )
    assert error(response, 422)["details"][0]["field"].startswith("lines.0")


async def test_draft_edit_replaces_lines(api: Api, client: httpx.AsyncClient) -> None:
    supplier = await api.supplier()
    order = await api.order(supplier["id"], [po_line("Pens", "2", "5"), po_line("Ink", "1", "20")])
    edited = ok(
        await client.patch(
            f"{URL}/{order['id']}",
            json={"lines": [po_line("Ink", "4", "20")], "notes": "urgent"},
            headers=api.tenant.headers,
        )
    )
    assert [(line["line_no"], line["item_name"]) for line in edited["lines"]] == [(1, "Ink")]
    assert edited["net_amount"] == "80.00"
    assert edited["tax_amount"] == "4.00"
    assert edited["notes"] == "urgent"
    assert edited["number"] == order["number"]

    await api.send(order["id"])
    body = error(
        await client.patch(f"{URL}/{order['id']}", json={"notes": "x"}, headers=api.tenant.headers),
        409,
    )
    assert body["details"]["status"] == "SENT"


async def test_status_transitions(api: Api, client: httpx.AsyncClient) -> None:
    supplier = await api.supplier()
    order = await api.order(supplier["id"], [po_line("Pens", "2", "5")])
    headers = api.tenant.headers
    # A draft cannot be closed; it can be cancelled (DELETE), and a cancelled order is final.
    error(await client.post(f"{URL}/{order['id']}/close", json={}, headers=headers), 409)
    cancelled = ok(await client.delete(f"{URL}/{order['id']}", headers=headers))
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancelled_at"] is not None
    error(await client.post(f"{URL}/{order['id']}/send", headers=headers), 409)
    error(
        await client.post(f"{URL}/{order['id']}/cancel", json={"reason": "x"}, headers=headers),
        409,
    )

    order = await api.order(supplier["id"], [po_line("Pens", "2", "5")])
    await api.send(order["id"])
    error(await client.post(f"{URL}/{order['id']}/send", headers=headers), 409)
    error(await client.post(f"{URL}/{order['id']}/close", json={}, headers=headers), 409)
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "2"}]), 201)
    # Goods arrived: it can no longer be cancelled, only closed.
    error(
        await client.post(f"{URL}/{order['id']}/cancel", json={"reason": "x"}, headers=headers),
        409,
    )
    closed = ok(
        await client.post(f"{URL}/{order['id']}/close", json={"reason": "done"}, headers=headers)
    )
    assert closed["status"] == "CLOSED"
    assert closed["status_reason"] == "done"
    error(await client.post(f"{URL}/{order['id']}/close", json={}, headers=headers), 409)


async def test_send_mails_a_pdf_link_to_the_supplier(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, store: MemoryStore
) -> None:
    supplier = await api.supplier(email="orders@alnoor.ae")
    order = await api.order(supplier["id"], [po_line("Pens", "2", "5")])
    sent = await api.send(order["id"])
    assert sent["status"] == "SENT"
    assert sent["sent_to"] == "orders@alnoor.ae"
    assert sent["sent_at"] is not None

    # The PDF went to the artifact store ...
    (key, (content_type, pdf)) = next(iter(store.items.items()))
    assert key.startswith(f"payables-po/{api.tenant.company.id}/")
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF")

    # ... and the e-mail carries a link the supplier can open without signing in.
    with tenancy.system_scope(db_session):
        mail = (
            await db_session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.to_address == "orders@alnoor.ae")
            )
        ).scalar_one()
    assert order["number"] in mail.subject
    link = next(word for word in mail.text_body.split() if "/document?token=" in word)
    parsed = urlparse(link)
    downloaded = await client.get(parsed.path, params={"token": parse_qs(parsed.query)["token"][0]})
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.content == pdf

    # A forged or foreign token opens nothing.
    error(await client.get(parsed.path, params={"token": "forged"}), 404)
    other = await api.order(supplier["id"], [po_line("Pens", "1", "5")])
    error(
        await client.get(
            f"{URL}/{other['id']}/document", params={"token": parse_qs(parsed.query)["token"][0]}
        ),
        404,
    )

    # Signed-in users get the same PDF.
    response = await client.get(f"{URL}/{order['id']}/pdf", headers=api.tenant.finance_headers)
    assert response.content == pdf


async def test_send_needs_an_address(api: Api, client: httpx.AsyncClient) -> None:
    supplier = await api.supplier(email=None)
    order = await api.order(supplier["id"], [po_line("Pens", "2", "5")])
    error(await client.post(f"{URL}/{order['id']}/send", headers=api.tenant.headers), 422)
    contact = await api.supplier(
        email=None, contacts=[{"name": "Omar", "email": "omar@supplier.ae"}]
    )
    order = await api.order(contact["id"], [po_line("Pens", "2", "5")])
    assert (await api.send(order["id"]))["sent_to"] == "omar@supplier.ae"


async def test_list_and_filters(api: Api, client: httpx.AsyncClient, tenant: Tenant) -> None:
    first = await api.supplier()
    second = await api.supplier()
    a = await api.order(first["id"], [po_line("Pens", "1", "5")])
    await api.order(second["id"], [po_line("Pens", "1", "5")], order_date="2026-04-01")
    await api.send(a["id"])
    page = ok(await client.get(URL, headers=tenant.finance_headers))
    assert page["total"] == 2
    assert [o["order_date"] for o in page["items"]] == ["2026-04-01", "2026-03-01"]
    sent = ok(await client.get(URL, params={"status": "SENT"}, headers=tenant.headers))
    assert [o["id"] for o in sent["items"]] == [a["id"]]
    by_supplier = ok(
        await client.get(URL, params={"supplier_id": second["id"]}, headers=tenant.headers)
    )
    assert by_supplier["total"] == 1
    error(
        await client.post(
            URL,
            json={"supplier_id": first["id"], "lines": [po_line("x", "1", "1")]},
            headers=tenant.finance_headers,
        ),
        403,
    )


async def test_inactive_or_foreign_supplier_is_refused(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    supplier = await api.supplier()
    ok(
        await client.patch(
            f"/api/v1/suppliers/{supplier['id']}",
            json={"is_active": False},
            headers=api.tenant.headers,
        )
    )
    response = await client.post(
        URL,
        json={"supplier_id": supplier["id"], "lines": [po_line("x", "1", "1")]},
        headers=api.tenant.headers,
    )
    error(response, 422)
    other = await make_tenant(db_session, settings)
    response = await client.post(
        URL,
        json={"supplier_id": supplier["id"], "lines": [po_line("x", "1", "1")]},
        headers=other.headers,
    )
    error(response, 404)
