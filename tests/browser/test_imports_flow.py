"""Bulk import in the browser (issue 11): a suppliers CSV with three bad rows. The dry run reports
exactly those rows (row, column, value, message) and the error report says the same; importing
with skip-invalid then creates the good rows only."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

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
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

BUYER_ADMIN = "admin@demo-buyer.ae"
HEADER = ["legal_name", "trn", "email", "payment_terms_days"]


def suppliers_csv(tag: str) -> tuple[str, dict[int, str], list[str]]:
    """Six data rows; rows 3, 5 and 7 of the sheet (header = row 1) each break one rule."""
    good = [unique_trn() for _ in range(3)]
    rows = [
        [f"Good One {tag} LLC", good[0], unique_email("one"), "30"],
        [f"Bad TRN {tag} LLC", "12345", unique_email("two"), "30"],  # row 3
        [f"Good Two {tag} LLC", good[1], unique_email("three"), "45"],
        [f"Bad Email {tag} LLC", unique_trn(), "not-an-email", "30"],  # row 5
        [f"Good Three {tag} LLC", good[2], unique_email("four"), ""],
        [f"Bad Terms {tag} LLC", unique_trn(), unique_email("five"), "400"],  # row 7
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue(), {3: "trn", 5: "email", 7: "payment_terms_days"}, good


def test_a_csv_with_three_bad_rows_reports_exactly_those_rows(
    page: Page,
    live_server: str,
    demo_password: str,
    tmp_path: Path,
    page_problems: PageProblems,
) -> None:
    buyer: Api = seeded_account(live_server, BUYER_ADMIN, demo_password)
    sign_in_through_api(page, BUYER_ADMIN, demo_password)
    tag = unique_trn()[-6:]
    content, bad, good_trns = suppliers_csv(tag)
    path = tmp_path / f"suppliers-{tag}.csv"
    path.write_text(content, encoding="utf-8")

    page.goto("/imports")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "imports.title"))
    # A template comes down as a file.
    with page.expect_download() as download_info:
        page.get_by_test_id("template-suppliers-csv").click()
    template = download_info.value.path().read_text(encoding="utf-8-sig")
    assert template.splitlines()[0].split(",")[:3] == ["legal_name", "trn", "email"]

    page.get_by_test_id("import-kind").get_by_text(text("en", "imports.kinds.suppliers")).click()
    page.get_by_test_id("import-drop").locator("input[type=file]").set_input_files(path)
    expect(page.get_by_test_id("import-drop-name")).to_have_text(path.name)
    expect(page.get_by_label(text("en", "imports.upload.dryRun"))).to_be_checked()
    assert_accessible(page)
    page.get_by_test_id("start-import").click()

    result = page.get_by_test_id("import-result")
    expect(result.get_by_test_id("import-status")).to_have_attribute("data-status", "failed")
    expect(result.get_by_test_id("import-progress")).to_have_attribute("aria-valuenow", "100")
    errors = result.get_by_test_id("import-error")
    reported = {int(errors.nth(i).get_attribute("data-row") or 0) for i in range(errors.count())}
    assert reported == set(bad)
    for row, column in bad.items():
        expect(errors.filter(has=page.locator(f"td:text-is('{row}')")).first).to_contain_text(
            column
        )
    expect(errors.filter(has_text="not-an-email")).to_have_count(1)
    expect(result.get_by_test_id("count-invalid")).to_have_text("3")
    assert_accessible(page)
    screenshot(page, "imports-01-dry-run-errors")

    # The error report carries the same rows.
    with page.expect_download() as download_info:
        result.get_by_test_id("download-error-report").click()
    report = list(csv.DictReader(io.StringIO(download_info.value.path().read_text("utf-8-sig"))))
    assert {int(line["row"]) for line in report} == set(bad)
    # Nothing was written by the dry run.
    assert buyer.get("/suppliers", params={"q": tag})["total"] == 0

    # Import for real, skipping the bad rows: the three good suppliers are created.
    page.get_by_label(text("en", "imports.upload.dryRun")).uncheck()
    page.get_by_label(text("en", "imports.upload.skipInvalid")).check()
    page.get_by_test_id("start-import").click()
    expect(result.get_by_test_id("import-status")).to_have_attribute("data-status", "partial")
    expect(result.get_by_test_id("count-created")).to_have_text("3")
    reported = {int(errors.nth(i).get_attribute("data-row") or 0) for i in range(errors.count())}
    assert reported == set(bad)
    created = buyer.get("/suppliers", params={"q": tag, "page_size": 50})["items"]
    assert sorted(s["trn"] for s in created) == sorted(good_trns)
    assert_accessible(page)
    screenshot(page, "imports-02-partial")
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_a_large_file_runs_in_the_background_and_the_page_follows_it(
    page: Page, live_server: str, demo_password: str, tmp_path: Path, page_problems: PageProblems
) -> None:
    """Over the in-request limit (500 rows by default) the API queues a job and answers 202; the
    page polls the job until it ends, so the finished state can only come from polling."""
    sign_in_through_api(page, BUYER_ADMIN, demo_password)
    tag = unique_trn()[-6:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for index in range(600):
        writer.writerow([f"Bulk {tag} {index} LLC", unique_trn(), unique_email("bulk"), "30"])
    path = tmp_path / f"bulk-{tag}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    page.goto("/imports")
    page.get_by_test_id("import-kind").get_by_text(text("en", "imports.kinds.suppliers")).click()
    page.get_by_test_id("import-drop").locator("input[type=file]").set_input_files(path)
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/imports") and r.request.method == "POST"
    ) as answer:
        page.get_by_test_id("start-import").click()
    assert answer.value.status == 202
    assert answer.value.json()["status"] == "queued"
    result = page.get_by_test_id("import-result")
    expect(result.get_by_test_id("import-status")).to_have_attribute(
        "data-status", "succeeded", timeout=60_000
    )
    expect(result.get_by_test_id("import-progress")).to_have_attribute("aria-valuenow", "100")
    expect(result.get_by_test_id("count-rows")).to_have_text("600")
    expect(result.get_by_test_id("import-error")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "imports-03-background")
    assert page_problems.errors == []
