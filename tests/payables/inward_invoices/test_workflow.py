"""Approve a variance, dispute, hold, release: allowed moves, history, consumption."""

from __future__ import annotations

from typing import Any

from tests.payables.conftest import Api, error, ok, po_line

URL = "/api/v1/inward-invoices"


async def _received_order(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    supplier = await api.supplier()
    order = await api.order(supplier["id"], [po_line("Cable", "10", "20")])
    await api.send(order["id"])
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "10"}]), 201)
    return supplier, order


async def _invoice(api: Api, supplier: dict[str, Any], number: str, price: str) -> dict[str, Any]:
    payload = {
        "supplier_id": supplier["id"],
        "invoice_number": number,
        "issue_date": "2026-03-20",
        "lines": [{"item_name": "Cable", "quantity": "10", "unit_price": price}],
    }
    return dict(ok(await api.invoice(payload), 201))


async def test_approving_a_variance_makes_it_ready_to_pay(api: Api) -> None:
    supplier, _order = await _received_order(api)
    # 10 x 20.50 = 205.00 vs 200.00: 2.5 % variance.
    invoice = await _invoice(api, supplier, "V-1", "20.50")
    assert invoice["matching_status"] == "VARIANCE_DETECTED"
    approved = ok(
        await api.post(f"{URL}/{invoice['id']}/approve-variance", {"note": "freight agreed"})
    )
    assert approved["status"] == "READY_TO_PAY"
    assert approved["matching_status"] == "VARIANCE_DETECTED"
    assert approved["variance_approval_note"] == "freight agreed"
    assert approved["variance_approved_by_id"] == str(api.tenant.manager.id)
    last = approved["events"][-1]
    assert (last["action"], last["from_status"], last["to_status"], last["note"]) == (
        "variance_approved",
        "NEEDS_REVIEW",
        "READY_TO_PAY",
        "freight agreed",
    )
    # Approving twice, or without a note, is refused.
    error(await api.post(f"{URL}/{invoice['id']}/approve-variance", {"note": "again"}), 409)
    error(await api.post(f"{URL}/{invoice['id']}/approve-variance", {}), 422)


async def test_a_full_match_or_no_match_has_no_variance_to_approve(api: Api) -> None:
    supplier, _order = await _received_order(api)
    full = await _invoice(api, supplier, "F-1", "20")
    assert full["status"] == "READY_TO_PAY"
    error(await api.post(f"{URL}/{full['id']}/approve-variance", {"note": "x"}), 409)
    stranger = ok(
        await api.invoice(
            {
                "supplier_trn": "100555444333222",
                "supplier_name": "Unknown",
                "invoice_number": "N-1",
                "issue_date": "2026-03-20",
                "lines": [{"item_name": "Cable", "quantity": "1", "unit_price": "1"}],
            }
        ),
        201,
    )
    body = error(await api.post(f"{URL}/{stranger['id']}/approve-variance", {"note": "x"}), 409)
    assert "purchase order first" in body["message"]


async def test_hold_and_release(api: Api) -> None:
    supplier, _order = await _received_order(api)
    invoice = await _invoice(api, supplier, "H-1", "20")
    held = ok(await api.post(f"{URL}/{invoice['id']}/hold", {"reason": "awaiting credit check"}))
    assert held["status"] == "ON_HOLD"
    assert held["status_reason"] == "awaiting credit check"
    # A held invoice is not matched, approved or held again until released.
    error(await api.post(f"{URL}/{invoice['id']}/match"), 409)
    error(await api.post(f"{URL}/{invoice['id']}/hold", {"reason": "x"}), 409)
    released = ok(await api.post(f"{URL}/{invoice['id']}/release"))
    assert released["status"] == "READY_TO_PAY"
    assert released["status_reason"] is None
    error(await api.post(f"{URL}/{invoice['id']}/release"), 409)
    assert [e["action"] for e in released["events"]] == ["received", "matched", "held", "released"]


async def test_released_hold_keeps_an_approved_variance(api: Api) -> None:
    supplier, _order = await _received_order(api)
    invoice = await _invoice(api, supplier, "H-2", "20.50")
    ok(await api.post(f"{URL}/{invoice['id']}/approve-variance", {"note": "ok"}))
    ok(await api.post(f"{URL}/{invoice['id']}/hold", {"reason": "audit"}))
    assert ok(await api.post(f"{URL}/{invoice['id']}/release"))["status"] == "READY_TO_PAY"
    unapproved = await _invoice(api, supplier, "H-3", "20.50")
    ok(await api.post(f"{URL}/{unapproved['id']}/hold", {"reason": "audit"}))
    assert ok(await api.post(f"{URL}/{unapproved['id']}/release"))["status"] == "NEEDS_REVIEW"


async def test_dispute_frees_the_quantity_for_a_corrected_invoice(api: Api) -> None:
    supplier, order = await _received_order(api)
    wrong = await _invoice(api, supplier, "D-1", "25")  # 25 % over: partial match
    assert wrong["matching_status"] == "PARTIAL_MATCH"
    assert wrong["match"]["consumption"] == {"1": "10"}
    disputed = ok(await api.post(f"{URL}/{wrong['id']}/dispute", {"reason": "price is 20.00"}))
    assert disputed["status"] == "DISPUTED"
    assert disputed["status_reason"] == "price is 20.00"
    error(await api.post(f"{URL}/{wrong['id']}/dispute", {"reason": "again"}), 409)
    error(await api.post(f"{URL}/{wrong['id']}/match"), 409)

    corrected = await _invoice(api, supplier, "D-1-R", "20")
    assert corrected["matching_status"] == "FULL_MATCH"
    assert corrected["match"]["lines"][0]["previously_invoiced_quantity"] == "0"

    # Released, the disputed invoice is matched again and finds the goods already invoiced.
    released = ok(await api.post(f"{URL}/{wrong['id']}/release"))
    assert released["status"] == "NEEDS_REVIEW"
    assert released["match"]["consumption"] == {}
    assert released["match"]["trigger"] == "release"
    assert [e["action"] for e in released["events"]][-3:] == ["disputed", "released", "matched"]
    assert released["purchase_order_id"] == order["id"]


async def test_finance_user_cannot_act(api: Api) -> None:
    supplier, _order = await _received_order(api)
    invoice = await _invoice(api, supplier, "P-1", "20.50")
    headers = api.tenant.finance_headers
    for action, body in (
        ("approve-variance", {"note": "x"}),
        ("dispute", {"reason": "x"}),
        ("hold", {"reason": "x"}),
        ("release", None),
        ("match", None),
    ):
        response = await api.client.post(
            f"{URL}/{invoice['id']}/{action}", json=body, headers=headers
        )
        error(response, 403)
