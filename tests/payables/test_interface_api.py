"""The accounts-payable interface exactly as specified: request payload names and response names.

Expected amounts are worked out by hand in the comments (VAT 5 % on category S lines; the
default tolerances: a difference under 0.01 is none, under 5 % of the expected net is a variance).
The upload tests use the official PINT AE example "Standard invoice Mandatory fields.xml"
(seller TRN 135790246801003, buyer TRN 134567890123003 / endpoint 0235:1345678901, one line of
100 x "Item Name" at 10 AED: net 1000.00, VAT 50.00, payable 1050.00).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import unique_trn
from tests.payables.conftest import Api, ok
from tests.payables.pint_examples import NS, example_bytes, mutated

V1 = "/api/v1"
EXAMPLE = "billing/invoice/Standard invoice Mandatory fields.xml"
EXAMPLE_SELLER_TRN = "135790246801003"


async def _post(api: Api, path: str, payload: dict[str, Any], status: int = 201) -> Any:
    return ok(await api.client.post(V1 + path, json=payload, headers=api.tenant.headers), status)


async def _supplier(api: Api, trn: str | None = None, **extra: Any) -> dict[str, Any]:
    trn = trn or unique_trn()
    payload = {
        "legal_name": "Al Noor Trading LLC",
        "trn": trn,
        "email": "ap@alnoor.ae",
        "peppol_id": f"0235:{trn[:10]}",
    } | extra
    body: dict[str, Any] = await _post(api, "/suppliers", payload)
    return body


def _line(item: str, quantity: str, price: str, **extra: Any) -> dict[str, Any]:
    return {
        "item_name": item,
        "quantity": quantity,
        "unit_code": "H87",
        "unit_price": price,
        "vat_category": "S",
    } | extra


async def _sent_order(
    api: Api, supplier_id: str, lines: list[dict[str, Any]], currency: str = "AED"
) -> dict[str, Any]:
    order: dict[str, Any] = await _post(
        api,
        "/purchase-orders",
        {
            "supplier_id": supplier_id,
            "order_date": "2026-03-01",
            "currency": currency,
            "lines": lines,
        },
    )
    sent = ok(
        await api.client.post(
            f"{V1}/purchase-orders/{order['id']}/send", headers=api.tenant.headers
        )
    )
    assert sent["id"] == order["id"]
    return order


async def _receive(api: Api, order: dict[str, Any], quantities: list[str]) -> dict[str, Any]:
    lines = [
        {"purchase_order_line_id": line["id"], "quantity_received": qty}
        for line, qty in zip(order["lines"], quantities, strict=True)
        if qty != "0"
    ]
    body: dict[str, Any] = await _post(
        api,
        "/goods-receipts",
        {"purchase_order_id": order["id"], "received_date": "2026-03-05", "lines": lines},
    )
    return body


async def _invoice(
    api: Api,
    supplier_id: str,
    number: str,
    lines: list[dict[str, Any]],
    *,
    currency: str = "AED",
    order_reference: str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "supplier_id": supplier_id,
        "invoice_number": number,
        "issue_date": "2026-03-10",
        "currency": currency,
        "lines": lines,
    }
    if order_reference is not None:
        payload["order_reference"] = order_reference
    body: dict[str, Any] = await _post(api, "/inward-invoices", payload)
    return body


async def _match(api: Api, invoice_id: str) -> dict[str, Any]:
    body: dict[str, Any] = await _post(api, f"/inward-invoices/{invoice_id}/match", {}, 200)
    return body


async def _upload(api: Api, data: bytes) -> httpx.Response:
    return await api.client.post(
        f"{V1}/inward-invoices/upload",
        files={"file": ("invoice.xml", data, "application/xml")},
        headers=api.tenant.headers,
    )


# --------------------------------------------------------------------------- suppliers


async def test_supplier_takes_legal_name_and_still_accepts_name(api: Api) -> None:
    created = await _supplier(api, legal_name="Emirates Steel Works LLC")
    assert created["legal_name"] == "Emirates Steel Works LLC"
    assert created["email"] == "ap@alnoor.ae"
    assert created["peppol_id"].startswith("0235:")
    older = await _post(api, "/suppliers", {"name": "Old Client Name LLC", "trn": unique_trn()})
    assert older["legal_name"] == "Old Client Name LLC"
    renamed = ok(
        await api.client.patch(
            f"{V1}/suppliers/{older['id']}",
            json={"legal_name": "New Legal Name LLC"},
            headers=api.tenant.headers,
        )
    )
    assert renamed["legal_name"] == "New Legal Name LLC"
    missing = await api.client.post(
        f"{V1}/suppliers", json={"trn": unique_trn()}, headers=api.tenant.headers
    )
    assert missing.status_code == 422


# --------------------------------------------------------------------------- the full path


async def test_order_receipt_invoice_match_and_list(api: Api) -> None:
    supplier = await _supplier(api)
    order = await _sent_order(api, supplier["id"], [_line("Steel beam", "10", "120.50")])
    assert order["number"]
    assert order["lines"][0]["id"]
    receipt = await _receive(api, order, ["10"])
    assert receipt["purchase_order_id"] == order["id"]
    assert receipt["lines"][0]["purchase_order_line_id"] == order["lines"][0]["id"]
    # The nested route is kept.
    nested = await api.client.post(
        f"{V1}/purchase-orders/{order['id']}/goods-receipts",
        json={"lines": [{"line_no": 1, "quantity_received": "1"}], "allow_over_receipt": True},
        headers=api.tenant.headers,
    )
    assert nested.status_code == 201, nested.text

    # 10 x 120.50 = 1205.00, VAT 60.25, payable 1265.25.
    invoice = await _invoice(
        api,
        supplier["id"],
        "ANT-2026-001",
        [_line("Steel beam", "10", "120.50")],
        order_reference=order["number"],
    )
    assert invoice["payable_amount"] == "1265.25"
    assert invoice["tax_exclusive_amount"] == "1205.00"
    assert invoice["tax_inclusive_amount"] == "1265.25"
    match = await _match(api, invoice["id"])
    assert match["matching_status"] == "FULL_MATCH"
    assert match["explanation"].startswith("FULL_MATCH")

    listed = await api.get(f"{V1}/inward-invoices")
    row = next(item for item in listed["items"] if item["id"] == invoice["id"])
    assert (row["invoice_number"], row["payable_amount"]) == ("ANT-2026-001", "1265.25")
    assert row["matching_status"] == "FULL_MATCH"


async def test_goods_receipt_for_an_unknown_order_is_not_found(api: Api) -> None:
    response = await api.client.post(
        f"{V1}/goods-receipts",
        json={
            "purchase_order_id": "00000000-0000-4000-8000-000000000000",
            "received_date": "2026-03-05",
            "lines": [{"line_no": 1, "quantity_received": "1"}],
        },
        headers=api.tenant.headers,
    )
    assert response.status_code == 404


async def test_every_classification(api: Api) -> None:
    async def scenario(received: list[str], invoiced: list[tuple[str, str]]) -> str:
        supplier = await _supplier(api)
        order = await _sent_order(
            api, supplier["id"], [_line("Cement bag", "10", "50"), _line("Sand ton", "4", "25")]
        )
        await _receive(api, order, received)
        names = ["Cement bag", "Sand ton"]
        invoice = await _invoice(
            api,
            supplier["id"],
            "INV-1",
            [_line(name, q, p) for name, (q, p) in zip(names, invoiced, strict=True)],
            order_reference=order["number"],
        )
        match = await _match(api, invoice["id"])
        assert match["matching_status"] == match["status"]
        assert match["explanation"].startswith(match["matching_status"])
        return str(match["matching_status"])

    # Everything received and billed as ordered: 500 + 100 = 600 vs 600.
    assert await scenario(["10", "4"], [("10", "50"), ("4", "25")]) == "FULL_MATCH"
    # Cement at 52: 620 vs 600, 20 = 3.33 % (< 5 %).
    assert await scenario(["10", "4"], [("10", "52"), ("4", "25")]) == "VARIANCE_DETECTED"
    # No sand received: 600 billed vs 500 expected, 100 = 20 %.
    assert await scenario(["10", "0"], [("10", "50"), ("4", "25")]) == "PARTIAL_MATCH"

    # A supplier without any purchase order: nothing to match against.
    lonely = await _supplier(api)
    invoice = await _invoice(api, lonely["id"], "INV-9", [_line("Cement bag", "1", "50")])
    match = await _match(api, invoice["id"])
    assert match["matching_status"] == "NOT_MATCHED"
    assert match["explanation"] != "NOT_MATCHED: no differences"


async def test_price_and_quantity_variance_on_one_line(api: Api) -> None:
    supplier = await _supplier(api)
    order = await _sent_order(api, supplier["id"], [_line("Copper cable", "10", "100")])
    await _receive(api, order, ["8"])
    # Billed 10 at 105 = 1050 against 8 received at 100 = 800 expected: 250 = 31.25 %.
    invoice = await _invoice(
        api,
        supplier["id"],
        "CC-77",
        [_line("Copper cable", "10", "105")],
        order_reference=order["number"],
    )
    match = await _match(api, invoice["id"])
    assert match["matching_status"] == "PARTIAL_MATCH"
    (line,) = match["lines"]
    assert (line["invoiced_quantity"], line["matched_quantity"]) == ("10", "8")
    assert line["quantity_variance"] == "2"
    assert line["price_variance"] == "5"
    assert (line["expected_amount"], line["invoiced_amount"]) == ("800.00", "1050.00")
    assert "invoiced 10 but only 8 received" in line["reason"]
    assert "unit price 105.00 vs ordered 100.00 (+5.00%)" in line["reason"]
    assert match["variance_amount"] == "250.00"
    assert match["variance_percent"] == "31.25"


async def test_partial_deliveries_over_several_receipts_then_late_receipt_upgrades(
    api: Api,
) -> None:
    supplier = await _supplier(api)
    order = await _sent_order(api, supplier["id"], [_line("Pallet", "12", "40")])
    await _receive(api, order, ["5"])
    await _receive(api, order, ["4"])
    # 12 x 40 = 480 billed; 9 received -> 360 expected, 120 = 33.33 %.
    invoice = await _invoice(
        api,
        supplier["id"],
        "PAL-1",
        [_line("Pallet", "12", "40")],
        order_reference=order["number"],
    )
    assert invoice["matching_status"] == "PARTIAL_MATCH"
    first = await _match(api, invoice["id"])
    assert first["matching_status"] == "PARTIAL_MATCH"
    assert first["lines"][0]["received_quantity"] == "9"
    assert "invoiced 12 but only 9 received" in first["explanation"] + first["lines"][0]["reason"]

    await _receive(api, order, ["3"])  # the late third delivery
    second = await _match(api, invoice["id"])
    assert second["matching_status"] == "FULL_MATCH"
    assert second["lines"][0]["received_quantity"] == "12"
    assert second["expected_net"] == "480.00"
    stored = await api.get(f"{V1}/inward-invoices/{invoice['id']}")
    assert stored["matching_status"] == "FULL_MATCH"
    assert stored["status"] == "READY_TO_PAY"


async def test_invoice_in_a_foreign_currency(api: Api) -> None:
    supplier = await _supplier(api, currency="USD", country="US", trn=None)
    order = await _sent_order(
        api, supplier["id"], [_line("Pump", "2", "1500", vat_category="Z", vat_rate="0")], "USD"
    )
    assert order["currency"] == "USD"
    await _receive(api, order, ["2"])
    # Same currency as the order: compared as usual, 2 x 1500 = 3000.00 USD, no VAT.
    usd = await _invoice(
        api,
        supplier["id"],
        "US-1",
        [_line("Pump", "2", "1500", vat_category="Z", vat_rate="0")],
        currency="USD",
        order_reference=order["number"],
    )
    assert (usd["currency"], usd["payable_amount"]) == ("USD", "3000.00")
    match = await _match(api, usd["id"])
    assert (match["matching_status"], match["currency"]) == ("FULL_MATCH", "USD")

    # A EUR invoice on the USD order: amounts cannot be compared, so never a full match.
    other = await _supplier(api, currency="USD", country="US", trn=None)
    order2 = await _sent_order(
        api, other["id"], [_line("Pump", "1", "1500", vat_category="Z", vat_rate="0")], "USD"
    )
    await _receive(api, order2, ["1"])
    eur = await _invoice(
        api,
        other["id"],
        "EU-1",
        [_line("Pump", "1", "1400", vat_category="Z", vat_rate="0")],
        currency="EUR",
        order_reference=order2["number"],
    )
    match = await _match(api, eur["id"])
    assert match["matching_status"] == "PARTIAL_MATCH"
    assert "invoice currency EUR differs from the order currency USD" in match["explanation"]


# --------------------------------------------------------------------------- upload


async def test_upload_gives_document_validation_and_ubl_totals(api: Api) -> None:
    body = ok(await _upload(api, example_bytes(EXAMPLE)), 201)
    assert body["invoice_number"] == "AE001-Test"
    assert body["supplier_trn"] == EXAMPLE_SELLER_TRN
    assert body["lines"][0]["item_name"] == "Item Name"
    validation = body["validation"]
    assert validation["valid"] is True
    assert validation["errors"] == []
    assert validation["document_type"] == "Invoice"
    assert (
        body["line_extension_amount"],
        body["tax_exclusive_amount"],
        body["tax_amount"],
        body["tax_inclusive_amount"],
        body["payable_amount"],
    ) == ("1000.00", "1000.00", "50.00", "1050.00", "1050.00")
    # The example is addressed to buyer 134567890123003, not this company: kept, flagged.
    assert body["addressed_to_other_buyer"] is True
    assert "IBT-048" in body["buyer_flag_reason"]
    assert "IBT-049" in body["buyer_flag_reason"]
    stored = await api.get(f"{V1}/inward-invoices/{body['id']}")
    assert stored["addressed_to_other_buyer"] is True
    listed = await api.get(f"{V1}/inward-invoices")
    assert [item["invoice_number"] for item in listed["items"]] == ["AE001-Test"]


async def test_upload_addressed_to_this_company_is_not_flagged(api: Api) -> None:
    company = api.tenant.company

    def to_us(root: Any) -> None:
        party = root.find("cac:AccountingCustomerParty/cac:Party", NS)
        party.find("cbc:EndpointID", NS).text = company.tin
        party.find("cac:PartyTaxScheme/cbc:CompanyID", NS).text = company.trn

    body = ok(await _upload(api, mutated(EXAMPLE, to_us)), 201)
    assert body["buyer_trn"] == company.trn
    assert body["addressed_to_other_buyer"] is False
    assert body["buyer_flag_reason"] is None
