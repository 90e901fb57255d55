"""Accounts payable in the browser (issue 11): the demo buyer orders, receives part of the order,
gets the demo supplier's invoice for all of it over the sandbox Peppol network, reads the
VARIANCE_DETECTED explained line by line, receives the rest, matches again and sees FULL_MATCH.
Also: suppliers, review actions, a refused XML upload named by its rules, and phone width."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_auth_support import (
    SUPPLIER_ADMIN,
    Api,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    unique_email,
    unique_trn,
    use_language,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

BUYER_ADMIN = "admin@demo-buyer.ae"
SUPPLIER_NAME = "Demo Trading LLC"
SUPPLIER_TRN = "100123456700003"
IBAN = "AE070331234567890123456"


@pytest.fixture(scope="module")
def buyer(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, BUYER_ADMIN, demo_password)


@pytest.fixture(scope="module")
def supplier(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPPLIER_ADMIN, demo_password)


@pytest.fixture
def signed_in(page: Page, demo_password: str) -> Page:
    sign_in_through_api(page, BUYER_ADMIN, demo_password)
    return page


def checked(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"payables-{name}")


def pick_supplier(page: Page, name: str) -> None:
    field = page.get_by_test_id("supplier-select")
    field.click()
    field.fill(name[:8])
    page.get_by_role("option", name=re.compile(re.escape(name))).first.click()


def fill_po_line(page: Page, index: int, item: str, quantity: str, price: str) -> None:
    line = page.get_by_test_id(f"po-line-{index}")
    line.get_by_label(text("en", "payables.orders.itemName")).fill(item)
    line.get_by_label(text("en", "payables.orders.quantity")).fill(quantity)
    line.get_by_label(text("en", "payables.orders.unitPrice")).fill(price)


def receive(page: Page, quantities: dict[int, str]) -> None:
    page.get_by_test_id("receive-goods").click()
    dialog = page.get_by_role("dialog")
    for line_no, quantity in quantities.items():
        dialog.get_by_test_id(f"receive-line-{line_no}").get_by_label(
            re.compile("^" + re.escape(text("en", "payables.receive.received").split("{{")[0]))
        ).fill(quantity)
    dialog.get_by_test_id("save-receipt").click()
    expect(dialog).to_have_count(0)


def supplier_invoice(supplier: Api, buyer_trn: str, order_number: str) -> dict[str, Any]:
    """The demo supplier invoices the whole order, naming it as the buyer's order reference."""
    customers = supplier.get("/customers", params={"search": buyer_trn})["items"]
    (customer,) = [c for c in customers if c["trn"] == buyer_trn]
    invoice: dict[str, Any] = supplier.post(
        "/invoices",
        expected=201,
        json={
            "customer_id": customer["id"],
            "issue_date": time.strftime("%Y-%m-%d"),
            "due_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400)),
            "purchase_order_reference": order_number,
            "payment_means": {"code": "30", "account_id": IBAN},
            "lines": [
                {"item_name": "A4 copier paper", "description": "80 g, 500 sheets", "quantity": "100", "unit_price": "25",
                 "vat_category": "S", "unit_code": "H87"},
                {"item_name": "Toner cartridge", "description": "Black", "quantity": "10", "unit_price": "180",
                 "vat_category": "S", "unit_code": "H87"},
            ],
        },
    )  # fmt: skip
    supplier.post(f"/invoices/{invoice['id']}/finalize")
    supplier.post(f"/invoices/{invoice['id']}/approve")
    supplier.post(f"/invoices/{invoice['id']}/send", expected=202)
    return supplier.get(f"/invoices/{invoice['id']}")  # type: ignore[no-any-return]


def arrived(buyer: Api, number: str) -> dict[str, Any]:
    """The buyer's inbox entry for the supplier's invoice once the network delivered it."""
    deadline = time.monotonic() + 45
    while True:
        items = buyer.get("/inward-invoices", params={"supplier": SUPPLIER_TRN, "page_size": 100})[
            "items"
        ]
        found = [item for item in items if item["invoice_number"] == number]
        if found:
            return dict(found[0])
        assert time.monotonic() < deadline, f"{number} did not reach the demo buyer"
        time.sleep(0.5)


def test_partial_receipt_variance_then_full_match_after_the_rest_arrives(
    signed_in: Page, buyer: Api, supplier: Api, page_problems: PageProblems
) -> None:
    page = signed_in
    buyer_trn = buyer.get("/company")["trn"]

    # 1. A purchase order with two lines, to the demo supplier.
    page.goto("/purchase-orders")
    page.get_by_test_id("new-po").click()
    expect(page.get_by_test_id("po-form")).to_be_visible()
    pick_supplier(page, SUPPLIER_NAME)
    fill_po_line(page, 0, "A4 copier paper", "100", "25")
    page.get_by_test_id("add-po-line").click()
    fill_po_line(page, 1, "Toner cartridge", "10", "180")
    # The form's totals, before saving: 2,500 + 1,800 net, 5 % VAT.
    expect(page.get_by_test_id("po-total-total")).to_have_attribute("data-value", "4515.00")
    checked(page, "01-po-form")
    page.get_by_test_id("save-po").click()

    expect(page).to_have_url(re.compile(r"/purchase-orders/[0-9a-f-]{36}$"))
    order_id = page.url.rsplit("/", 1)[1]
    order = buyer.get(f"/purchase-orders/{order_id}")
    assert order["total_amount"] == "4515.00"
    assert [(line["item_name"], Decimal(line["quantity"])) for line in order["lines"]] == [
        ("A4 copier paper", Decimal(100)),
        ("Toner cartridge", Decimal(10)),
    ]
    expect(page.get_by_test_id("po-status")).to_have_attribute("data-status", "DRAFT")
    page.get_by_test_id("send-po").click()
    expect(page.get_by_test_id("po-status")).to_have_attribute("data-status", "SENT")

    # 2. Part of the paper arrives (97 of 100), and all the toner.
    receive(page, {1: "97", 2: "10"})
    expect(page.get_by_test_id("po-status")).to_have_attribute("data-status", "PARTIALLY_RECEIVED")
    expect(page.get_by_test_id("po-line-outstanding").first).to_have_text("3")
    expect(page.get_by_test_id("receipt")).to_have_count(1)
    checked(page, "02-po-partly-received")

    # 3. The supplier invoices all 100 over Peppol, quoting the order number.
    sent = supplier_invoice(supplier, buyer_trn, order["number"])
    inward = arrived(buyer, sent["number"])
    assert inward["matching_status"] == "VARIANCE_DETECTED"
    assert inward["purchase_order_id"] == order_id

    # 4. The inbox lists it; its page explains the variance line by line.
    page.goto("/payables")
    row = page.get_by_test_id("inbox-row").filter(has_text=sent["number"])
    expect(row.get_by_test_id("match-status")).to_have_attribute("data-status", "VARIANCE_DETECTED")
    expect(
        page.get_by_test_id("summary-VARIANCE_DETECTED").get_by_test_id("summary-count")
    ).not_to_have_text("0")
    checked(page, "03-inbox")
    row.get_by_role("link", name=sent["number"]).click()
    expect(page).to_have_url(re.compile(rf"/payables/{inward['id']}$"))
    panel = page.get_by_test_id("match-panel")
    expect(panel.get_by_test_id("match-status")).to_have_attribute(
        "data-status", "VARIANCE_DETECTED"
    )
    # 100 invoiced at 25 against 97 received: 75.00 too much, 1.78 % of the 4,225.00 expected.
    summary = panel.get_by_test_id("match-summary")
    expect(summary).to_contain_text("4,300.00")
    expect(summary).to_contain_text("4,225.00")
    expect(summary).to_contain_text("1.78%")
    expect(summary).to_contain_text("75.00")
    paper = panel.get_by_test_id("match-line").filter(has_text="A4 copier paper")
    expect(paper).to_have_attribute("data-clean", "false")
    expect(paper.get_by_test_id("received-qty")).to_have_text("97")
    expect(paper.get_by_test_id("invoiced-qty")).to_have_attribute("data-differs", "true")
    reason = paper.get_by_test_id("line-explanation").locator("[data-reason=quantityNotReceived]")
    expect(reason).to_contain_text("Invoiced 100, but only 97 received")
    expect(reason).to_contain_text("3 too many")
    toner = panel.get_by_test_id("match-line").filter(has_text="Toner cartridge")
    expect(toner).to_have_attribute("data-clean", "true")
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "NEEDS_REVIEW")
    expect(page.get_by_test_id("approve-variance")).to_be_visible()
    checked(page, "04-variance-explained")

    # 5. The last 3 reams arrive; matching again takes them and the invoice is a full match.
    page.goto(f"/purchase-orders/{order_id}")
    receive(page, {1: "3"})
    expect(page.get_by_test_id("po-status")).to_have_attribute("data-status", "RECEIVED")
    expect(page.get_by_test_id("receipt")).to_have_count(2)
    page.goto(f"/payables/{inward['id']}")
    page.get_by_test_id("rematch").click()
    expect(panel.get_by_test_id("match-status")).to_have_attribute("data-status", "FULL_MATCH")
    expect(page.get_by_test_id("match-line").filter(has_text="A4 copier paper")).to_have_attribute(
        "data-clean", "true"
    )
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "READY_TO_PAY")
    assert buyer.get(f"/inward-invoices/{inward['id']}")["matching_status"] == "FULL_MATCH"
    checked(page, "05-full-match")
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_suppliers_review_actions_and_a_refused_xml_upload(
    signed_in: Page, buyer: Api, tmp_path: Path, page_problems: PageProblems
) -> None:
    page = signed_in
    # A supplier from the page, with a TRN typed with spaces.
    name = f"Gulf Packaging {unique_trn()[-6:]} LLC"
    trn = unique_trn()
    page.goto("/suppliers")
    page.get_by_test_id("new-supplier").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(text("en", "payables.suppliers.legalName")).fill(name)
    dialog.get_by_label(text("en", "payables.suppliers.trn")).fill("12345")
    dialog.get_by_test_id("save-supplier").click()
    expect(dialog.get_by_text(text("en", "payables.suppliers.errors.trn"))).to_be_visible()
    dialog.get_by_label(text("en", "payables.suppliers.trn")).fill(f"{trn[:5]} {trn[5:]}")
    dialog.get_by_label(text("en", "payables.suppliers.email")).fill(unique_email("sales"))
    checked(page, "06-supplier-form")
    dialog.get_by_test_id("save-supplier").click()
    expect(dialog).to_have_count(0)
    page.get_by_label(text("en", "payables.suppliers.search")).fill(trn)
    expect(page.get_by_test_id("supplier-row")).to_have_count(1)
    expect(page.get_by_test_id("supplier-row")).to_contain_text(name)
    (created,) = buyer.get("/suppliers", params={"q": trn})["items"]
    assert created["trn"] == trn

    # A hand-entered invoice without an order: not matched; hold it, release it, dispute it.
    invoice = buyer.post(
        "/inward-invoices",
        expected=201,
        json={
            "supplier_id": created["id"],
            "invoice_number": f"GP-{trn[-6:]}",
            "issue_date": "2026-11-20",
            "lines": [{"item_name": "Cartons", "quantity": "40", "unit_price": "2.5"}],
        },
    )
    page.goto(f"/payables/{invoice['id']}")
    expect(page.get_by_test_id("match-status").first).to_have_attribute(
        "data-status", "NOT_MATCHED"
    )
    expect(page.get_by_test_id("approve-variance")).to_have_count(0)
    page.get_by_test_id("hold").click()
    form = page.get_by_test_id("action-form")
    form.get_by_test_id("confirm-action").click()
    expect(form.get_by_text(text("en", "payables.actions.required"))).to_be_visible()
    form.get_by_label(text("en", "payables.actions.hold.label")).fill("Waiting for the delivery")
    checked(page, "07-hold-form")
    form.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "ON_HOLD")
    expect(page.get_by_text("Waiting for the delivery").first).to_be_visible()
    page.get_by_test_id("release").click()
    expect(page.get_by_test_id("inward-status")).not_to_have_attribute("data-status", "ON_HOLD")
    page.get_by_test_id("dispute").click()
    form = page.get_by_test_id("action-form")
    form.get_by_label(text("en", "payables.actions.dispute.label")).fill("Never ordered")
    form.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "DISPUTED")
    events = [e["action"] for e in buyer.get(f"/inward-invoices/{invoice['id']}")["events"]]
    assert {"held", "released", "disputed"} <= set(events)

    # A supplier XML that breaks PINT AE rules: refused, each rule named by its id.
    broken = tmp_path / "broken-invoice.xml"
    broken.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:CustomizationID>urn:peppol:pint:billing-1@ae-1</cbc:CustomizationID>"
        "<cbc:ID>BROKEN-1</cbc:ID><cbc:IssueDate>2026-11-20</cbc:IssueDate>"
        "</Invoice>\n"
    )
    page.goto("/payables")
    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(broken)
    expect(dialog.get_by_test_id("xml-drop-name")).to_have_text("broken-invoice.xml")
    dialog.get_by_test_id("upload-xml").click()
    rules = dialog.get_by_test_id("upload-rule")
    expect(rules.first).to_be_visible()
    ids = [rules.nth(i).get_attribute("data-rule-id") for i in range(rules.count())]
    assert ids, "no failed rule shown"
    assert all(ids), ids
    expect(rules.first.locator(".mantine-Badge-root")).to_have_text(ids[0] or "")
    checked(page, "08-xml-refused")
    assert page_problems.errors == []


def test_a_price_variance_is_highlighted_and_approved(
    signed_in: Page, buyer: Api, page_problems: PageProblems
) -> None:
    """Everything received, but invoiced 2 % above the ordered price: the price is what differs,
    and approving the variance (with a note) makes the invoice ready to pay."""
    page = signed_in
    trn = unique_trn()
    vendor = buyer.post(
        "/suppliers",
        expected=201,
        json={
            "legal_name": f"Desert Freight {trn[-6:]} LLC",
            "trn": trn,
            "email": unique_email("df"),
        },
    )
    order = buyer.post(
        "/purchase-orders",
        expected=201,
        json={
            "supplier_id": vendor["id"],
            "lines": [{"item_name": "Pallet wrap", "quantity": "50", "unit_price": "12"}],
        },
    )
    buyer.post(f"/purchase-orders/{order['id']}/send")
    buyer.post(
        "/goods-receipts",
        expected=201,
        json={
            "purchase_order_id": order["id"],
            "lines": [
                {"purchase_order_line_id": order["lines"][0]["id"], "quantity_received": "50"}
            ],
        },
    )
    invoice = buyer.post(
        "/inward-invoices",
        expected=201,
        json={
            "supplier_id": vendor["id"],
            "invoice_number": f"DF-{trn[-6:]}",
            "issue_date": "2026-11-20",
            "order_reference": order["number"],
            "lines": [{"item_name": "Pallet wrap", "quantity": "50", "unit_price": "12.24"}],
        },
    )
    assert invoice["matching_status"] == "VARIANCE_DETECTED"

    page.goto(f"/payables/{invoice['id']}")
    line = page.get_by_test_id("match-line").filter(has_text="Pallet wrap")
    expect(line).to_have_attribute("data-clean", "false")
    expect(line.get_by_test_id("invoiced-qty")).not_to_have_attribute("data-differs", "true")
    reason = line.locator("[data-reason=priceHigher]")
    expect(reason).to_contain_text("AED 12.24")
    expect(reason).to_contain_text("2%")
    expect(line.locator("[data-reason=quantityNotReceived]")).to_have_count(0)
    page.get_by_test_id("approve-variance").click()
    form = page.get_by_test_id("action-form")
    form.get_by_label(text("en", "payables.actions.approve-variance.label")).fill(
        "Fuel surcharge agreed by phone"
    )
    checked(page, "09-approve-variance")
    form.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "READY_TO_PAY")
    expect(page.get_by_test_id("variance-approved")).to_contain_text(
        "Fuel surcharge agreed by phone"
    )
    expect(page.get_by_test_id("approve-variance")).to_have_count(0)
    stored = buyer.get(f"/inward-invoices/{invoice['id']}")
    assert stored["variance_approval_note"] == "Fuel surcharge agreed by phone"

    # Paid in two parts: the first leaves the rest owed, the second (the amount the form
    # offers: what is still owed) settles it.
    payable = Decimal(stored["payable_amount"])
    page.get_by_test_id("mark-paid").click()
    form = page.get_by_test_id("mark-paid-form")
    amount = form.get_by_test_id("payment-amount")
    expect(amount).to_have_value(stored["outstanding_amount"])
    amount.fill(str(payable + 1))
    form.get_by_test_id("confirm-mark-paid").click()
    expect(form).to_contain_text(text("en", "payables.actions.payments.tooMuch"))
    amount.fill("300.00")
    form.get_by_label(text("en", "payables.actions.mark-paid.reference")).fill("TT-1")
    form.get_by_test_id("confirm-mark-paid").click()
    expect(page.get_by_test_id("inward-payments").locator("tr")).to_have_count(1)
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "READY_TO_PAY")
    expect(page.get_by_test_id("total-outstanding")).to_contain_text(f"{payable - 300:,.2f}")
    # The inbox says what is still owed on it.
    page.goto("/payables")
    row = page.get_by_test_id("inbox-row").filter(has_text=invoice["invoice_number"])
    expect(row.get_by_test_id("inbox-outstanding")).to_contain_text(f"{payable - 300:,.2f}")
    page.goto(f"/payables/{invoice['id']}")
    page.get_by_test_id("mark-paid").click()
    rest = page.get_by_test_id("mark-paid-form").get_by_test_id("payment-amount")
    expect(rest).to_have_value(f"{payable - 300:.2f}")
    page.get_by_test_id("mark-paid-form").get_by_test_id("confirm-mark-paid").click()
    expect(page.get_by_test_id("inward-status")).to_have_attribute("data-status", "PAID")
    expect(page.get_by_test_id("inward-payments").locator("tr")).to_have_count(2)
    paid = buyer.get(f"/inward-invoices/{invoice['id']}")
    assert [p["amount"] for p in paid["payments"]] == ["300.00", f"{payable - 300:.2f}"]
    assert page_problems.errors == []


@pytest.mark.parametrize(
    "path", ["/payables", "/payables/new", "/purchase-orders/new", "/suppliers"]
)
def test_payables_pages_fit_a_phone(
    signed_in: Page, path: str, page_problems: PageProblems
) -> None:
    page = signed_in
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Wide tables scroll inside their own region; the page itself never scrolls sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    checked(page, f"phone{path.replace('/', '-')}")
    assert page_problems.errors == []


def test_payables_and_import_pages_in_arabic(signed_in: Page, page_problems: PageProblems) -> None:
    page = signed_in
    use_language(page, "ar")
    for path, heading in [
        ("/payables", "payables.inbox.title"),
        ("/purchase-orders", "payables.orders.title"),
        ("/purchase-orders/new", "payables.orders.newTitle"),
        ("/payables/new", "payables.manual.title"),
        ("/suppliers", "payables.suppliers.title"),
        ("/imports", "imports.title"),
    ]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(text("ar", heading))
        assert_accessible(page)
    screenshot(page, "payables-arabic-imports")
    assert page_problems.errors == []
