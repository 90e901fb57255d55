"""POST /api/v1/invoices/{id}/credit-notes: what may be credited, how much, and cancellation."""

from __future__ import annotations

from typing import Any

import httpx

from tests.customers.factories import invoice_payload, line
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"


async def _issued(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    """A finalized invoice of 2 x 100.00 at 5 % = 210.00 unless overridden."""
    payload = invoice_payload(tenant.customer, **overrides)
    draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
    return ok(await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers))


async def _credit(
    client: httpx.AsyncClient, tenant: Tenant, invoice_id: str, **body: Any
) -> httpx.Response:
    body.setdefault("reason_code", "DL8.61.1.A")
    return await client.post(f"{URL}/{invoice_id}/credit-notes", json=body, headers=tenant.headers)


async def _finalize(client: httpx.AsyncClient, tenant: Tenant, credit_id: str) -> httpx.Response:
    return await client.post(f"{URL}/{credit_id}/finalize", headers=tenant.headers)


async def test_full_credit_cancels_the_invoice(client: httpx.AsyncClient, tenant: Tenant) -> None:
    invoice = await _issued(client, tenant)
    credit = ok(await _credit(client, tenant, invoice["id"], reason="Order cancelled"), 201)
    assert credit["kind"] == "credit_note"
    assert credit["type_code"] == "381"
    assert credit["status"] == "DRAFT"
    assert credit["credited_invoice_id"] == invoice["id"]
    assert credit["credited_invoice_number"] == "INV-2026-000001"
    assert credit["credit_reason_code"] == "DL8.61.1.A"
    assert credit["payable_amount"] == "210.00"
    assert len(credit["lines"]) == 1

    finalized = ok(await _finalize(client, tenant, credit["id"]))
    assert finalized["number"] == "CN-2026-000001"
    assert finalized["status"] == "FINALIZED"

    original = ok(await client.get(f"{URL}/{invoice['id']}", headers=tenant.headers))
    assert original["status"] == "CANCELLED"
    assert original["status_history"][-1]["status"] == "CANCELLED"
    assert "CN-2026-000001" in original["status_history"][-1]["note"]
    # A cancelled invoice cannot be credited again.
    assert (await _credit(client, tenant, invoice["id"])).status_code == 409


async def test_partial_credits_up_to_the_invoice_total(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    invoice = await _issued(client, tenant)
    one_unit = [line(quantity="1")]  # 100.00 + 5.00 VAT = 105.00
    first = ok(await _credit(client, tenant, invoice["id"], lines=one_unit), 201)
    assert first["payable_amount"] == "105.00"
    ok(await _finalize(client, tenant, first["id"]))
    still = ok(await client.get(f"{URL}/{invoice['id']}", headers=tenant.headers))
    assert still["status"] == "FINALIZED"

    # 210.00 - 105.00 = 105.00 remain: two units no longer fit, one does.
    too_much = await _credit(client, tenant, invoice["id"], lines=[line(quantity="2")])
    assert too_much.status_code == 422
    assert too_much.json()["error"]["details"][0]["field"] == "lines"
    assert "105.00" in too_much.json()["detail"]

    second = ok(await _credit(client, tenant, invoice["id"], lines=one_unit), 201)
    ok(await _finalize(client, tenant, second["id"]))
    done = ok(await client.get(f"{URL}/{invoice['id']}", headers=tenant.headers))
    assert done["status"] == "CANCELLED"


async def test_drafts_that_together_exceed_fail_at_finalize(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    invoice = await _issued(client, tenant)
    # Each 150.00 + 7.50 = 157.50 fits alone in 210.00, not both.
    lines = [line(quantity="1", unit_price="150")]
    first = ok(await _credit(client, tenant, invoice["id"], lines=lines), 201)
    second = ok(await _credit(client, tenant, invoice["id"], lines=lines), 201)
    ok(await _finalize(client, tenant, first["id"]))
    response = await _finalize(client, tenant, second["id"])
    assert response.status_code == 409
    assert "52.50" in response.json()["detail"]  # 210.00 - 157.50 left
    # The refused credit note took no number.
    third = ok(await _credit(client, tenant, invoice["id"], lines=[line(quantity="0.5")]), 201)
    assert ok(await _finalize(client, tenant, third["id"]))["number"] == "CN-2026-000002"


async def test_draft_invoice_cannot_be_credited(client: httpx.AsyncClient, tenant: Tenant) -> None:
    payload = invoice_payload(tenant.customer)
    draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
    response = await _credit(client, tenant, draft["id"])
    assert response.status_code == 409
    assert "DRAFT" in response.json()["detail"]


async def test_credit_note_cannot_be_credited(client: httpx.AsyncClient, tenant: Tenant) -> None:
    invoice = await _issued(client, tenant)
    credit = ok(await _credit(client, tenant, invoice["id"], lines=[line(quantity="1")]), 201)
    ok(await _finalize(client, tenant, credit["id"]))
    assert (await _credit(client, tenant, credit["id"])).status_code == 409


async def test_reason_code_must_be_official(client: httpx.AsyncClient, tenant: Tenant) -> None:
    invoice = await _issued(client, tenant)
    wrong = await _credit(client, tenant, invoice["id"], reason_code="REFUND")
    assert wrong.status_code == 422
    assert "reason_code" in wrong.json()["detail"]
    missing = await client.post(
        f"{URL}/{invoice['id']}/credit-notes", json={}, headers=tenant.headers
    )
    assert missing.status_code == 422
    assert "reason_code" in missing.json()["detail"]


async def test_type_81_allows_only_e_o_z(client: httpx.AsyncClient, tenant: Tenant) -> None:
    invoice = await _issued(client, tenant)
    response = await _credit(client, tenant, invoice["id"], type_code="81")
    assert response.status_code == 422
    assert "type_code" in response.json()["detail"]  # ibr-122-ae: the copied line is S


async def test_foreign_currency_credit_note_keeps_the_invoice_rate(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    invoice = await _issued(client, tenant, currency="USD", exchange_rate="3.6725")
    credit = ok(await _credit(client, tenant, invoice["id"]), 201)
    assert credit["currency"] == "USD"
    assert credit["exchange_rate"] == "3.6725"
    assert credit["tax_amount_aed"] == invoice["tax_amount_aed"]


async def test_draft_credit_note_edits(client: httpx.AsyncClient, tenant: Tenant) -> None:
    invoice = await _issued(client, tenant)
    credit = ok(await _credit(client, tenant, invoice["id"], lines=[line(quantity="1")]), 201)
    url = f"{URL}/{credit['id']}"
    body = ok(
        await client.patch(
            url,
            json={"credit_reason_code": "DL8.61.1.C", "lines": [line(quantity="0.5")]},
            headers=tenant.headers,
        )
    )
    assert body["credit_reason_code"] == "DL8.61.1.C"
    assert body["payable_amount"] == "52.50"
    too_much = await client.patch(url, json={"lines": [line(quantity="3")]}, headers=tenant.headers)
    assert too_much.status_code == 422
    moved = await client.patch(
        url, json={"customer_id": str(tenant.customer.id)}, headers=tenant.headers
    )
    assert moved.status_code == 422


async def test_other_company_invoice_cannot_be_credited(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    invoice = await _issued(client, other_tenant)
    assert (await _credit(client, tenant, invoice["id"])).status_code == 404


async def test_finance_user_may_create_credit_notes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    invoice = await _issued(client, tenant)
    response = await client.post(
        f"{URL}/{invoice['id']}/credit-notes",
        json={"reason_code": "DL8.61.1.E"},
        headers=tenant.finance_headers,
    )
    assert response.status_code == 201
