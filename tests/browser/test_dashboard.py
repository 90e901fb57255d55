"""The business dashboard in the browser: the figures of GET /dashboard, charts, activity."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems


@pytest.fixture(scope="module")
def supplier_admin(live_server: str, demo_password: str) -> Api:
    admin = seeded_account(live_server, SUPPLIER_ADMIN, demo_password)
    # An overdue invoice, so receivables, overdue receivables and output VAT are not all 0.
    customer = admin.post(
        "/customers",
        expected=201,
        json={
            "legal_name": "Dashboard Customer LLC",
            "trn": unique_trn(),
            "email": unique_email("dash"),
            "address": {"line1": "Street 9", "city": "Sharjah", "emirate": "SHJ", "country": "AE"},
        },
    )
    invoice = admin.post(
        "/invoices",
        expected=201,
        json={
            "customer_id": customer["id"],
            "issue_date": "2026-10-01",
            "due_date": "2026-10-31",
            "lines": [
                {"item_name": "Audit", "description": "Q3", "quantity": "1",
                 "unit_price": "1000", "vat_category": "S"}
            ],
        },
    )  # fmt: skip
    admin.post(f"/invoices/{invoice['id']}/finalize")
    return admin


@pytest.mark.parametrize("language", ["en", "ar"])
def test_dashboard_shows_the_company_figures_with_charts(
    page: Page,
    supplier_admin: Api,
    demo_password: str,
    language: str,
    page_problems: PageProblems,
) -> None:
    figures = supplier_admin.get("/dashboard")
    assert figures["receivables"]["count"] >= 1
    use_language(page, language)
    sign_in_through_api(page, SUPPLIER_ADMIN, demo_password)
    page.goto("/dashboard")

    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "dashboard.title"))
    for testid, figure in [
        ("kpi-receivables", figures["receivables"]["total_aed"]),
        ("kpi-overdue-receivables", figures["overdue_receivables"]["total_aed"]),
        ("kpi-payables", figures["payables"]["total_aed"]),
        ("kpi-overdue-payables", figures["overdue_payables"]["total_aed"]),
        ("kpi-vat-due", figures["vat"]["periods"][-1]["net_vat_aed"]),
    ]:
        expect(page.get_by_test_id(testid).locator("[data-value]")).to_have_attribute(
            "data-value", figure
        )
    # Recharts drew the VAT bars (one group per period) and the receivables ring.
    chart = page.get_by_test_id("vat-chart")
    expect(chart.locator("svg.recharts-surface").first).to_be_visible()
    expect(chart.locator(".recharts-bar-rectangle").first).to_be_attached()
    expect(page.get_by_test_id("receivables-chart").locator("svg.recharts-surface")).to_be_visible()
    activity = page.get_by_test_id("recent-activity")
    expect(activity).to_contain_text(text(language, "dashboard.actions.invoice_finalized"))

    page.get_by_text(text(language, "dashboard.quarterly")).click()
    expect(chart.get_by_role("cell", name="2026-Q4")).to_be_attached()
    assert_accessible(page)
    screenshot(page, f"dashboard-{language}")
    assert page_problems.errors == []
