"""Sign-in, MFA, sessions, sign-up and passwords in the browser, against a live server."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

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
    SUPPLIER_ADMIN,
    Api,
    current_totp,
    emailed_code,
    emailed_link,
    new_team_user,
    post_anonymous,
    previous_totp_step,
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
    return seeded_account(live_server, SUPPLIER_ADMIN, demo_password)


@pytest.fixture(scope="module")
def super_admin(live_server: str, demo_password: str) -> Api:
    return seeded_account(live_server, SUPER_ADMIN, demo_password)


def fill_sign_in(page: Page, email: str, password: str) -> None:
    form = page.get_by_test_id("login-form")
    form.get_by_label(text("en", "fields.email")).fill(email)
    form.locator("input[type=password]").fill(password)
    form.get_by_role("button", name=text("en", "auth.login.submit")).click()


def test_sign_in_with_totp_and_backup_code(
    page: Page,
    live_server: str,
    supplier_admin: Api,
    super_admin: Api,
    page_problems: PageProblems,
) -> None:
    email, password = new_team_user(live_server, supplier_admin, super_admin)
    user = Api.login(live_server, email, password)
    secret = user.post("/auth/mfa/totp/setup")["secret"]
    backup_codes = user.post("/auth/mfa/totp/enable", json={"code": previous_totp_step(secret)})[
        "backup_codes"
    ]

    page.goto("/invoices?status=DRAFT")
    # No session: sign-in, remembering the page.
    expect(page).to_have_url(re.compile(r"/login\?"))
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/invoices?status=DRAFT"]
    assert_accessible(page)
    fill_sign_in(page, email, password)

    mfa = page.get_by_test_id("mfa-step")
    expect(mfa).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "auth.mfa.title"))
    assert_accessible(page)
    screenshot(page, "auth-mfa-step")
    mfa.get_by_label(text("en", "auth.mfa.codeLabel.totp")).fill(current_totp(secret))
    mfa.get_by_role("button", name=text("en", "auth.mfa.verify")).click()

    expect(page).to_have_url(re.compile(r"/invoices\?status=DRAFT$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "invoices.list.title"))
    # The access token lives in memory only; a reload restores the session from the cookie.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "invoices.list.title"))
    assert (
        page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)").count("eyJ")
        == 0
    ), "a token was written to web storage"

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    fill_sign_in(page, email, password)
    page.get_by_test_id("mfa-step").get_by_text(text("en", "auth.mfa.methods.backup_code")).click()
    page.get_by_role("textbox", name=text("en", "auth.mfa.codeLabel.backup_code")).fill(
        backup_codes[0]
    )
    page.get_by_role("button", name=text("en", "auth.mfa.verify")).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    assert page_problems.errors == []
    assert page_problems.external_requests == []


def test_sign_in_with_an_emailed_code(
    page: Page, live_server: str, supplier_admin: Api, super_admin: Api
) -> None:
    email, password = new_team_user(live_server, supplier_admin, super_admin)
    user = Api.login(live_server, email, password)
    assert user.post("/auth/mfa/email/enable", json={})["status"] == "code_sent"
    enabled = user.post("/auth/mfa/email/enable", json={"code": emailed_code(super_admin, email)})
    assert enabled["status"] == "enabled"

    page.goto("/login")
    fill_sign_in(page, email, password)
    mfa = page.get_by_test_id("mfa-step")
    # E-mail is this user's only method: the code went out with the password step.
    code_input = mfa.get_by_role("textbox", name=text("en", "auth.mfa.codeLabel.email"))
    expect(code_input).to_be_visible()
    mfa.get_by_role("button", name=text("en", "auth.mfa.sendEmail")).click()
    expect(mfa.get_by_text(text("en", "auth.mfa.emailSent"))).to_be_visible()
    new_code = emailed_code(super_admin, email)
    code_input.fill(new_code)
    mfa.get_by_role("button", name=text("en", "auth.mfa.verify")).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_a_session_that_cannot_be_refreshed_returns_to_sign_in_and_back(
    page: Page, live_server: str, supplier_admin: Api, super_admin: Api
) -> None:
    email, password = new_team_user(live_server, supplier_admin, super_admin)
    sign_in_through_api(page, email, password)
    page.goto("/invoices")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "invoices.list.title"))
    page.wait_for_load_state("networkidle")  # the list's own requests are done

    # Elsewhere, the user signs out everywhere: the page's access token and cookie stop working.
    Api.login(live_server, email, password).post("/auth/logout-all", expected=204)
    page.get_by_role("link", name=text("en", "nav.customers")).click()

    expect(page.get_by_test_id("session-expired")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["next"] == ["/customers"]
    fill_sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/customers$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "customers.title"))


def test_a_forbidden_page_shows_why(
    page: Page, live_server: str, supplier_admin: Api, super_admin: Api
) -> None:
    email, password = new_team_user(live_server, supplier_admin, super_admin)
    sign_in_through_api(page, email, password)
    page.goto("/dashboard")
    nav = page.get_by_role("navigation", name=text("en", "layout.mainNavigation"))
    expect(nav.get_by_role("link", name=text("en", "nav.invoices"))).to_be_visible()
    # A finance user has no team management: no link, and the page itself explains the 403.
    expect(nav.get_by_role("link", name=text("en", "nav.team"))).to_have_count(0)
    api_message = (
        Api.login(live_server, email, password).request("GET", "/users").json()["error"]["message"]
    )

    page.goto("/team")
    alert = page.get_by_test_id("api-error")
    expect(alert).to_contain_text(text("en", "errors.forbidden"))
    expect(alert).to_contain_text(api_message)
    expect(page.get_by_test_id("invite-user")).to_have_count(0)
    assert_accessible(page)


def test_company_sign_up_then_forced_mfa_enrolment(
    page: Page, live_server: str, super_admin: Api
) -> None:
    trn = unique_trn()
    admin_email = unique_email("owner")
    page.goto("/")
    page.get_by_test_id("register-link").click()
    form = page.get_by_test_id("register-form")
    expect(form).to_be_visible()
    assert_accessible(page)

    form.get_by_label(text("en", "fields.legalName")).fill("Falcon Logistics LLC")
    trn_input = form.get_by_label(text("en", "fields.trn"))
    trn_input.fill("1234")
    phone = form.get_by_label(text("en", "fields.phone"))
    phone.fill("12345")
    phone.blur()
    # The shared rules (lib/validation-rules.json) explain a bad value once the field is left.
    expect(form.get_by_text(text("en", "validation.trn.format"))).to_be_visible()
    expect(form.get_by_text(text("en", "validation.phone.format"))).to_be_visible()
    trn_input.fill(f"{trn[:3]} {trn[3:9]} {trn[9:]}")
    phone.fill("050 123 4567")
    expect(form.get_by_text(text("en", "validation.phone.format"))).to_have_count(0)
    form.get_by_label(text("en", "fields.companyEmail")).fill(unique_email("accounts"))
    form.get_by_label(text("en", "fields.addressLine1")).fill("Office 12, Al Quoz 3")
    form.get_by_label(text("en", "fields.city")).fill("Dubai")
    form.get_by_label(text("en", "fields.emirate")).click()
    page.get_by_role("option", name=text("en", "emirates.DXB")).click()
    form.get_by_label(text("en", "fields.registrationId")).fill("DED-123456")
    form.get_by_label(text("en", "fields.issuingAuthority")).fill(
        "Department of Economy and Tourism"
    )
    form.get_by_label(text("en", "fields.fullName")).fill("Mariam Khalid")
    form.get_by_label(text("en", "fields.adminEmail")).fill(admin_email)
    password = form.locator("input[type=password]")
    password.fill("short")
    strength = form.get_by_test_id("password-strength")
    expect(strength).to_contain_text(text("en", "password.strength.veryWeak"))
    password.fill(NEW_PASSWORD)
    expect(strength).to_contain_text(text("en", "password.strength.strong"))
    screenshot(page, "auth-register-filled")
    form.get_by_role("button", name=text("en", "auth.register.submit")).click()

    pending = page.get_by_test_id("registration-pending")
    expect(pending).to_contain_text(text("en", "auth.register.pendingTitle"))
    expect(pending).to_contain_text("Falcon Logistics LLC")
    assert_accessible(page)

    # Before approval, sign-in is refused (403) and the page says why, in the API's words.
    page.goto("/login")
    fill_sign_in(page, admin_email, NEW_PASSWORD)
    refused = page.get_by_test_id("api-error")
    expect(refused).to_contain_text(text("en", "errors.forbidden"))
    reason = post_anonymous(
        live_server, "/auth/login", {"email": admin_email, "password": NEW_PASSWORD}
    )
    assert reason.status_code == 403
    expect(refused).to_contain_text(reason.json()["error"]["message"])

    (company,) = super_admin.get("/admin/companies", params={"q": trn})["items"]
    super_admin.post(f"/admin/companies/{company['id']}/approve")
    owner = Api.login(live_server, admin_email, NEW_PASSWORD)
    owner.patch("/company", json={"mfa_required": True})

    fill_sign_in(page, admin_email, NEW_PASSWORD)
    # The company requires MFA and this user has none: held on the enrolment page.
    expect(page.get_by_test_id("mfa-required")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account/security\?required=1"))
    page.get_by_role("button", name=text("en", "auth.security.totpStart")).click()
    setup = page.get_by_test_id("totp-setup")
    qr = setup.get_by_role("img", name=text("en", "auth.security.qrAlt"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
    screenshot(page, "auth-mfa-enrolment-qr")
    secret = setup.get_by_test_id("totp-secret").inner_text().strip()
    setup.get_by_label(text("en", "auth.security.totpCode")).fill(current_totp(secret))
    setup.get_by_role("button", name=text("en", "auth.security.totpConfirm")).click()

    codes = page.get_by_test_id("backup-code")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c.strip()) for c in codes.all_inner_texts())
    screenshot(page, "auth-backup-codes")
    done = page.get_by_role("button", name=text("en", "common.done"))
    expect(done).to_be_disabled()
    page.get_by_label(text("en", "auth.security.backupSaved")).check()
    done.click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_forgot_and_reset_password(
    page: Page, live_server: str, supplier_admin: Api, super_admin: Api
) -> None:
    email, _ = new_team_user(live_server, supplier_admin, super_admin)
    page.goto("/login")
    page.get_by_role("link", name=text("en", "auth.login.forgot")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("en", "auth.forgot.title"))
    page.get_by_label(text("en", "fields.email")).fill(email)
    assert_accessible(page)
    page.get_by_role("button", name=text("en", "auth.forgot.submit")).click()
    expect(page.get_by_text(text("en", "auth.forgot.sentTitle"))).to_be_visible()

    link = emailed_link(super_admin, email, "/reset-password")
    page.goto(link)
    # The token is read from the fragment and removed from the address bar.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("en", "auth.newPassword.resetTitle")
    )
    expect(page).to_have_url(re.compile(r"/reset-password$"))
    new_password = "Desert-Rose-7731?"
    page.get_by_label(text("en", "auth.newPassword.password")).fill(new_password)
    page.get_by_label(text("en", "auth.newPassword.confirm")).fill(new_password)
    assert_accessible(page)
    page.get_by_role("button", name=text("en", "auth.newPassword.submitReset")).click()
    expect(page.get_by_test_id("password-set")).to_be_visible()

    page.get_by_role("link", name=text("en", "auth.newPassword.signIn")).click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    fill_sign_in(page, email, new_password)
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_team_invite_set_password_role_and_deactivate(
    page: Page, live_server: str, demo_password: str, super_admin: Api, supplier_admin: Api
) -> None:
    sign_in_through_api(page, SUPPLIER_ADMIN, demo_password)
    page.goto("/team")
    page.get_by_test_id("invite-user").click()
    dialog = page.get_by_role("dialog")
    email = unique_email("colleague")
    dialog.get_by_label(text("en", "fields.fullName")).fill("Yousef Al Amiri")
    dialog.get_by_label(text("en", "fields.email")).fill(email)
    assert_accessible(page)
    dialog.get_by_role("button", name=text("en", "team.sendInvite")).click()
    expect(dialog).to_have_count(0)
    row = page.get_by_test_id("team-row").filter(has_text=email)
    expect(row).to_contain_text(text("en", "team.status.invited"))
    assert_accessible(page)
    screenshot(page, "team-invited")

    # The invited colleague opens the e-mailed link in another browser session.
    invitee = page.context.browser
    assert invitee is not None
    other = invitee.new_context(base_url=live_server)
    try:
        tab = other.new_page()
        tab.goto(emailed_link(super_admin, email, "/set-password"))
        expect(tab.get_by_role("heading", level=1)).to_have_text(
            text("en", "auth.newPassword.inviteTitle")
        )
        tab.get_by_label(text("en", "auth.newPassword.password")).fill(NEW_PASSWORD)
        tab.get_by_label(text("en", "auth.newPassword.confirm")).fill(NEW_PASSWORD)
        tab.get_by_role("button", name=text("en", "auth.newPassword.submitInvite")).click()
        expect(tab.get_by_test_id("password-set")).to_be_visible()
    finally:
        other.close()

    page.reload()
    row = page.get_by_test_id("team-row").filter(has_text=email)
    expect(row).to_contain_text(text("en", "team.status.active"))
    row.get_by_label(text("en", "team.roleOf").replace("{{name}}", "Yousef Al Amiri")).click()
    page.get_by_role("option", name=text("en", "roles.COMPANY_ADMIN")).click()
    row.get_by_role(
        "button", name=text("en", "team.actionsFor").replace("{{name}}", "Yousef Al Amiri")
    ).click()
    page.get_by_role("menuitem", name=text("en", "team.deactivate")).click()
    expect(row).to_contain_text(text("en", "team.status.inactive"))

    (stored,) = [u for u in supplier_admin.get("/users")["items"] if u["email"] == email]
    assert stored["role"] == "COMPANY_ADMIN"
    assert stored["is_active"] is False


@pytest.mark.parametrize("path", ["/login", "/register", "/forgot-password"])
def test_sign_in_pages_in_arabic_are_right_to_left_and_accessible(page: Page, path: str) -> None:
    use_language(page, "ar")
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    assert heading.inner_text() in {
        text("ar", "auth.login.title"),
        text("ar", "auth.register.title"),
        text("ar", "auth.forgot.title"),
    }
    # Right-to-left: the form's labels start at the right edge of their fields.
    label = page.locator("label").first
    field = page.locator("input").first
    label_box, field_box = label.bounding_box(), field.bounding_box()
    assert label_box is not None
    assert field_box is not None
    assert abs((label_box["x"] + label_box["width"]) - (field_box["x"] + field_box["width"])) < 4
    assert_accessible(page)
    screenshot(page, f"auth-ar-{path.strip('/')}")
