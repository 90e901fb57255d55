"""Paying a supplier's invoice in parts: what is still owed, overpayment, the payment that
settles it, mark-paid after part payments, credit notes, and the dashboard's payables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.payables.conftest import Api, error, ok
from tests.payables.inward_invoices.test_workflow import _invoice, _received_order

URL = "/api/v1/inward-invoices"


async def _ready(api: Api, number: str = "PP-1") -> dict[str, Any]:
    supplier, _order = await _received_order(api)
    invoice = await _invoice(api, supplier, number, "20")  # 10 x 20 + VAT
    assert invoice["status"] == "READY_TO_PAY"
    assert Decimal(invoice["outstanding_amount"]) == Decimal(invoice["payable_amount"])
    assert (invoice["payments"], Decimal(invoice["paid_amount"])) == ([], 0)
    return invoice


async def test_an_invoice_is_paid_in_parts_and_the_last_part_settles_it(api: Api) -> None:
    invoice = await _ready(api)
    payable = Decimal(invoice["payable_amount"])
    payments = f"{URL}/{invoice['id']}/payments"

    first = ok(await api.post(payments, {"amount": "100.00", "paid_on": "2026-04-01"}), 201)
    assert first["status"] == "READY_TO_PAY"
    assert (Decimal(first["paid_amount"]), Decimal(first["outstanding_amount"])) == (
        Decimal("100.00"),
        payable - 100,
    )
    inbox = await api.get(URL, status="READY_TO_PAY")
    listed_first = next(i for i in inbox["items"] if i["id"] == invoice["id"])
    assert (listed_first["paid_amount"], Decimal(listed_first["outstanding_amount"])) == (
        "100.00",
        payable - 100,
    )
    last_event = first["events"][-1]
    assert last_event["action"] == "payment_recorded"
    assert f"{payable - 100} still owed" in last_event["note"]

    # More than is still owed: refused, saying how much is.
    body = error(await api.post(payments, {"amount": str(payable)}), 422)
    assert f"{payable - 100} still owed" in body["message"]
    assert body["code"] == "payment_exceeds_outstanding"
    error(await api.post(payments, {"amount": "0"}), 422)
    error(await api.post(payments, {"amount": "-5"}), 422)

    settled = ok(
        await api.post(
            payments, {"amount": str(payable - 100), "paid_on": "2026-04-15", "reference": "TT-2"}
        ),
        201,
    )
    assert settled["status"] == "PAID"
    assert (Decimal(settled["paid_amount"]), Decimal(settled["outstanding_amount"])) == (
        payable,
        0,
    )
    assert [(p["amount"], p["paid_on"], p["reference"]) for p in settled["payments"]] == [
        ("100.00", "2026-04-01", None),
        (str(payable - 100), "2026-04-15", "TT-2"),
    ]
    assert settled["events"][-1]["action"] == "paid"
    listed = await api.get(payments)
    assert [p["id"] for p in listed] == [p["id"] for p in settled["payments"]]
    # Paid is final: no further payment.
    error(await api.post(payments, {"amount": "1.00"}), 409)
    audit = await api.get("/api/v1/audit-events", subject_id=invoice["id"])
    actions = [e["action"] for e in audit["items"]]
    assert {"inward_invoice.payment_recorded", "inward_invoice.paid"} <= set(actions)


async def test_mark_paid_after_a_part_payment_records_what_was_still_owed(api: Api) -> None:
    invoice = await _ready(api, "PP-2")
    payable = Decimal(invoice["payable_amount"])
    ok(
        await api.post(
            f"{URL}/{invoice['id']}/payments", {"amount": "50.00", "paid_on": "2026-04-20"}
        ),
        201,
    )
    paid = ok(
        await api.post(
            f"{URL}/{invoice['id']}/mark-paid", {"paid_on": "2026-05-01", "reference": "TT-9"}
        )
    )
    assert paid["status"] == "PAID"
    assert [Decimal(p["amount"]) for p in paid["payments"]] == [Decimal(50), payable - 50]
    assert paid["payments"][-1]["reference"] == "TT-9"


async def test_only_an_invoice_ready_to_pay_takes_payments(api: Api) -> None:
    supplier, _order = await _received_order(api)
    review = await _invoice(api, supplier, "PP-3", "20.50")
    assert review["status"] == "NEEDS_REVIEW"
    body = error(await api.post(f"{URL}/{review['id']}/payments", {"amount": "10"}), 409)
    assert "ready to pay" in body["message"]
    error(
        await api.post(f"{URL}/00000000-0000-0000-0000-000000000000/payments", {"amount": "1"}), 404
    )


async def test_payables_on_the_dashboard_are_net_of_part_payments(api: Api) -> None:
    invoice = await _ready(api, "PP-4")
    payable = Decimal(invoice["payable_amount"])
    before = await api.get("/api/v1/dashboard")
    assert Decimal(before["payables"]["by_currency"][0]["amount"]) == payable
    ok(await api.post(f"{URL}/{invoice['id']}/payments", {"amount": "75.25"}), 201)
    after = await api.get("/api/v1/dashboard")
    row = after["payables"]["by_currency"][0]
    assert (row["currency"], row["count"], Decimal(row["amount"])) == (
        "AED",
        1,
        payable - Decimal("75.25"),
    )
    assert Decimal(after["payables"]["total_aed"]) == payable - Decimal("75.25")
