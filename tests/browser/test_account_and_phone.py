"""Account security (new backup codes, two-step verification turned off), customers edited and
deleted, and the key pages at a phone's width."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
pytest.importorskip("pyotp", reason="pyotp (an API dependency) is not installed")
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_auth_support import (
    SUPER_ADMIN,
    SUPPLIER_ADMIN,
    Api,
    current_totp,
    new_team_user,
    previous_totp_step,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    unique_email,
    unique_trn,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from tests.browser.conftest import PageProblems

# An iPhone 12-15's CSS size.
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def supplier_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPPLIER_ADMIN, demo_password)


@pytest.fixture(scope="module")
def super_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPER_ADMIN, demo_password)


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


def test_new_backup_codes_then_two_step_verification_turned_off(
    page: Page, live_server: str, supplier_admin: Api, super_admin: Api
) -> None:
    email, password = new_team_user(live_server, supplier_admin, super_admin)
    sign_in_through_api(page, email, password)
    user = Api.login(live_server, email, password)
    secret = user.post("/auth/mfa/totp/setup")["secret"]
    old_codes = user.post("/auth/mfa/totp/enable", json={"code": previous_totp_step(secret)})[
        "backup_codes"
    ]

    page.goto("/account/security")
    expect(page.get_by_text(text("en", "auth.security.totpOn"))).to_be_visible()
    page.get_by_label(text("en", "auth.security.regenerateCode")).fill(current_totp(secret))
    page.get_by_role("button", name=text("en", "auth.security.regenerate")).click()
    codes = page.get_by_test_id("backup-code")
    expect(codes).to_have_count(10)
    new_codes = [c.strip() for c in codes.all_inner_texts()]
    assert not set(new_codes) & set(old_codes)
    assert_accessible(page)
    screenshot(page, "security-new-backup-codes")
    page.get_by_label(text("en", "auth.security.backupSaved")).check()
    page.get_by_role("button", name=text("en", "common.done")).click()

    # Everything off, confirmed with one of the new backup codes (an old one no longer works).
    page.get_by_test_id("mfa-off-start").click()
    off = page.get_by_test_id("mfa-off")
    off.get_by_label(text("en", "auth.security.turnOffCode")).fill(old_codes[0])
    off.get_by_role("button", name=text("en", "auth.security.turnOffAll")).click()
    expect(page.get_by_test_id("api-error")).to_be_visible()
    off.get_by_label(text("en", "auth.security.turnOffCode")).fill(new_codes[0])
    off.get_by_role("button", name=text("en", "auth.security.turnOffAll")).click()
    expect(page.get_by_text(text("en", "auth.security.off"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=text("en", "auth.security.totpStart"))).to_be_visible()
    assert_accessible(page)
    me = user.get("/me")["user"]
    assert me["mfa_enabled"] is False
    assert me["mfa_methods"] == []
    # The password alone signs in again.
    assert Api.login(live_server, email, password).token


def test_customers_are_edited_and_deleted_unless_invoiced(
    page: Page, supplier_admin: Api, demo_password: str
) -> None:
    tag = unique_trn()[-6:]
    spare = new_customer(supplier_admin, f"Spare Parts {tag} LLC")
    invoiced = new_customer(supplier_admin, f"Invoiced Goods {tag} LLC")
    supplier_admin.post(
        "/invoices",
        expected=201,
        json={
            "customer_id": invoiced["id"],
            "issue_date": "2026-11-03",
            "lines": [{"item_name": "Bolts", "quantity": "1", "unit_price": "10",
                       "vat_category": "S"}],
        },
    )  # fmt: skip
    sign_in_through_api(page, SUPPLIER_ADMIN, demo_password)
    page.goto("/customers")
    page.get_by_label(text("en", "customers.search")).fill(tag)
    rows = page.get_by_test_id("customer-row")
    expect(rows).to_have_count(2)

    name = spare["legal_name"]
    page.get_by_role(
        "button", name=text("en", "customers.editOf").replace("{{name}}", name)
    ).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label(text("en", "fields.legalName"))).to_have_value(name)
    dialog.get_by_label(text("en", "fields.city")).fill("Sharjah")
    dialog.get_by_label(text("en", "fields.emirate")).click()
    page.get_by_role("option", name=text("en", "emirates.SHJ")).click()
    dialog.get_by_label(text("en", "customers.peppolId")).fill("0235:9988776655")
    assert_accessible(page)
    dialog.get_by_role("button", name=text("en", "customers.create")).click()
    expect(dialog).to_have_count(0)
    expect(rows.filter(has_text=name)).to_contain_text("0235:9988776655")
    stored = supplier_admin.get(f"/customers/{spare['id']}")
    assert (stored["address"]["city"], stored["address"]["emirate"]) == ("Sharjah", "SHJ")
    assert stored["peppol_id"] == "0235:9988776655"

    # A customer with an invoice stays; the dialog says why, in the API's words.
    other = invoiced["legal_name"]
    page.get_by_role(
        "button", name=text("en", "customers.deleteOf").replace("{{name}}", other)
    ).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name=text("en", "customers.delete")).click()
    expect(dialog.get_by_test_id("api-error")).to_contain_text(text("en", "errors.conflict"))
    expect(dialog.get_by_test_id("api-error")).to_contain_text("invoices")
    assert_accessible(page)
    screenshot(page, "customers-delete-refused")
    dialog.get_by_role("button", name=text("en", "common.cancel")).click()

    page.get_by_role(
        "button", name=text("en", "customers.deleteOf").replace("{{name}}", name)
    ).click()
    page.get_by_role("dialog").get_by_role("button", name=text("en", "customers.delete")).click()
    expect(rows).to_have_count(1)
    assert supplier_admin.request("GET", f"/customers/{spare['id']}").status_code == 404


def test_key_pages_fit_a_phone_screen(
    page: Page, supplier_admin: Api, demo_password: str, page_problems: PageProblems
) -> None:
    customer = new_customer(supplier_admin, f"Phone Check {unique_trn()[-6:]} LLC")
    invoice = supplier_admin.post(
        "/invoices",
        expected=201,
        json={
            "customer_id": customer["id"],
            "issue_date": "2026-11-04",
            "due_date": "2026-12-04",
            "payment_means": {"code": "30", "account_id": "AE070331234567890123456"},
            "lines": [{"item_name": "Consulting with a long descriptive item name",
                       "description": "Quarterly review of the finance function",
                       "quantity": "12.5", "unit_price": "1234.567", "vat_category": "S"}],
        },
    )  # fmt: skip
    supplier_admin.post(f"/invoices/{invoice['id']}/finalize")
    page.set_viewport_size(PHONE)
    pages = [("home", "/"), ("login", "/login"), ("register", "/register")]
    for name, path in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits(page, name)
    sign_in_through_api(page, SUPPLIER_ADMIN, demo_password)
    signed_in = [
        ("dashboard", "/dashboard", "dashboard.title"),
        ("invoices", "/invoices", "invoices.list.title"),
        ("invoice-new", "/invoices/new", "invoices.form.newTitle"),
        ("invoice-detail", f"/invoices/{invoice['id']}", None),
        ("customers", "/customers", "customers.title"),
        ("team", "/team", "team.title"),
        ("security", "/account/security", "auth.security.title"),
    ]
    for name, path, heading in signed_in:
        page.goto(path)
        title = page.get_by_role("heading", level=1)
        if heading is None:
            expect(page.get_by_test_id("verification-result")).to_be_visible()
        else:
            expect(title).to_have_text(text("en", heading))
        page.wait_for_load_state("networkidle")
        assert_fits(page, name)
    # A finance manager approves from the phone: the action is on screen and works.
    page.goto(f"/invoices/{invoice['id']}")
    approve = page.get_by_test_id("approve")
    approve.scroll_into_view_if_needed()
    box = approve.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    approve.click()
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "APPROVED")
    assert page_problems.errors == []


def assert_fits(page: Page, name: str) -> None:
    """No sideways scrolling of the page itself (wide tables scroll inside their own box)."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], (
        f"{name}: the page is {widths[0]}px wide on a {widths[1]}px screen"
    )
    assert_accessible(page)
    screenshot(page, f"phone-{name}")
