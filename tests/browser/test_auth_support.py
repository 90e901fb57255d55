"""Helpers for the browser tests of the web app (no tests here): API calls that set the scene,
the demo password, e-mails from the outbox, texts from the locale files.

The scene is set through the API (users, TOTP enrolment, invoices) so each browser test drives
only the screens it is about. Every test makes its own users where it changes them (MFA, sessions,
passwords), so the seeded demo accounts stay as other tests expect them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

LOCALES = Path(__file__).resolve().parents[2] / "frontend" / "src" / "locales"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SUPPLIER_ADMIN = "admin@demo-trading.ae"
SUPER_ADMIN = "superadmin@involinks.local"
# Meets every rule of src/involinks/auth/password_rules.json.
NEW_PASSWORD = "Gulf-Ledger-2026!"
# The API calls that set the scene come from another loopback address than the browser: sign-in
# is rate limited per client address (auth/limits.py, 30 in 5 minutes), and the browser tests
# of the whole suite share the browser's budget.
SCENE_ADDRESS = "127.0.0.2"


@cache
def _client() -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(local_address=SCENE_ADDRESS, retries=1), timeout=30
    )


@cache
def text(language: str, key: str) -> str:
    """A translated text from the locale files the app ships, e.g. text("en", "nav.invoices")."""
    node: Any = json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    for part in key.split("."):
        node = node[part]
    assert isinstance(node, str), key
    return node


def find_demo_password(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The password `involinks seed-demo` gave the demo accounts of the live server.

    The live_server fixture keeps it in its data folder (demo-credentials.json); against an
    external server (INVOLINKS_LIVE_URL) it comes from INVOLINKS_DEMO_PASSWORD.
    """
    given = os.environ.get("INVOLINKS_DEMO_PASSWORD")
    if given:
        return given
    found = sorted(tmp_path_factory.getbasetemp().glob("live_server*/data/demo-credentials.json"))
    if not found:
        pytest.fail("no demo-credentials.json of the live server; set INVOLINKS_DEMO_PASSWORD")
    password: str = json.loads(found[-1].read_text())["password"]
    return password


def unique_trn() -> str:
    """A valid UAE TRN nobody else uses: 1, twelve random digits, 03."""
    return "1" + "".join(secrets.choice("0123456789") for _ in range(12)) + "03"


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.ae"


@dataclass
class Api:
    """The API as one signed-in user (bearer token), for setting up and checking a test."""

    base_url: str
    token: str

    @classmethod
    def login(cls, base_url: str, email: str, password: str) -> Api:
        response = _client().post(
            f"{base_url}/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "access_token" in body, f"sign-in of {email} needs MFA: {body}"
        return cls(base_url, body["access_token"])

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return _client().request(method, f"{self.base_url}/api/v1{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.request("GET", path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.request("POST", path, **kwargs)
        assert response.status_code == expected, response.text
        return response.json() if response.content else None

    def patch(self, path: str, **kwargs: Any) -> Any:
        response = self.request("PATCH", path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()


@cache
def seeded_account(base_url: str, email: str, password: str) -> Api:
    """A demo account's API session, signed in once per test run (tokens outlive the run)."""
    return Api.login(base_url, email, password)


def post_anonymous(base_url: str, path: str, body: dict[str, Any]) -> httpx.Response:
    """An API call without a session (sign-in attempts, password links), from the scene address."""
    return _client().post(f"{base_url}/api/v1{path}", json=body)


def emailed_link(super_admin: Api, to: str, path: str) -> str:
    """The newest link to `path` (e.g. "/set-password") in the e-mails sent to `to`."""
    messages = super_admin.get("/admin/outbox", params={"to": to, "page_size": 20})["items"]
    pattern = re.compile(re.escape(path) + r"#token=[A-Za-z0-9_\-.~%]+")
    for message in sorted(messages, key=lambda m: m["created_at"], reverse=True):
        found = pattern.search(message["text_body"])
        if found:
            return found.group(0)
    raise AssertionError(f"no e-mail to {to} holds a {path} link")


def emailed_code(super_admin: Api, to: str) -> str:
    """The newest 6-digit verification code e-mailed to `to`."""
    messages = super_admin.get("/admin/outbox", params={"to": to, "page_size": 20})["items"]
    for message in sorted(messages, key=lambda m: m["created_at"], reverse=True):
        found = re.search(r"^\s+([0-9]{6})\s*$", message["text_body"], re.MULTILINE)
        if found and "verification code" in message["subject"]:
            return found.group(1)
    raise AssertionError(f"no verification code was e-mailed to {to}")


def new_team_user(
    base_url: str, admin: Api, super_admin: Api, *, role: str = "FINANCE_USER"
) -> tuple[str, str]:
    """Invites a user into the admin's company and sets the password from the e-mailed link."""
    email = unique_email("user")
    admin.post(
        "/users", expected=201, json={"email": email, "full_name": "Test User", "role": role}
    )
    token = emailed_link(super_admin, email, "/set-password").split("#token=", 1)[1]
    response = _client().post(
        f"{base_url}/api/v1/auth/set-password", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204, response.text
    return email, NEW_PASSWORD


def previous_totp_step(secret: str) -> str:
    """A code of the previous 30-second step: still accepted (one step of drift), and it leaves
    the current step free for the sign-in that follows (each step is accepted once)."""
    import pyotp  # the API's own dependency

    return str(pyotp.TOTP(secret).at(time.time() - 30))


def current_totp(secret: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).now())


def sign_in_through_api(page: Page, email: str, password: str) -> None:
    """Signs the browser context in without the form: the refresh cookie lands in the context
    and the app restores the session from it on the next page load."""
    response = page.request.post("/api/v1/auth/login", data={"email": email, "password": password})
    assert response.ok, response.text()
    assert "access_token" in response.json()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def use_language(page: Page, language: str) -> None:
    """The language the app starts in (its stored preference)."""
    page.add_init_script(f"localStorage.setItem('involinks.language', {json.dumps(language)})")
