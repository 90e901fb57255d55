"""Goods receipt notes: partial and multiple deliveries, rejections, over-receipt, PO status."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from tests.payables.conftest import Api, error, make_tenant, ok, po_line

GRN = "/api/v1/goods-receipts"


async def _sent_order(api: Api) -> dict[str, Any]:
    supplier = await api.supplier()
    order = await api.order(
        supplier["id"], [po_line("Copier paper", "10", "20"), po_line("Toner", "4", "150")]
    )
    await api.send(order["id"])
    return order


async def test_partial_then_complete_deliveries_move_the_order(api: Api) -> None:
    order = await _sent_order(api)
    first = ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "6"}],
            received_date="2026-03-05",
            delivery_note_reference="DN-881",
        ),
        201,
    )
    assert first["number"] == "GRN-2026-00001"
    assert first["purchase_order_number"] == order["number"]
    assert [(ln["line_no"], ln["quantity_accepted"]) for ln in first["lines"]] == [(1, "6")]
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert po["status"] == "PARTIALLY_RECEIVED"
    assert [ln["received_quantity"] for ln in po["lines"]] == ["6", "0"]

    # Second delivery: the rest of the paper, and 5 toners of which 1 is damaged.
    line_2 = po["lines"][1]["id"]
    second = ok(
        await api.receive(
            order["id"],
            [
                {"line_no": 1, "quantity_received": "4"},
                {
                    "purchase_order_line_id": line_2,
                    "quantity_received": "5",
                    "quantity_rejected": "1",
                    "rejection_reason": "box crushed",
                },
            ],
        ),
        201,
    )
    assert second["number"] == "GRN-2026-00002"
    assert second["over_receipt"] is False
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert po["status"] == "RECEIVED"
    assert [ln["accepted_quantity"] for ln in po["lines"]] == ["10", "4"]
    assert po["lines"][1]["rejected_quantity"] == "1"

    listed = await api.get(GRN, purchase_order_id=order["id"])
    assert listed["total"] == 2
    fetched = await api.get(f"{GRN}/{first['id']}")
    assert fetched["delivery_note_reference"] == "DN-881"


async def test_rejected_goods_do_not_count_as_received(api: Api) -> None:
    order = await _sent_order(api)
    ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10", "quantity_rejected": "10"}],
        ),
        201,
    )
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert po["status"] == "SENT"
    # The replacement delivery is not an over-receipt: only 0 were accepted so far.
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "10"}]), 201)
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert po["status"] == "PARTIALLY_RECEIVED"


async def test_over_receipt_is_refused_without_the_flag(api: Api) -> None:
    order = await _sent_order(api)
    ok(await api.receive(order["id"], [{"line_no": 2, "quantity_received": "3"}]), 201)
    body = error(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10"}, {"line_no": 2, "quantity_received": "2"}],
        ),
        422,
    )
    assert body["code"] == "over_receipt"
    assert body["details"] == [
        {
            "line_no": 2,
            "item_name": "Toner",
            "ordered": "4",
            "already_accepted": "3",
            "receiving": "2",
            "would_total": "5",
        }
    ]
    assert "line 2 (Toner): ordered 4, already received 3" in body["message"]
    # Nothing of the refused receipt was kept.
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert [ln["received_quantity"] for ln in po["lines"]] == ["0", "3"]
    assert (await api.get(GRN, purchase_order_id=order["id"]))["total"] == 1

    accepted = ok(
        await api.receive(
            order["id"], [{"line_no": 2, "quantity_received": "2"}], allow_over_receipt=True
        ),
        201,
    )
    assert accepted["over_receipt"] is True
    po = await api.get(f"/api/v1/purchase-orders/{order['id']}")
    assert po["lines"][1]["accepted_quantity"] == "5"


async def test_receipt_rules(api: Api) -> None:
    supplier = await api.supplier()
    draft = await api.order(supplier["id"], [po_line("Pens", "1", "1")])
    # Only a sent order receives goods.
    error(await api.receive(draft["id"], [{"line_no": 1, "quantity_received": "1"}]), 409)

    order = await _sent_order(api)
    error(await api.receive(order["id"], [{"line_no": 9, "quantity_received": "1"}]), 422)
    error(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "1"}, {"line_no": 1, "quantity_received": "1"}],
        ),
        422,
    )
    error(
        await api.receive(
            order["id"], [{"line_no": 1, "quantity_received": "1", "quantity_rejected": "2"}]
        ),
        422,
    )
    error(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "0"}]), 422)


async def test_permissions_and_tenancy(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    order = await _sent_order(api)
    response = await client.post(
        f"/api/v1/purchase-orders/{order['id']}/goods-receipts",
        json={"lines": [{"line_no": 1, "quantity_received": "1"}]},
        headers=api.tenant.finance_headers,
    )
    error(response, 403)
    receipt = ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "1"}]), 201)
    ok(await client.get(f"{GRN}/{receipt['id']}", headers=api.tenant.finance_headers))

    other = await make_tenant(db_session, settings)
    error(await client.get(f"{GRN}/{receipt['id']}", headers=other.headers), 404)
    assert ok(await client.get(GRN, headers=other.headers))["total"] == 0
    response = await client.post(
        f"/api/v1/purchase-orders/{order['id']}/goods-receipts",
        json={"lines": [{"line_no": 1, "quantity_received": "1"}]},
        headers=other.headers,
    )
    error(response, 404)
