"""3-way matching through the API: automatic on arrival, on demand, consumption, tolerances.

Expected amounts are worked out by hand in the comments (VAT 5 %, fils rounded half-up).
"""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.core import tenancy
from tests.payables.conftest import Api, error, ok, po_line


def invoice_payload(
    supplier: dict[str, Any], number: str, lines: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "supplier_trn": supplier["trn"],
        "invoice_number": number,
        "issue_date": "2026-03-20",
        "lines": lines,
    } | extra


def inv_line(item: str, quantity: str, price: str, **extra: Any) -> dict[str, Any]:
    return {"item_name": item, "quantity": quantity, "unit_price": price} | extra


async def _order_with_two_lines(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    supplier = await api.supplier()
    order = await api.order(
        supplier["id"], [po_line("Office chair", "10", "50"), po_line("Desk lamp", "4", "25")]
    )
    await api.send(order["id"])
    return supplier, order


async def test_partial_deliveries_then_full_match(api: Api) -> None:
    supplier, order = await _order_with_two_lines(api)
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "6"}]), 201)

    # The supplier invoices the whole order: 10 x 50 + 4 x 25 = 600.00, VAT 30.00.
    created = ok(
        await api.invoice(
            invoice_payload(
                supplier,
                "INV-7001",
                [inv_line("Office chair", "10", "50"), inv_line("Desk lamp", "4", "25")],
                order_reference=order["number"],
            )
        ),
        201,
    )
    assert created["net_amount"] == "600.00"
    assert created["tax_amount"] == "30.00"
    assert created["total_amount"] == "630.00"
    # Only 6 chairs are in: expected 6 x 50 = 300.00, variance 300.00 = 100 % -> partial.
    assert created["matching_status"] == "PARTIAL_MATCH"
    assert created["status"] == "NEEDS_REVIEW"
    match = created["match"]
    assert match["order_number"] == order["number"]
    assert match["expected_net"] == "300.00"
    assert match["variance_amount"] == "300.00"
    assert match["variance_percent"] == "100"
    chair, lamp = match["lines"]
    assert (chair["invoiced_quantity"], chair["matched_quantity"]) == ("10", "6")
    assert "invoiced 10 but only 6 received" in chair["reason"]
    assert (lamp["matched_quantity"], lamp["quantity_variance"]) == ("0", "4")
    assert "nothing is received" in lamp["reason"]
    assert match["consumption"] == {"1": "6"}

    # The rest arrives (one lamp of five rejected) and the invoice is matched again.
    ok(
        await api.receive(
            order["id"],
            [
                {"line_no": 1, "quantity_received": "4"},
                {"line_no": 2, "quantity_received": "5", "quantity_rejected": "1"},
            ],
        ),
        201,
    )
    rematch = ok(await api.post(f"/api/v1/inward-invoices/{created['id']}/match"))
    assert rematch["status"] == "FULL_MATCH"
    assert rematch["expected_net"] == "600.00"
    assert rematch["expected_tax"] == "30.00"
    assert rematch["variance_amount"] == "0.00"
    assert rematch["consumption"] == {"1": "10", "2": "4"}
    assert all(line["is_clean"] for line in rematch["lines"])

    invoice = await api.get(f"/api/v1/inward-invoices/{created['id']}")
    assert invoice["matching_status"] == "FULL_MATCH"
    assert invoice["status"] == "READY_TO_PAY"
    assert invoice["purchase_order_id"] == order["id"]
    assert [e["action"] for e in invoice["events"]] == ["received", "matched", "matched"]
    history = await api.get(f"/api/v1/inward-invoices/{created['id']}/matches")
    assert [(m["status"], m["is_current"]) for m in history] == [
        ("FULL_MATCH", True),
        ("PARTIAL_MATCH", False),
    ]


async def test_variance_detected_is_explained(api: Api) -> None:
    supplier, order = await _order_with_two_lines(api)
    ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10"}, {"line_no": 2, "quantity_received": "4"}],
        ),
        201,
    )
    # Chairs billed at 52.00 instead of 50.00: 10 x 52 + 4 x 25 = 620.00 against 600.00
    # expected, a variance of 20.00 = 3.33 % (< 5 %). VAT 31.00 against 30.00.
    created = ok(
        await api.invoice(
            invoice_payload(
                supplier,
                "INV-7002",
                [inv_line("Office chair", "10", "52"), inv_line("Desk lamp", "4", "25")],
            )
        ),
        201,
    )
    assert created["matching_status"] == "VARIANCE_DETECTED"
    assert created["status"] == "NEEDS_REVIEW"
    assert created["variance_amount"] == "20.00"
    match = created["match"]
    # Found without an order reference: the supplier's only open order.
    assert match["order_number"] == order["number"]
    assert match["variance_percent"] == "3.33"
    assert match["tax_variance"] == "1.00"
    chair = match["lines"][0]
    assert chair["is_clean"] is False
    assert chair["price_variance"] == "2"
    assert chair["amount_variance"] == "20.00"
    assert "unit price 52.00 vs ordered 50.00 (+4.00%)" in chair["reason"]
    assert "amount 520.00 vs expected 500.00 (+20.00)" in chair["reason"]
    assert match["lines"][1]["is_clean"] is True
    assert any("variance 20.00 (3.33%)" in issue for issue in match["issues"])


async def test_same_received_quantity_is_never_matched_twice(api: Api) -> None:
    supplier, order = await _order_with_two_lines(api)
    ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10"}, {"line_no": 2, "quantity_received": "4"}],
        ),
        201,
    )
    lines = [inv_line("Office chair", "10", "50"), inv_line("Desk lamp", "4", "25")]
    first = ok(await api.invoice(invoice_payload(supplier, "INV-1", lines)), 201)
    assert first["matching_status"] == "FULL_MATCH"

    # A second invoice for the same goods finds nothing left to pay.
    second = ok(
        await api.invoice(
            invoice_payload(supplier, "INV-2", lines, order_reference=order["number"])
        ),
        201,
    )
    assert second["matching_status"] == "PARTIAL_MATCH"
    match = second["match"]
    assert match["expected_net"] == "0.00"
    assert match["consumption"] == {}
    chair = match["lines"][0]
    assert chair["previously_invoiced_quantity"] == "10"
    assert chair["matched_quantity"] == "0"
    assert "previously invoiced 10" in chair["reason"]

    # Matching the first invoice again releases its own consumption first: still a full match,
    # and the second one still gets nothing.
    again = ok(await api.post(f"/api/v1/inward-invoices/{first['id']}/match"))
    assert again["status"] == "FULL_MATCH"
    assert again["consumption"] == {"1": "10", "2": "4"}
    again = ok(await api.post(f"/api/v1/inward-invoices/{second['id']}/match"))
    assert again["status"] == "PARTIAL_MATCH"
    assert again["consumption"] == {}


async def test_split_invoices_share_the_received_quantity(api: Api) -> None:
    supplier, order = await _order_with_two_lines(api)
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "10"}]), 201)
    # 6 chairs on one invoice, 4 on the next: each matches what is still open.
    first = ok(
        await api.invoice(invoice_payload(supplier, "S-1", [inv_line("Office chair", "6", "50")])),
        201,
    )
    second = ok(
        await api.invoice(invoice_payload(supplier, "S-2", [inv_line("Office chair", "4", "50")])),
        201,
    )
    assert first["matching_status"] == "FULL_MATCH"
    assert second["matching_status"] == "FULL_MATCH"
    assert second["match"]["lines"][0]["previously_invoiced_quantity"] == "6"
    third = ok(
        await api.invoice(invoice_payload(supplier, "S-3", [inv_line("Office chair", "1", "50")])),
        201,
    )
    assert third["matching_status"] == "PARTIAL_MATCH"


async def test_unknown_supplier_is_not_matched(api: Api) -> None:
    created = ok(
        await api.invoice(
            {
                "supplier_trn": "100999888777666",
                "supplier_name": "Stranger LLC",
                "invoice_number": "X-1",
                "issue_date": "2026-03-20",
                "lines": [inv_line("Widget", "1", "10")],
            }
        ),
        201,
    )
    assert created["matching_status"] == "NOT_MATCHED"
    assert created["status"] == "NEEDS_REVIEW"
    assert created["supplier_id"] is None
    assert created["match"]["issues"] == ["no purchase order found for this invoice"]


async def test_order_of_another_supplier_is_not_matched(api: Api) -> None:
    _supplier, order = await _order_with_two_lines(api)
    other = await api.supplier()
    created = ok(
        await api.invoice(
            invoice_payload(
                other, "O-1", [inv_line("Office chair", "1", "50")], order_reference=order["number"]
            )
        ),
        201,
    )
    assert created["matching_status"] == "NOT_MATCHED"
    assert created["purchase_order_id"] is None
    assert "supplier TRN differs" in created["match"]["issues"][0]


async def test_tolerances_come_from_company_settings(api: Api, client: httpx.AsyncClient) -> None:
    settings = await api.get("/api/v1/payables/settings")
    assert settings == {"matching": {"full_match_amount": "0.01", "variance_percent": "5"}}
    supplier, order = await _order_with_two_lines(api)
    ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10"}, {"line_no": 2, "quantity_received": "4"}],
        ),
        201,
    )
    payload = invoice_payload(
        supplier, "T-1", [inv_line("Office chair", "10", "52"), inv_line("Desk lamp", "4", "25")]
    )
    # 3.33 % is a variance under the default 5 % ...
    created = ok(await api.invoice(payload), 201)
    assert created["matching_status"] == "VARIANCE_DETECTED"
    # ... and a partial match under a 2 % tolerance.
    response = await client.put(
        "/api/v1/payables/settings",
        json={"matching": {"full_match_amount": "0.05", "variance_percent": "2"}},
        headers=api.tenant.headers,
    )
    assert ok(response) == {"matching": {"full_match_amount": "0.05", "variance_percent": "2"}}
    rematch = ok(await api.post(f"/api/v1/inward-invoices/{created['id']}/match"))
    assert rematch["status"] == "PARTIAL_MATCH"
    assert rematch["tolerances"] == {"full_match_amount": "0.05", "variance_percent": "2"}

    error(
        await client.put(
            "/api/v1/payables/settings",
            json={"matching": {"full_match_amount": "0.05", "variance_percent": "2"}},
            headers=api.tenant.finance_headers,
        ),
        403,
    )
    error(
        await client.put(
            "/api/v1/payables/settings",
            json={"matching": {"full_match_amount": "-1", "variance_percent": "2"}},
            headers=api.tenant.headers,
        ),
        422,
    )


async def test_every_action_is_audited(api: Api, db_session: AsyncSession) -> None:
    supplier, _order = await _order_with_two_lines(api)
    created = ok(
        await api.invoice(invoice_payload(supplier, "A-1", [inv_line("Office chair", "1", "50")])),
        201,
    )
    ok(await api.post(f"/api/v1/inward-invoices/{created['id']}/match"))
    with tenancy.system_scope(db_session):
        actions = (
            (
                await db_session.execute(
                    sa.select(AuditEvent.action)
                    .where(AuditEvent.company_id == api.tenant.company.id)
                    .order_by(AuditEvent.seq)
                )
            )
            .scalars()
            .all()
        )
    assert actions == [
        "supplier.created",
        "purchase_order.created",
        "purchase_order.sent",
        "inward_invoice.received",
        "inward_invoice.matched",
        "inward_invoice.matched",
    ]


async def test_lines_pair_by_order_line_reference(api: Api) -> None:
    supplier, order = await _order_with_two_lines(api)
    ok(
        await api.receive(
            order["id"],
            [{"line_no": 1, "quantity_received": "10"}, {"line_no": 2, "quantity_received": "4"}],
        ),
        201,
    )
    # The supplier's own item names, in another order, tied to our lines by IBT-132.
    created = ok(
        await api.invoice(
            invoice_payload(
                supplier,
                "R-1",
                [
                    inv_line("LED lamp 9W", "4", "25", order_line_reference="2"),
                    inv_line("Ergo chair, black", "10", "50", order_line_reference="1"),
                ],
                order_reference=order["number"].lower(),
            )
        ),
        201,
    )
    assert created["matching_status"] == "FULL_MATCH"
    pairs = [
        (f["invoice_line_id"], f["order_line_id"], f["pairing"]) for f in created["match"]["lines"]
    ]
    assert pairs == [("1", "2", "order_line_reference"), ("2", "1", "order_line_reference")]
