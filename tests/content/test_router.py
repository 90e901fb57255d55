import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.config import Settings
from tests.factories import auth_headers, create_company, create_user


@pytest.fixture
async def editor(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    return auth_headers(settings, admin)


async def _company_admin(db_session: AsyncSession) -> User:
    company = await create_company(db_session)
    return await create_user(db_session, company=company, role=Role.COMPANY_ADMIN)


async def test_published_block_appears_with_etag_and_304(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    saved = await client.put(
        "/api/v1/admin/content/home.hero",
        json={
            "locale": "en",
            "title": "E-invoicing for the UAE",
            "body": "**Fast** and compliant",
            "published": True,
        },
        headers=editor,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["body_html"] == "<p><strong>Fast</strong> and compliant</p>"

    first = await client.get("/api/v1/content/public")
    assert first.status_code == 200
    assert first.json()["blocks"]["home.hero"]["title"] == "E-invoicing for the UAE"
    etag = first.headers["etag"]
    again = await client.get("/api/v1/content/public", headers={"If-None-Match": etag})
    assert again.status_code == 304

    await client.put(
        "/api/v1/admin/content/home.hero",
        json={"locale": "en", "title": "Changed", "body": "x", "published": True},
        headers=editor,
    )
    changed = await client.get("/api/v1/content/public", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_unpublished_blocks_stay_private_and_arabic_falls_back_to_english(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    await client.put(
        "/api/v1/admin/content/home.draft",
        json={"locale": "en", "title": "Secret", "body": "", "published": False},
        headers=editor,
    )
    await client.put(
        "/api/v1/admin/content/home.cta",
        json={"locale": "en", "title": "Start now", "body": "", "published": True},
        headers=editor,
    )
    await client.put(
        "/api/v1/admin/content/home.title",
        json={"locale": "ar", "title": "الفوترة الإلكترونية", "body": "", "published": True},
        headers=editor,
    )
    arabic = (await client.get("/api/v1/content/public", params={"locale": "ar"})).json()
    assert "home.draft" not in arabic["blocks"]
    assert arabic["blocks"]["home.cta"]["title"] == "Start now"
    assert arabic["blocks"]["home.title"]["title"] == "الفوترة الإلكترونية"


async def test_scripts_and_event_handlers_are_stripped(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    response = await client.put(
        "/api/v1/admin/content/home.xss",
        json={
            "locale": "en",
            "body_format": "html",
            "body": '<p onclick="steal()">Hi<script>alert(1)</script><a href="javascript:x()">l</a></p>',
            "published": True,
        },
        headers=editor,
    )
    html = response.json()["body_html"]
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "Hi" in html


async def test_history_and_restore_create_a_new_version(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    for title in ("v1", "v2", "v3"):
        await client.put(
            "/api/v1/admin/content/about",
            json={"locale": "en", "title": title, "body": title, "published": True},
            headers=editor,
        )
    history = (await client.get("/api/v1/admin/content/about/history", headers=editor)).json()
    assert [h["version"] for h in history] == [3, 2, 1]
    restored = await client.post(
        "/api/v1/admin/content/about/restore", json={"locale": "en", "version": 1}, headers=editor
    )
    assert restored.status_code == 200
    assert restored.json()["title"] == "v1"
    assert restored.json()["version"] == 4
    history = (await client.get("/api/v1/admin/content/about/history", headers=editor)).json()
    assert history[0]["restored_from"] == 1
    missing = await client.post(
        "/api/v1/admin/content/about/restore", json={"locale": "en", "version": 99}, headers=editor
    )
    assert missing.status_code == 404


async def test_only_super_admins_edit_content(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    company_admin = await _company_admin(db_session)
    response = await client.put(
        "/api/v1/admin/content/home.hero",
        json={"locale": "en", "title": "Defaced", "body": "", "published": True},
        headers=auth_headers(settings, company_admin),
    )
    assert response.status_code == 403
    anonymous = await client.put(
        "/api/v1/admin/content/home.hero", json={"locale": "en", "title": "x"}
    )
    assert anonymous.status_code == 401


async def test_bad_key_and_locale_are_refused(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    bad_key = await client.put(
        "/api/v1/admin/content/Bad Key!", json={"locale": "en", "title": "x"}, headers=editor
    )
    assert bad_key.status_code == 422
    bad_locale = await client.put(
        "/api/v1/admin/content/home.hero", json={"locale": "fr", "title": "x"}, headers=editor
    )
    assert bad_locale.status_code == 422
    assert "locale" in bad_locale.json()["error"]["message"]
