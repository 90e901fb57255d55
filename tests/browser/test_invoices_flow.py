"""Invoices in the browser: create with three VAT categories, live totals equal to the server's,
a broken rule shown by its id, finalize, number, XML download, verification; the list's filters,
sorting and pages; the invoice screens in Arabic."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from lxml import etree
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
    from playwright.sync_api import Locator, Page

    from tests.browser.conftest import PageProblems

UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
IBAN = "AE070331234567890123456"


@pytest.fixture(scope="module")
def supplier_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPPLIER_ADMIN, demo_password)


@pytest.fixture
def signed_in(page: Page, demo_password: str) -> Page:
    sign_in_through_api(page, SUPPLIER_ADMIN, demo_password)
    return page


def new_customer(api: Api, name: str) -> dict[str, Any]:
    customer: dict[str, Any] = api.post(
        "/customers",
        expected=201,
        json={
            "legal_name": name,
            "trn": unique_trn(),
            "email": unique_email("buyer"),
            "address": {"line1": "Street 4", "city": "Dubai", "emirate": "DXB", "country": "AE"},
        },
    )
    return customer


def fill_line(line: Locator, values: dict[str, str]) -> None:
    line.get_by_label(text("en", "invoices.form.itemName")).fill(values["item"])
    line.get_by_label(text("en", "invoices.form.description")).fill(values["description"])
    line.get_by_label(text("en", "invoices.form.quantity")).fill(values["quantity"])
    line.get_by_label(text("en", "invoices.form.unitPrice")).fill(values["price"])
    line.get_by_label(text("en", "invoices.form.vatCategory")).select_option(values["category"])
    if "exemption" in values:
        line.get_by_label(text("en", "invoices.form.exemptionCode")).select_option(
            values["exemption"]
        )


def totals_shown(page: Page, source: str) -> dict[str, Any]:
    """The figures a totals panel shows (its data-value attributes: the exact decimal strings)."""
    panel = page.get_by_test_id(f"totals-{source}")
    values = {
        name: panel.get_by_test_id(f"{source}-{name}").get_attribute("data-value")
        for name in ("line-extension", "tax-exclusive", "tax", "payable")
    }
    rows = panel.get_by_test_id("vat-breakdown-row")
    breakdown = [
        (
            rows.nth(i).get_attribute("data-category"),
            rows.nth(i).get_attribute("data-taxable"),
            rows.nth(i).get_attribute("data-tax"),
        )
        for i in range(rows.count())
    ]
    return {**values, "breakdown": breakdown}


def test_create_finalize_and_download_an_invoice_with_three_vat_categories(
    signed_in: Page, supplier_admin: Api, page_problems: PageProblems
) -> None:
    page = signed_in
    page.goto("/invoices")
    page.get_by_test_id("new-invoice").click()
    form = page.get_by_test_id("invoice-form")
    expect(form).to_be_visible()

    # Pick-or-create: a new customer from the form itself.
    customer_name = f"Oasis Retail {unique_trn()[-6:]} LLC"
    form.get_by_test_id("new-customer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(text("en", "fields.legalName")).fill(customer_name)
    dialog.get_by_label(text("en", "fields.trn")).fill(unique_trn())
    dialog.get_by_label(text("en", "fields.email")).fill(unique_email("ap"))
    dialog.get_by_label(text("en", "fields.addressLine1")).fill("Shop 3, Al Wasl Road")
    dialog.get_by_label(text("en", "fields.city")).fill("Dubai")
    dialog.get_by_label(text("en", "fields.emirate")).click()
    page.get_by_role("option", name=text("en", "emirates.DXB")).click()
    assert_accessible(page)
    dialog.get_by_role("button", name=text("en", "customers.create")).click()
    expect(dialog).to_have_count(0)
    expect(form.get_by_label(text("en", "invoices.form.customer"))).to_have_value(
        re.compile(re.escape(customer_name))
    )

    form.get_by_label(text("en", "invoices.form.dueDate")).fill("")
    # Three VAT categories; each amount chosen so that rounding matters.
    lines = [
        {"item": "Consulting", "description": "November", "quantity": "3", "price": "33.335",
         "category": "S"},
        {"item": "Export freight", "description": "To Oman", "quantity": "2", "price": "50",
         "category": "Z"},
        {"item": "Flat lease", "description": "Residential unit", "quantity": "1", "price": "75.5",
         "category": "E", "exemption": "DL8.46.2"},
    ]  # fmt: skip
    fill_line(form.get_by_test_id("line-0"), lines[0])
    for index, values in enumerate(lines[1:], start=1):
        form.get_by_test_id("add-line").click()
        fill_line(form.get_by_test_id(f"line-{index}"), values)

    # By hand: S 3 x 33.335 = 100.005 -> 100.01, VAT 5 % of 100.01 = 5.0005 -> 5.00; Z 100.00;
    # E 75.50; subtotal 275.51, total 280.51.
    expect(page.get_by_test_id("live-payable")).to_have_attribute("data-value", "280.51")
    live = totals_shown(page, "live")
    assert live["tax"] == "5.00"
    assert [row[0] for row in live["breakdown"]] == ["S", "Z", "E"]
    assert_accessible(page)
    screenshot(page, "invoice-create-three-categories")
    form.get_by_test_id("save-invoice").click()

    expect(page).to_have_url(re.compile(r"/invoices/[0-9a-f-]{36}$"))
    invoice_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "DRAFT")
    server = supplier_admin.get(f"/invoices/{invoice_id}")
    # The form showed, to the fils, what the server computed and stored.
    assert live == {
        "line-extension": server["line_extension_amount"],
        "tax-exclusive": server["tax_exclusive_amount"],
        "tax": server["tax_amount"],
        "payable": server["payable_amount"],
        "breakdown": [
            (row["category"], row["taxable_amount"], row["tax_amount"])
            for row in server["vat_breakdown"]
        ],
    }
    assert totals_shown(page, "saved") == live

    # The draft was saved without a due date, which an invoice with an amount due needs
    # (ibr-127-ae): finalize is refused and the page names the rule.
    page.get_by_test_id("finalize").click()
    problems = page.get_by_test_id("rule-problems")
    expect(problems).to_be_visible()
    broken = problems.locator("[data-rule-id='ibr-127-ae']")
    expect(broken.first).to_be_visible()
    expect(broken.first).to_contain_text("ibr-127-ae")
    expect(broken.first).to_contain_text("due_date")
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "DRAFT")
    assert_accessible(page)
    screenshot(page, "invoice-rule-broken")

    page.get_by_role("link", name=text("en", "invoices.actions.edit")).click()
    form = page.get_by_test_id("invoice-form")
    form.get_by_label(text("en", "invoices.form.dueDate")).fill("2026-12-31")
    form.get_by_label(text("en", "invoices.form.iban")).fill(IBAN)
    form.get_by_test_id("save-invoice").click()
    expect(page.get_by_test_id("finalize")).to_be_visible()
    page.get_by_test_id("finalize").click()

    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "FINALIZED")
    number = supplier_admin.get(f"/invoices/{invoice_id}")["number"]
    assert re.fullmatch(r"\S+", number)
    expect(page.get_by_test_id("invoice-title")).to_have_text(
        text("en", "invoices.detail.title").replace("{{number}}", number)
    )
    expect(page.get_by_test_id("status-timeline")).to_contain_text(number)
    expect(page.get_by_test_id("verification-result")).to_have_attribute("data-valid", "true")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-xml").click()
    download = download_info.value
    assert download.suggested_filename == f"{number}.xml"
    path = download.path()
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.findtext("cbc:ID", namespaces=UBL) == number
    payable = root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=UBL)
    assert payable is not None
    assert Decimal(payable) == Decimal("280.51")
    assert_accessible(page)
    screenshot(page, "invoice-finalized")

    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "APPROVED")
    page.get_by_test_id("send").click()
    # Sending runs as a job; the page follows the transmission until the network answers.
    expect(page.get_by_test_id("transmission")).to_be_visible()
    expect(page.get_by_test_id("invoice-status")).not_to_have_attribute(
        "data-status", "APPROVED", timeout=20_000
    )
    screenshot(page, "invoice-sent")

    # Correct it with a credit note for the whole invoice (reason from the official list).
    page.get_by_test_id("credit-note").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(text("en", "invoices.credit.reasonCode")).select_option("DL8.61.1.A")
    assert_accessible(page)
    dialog.get_by_role("button", name=text("en", "invoices.credit.create")).click()
    expect(page.get_by_test_id("invoice-title")).to_have_text(
        text("en", "invoices.detail.draftCreditNote")
    )
    expect(page.get_by_test_id("saved-payable")).to_have_attribute("data-value", "280.51")
    expect(
        page.get_by_text(text("en", "invoices.detail.credits").replace("{{number}}", number))
    ).to_be_visible()
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_invoice_list_filters_sorts_and_pages_on_the_server(
    signed_in: Page, supplier_admin: Api
) -> None:
    customer = new_customer(supplier_admin, f"Pager Trading {unique_trn()[-6:]} LLC")
    # 23 drafts, totals 1.05 x k (k = 1..23): unit price k, 5 % VAT.
    for k in range(1, 24):
        supplier_admin.post(
            "/invoices",
            expected=201,
            json={
                "customer_id": customer["id"],
                "issue_date": "2026-11-01",
                "lines": [
                    {"item_name": f"Item {k}", "quantity": "1", "unit_price": str(k),
                     "vat_category": "S"}
                ],
            },
        )  # fmt: skip
    page = signed_in
    page.goto(f"/invoices?customer={customer['id']}&sort=payable_amount&order=asc")
    rows = page.get_by_test_id("invoice-row")
    expect(rows).to_have_count(20)
    expect(page.get_by_test_id("invoice-count")).to_contain_text("23")
    expect(rows.first.locator("td").last).to_have_text(re.compile(r"^AED\s1\.05$"))
    assert_accessible(page)
    screenshot(page, "invoice-list")

    page.get_by_role("button", name=text("en", "common.pagination.next")).click()
    expect(rows).to_have_count(3)
    expect(rows.last.locator("td").last).to_have_text(re.compile(r"^AED\s24\.15$"))  # 23 x 1.05

    # Sorting by the total, descending: the largest first, back on page 1.
    page.get_by_role("button", name=text("en", "invoices.list.total")).click()
    expect(page).to_have_url(re.compile(r"order=desc"))
    expect(rows).to_have_count(20)
    expect(rows.first.locator("td").last).to_have_text(re.compile(r"^AED\s24\.15$"))

    # Amount filter, on the server: totals of at least 21.00 are those of k = 20 .. 23.
    page.get_by_label(text("en", "invoices.list.amountMin")).fill("21")
    expect(rows).to_have_count(4)
    expect(page.get_by_test_id("invoice-count")).to_contain_text("4")

    # Status filter: none of them is finalized.
    page.goto(f"/invoices?customer={customer['id']}&status=FINALIZED")
    expect(page.get_by_text(text("en", "invoices.list.noMatch"))).to_be_visible()


def test_invoice_screens_in_arabic_are_right_to_left_and_accessible(
    signed_in: Page, supplier_admin: Api
) -> None:
    customer = new_customer(supplier_admin, f"Arabic Screens {unique_trn()[-6:]} LLC")
    invoice = supplier_admin.post(
        "/invoices",
        expected=201,
        json={
            "customer_id": customer["id"],
            "issue_date": "2026-11-02",
            "due_date": "2026-12-02",
            "payment_means": {"code": "30", "account_id": IBAN},
            "lines": [
                {"item_name": "Consulting", "description": "Hours", "quantity": "2",
                 "unit_price": "100", "vat_category": "S"}
            ],
        },
    )  # fmt: skip
    supplier_admin.post(f"/invoices/{invoice['id']}/finalize")
    page = signed_in
    use_language(page, "ar")
    for name, path, heading in [
        ("list", "/invoices", text("ar", "invoices.list.title")),
        ("new", "/invoices/new", text("ar", "invoices.form.newTitle")),
        ("detail", f"/invoices/{invoice['id']}", None),
    ]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        title = page.get_by_role("heading", level=1)
        if heading is not None:
            expect(title).to_have_text(heading)
        else:
            expect(page.get_by_test_id("verification-result")).to_be_visible()
        # The navigation sits on the right in a right-to-left layout.
        nav = page.get_by_role("navigation").bounding_box()
        main = page.locator("main").bounding_box()
        assert nav is not None
        assert main is not None
        assert nav["x"] > main["x"]
        assert_accessible(page)
        screenshot(page, f"invoice-ar-{name}")
