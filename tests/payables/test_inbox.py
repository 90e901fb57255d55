"""GET /api/v1/inward-invoices (filters, sorting, paging) and /summary (SQL totals)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from tests.payables.conftest import Api, error, make_tenant, ok, po_line

URL = "/api/v1/inward-invoices"


async def _seed(api: Api) -> dict[str, dict[str, Any]]:
    """Four invoices of two suppliers, one of each interesting kind:

    A-1 FULL_MATCH      10 x 20.00 -> total 210.00  (2026-03-01)
    A-2 VARIANCE        10 x 20.50 -> 205.00 + 10.25 = 215.25, but only after A-1 took the
                        goods it finds nothing open: PARTIAL_MATCH      (2026-03-05)
    B-1 NOT_MATCHED     1 x 1000.00 -> 1050.00     (2026-03-10)
    B-2 NOT_MATCHED     1 x 40.00 USD -> 42.00 USD (2026-03-15)
    """
    cables = await api.supplier(name="Cable House")
    other = await api.supplier(name="Bolt Traders")
    order = await api.order(cables["id"], [po_line("Cable", "10", "20")])
    await api.send(order["id"])
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "10"}]), 201)

    async def invoice(supplier: dict[str, Any], number: str, day: str, **line: Any) -> Any:
        payload = {
            "supplier_id": supplier["id"],
            "invoice_number": number,
            "issue_date": f"2026-03-{day}",
            "lines": [{"item_name": line.pop("item", "Cable")} | line],
        }
        if "currency" in line:
            payload["currency"] = line.pop("currency")
            payload["lines"][0].pop("currency")
        return ok(await api.invoice(payload), 201)

    return {
        "A-1": await invoice(cables, "A-1", "01", quantity="10", unit_price="20"),
        "A-2": await invoice(cables, "A-2", "05", quantity="10", unit_price="20.50"),
        "B-1": await invoice(other, "B-1", "10", item="Bolts", quantity="1", unit_price="1000"),
        "B-2": await invoice(
            other, "B-2", "15", item="Nuts", quantity="1", unit_price="40", currency="USD"
        ),
    }


def _numbers(page: dict[str, Any]) -> list[str]:
    return [item["invoice_number"] for item in page["items"]]


async def test_filters(api: Api) -> None:
    seeded = await _seed(api)
    assert seeded["A-1"]["matching_status"] == "FULL_MATCH"
    assert seeded["A-2"]["matching_status"] == "PARTIAL_MATCH"

    everything = await api.get(URL, sort="invoice_number")
    assert everything["total"] == 4
    assert _numbers(everything) == ["A-1", "A-2", "B-1", "B-2"]
    assert _numbers(await api.get(URL, matching_status="NOT_MATCHED", sort="invoice_number")) == [
        "B-1",
        "B-2",
    ]
    assert _numbers(await api.get(URL, status="READY_TO_PAY")) == ["A-1"]
    assert _numbers(await api.get(URL, supplier="bolt", sort="invoice_number")) == ["B-1", "B-2"]
    supplier_id = seeded["A-1"]["supplier_id"]
    assert _numbers(await api.get(URL, supplier_id=supplier_id, sort="invoice_number")) == [
        "A-1",
        "A-2",
    ]
    assert _numbers(
        await api.get(URL, date_from="2026-03-05", date_to="2026-03-10", sort="issue_date")
    ) == ["A-2", "B-1"]
    # Totals with VAT: 210.00, 215.25, 1050.00, 42.00.
    assert _numbers(
        await api.get(URL, amount_min="210.00", amount_max="215.25", sort="total_amount")
    ) == ["A-1", "A-2"]
    assert _numbers(await api.get(URL, amount_min="1000", sort="total_amount")) == ["B-1"]
    assert _numbers(await api.get(URL, currency="usd")) == ["B-2"]


async def test_sorting_and_paging(api: Api, client: httpx.AsyncClient) -> None:
    await _seed(api)
    by_amount = await api.get(URL, sort="-total_amount")
    assert _numbers(by_amount) == ["B-1", "A-2", "A-1", "B-2"]
    page_1 = await api.get(URL, sort="issue_date", page=1, page_size=3)
    page_2 = await api.get(URL, sort="issue_date", page=2, page_size=3)
    assert (page_1["total"], page_1["page"], page_1["page_size"]) == (4, 1, 3)
    assert _numbers(page_1) == ["A-1", "A-2", "B-1"]
    assert _numbers(page_2) == ["B-2"]
    body = error(
        await client.get(URL, params={"sort": "password"}, headers=api.tenant.headers), 422
    )
    assert body["details"][0]["field"] == "sort"
    error(await client.get(URL, params={"page_size": 1000}, headers=api.tenant.headers), 422)


async def test_summary_totals_by_matching_status(
    api: Api, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    await _seed(api)
    summary = ok(await client.get(f"{URL}/summary", headers=api.tenant.finance_headers))
    assert summary["count"] == 4
    by_match = {row["matching_status"]: row for row in summary["by_matching_status"]}
    assert set(by_match) == {"FULL_MATCH", "VARIANCE_DETECTED", "PARTIAL_MATCH", "NOT_MATCHED"}
    assert by_match["FULL_MATCH"] == {
        "matching_status": "FULL_MATCH",
        "count": 1,
        "amounts": [{"currency": "AED", "amount": "210.00"}],
    }
    assert by_match["VARIANCE_DETECTED"]["count"] == 0
    assert by_match["VARIANCE_DETECTED"]["amounts"] == []
    assert by_match["PARTIAL_MATCH"]["amounts"] == [{"currency": "AED", "amount": "215.25"}]
    # AED and USD are never added together.
    assert by_match["NOT_MATCHED"]["count"] == 2
    assert by_match["NOT_MATCHED"]["amounts"] == [
        {"currency": "AED", "amount": "1050.00"},
        {"currency": "USD", "amount": "42.00"},
    ]
    by_status = {row["status"]: row for row in summary["by_status"]}
    assert by_status["READY_TO_PAY"]["count"] == 1
    assert by_status["NEEDS_REVIEW"]["count"] == 3

    # Filters apply to the summary too.
    filtered = ok(
        await client.get(f"{URL}/summary", params={"currency": "AED"}, headers=api.tenant.headers)
    )
    assert filtered["count"] == 3

    # Another company sees none of it.
    other = await make_tenant(db_session, settings)
    theirs = ok(await client.get(f"{URL}/summary", headers=other.headers))
    assert theirs["count"] == 0
    assert ok(await client.get(URL, headers=other.headers))["total"] == 0
