"""Platform analytics on a phone-sized screen, and a company's settings page (profile images,
Peppol id, matching tolerances, MFA policy) saved through the browser."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_admin_pages import register_pending_company
from tests.browser.test_auth_support import (
    NEW_PASSWORD,
    SUPER_ADMIN,
    Api,
    screenshot,
    seeded_account,
    sign_in_through_api,
    text,
    use_language,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response, ViewportSize

    from tests.browser.conftest import PageProblems

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def super_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPER_ADMIN, demo_password)


def png(width: int = 24, height: int = 12) -> bytes:
    """A real (decodable) solid-colour PNG, so the preview can draw it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x2f\x6f\xd0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_platform_analytics_on_a_phone(
    page: Page, super_admin: Api, demo_password: str, language: str, page_problems: PageProblems
) -> None:
    page.set_viewport_size(PHONE)
    use_language(page, language)
    sign_in_through_api(page, SUPER_ADMIN, demo_password)
    page.goto("/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text(language, "admin.overview.title")
    )
    expect(page.get_by_test_id("analytics-period")).to_be_visible()
    week = f"from={_days_ago(page, 6)}&to={_days_ago(page, 0)}"
    with page.expect_response(
        lambda r: "/api/v1/admin/analytics?" in r.url and week in r.url
    ) as answer:
        page.get_by_role(
            "button", name=text(language, "admin.analytics.lastDays").replace("{{n}}", "7")
        ).click()
    asked = answer.value.json()
    assert (asked["from"], asked["to"]) == (_days_ago(page, 6), _days_ago(page, 0))
    # The page shows what the API computes for the range.
    figures = super_admin.get("/admin/analytics", params={"from": asked["from"], "to": asked["to"]})
    expect(page.get_by_test_id("kpi-companies").locator("[data-value]")).to_have_attribute(
        "data-value", str(figures["companies"]["total"])
    )
    expect(page.get_by_test_id("kpi-active-users").locator("[data-value]")).to_have_attribute(
        "data-value", str(figures["active_users"])
    )
    for chart in ("chart-companies-status", "chart-signups", "chart-invoices"):
        expect(page.get_by_test_id(chart).locator("svg.recharts-surface").first).to_be_visible()
    status_table = page.get_by_test_id("chart-companies-status").get_by_role("table")
    expect(
        status_table.get_by_role("cell", name=text(language, "admin.companyStatus.ACTIVE"))
    ).to_be_attached()
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, f"admin-overview-phone-{language}")
    assert page_problems.errors == []


def _days_ago(page: Page, days: int) -> str:
    """A UAE calendar day, computed the way the page computes it."""
    return str(
        page.evaluate(
            """(days) => {
                const today = new Intl.DateTimeFormat('en-CA', {timeZone: 'Asia/Dubai',
                  year: 'numeric', month: '2-digit', day: '2-digit'}).format(new Date());
                const [y, m, d] = today.split('-').map(Number);
                return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
            }""",
            days,
        )
    )


def test_company_admin_edits_settings(
    page: Page, live_server: str, super_admin: Api, page_problems: PageProblems
) -> None:
    # A company of its own, so the demo company's Peppol id and policies stay as other tests need.
    company = register_pending_company(live_server)
    super_admin.post(f"/admin/companies/{company['id']}/approve")
    # Matching tolerances belong to accounts payable, which the Free plan leaves out.
    super_admin.post(f"/admin/companies/{company['id']}/plan", json={"plan_code": "PRO"})
    admin_email = super_admin.get(f"/admin/companies/{company['id']}")["admins"][0]["email"]
    admin = Api.login(live_server, admin_email, NEW_PASSWORD)

    page.set_viewport_size(PHONE)
    sign_in_through_api(page, admin_email, NEW_PASSWORD)
    page.goto("/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "settings.title"))

    logo = page.get_by_test_id("settings-logo")
    logo.locator("input[type=file]").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png()}
    )
    preview = logo.get_by_test_id("logo-preview")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 24
    with page.expect_response(_request("POST", "/api/v1/company/documents")) as answer:
        logo.get_by_role("button", name=text("en", "settings.images.upload")).click()
    assert answer.value.status == 201
    # The stored logo replaces the local preview and is what the PDF will print.
    expect(logo.get_by_text("logo.png")).to_be_visible()
    expect(preview).to_have_attribute("alt", "Current Logo")
    assert [d["kind"] for d in admin.get("/company/documents")].count("logo") == 1

    peppol = page.get_by_test_id("settings-peppol")
    field = peppol.get_by_label(text("en", "settings.peppol.label"))
    field.fill("not an id")
    peppol.get_by_role("button", name=text("en", "settings.save")).click()
    expect(peppol.get_by_text(text("en", "settings.peppol.invalid"))).to_be_visible()
    wanted = f"0088:web{uuid.uuid4().hex[:8]}"
    field.fill(wanted)
    with page.expect_response(_request("PATCH", "/api/v1/company")) as answer:
        peppol.get_by_role("button", name=text("en", "settings.save")).click()
    assert answer.value.ok

    tolerances = page.get_by_test_id("settings-tolerances")
    tolerances.get_by_label(text("en", "settings.tolerances.percent")).fill("3.5")
    with page.expect_response(_request("PUT", "/api/v1/payables/settings")) as answer:
        tolerances.get_by_role("button", name=text("en", "settings.save")).click()
    assert answer.value.ok

    profile = admin.get("/company")
    assert profile["peppol_id"] == wanted
    assert admin.get("/payables/settings")["matching"]["variance_percent"] == "3.5"
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "settings-phone")

    # Last, as it changes the admin's own sign-in: requiring MFA sends them to enrol at once.
    mfa = page.get_by_test_id("settings-mfa").get_by_label(text("en", "settings.mfa.label"))
    with page.expect_response(_request("PATCH", "/api/v1/company")) as answer:
        mfa.click()
    assert answer.value.ok
    assert admin.get("/company")["mfa_required"] is True
    expect(page).to_have_url(re.compile(r"/account/security\?required=1"))
    assert page_problems.errors == []


def _request(method: str, path: str) -> Callable[[Response], bool]:
    return lambda r: r.request.method == method and urlsplit(r.url).path == path
