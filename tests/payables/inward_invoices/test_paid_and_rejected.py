"""Accept, reject for good, mark paid: allowed moves, history, audit; no Peppol answer for an
invoice that did not come over Peppol (tests/peppol/integration/test_buyer_responses.py has the
Peppol round trip)."""

from __future__ import annotations

from tests.payables.conftest import Api, error, ok
from tests.payables.inward_invoices.test_workflow import _invoice, _received_order

URL = "/api/v1/inward-invoices"


async def test_mark_paid_only_when_ready_to_pay(api: Api) -> None:
    supplier, _order = await _received_order(api)
    invoice = await _invoice(api, supplier, "P-1", "20")
    assert invoice["status"] == "READY_TO_PAY"
    accepted = ok(await api.post(f"{URL}/{invoice['id']}/accept"))
    # Entered by hand: accepted on its history, nothing queued for the network.
    assert [e["action"] for e in accepted["events"]][-1] == "accepted"
    paid = ok(
        await api.post(
            f"{URL}/{invoice['id']}/mark-paid", {"paid_on": "2026-04-02", "reference": "TT-9"}
        )
    )
    assert paid["status"] == "PAID"
    last = paid["events"][-1]
    assert (last["action"], last["from_status"], last["to_status"]) == (
        "paid",
        "READY_TO_PAY",
        "PAID",
    )
    assert "2026-04-02" in last["note"]
    assert "TT-9" in last["note"]
    # Paid is final: not paid, held, disputed or rejected again.
    error(await api.post(f"{URL}/{invoice['id']}/mark-paid", {}), 409)
    error(await api.post(f"{URL}/{invoice['id']}/hold", {"reason": "x"}), 409)
    error(await api.post(f"{URL}/{invoice['id']}/dispute", {"reason": "x"}), 409)
    error(await api.post(f"{URL}/{invoice['id']}/reject", {"reason": "x"}), 409)
    audit = await api.get("/api/v1/audit-events", subject_id=invoice["id"])
    actions = [e["action"] for e in audit["items"]]
    assert "inward_invoice.paid" in actions
    assert "inward_invoice.accepted" in actions
    # An invoice still under review is not paid (nor accepted).
    review = await _invoice(api, supplier, "P-2", "20.50")
    assert review["status"] == "NEEDS_REVIEW"
    body = error(await api.post(f"{URL}/{review['id']}/mark-paid", {}), 409)
    assert "ready to pay" in body["message"]
    error(await api.post(f"{URL}/{review['id']}/accept"), 409)
    # Paid inward invoices are owed no more.
    inbox = await api.get(URL, status="PAID")
    assert [i["invoice_number"] for i in inbox["items"]] == ["P-1"]


async def test_reject_releases_the_goods_and_is_final(api: Api) -> None:
    supplier, _order = await _received_order(api)
    wrong = await _invoice(api, supplier, "R-1", "25")  # partial match, consumes the 10
    assert wrong["match"]["consumption"] == {"1": "10"}
    error(await api.post(f"{URL}/{wrong['id']}/reject", {}), 422)  # a reason is required
    rejected = ok(await api.post(f"{URL}/{wrong['id']}/reject", {"reason": "price is 20"}))
    assert (rejected["status"], rejected["status_reason"]) == ("REJECTED", "price is 20")
    error(await api.post(f"{URL}/{wrong['id']}/release"), 409)
    error(await api.post(f"{URL}/{wrong['id']}/accept"), 409)
    # The corrected invoice finds the goods free again.
    corrected = await _invoice(api, supplier, "R-1-C", "20")
    assert corrected["matching_status"] == "FULL_MATCH"
