"""The super admin's pages in the browser: the content manager (an edit shows on the homepage,
history restores it) and the company approval queue (a pending company is approved)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_auth_support import (
    NEW_PASSWORD,
    SUPER_ADMIN,
    Api,
    post_anonymous,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    unique_email,
    unique_trn,
    use_language,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.conftest import PageProblems

# A minimal PDF: the API checks uploads by their content, and this starts as a PDF does.
TRADE_LICENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BLOCK = "home.cta"  # seeded by `involinks seed-demo`, shown as the homepage's closing band


@pytest.fixture(scope="module")
def super_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPER_ADMIN, demo_password)


def homepage_cta(browser: Browser, base_url: str, language: str) -> str:
    """The closing band's title as an anonymous visitor sees it (a fresh context: no cache)."""
    context = browser.new_context(base_url=base_url, locale="en-US")
    try:
        page = context.new_page()
        use_language(page, language)
        page.goto("/")
        heading = page.locator("#cta-title")
        expect(heading).to_be_visible()
        return heading.inner_text()
    finally:
        context.close()


def test_content_block_edited_in_both_languages_shows_on_the_homepage(
    page: Page,
    browser: Browser,
    live_server: str,
    super_admin: Api,
    demo_password: str,
    page_problems: PageProblems,
) -> None:
    seeded = {b["locale"]: b for b in super_admin.get("/admin/content") if b["key"] == BLOCK}
    assert set(seeded) == {"en", "ar"}
    marker = uuid.uuid4().hex[:6]
    titles = {"en": f"Invoice with confidence {marker}", "ar": f"أصدر فواتيرك بثقة {marker}"}

    sign_in_through_api(page, SUPER_ADMIN, demo_password)
    page.goto("/admin/content")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "contentManager.title"))
    page.get_by_test_id("content-block-select").click()
    page.get_by_role("option", name=BLOCK, exact=True).click()
    editor = page.get_by_test_id("content-editor")
    expect(editor.get_by_role("heading", level=2)).to_have_text(BLOCK)

    for locale in ("en", "ar"):
        editor.get_by_role("tab", name=text("en", f"languages.{locale}")).click()
        form = editor.get_by_test_id(f"content-form-{locale}")
        expect(form.get_by_label(text("en", "contentManager.publish"))).to_be_checked()
        form.get_by_label(text("en", "contentManager.titleField"), exact=True).fill(titles[locale])
        form.get_by_label(text("en", "contentManager.body"), exact=True).fill(
            f"Start **today** ({locale}) <script>alert(1)</script>"
        )
        # The preview is the API's sanitised rendering: markdown bold, no script.
        preview = editor.get_by_test_id("content-preview").filter(visible=True)
        expect(preview.locator("strong")).to_have_text("today")
        expect(preview.locator("script")).to_have_count(0)
        form.get_by_role("button", name=text("en", "contentManager.save")).click()
        new_version = seeded[locale]["version"] + 1
        expect(form.get_by_text(f"Version {new_version}", exact=True)).to_be_visible()

    assert homepage_cta(browser, live_server, "en") == titles["en"]
    assert homepage_cta(browser, live_server, "ar") == titles["ar"]

    # History: restoring the seeded English version makes a new version with the old text.
    editor.get_by_role("tab", name=text("en", "languages.en")).click()
    history = editor.get_by_test_id("content-history").filter(visible=True)
    expect(history.get_by_test_id("content-version")).to_have_count(seeded["en"]["version"] + 1)
    assert_accessible(page)
    screenshot(page, "admin-content-manager")
    history.get_by_role("button", name=f"Restore version {seeded['en']['version']}").click()
    form = editor.get_by_test_id("content-form-en")
    expect(form.get_by_text(f"Version {seeded['en']['version'] + 2}", exact=True)).to_be_visible()
    expect(form.get_by_label(text("en", "contentManager.titleField"), exact=True)).to_have_value(
        seeded["en"]["title"]
    )
    assert homepage_cta(browser, live_server, "en") == seeded["en"]["title"]
    assert page_problems.errors == []


def register_pending_company(base_url: str) -> dict[str, Any]:
    """A company signed up through the API, with its trade licence, waiting for approval."""
    name = f"Pending Trading {uuid.uuid4().hex[:6]} LLC"
    response = post_anonymous(
        base_url,
        "/auth/register-company",
        {
            "legal_name": name,
            "trn": unique_trn(),
            "email": unique_email("pending"),
            "phone": "+971 50 123 4567",
            "address": {"line1": "Office 12", "city": "Dubai", "emirate": "DXB", "country": "AE"},
            "legal_registration": {"type": "TL", "id": "TL-778899", "authority": "DED Dubai"},
            "admin": {
                "full_name": "Pending Admin",
                "email": unique_email("pending-admin"),
                "password": NEW_PASSWORD,
            },
        },
    )
    assert response.status_code == 201, response.text
    company: dict[str, Any] = response.json()
    assert company["status"] == "PENDING_APPROVAL"
    upload = httpx.post(
        f"{base_url}/api/v1/auth/register-company/documents",
        headers={"X-Registration-Token": company["upload_token"]},
        data={"kind": "trade_licence"},
        files={"file": ("licence.pdf", TRADE_LICENCE, "application/pdf")},
        timeout=30,
    )
    assert upload.status_code == 201, upload.text
    return company


def test_super_admin_approves_a_pending_company_from_the_queue(
    page: Page,
    live_server: str,
    super_admin: Api,
    demo_password: str,
    page_problems: PageProblems,
) -> None:
    company = register_pending_company(live_server)
    admin_email = super_admin.get(f"/admin/companies/{company['id']}")["admins"][0]["email"]

    sign_in_through_api(page, SUPER_ADMIN, demo_password)
    page.goto("/admin/companies")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "admin.companies.title"))
    page.get_by_label(text("en", "admin.companies.search")).fill(company["legal_name"])
    card = page.locator(f"[data-company-id='{company['id']}']")
    expect(card.get_by_test_id("company-status")).to_have_text(
        text("en", "admin.companyStatus.PENDING_APPROVAL")
    )
    # The papers the company sent are there to check, and they download.
    document = card.get_by_test_id("company-document")
    expect(document).to_contain_text("licence.pdf")
    with page.expect_download() as download:
        document.click()
    assert download.value.suggested_filename == "licence.pdf"
    assert_accessible(page)
    screenshot(page, "admin-approval-queue")

    card.get_by_test_id("company-approve").click()
    # Approved companies leave the pending queue.
    expect(card).to_have_count(0)
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert super_admin.get(f"/admin/companies/{company['id']}")["status"] == "ACTIVE"
    mails = super_admin.get("/admin/outbox", params={"to": admin_email})["items"]
    assert "Your company is approved on InvoLinks" in {m["subject"] for m in mails}
    # The company's admin can now sign in.
    Api.login(live_server, admin_email, NEW_PASSWORD)

    # The e-mail is in the outbox viewer (the embedded default delivers nothing else).
    page.get_by_role("link", name=text("en", "admin.nav.outbox")).click()
    page.get_by_label(text("en", "admin.outbox.recipient")).fill(admin_email)
    row = page.get_by_test_id("outbox-row").filter(has_text="Your company is approved")
    expect(row).to_have_count(1)
    row.get_by_role("button").click()
    expect(page.get_by_test_id("outbox-body")).to_contain_text(company["legal_name"])
    assert_accessible(page)
    screenshot(page, "admin-outbox")
    assert page_problems.errors == []


def test_super_admin_adds_a_plan(
    page: Page, super_admin: Api, demo_password: str, page_problems: PageProblems
) -> None:
    code = f"WEB_{uuid.uuid4().hex[:6].upper()}"
    sign_in_through_api(page, SUPER_ADMIN, demo_password)
    page.goto("/admin/plans")
    page.get_by_role("button", name=text("en", "admin.plans.new")).click()
    form = page.get_by_test_id("plan-form")
    form.get_by_label(text("en", "admin.plans.code")).fill(code)
    form.get_by_role("textbox", name=text("en", "admin.plans.name"), exact=True).fill(
        f"Plan {code}"
    )
    form.get_by_test_id("plan-invoice-limit").fill("25")
    form.get_by_label(text("en", "admin.plans.feature.bulk_import")).check()
    form.get_by_label(text("en", "admin.plans.price")).fill("49.50")
    # Not offered at sign-up: other tests see the plan list as seeded.
    form.get_by_label(text("en", "admin.plans.active")).uncheck()
    assert_accessible(page)
    form.get_by_role("button", name=text("en", "admin.plans.save")).click()
    expect(form).to_have_count(0)
    expect(page.get_by_test_id("plan-row").filter(has_text=code)).to_contain_text("25")
    saved = next(p for p in super_admin.get("/admin/plans") if p["code"] == code)
    assert saved["monthly_invoice_limit"] == 25
    assert saved["user_limit"] == 5
    assert saved["features"] == {
        "peppol_sending": False,
        "accounts_payable": False,
        "bulk_import": True,
    }
    assert saved["price_aed_monthly"] == "49.50"
    assert saved["active"] is False
    assert code not in {p["code"] for p in super_admin.get("/plans")}
    screenshot(page, "admin-plans")
    assert page_problems.errors == []
