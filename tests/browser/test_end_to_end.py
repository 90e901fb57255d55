"""The whole journey of issue 10 in one browser session: a company signs up (with its trade
licence), the platform approves it, its admin turns on an authenticator app and signs in with it,
issues an invoice with three lines in two VAT categories and a discount, finalizes it, sees the
hash chain and signature pass, downloads the PDF, sends it over the sandbox Peppol network to the
demo buyer, and the demo buyer receives it. A screenshot is kept and axe-core runs at each step.
"""

from __future__ import annotations

import re
import time
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
    NEW_PASSWORD,
    SUPER_ADMIN,
    Api,
    current_totp,
    previous_totp_step,
    screenshot,
    seeded_account,
    text,
    unique_email,
    unique_trn,
)
from tests.browser.test_invoices_flow import IBAN, fill_line, totals_shown

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

DEMO_BUYER_ADMIN = "admin@demo-buyer.ae"
# The smallest file the upload accepts as a PDF (its content is sniffed, not its name).
LICENCE_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def step(page: Page, name: str) -> None:
    """Each step of the journey: accessible, and kept as a screenshot."""
    assert_accessible(page)
    screenshot(page, f"journey-{name}")


def sign_in(page: Page, email: str, password: str) -> None:
    form = page.get_by_test_id("login-form")
    form.get_by_label(text("en", "fields.email")).fill(email)
    form.locator("input[type=password]").fill(password)
    form.get_by_role("button", name=text("en", "auth.login.submit")).click()


def wait_for_inward_invoice(buyer: Api, supplier_trn: str, number: str) -> dict[str, Any]:
    """The demo buyer's inbox entry for the invoice, once the network delivered it."""
    deadline = time.monotonic() + 30
    while True:
        items = buyer.get("/inward-invoices", params={"supplier": supplier_trn, "page_size": 50})[
            "items"
        ]
        found = [i for i in items if i["invoice_number"] == number]
        if found:
            return dict(found[0])
        assert time.monotonic() < deadline, f"{number} did not reach the demo buyer"
        time.sleep(0.5)


def test_sign_up_to_invoice_delivered_at_the_demo_buyer(
    page: Page,
    live_server: str,
    demo_password: str,
    tmp_path: Path,
    page_problems: PageProblems,
) -> None:
    super_admin = seeded_account(live_server, SUPER_ADMIN, demo_password)
    buyer = seeded_account(live_server, DEMO_BUYER_ADMIN, demo_password)
    buyer_company = buyer.get("/company")

    # 1. Sign-up, with the trade licence attached.
    trn = unique_trn()
    admin_email = unique_email("founder")
    company_name = f"Journey Supplies {trn[-6:]} LLC"
    page.goto("/")
    page.get_by_test_id("register-link").click()
    form = page.get_by_test_id("register-form")
    form.get_by_label(text("en", "fields.legalName")).fill(company_name)
    form.get_by_label(text("en", "fields.trn")).fill(trn)
    form.get_by_label(text("en", "fields.phone")).fill("04 123 4567")
    form.get_by_label(text("en", "fields.companyEmail")).fill(unique_email("accounts"))
    form.get_by_label(text("en", "fields.addressLine1")).fill("Unit 7, Al Quoz Industrial 1")
    form.get_by_label(text("en", "fields.city")).fill("Dubai")
    form.get_by_label(text("en", "fields.emirate")).click()
    page.get_by_role("option", name=text("en", "emirates.DXB")).click()
    form.get_by_label(text("en", "fields.registrationId")).fill(f"DED-{trn[-6:]}")
    form.get_by_label(text("en", "fields.issuingAuthority")).fill(
        "Department of Economy and Tourism"
    )
    licence = tmp_path / "trade-licence.pdf"
    licence.write_bytes(LICENCE_PDF)
    form.locator("input[type=file]").set_input_files(licence)
    expect(form.get_by_label(text("en", "auth.register.licence"))).to_contain_text(
        "trade-licence.pdf"
    )
    form.get_by_label(text("en", "fields.fullName")).fill("Hessa Al Mansoori")
    form.get_by_label(text("en", "fields.adminEmail")).fill(admin_email)
    form.locator("input[type=password]").fill(NEW_PASSWORD)
    step(page, "01-sign-up")
    form.get_by_role("button", name=text("en", "auth.register.submit")).click()
    pending = page.get_by_test_id("registration-pending")
    expect(pending).to_contain_text(company_name)
    expect(pending.get_by_test_id("licence-uploaded")).to_contain_text("trade-licence.pdf")
    step(page, "02-pending")

    # 2. The platform team approves it (the admin pages are tested on their own) and puts it on
    # a plan that sends over Peppol. The licence is on file for them to check.
    (company,) = super_admin.get("/admin/companies", params={"q": trn})["items"]
    assert company["status"] == "PENDING_APPROVAL"
    super_admin.post(f"/admin/companies/{company['id']}/approve")
    super_admin.post(f"/admin/companies/{company['id']}/plan", json={"plan_code": "BASIC"})

    # 3. First sign-in, then the authenticator app is set up from the QR code's key.
    page.goto("/login")
    sign_in(page, admin_email, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    # The owner's API session (before MFA is on) checks what the pages show against the server.
    owner = Api.login(live_server, admin_email, NEW_PASSWORD)
    documents = owner.get("/company/documents")
    assert [(d["kind"], d["content_type"]) for d in documents] == [
        ("trade_licence", "application/pdf")
    ]
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name=text("en", "nav.security")).click()
    page.get_by_role("button", name=text("en", "auth.security.totpStart")).click()
    setup = page.get_by_test_id("totp-setup")
    expect(setup.get_by_role("img", name=text("en", "auth.security.qrAlt"))).to_be_visible()
    secret = setup.get_by_test_id("totp-secret").inner_text().strip()
    step(page, "03-totp-qr")
    # The previous 30-second step: accepted, and it leaves the current one for the sign-in.
    setup.get_by_label(text("en", "auth.security.totpCode")).fill(previous_totp_step(secret))
    setup.get_by_role("button", name=text("en", "auth.security.totpConfirm")).click()
    expect(page.get_by_test_id("backup-code")).to_have_count(10)
    step(page, "04-backup-codes")
    page.get_by_label(text("en", "auth.security.backupSaved")).check()
    page.get_by_role("button", name=text("en", "common.done")).click()

    # 4. Sign out and in again: password, then the app's code.
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("sign-out").click()
    sign_in(page, admin_email, NEW_PASSWORD)
    mfa = page.get_by_test_id("mfa-step")
    mfa.get_by_label(text("en", "auth.mfa.codeLabel.totp")).fill(current_totp(secret))
    step(page, "05-mfa-step")
    mfa.get_by_role("button", name=text("en", "auth.mfa.verify")).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    # 5. An invoice to the demo buyer, created as a customer from the form itself.
    page.get_by_role("link", name=text("en", "nav.invoices")).click()
    page.get_by_test_id("new-invoice").click()
    form = page.get_by_test_id("invoice-form")
    form.get_by_test_id("new-customer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(text("en", "fields.legalName")).fill(buyer_company["legal_name"])
    dialog.get_by_label(text("en", "fields.trn")).fill(buyer_company["trn"])
    dialog.get_by_label(text("en", "fields.email")).fill(buyer_company["email"])
    dialog.get_by_label(text("en", "fields.addressLine1")).fill("Office 1204, Business Bay Tower")
    dialog.get_by_label(text("en", "fields.city")).fill("Abu Dhabi")
    dialog.get_by_label(text("en", "fields.emirate")).click()
    page.get_by_role("option", name=text("en", "emirates.AUH")).click()
    dialog.get_by_label(text("en", "customers.peppolId")).fill(buyer_company["peppol_id"])
    step(page, "06-new-customer")
    dialog.get_by_role("button", name=text("en", "customers.create")).click()
    expect(dialog).to_have_count(0)

    form.get_by_label(text("en", "invoices.form.iban")).fill(IBAN)
    lines = [
        {"item": "Pallet racking", "description": "Installed", "quantity": "3",
         "price": "33.335", "category": "S"},
        {"item": "Site survey", "description": "Half day", "quantity": "2", "price": "12.5",
         "category": "S"},
        {"item": "Export crating", "description": "To Muscat", "quantity": "1", "price": "40",
         "category": "Z"},
    ]  # fmt: skip
    fill_line(form.get_by_test_id("line-0"), lines[0])
    for index, values in enumerate(lines[1:], start=1):
        form.get_by_test_id("add-line").click()
        fill_line(form.get_by_test_id(f"line-{index}"), values)
    form.get_by_test_id("add-allowance").click()
    discount = form.get_by_test_id("allowance-charge-0")
    discount.get_by_label(text("en", "invoices.form.reason")).fill("Opening discount")
    discount.get_by_label(text("en", "invoices.form.amount")).fill("5")
    # By hand: S 100.005 -> 100.01 + 25.00 - 5.00 = 120.01, VAT 5 % = 6.0005 -> 6.00; Z 40.00;
    # payable 120.01 + 6.00 + 40.00 = 166.01.
    expect(page.get_by_test_id("live-payable")).to_have_attribute("data-value", "166.01")
    live = totals_shown(page, "live")
    assert [row[0] for row in live["breakdown"]] == ["S", "Z"]
    step(page, "07-invoice-form")
    form.get_by_test_id("save-invoice").click()

    expect(page).to_have_url(re.compile(r"/invoices/[0-9a-f-]{36}$"))
    invoice_id = page.url.rsplit("/", 1)[1]
    server = owner.get(f"/invoices/{invoice_id}")
    # The form's live totals are the server's, to the fils.
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
    assert server["allowance_total_amount"] == "5.00"

    # 6. Finalize: numbered, hash-chained and signed; the check passes on the page.
    page.get_by_test_id("finalize").click()
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "FINALIZED")
    verification = page.get_by_test_id("verification")
    expect(verification.get_by_test_id("verification-result")).to_have_attribute(
        "data-valid", "true"
    )
    expect(verification).to_contain_text(text("en", "invoices.verify.chain"))
    number = owner.get(f"/invoices/{invoice_id}")["number"]
    step(page, "08-finalized")

    # 7. The PDF.
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{number}.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-1024:]

    # 8. Approve and send; the status follows the transmission.
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("invoice-status")).to_have_attribute("data-status", "APPROVED")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("transmission")).to_be_visible()
    expect(page.get_by_test_id("invoice-status")).to_have_attribute(
        "data-status", re.compile(r"^(SENT|DELIVERED|ACCEPTED)$"), timeout=20_000
    )
    step(page, "09-sent")

    # 9. It arrives in the demo buyer's inward invoices, with the same figures.
    received = wait_for_inward_invoice(buyer, trn, number)
    assert received["supplier_name"] == company_name
    assert received["payable_amount"] == server["payable_amount"]
    assert received["tax_amount"] == server["tax_amount"]
    assert page_problems.errors == []
    assert page_problems.external_requests == []
