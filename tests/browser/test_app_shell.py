"""The web app shell, as a visitor's browser sees it when the backend serves the built SPA."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is not installed (dev dependency)",
)
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible, run_axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

LOCALES = Path(__file__).resolve().parents[2] / "frontend" / "src" / "locales"


@cache
def text(language: str, key: str) -> str:
    """A translated text from the locale files the app ships, e.g. text("en", "notFound.title")."""
    node: Any = json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    for part in key.split("."):
        node = node[part]
    assert isinstance(node, str), key
    return node


def published_blocks(page: Page, locale: str) -> dict[str, Any]:
    """What the CMS API publishes for a locale ({} when this server has no content API)."""
    response = page.request.get(f"/api/v1/content/public?locale={locale}")
    if response.status == 404:
        return {}
    assert response.ok, f"content API answered {response.status}"
    blocks: dict[str, Any] = response.json()["blocks"]
    return blocks


def hero_title(page: Page, locale: str) -> str:
    """The CMS hero title when one is published, otherwise the app's built-in text."""
    hero = published_blocks(page, locale).get("home.hero")
    return str(hero["title"]) if hero and hero["title"] else text(locale, "home.hero.title")


def test_home_is_rendered_by_react(page: Page, page_problems: PageProblems) -> None:
    response = page.goto("/")

    assert response is not None
    assert response.status == 200
    # The served index.html only holds an empty #root; these elements exist only if React ran.
    brand = page.get_by_test_id("brand")
    brand.wait_for()
    assert page.locator("#root header").count() == 1
    expect(page.get_by_role("heading", level=1)).to_have_text(hero_title(page, "en"))
    assert page.get_by_role("heading", level=2, name=text("en", "home.features.title")).is_visible()
    assert page.title() == text("en", "pageTitle.home")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "en",
        "ltr",
    ]
    # Mantine's stylesheet is applied: the primary button gets its filled background.
    button = page.get_by_role("link", name=text("en", "home.hero.primaryAction"))
    background = button.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_deep_link_renders_the_spa_not_found_page(page: Page, page_problems: PageProblems) -> None:
    response = page.goto("/some/deep/link")

    assert response is not None
    assert response.status == 200  # the backend hands deep links to the SPA
    page.get_by_test_id("not-found").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == text("en", "notFound.title")
    assert page.title() == text("en", "pageTitle.notFound")

    page.get_by_role("link", name=text("en", "notFound.back")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(hero_title(page, "en"))
    assert urlsplit(page.url).path == "/"
    assert page_problems.errors == []


def test_arabic_switches_the_document_to_rtl_and_is_remembered(
    page: Page, page_problems: PageProblems
) -> None:
    page.goto("/")
    page.get_by_test_id("brand").wait_for()

    page.get_by_text(text("en", "languages.ar"), exact=True).click()

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    arabic_title = hero_title(page, "ar")
    expect(page.get_by_role("heading", level=1)).to_have_text(arabic_title)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(arabic_title)
    expect(html).to_have_attribute("dir", "rtl")
    assert page_problems.errors == []


def test_home_shows_the_seeded_cms_content(page: Page) -> None:
    page.goto("/")
    blocks = published_blocks(page, "en")
    if "home.hero" not in blocks:
        pytest.fail("the server publishes no home.hero block: `involinks seed-demo` should add one")

    expect(page.get_by_role("heading", level=1)).to_have_text(blocks["home.hero"]["title"])
    features = sorted(key for key in blocks if key.startswith("home.feature."))
    cards = page.get_by_test_id("feature-grid").get_by_role("heading", level=3)
    expect(cards).to_have_text([blocks[key]["title"] for key in features])


@pytest.mark.parametrize(
    ("path", "language", "ready_test_id"),
    [("/", "en", "brand"), ("/", "ar", "brand"), ("/some/deep/link", "en", "not-found")],
    ids=["home-en", "home-ar", "not-found-en"],
)
def test_pages_have_no_serious_accessibility_violations(
    page: Page, path: str, language: str, ready_test_id: str
) -> None:
    page.add_init_script(f"localStorage.setItem('involinks.language', {json.dumps(language)})")
    page.goto(path)
    page.get_by_test_id(ready_test_id).wait_for()
    assert page.locator("html").get_attribute("lang") == language

    assert_accessible(page)


def test_axe_check_reports_a_serious_violation(page: Page) -> None:
    """The helper itself: a page with an unlabelled image button must not pass."""
    page.goto("/")
    page.get_by_test_id("brand").wait_for()
    page.evaluate(
        "() => { const b = document.createElement('button');"
        " b.innerHTML = '<svg width=10 height=10></svg>';"
        " document.querySelector('main').appendChild(b); }"
    )

    rules = {v.rule: v.impact for v in run_axe(page)}

    assert rules.get("button-name") == "critical"
    with pytest.raises(AssertionError, match="button-name"):
        assert_accessible(page)
