"""Suppliers page: edit and delete, as the customers page does. A company admin edits a supplier
(server field errors on the fields, the change stored), deletes one without documents, is
told in the API's words why a supplier with a purchase order stays, and deactivates it instead.
A finance user, who may read but not manage accounts payable, sees neither action."""

from __future__ import annotations

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
    SUPER_ADMIN,
    Api,
    new_team_user,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    unique_email,
    unique_trn,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.browser.conftest import PageProblems

BUYER_ADMIN = "admin@demo-buyer.ae"


@pytest.fixture(scope="module")
def buyer(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, BUYER_ADMIN, demo_password)


@pytest.fixture(scope="module")
def super_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPER_ADMIN, demo_password)


def named(key: str, name: str) -> str:
    return text("en", key).replace("{{name}}", name)


def row_button(page: Page, key: str, name: str) -> Locator:
    return page.get_by_role("button", name=named(key, name), exact=True)


def new_supplier(api: Api, name: str) -> dict[str, Any]:
    supplier: dict[str, Any] = api.post(
        "/suppliers",
        expected=201,
        json={"legal_name": name, "trn": unique_trn(), "email": unique_email("ap")},
    )
    return supplier


def test_edit_a_supplier_delete_one_and_a_refusal_for_one_with_an_order(
    page: Page, buyer: Api, demo_password: str, page_problems: PageProblems
) -> None:
    # Letters keep the search from matching some other supplier's TRN digits.
    tag = f"Q{uuid.uuid4().hex[:8]}"
    first = f"Harbour Supplies {tag} LLC"
    renamed = f"Harbour Marine Supplies {tag} LLC"
    new_email = unique_email("orders")
    # A supplier that a purchase order refers to: the API refuses to delete it.
    ordered = new_supplier(buyer, f"Ordered Goods {tag} LLC")
    buyer.post(
        "/purchase-orders",
        expected=201,
        json={
            "supplier_id": ordered["id"],
            "lines": [{"item_name": "Rope", "quantity": "5", "unit_price": "30"}],
        },
    )

    sign_in_through_api(page, BUYER_ADMIN, demo_password)
    page.goto("/suppliers")
    page.get_by_test_id("new-supplier").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(text("en", "payables.suppliers.legalName")).fill(first)
    dialog.get_by_label(text("en", "payables.suppliers.email")).fill(unique_email("sales"))
    dialog.get_by_label(text("en", "payables.suppliers.city")).fill("Fujairah")
    dialog.get_by_test_id("save-supplier").click()
    expect(dialog).to_have_count(0)
    page.get_by_label(text("en", "payables.suppliers.search")).fill(tag)
    rows = page.get_by_test_id("supplier-row")
    expect(rows).to_have_count(2)
    (created,) = [
        s for s in buyer.get("/suppliers", params={"q": tag})["items"] if s["id"] != ordered["id"]
    ]
    assert created["legal_name"] == first

    # Edit: the form opens filled in; a server-side refusal lands on its field.
    row_button(page, "payables.suppliers.editOf", first).click()
    dialog = page.get_by_role("dialog", name=text("en", "payables.suppliers.editTitle"))
    name_field = dialog.get_by_label(text("en", "payables.suppliers.legalName"))
    email_field = dialog.get_by_label(text("en", "payables.suppliers.email"))
    expect(name_field).to_have_value(first)
    expect(email_field).to_have_value(created["email"])
    expect(dialog.get_by_label(text("en", "payables.suppliers.city"))).to_have_value("Fujairah")
    assert_accessible(page)
    screenshot(page, "suppliers-edit")
    name_field.fill(renamed)
    # The form's own check lets this through; the API's e-mail validation does not.
    email_field.fill("orders..desk@example.ae")
    dialog.get_by_test_id("save-supplier").click()
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("two periods in a row")
    assert_accessible(page)  # the error text reads on the dialog (WCAG AA contrast)
    assert buyer.get(f"/suppliers/{created['id']}")["legal_name"] == first
    email_field.fill(new_email)
    dialog.get_by_test_id("save-supplier").click()
    expect(dialog).to_have_count(0)
    expect(rows.filter(has_text=renamed)).to_contain_text(new_email)
    stored = buyer.get(f"/suppliers/{created['id']}")
    assert (stored["legal_name"], stored["email"]) == (renamed, new_email)
    assert stored["city"] == "Fujairah", "fields not edited keep their values"

    # The supplier with an order stays; the dialog says why, in the API's words.
    row_button(page, "payables.suppliers.deleteOf", ordered["legal_name"]).click()
    dialog = page.get_by_role("dialog", name=text("en", "payables.suppliers.deleteTitle"))
    dialog.get_by_test_id("confirm-delete-supplier").click()
    refusal = dialog.get_by_test_id("api-error")
    expect(refusal).to_contain_text(text("en", "errors.conflict"))
    expect(refusal).to_contain_text("This supplier has purchase orders and cannot be deleted")
    expect(dialog.get_by_test_id("confirm-delete-supplier")).to_be_disabled()
    assert_accessible(page)
    screenshot(page, "suppliers-delete-refused")
    dialog.get_by_role("button", name=text("en", "common.cancel")).click()
    expect(dialog).to_have_count(0)
    assert buyer.get(f"/suppliers/{ordered['id']}")["id"] == ordered["id"]

    # What the refusal suggests instead: deactivate it. The row says so; the API stores it.
    ordered_row = rows.filter(has_text=ordered["legal_name"])
    expect(ordered_row.get_by_test_id("supplier-inactive")).to_have_count(0)
    row_button(page, "payables.suppliers.editOf", ordered["legal_name"]).click()
    dialog = page.get_by_role("dialog", name=text("en", "payables.suppliers.editTitle"))
    active = dialog.get_by_label(text("en", "payables.suppliers.active"))
    expect(active).to_be_checked()
    active.uncheck()
    dialog.get_by_test_id("save-supplier").click()
    expect(dialog).to_have_count(0)
    expect(ordered_row.get_by_test_id("supplier-inactive")).to_have_text(
        text("en", "payables.suppliers.inactive")
    )
    assert_accessible(page)
    stored = buyer.get(f"/suppliers/{ordered['id']}")
    assert stored["is_active"] is False
    assert stored["legal_name"] == ordered["legal_name"], "deactivating changes nothing else"
    # Inactive means no new orders: the list the order form searches leaves it out.
    active_only = buyer.get("/suppliers", params={"q": tag, "is_active": "true"})["items"]
    assert ordered["id"] not in [s["id"] for s in active_only]

    # The one without documents goes: from the table and from the API.
    row_button(page, "payables.suppliers.deleteOf", renamed).click()
    dialog = page.get_by_role("dialog", name=text("en", "payables.suppliers.deleteTitle"))
    expect(dialog).to_contain_text(renamed)
    dialog.get_by_test_id("confirm-delete-supplier").click()
    expect(dialog).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(ordered["legal_name"])
    assert buyer.request("GET", f"/suppliers/{created['id']}").status_code == 404
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_a_finance_user_sees_no_edit_or_delete(
    page: Page, live_server: str, buyer: Api, super_admin: Api, page_problems: PageProblems
) -> None:
    tag = f"Q{uuid.uuid4().hex[:8]}"
    supplier = new_supplier(buyer, f"Read Only Traders {tag} LLC")
    email, password = new_team_user(live_server, buyer, super_admin, role="FINANCE_USER")
    sign_in_through_api(page, email, password)
    page.goto("/suppliers")
    page.get_by_label(text("en", "payables.suppliers.search")).fill(tag)
    rows = page.get_by_test_id("supplier-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(supplier["legal_name"])
    expect(page.get_by_test_id("new-supplier")).to_have_count(0)
    expect(page.get_by_test_id("edit-supplier")).to_have_count(0)
    expect(page.get_by_test_id("delete-supplier")).to_have_count(0)
    expect(page.get_by_role("columnheader", name=text("en", "common.actions"))).to_have_count(0)
    # What the page hides, the API refuses too.
    user = Api.login(live_server, email, password)
    assert user.request("DELETE", f"/suppliers/{supplier['id']}").status_code == 403
    assert page_problems.errors == []
