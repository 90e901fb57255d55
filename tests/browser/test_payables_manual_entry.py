"""A supplier invoice typed in by hand (it came on paper): the buyer picks the supplier and one of
its received purchase orders, enters the lines, sees the totals the API will store, saves, and
lands on the invoice's page with its match result. Typing the same number again for the same
supplier is refused, and the form says so on the number field."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_auth_support import (
    Api,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    unique_email,
    unique_trn,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

BUYER_ADMIN = "admin@demo-buyer.ae"


@pytest.fixture(scope="module")
def buyer(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, BUYER_ADMIN, demo_password)


def received_order(buyer: Api, tag: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A supplier and a purchase order of two lines, sent and received in full."""
    vendor: dict[str, Any] = buyer.post(
        "/suppliers",
        expected=201,
        json={
            "legal_name": f"Paper Ledger {tag} LLC",
            "trn": unique_trn(),
            "email": unique_email("pl"),
        },
    )
    order: dict[str, Any] = buyer.post(
        "/purchase-orders",
        expected=201,
        json={
            "supplier_id": vendor["id"],
            "lines": [
                {"item_name": "Mooring rope", "quantity": "5", "unit_price": "30"},
                {"item_name": "Shackle", "quantity": "4", "unit_price": "12.5"},
            ],
        },
    )
    buyer.post(f"/purchase-orders/{order['id']}/send")
    buyer.post(
        "/goods-receipts",
        expected=201,
        json={
            "purchase_order_id": order["id"],
            "lines": [
                {"purchase_order_line_id": line["id"], "quantity_received": line["quantity"]}
                for line in order["lines"]
            ],
        },
    )
    return vendor, order


def pick_supplier(page: Page, tag: str, name: str) -> None:
    field = page.get_by_test_id("supplier-select")
    field.click()
    field.fill(tag)
    page.get_by_role("option", name=re.compile(re.escape(name))).click()


def fill_line(page: Page, index: int, item: str, quantity: str, price: str) -> None:
    line = page.get_by_test_id(f"manual-line-{index}")
    line.get_by_label(text("en", "payables.manual.item")).fill(item)
    line.get_by_label(text("en", "payables.orders.quantity")).fill(quantity)
    line.get_by_label(text("en", "payables.orders.unitPrice")).fill(price)


def test_enter_an_invoice_against_a_received_order_then_a_duplicate_is_refused(
    page: Page, buyer: Api, demo_password: str, page_problems: PageProblems
) -> None:
    tag = f"M{uuid.uuid4().hex[:8]}"
    vendor, order = received_order(buyer, tag)
    number = f"PL-{tag}"

    sign_in_through_api(page, BUYER_ADMIN, demo_password)
    page.goto("/payables")
    page.get_by_test_id("open-manual-entry").click()
    expect(page).to_have_url(re.compile(r"/payables/new$"))
    form = page.get_by_test_id("manual-invoice-form")
    expect(form).to_be_visible()
    # No supplier yet: nothing to pick an order from.
    expect(page.get_by_test_id("manual-order")).to_be_disabled()

    pick_supplier(page, tag, vendor["legal_name"])
    page.get_by_test_id("manual-number").fill(number)
    page.get_by_test_id("manual-order").click()
    page.get_by_role("option", name=re.compile(re.escape(order["number"]))).click()
    expect(page.get_by_test_id("manual-order")).to_have_value(
        re.compile(re.escape(order["number"]))
    )
    fill_line(page, 0, "Mooring rope", "5", "30")
    page.get_by_test_id("add-manual-line").click()
    fill_line(page, 1, "Shackle", "4", "12.5")
    # The totals as the API computes them: 150 + 50 net, 5 % VAT.
    expect(page.get_by_test_id("manual-line-1-net")).to_contain_text("50.00")
    expect(page.get_by_test_id("manual-total-net")).to_have_attribute("data-value", "200.00")
    expect(page.get_by_test_id("manual-total-tax")).to_have_attribute("data-value", "10.00")
    expect(page.get_by_test_id("manual-total-total")).to_have_attribute("data-value", "210.00")
    assert_accessible(page)
    screenshot(page, "payables-manual-entry")
    page.get_by_test_id("save-manual-invoice").click()

    # Its page, with the match the API ran on saving: everything ordered was received.
    expect(page).to_have_url(re.compile(r"/payables/[0-9a-f-]{36}$"))
    invoice_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("inward-title")).to_contain_text(number)
    expect(page.get_by_test_id("match-panel").get_by_test_id("match-status")).to_have_attribute(
        "data-status", "FULL_MATCH"
    )
    stored = buyer.get(f"/inward-invoices/{invoice_id}")
    assert stored["source"] == "MANUAL"
    assert (stored["supplier_id"], stored["invoice_number"]) == (vendor["id"], number)
    assert (stored["order_reference"], stored["purchase_order_id"]) == (
        order["number"],
        order["id"],
    )
    assert (stored["net_amount"], stored["tax_amount"], stored["total_amount"]) == (
        "200.00",
        "10.00",
        "210.00",
    )
    assert [(line["item_name"], line["net_amount"]) for line in stored["lines"]] == [
        ("Mooring rope", "150.00"),
        ("Shackle", "50.00"),
    ]
    assert stored["matching_status"] == "FULL_MATCH"

    # The same number again for this supplier: refused, on the number field, nothing stored.
    page.goto("/payables/new")
    pick_supplier(page, tag, vendor["legal_name"])
    page.get_by_test_id("manual-number").fill(number)
    fill_line(page, 0, "Mooring rope", "1", "30")
    page.get_by_test_id("save-manual-invoice").click()
    number_field = page.get_by_test_id("manual-number")
    expect(number_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("manual-invoice-form")).to_contain_text(
        f"Duplicate of invoice {number}"
    )
    expect(page.get_by_test_id("api-error")).to_contain_text(text("en", "errors.conflict"))
    expect(page).to_have_url(re.compile(r"/payables/new$"))
    assert_accessible(page)
    screenshot(page, "payables-manual-entry-duplicate")
    same = buyer.get("/inward-invoices", params={"supplier_id": vendor["id"]})["items"]
    assert [item["id"] for item in same] == [invoice_id]
    assert page_problems.errors == []
    assert page_problems.external_requests == []
