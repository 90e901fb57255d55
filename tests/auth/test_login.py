from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.passwords import hash_password, hash_rounds
from involinks.auth.permissions import Role
from involinks.auth.tokens import decode_access_token
from involinks.companies.models import CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from tests.auth.conftest import FakeClock, audit_actions
from tests.factories import DEFAULT_PASSWORD, create_company, create_user

LOGIN = "/api/v1/auth/login"


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def test_login_returns_tokens_and_sets_refresh_cookie(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    company = await create_company(db_session)
    user = await create_user(db_session, company=company, role=Role.FINANCE_USER)

    response = await _login(client, user.email.upper(), DEFAULT_PASSWORD)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["mfa_required"] is False
    assert body["mfa_enrolment_required"] is False
    claims = decode_access_token(settings, body["access_token"])
    assert claims.user_id == user.id
    assert claims.role is Role.FINANCE_USER
    assert claims.company_id == company.id
    cookie = response.headers["set-cookie"]
    assert f"involinks_refresh={body['refresh_token']}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    assert "Path=/api/v1/auth" in cookie
    assert "Secure" not in cookie  # plain http test server
    assert "auth.login" in await audit_actions(db_session, user.id)


async def test_access_token_lifetime_is_short(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    body = (await _login(client, user.email, DEFAULT_PASSWORD)).json()
    claims = decode_access_token(settings, body["access_token"])
    raw = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert raw["exp"] - raw["iat"] == settings.access_token_minutes * 60
    assert claims.token_version == 0


async def test_secure_cookie_when_public_url_is_https(
    client: httpx.AsyncClient, db_session: AsyncSession, app: object, settings: Settings
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"public_base_url": "https://app.involinks.ae"}
    )
    response = await _login(client, user.email, DEFAULT_PASSWORD)
    assert "Secure" in response.headers["set-cookie"]


async def test_wrong_password_and_unknown_email_get_the_same_401(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))

    wrong = await _login(client, user.email, "Not-The-Password-1!")
    unknown = await _login(client, "nobody@example.ae", "Not-The-Password-1!")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]
    assert "set-cookie" not in wrong.headers
    # The failure is committed even though the request was refused.
    with tenancy.system_scope(db_session):
        await db_session.refresh(user)
    assert user.failed_login_count == 1
    assert "auth.login_failed" in await audit_actions(db_session, user.id)


@pytest.mark.parametrize(
    ("status", "fragment"),
    [
        (CompanyStatus.PENDING_APPROVAL, "awaiting approval"),
        (CompanyStatus.REJECTED, "rejected: Trade licence expired"),
        (CompanyStatus.SUSPENDED, "suspended: Trade licence expired"),
    ],
)
async def test_users_of_inactive_companies_cannot_log_in(
    client: httpx.AsyncClient, db_session: AsyncSession, status: CompanyStatus, fragment: str
) -> None:
    company = await create_company(db_session, status=status)
    with tenancy.system_scope(db_session):
        company.status_reason = "Trade licence expired"
        await db_session.flush()
    user = await create_user(db_session, company=company)

    response = await _login(client, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "company_not_active"
    assert error["details"]["company_status"] == status.value
    assert fragment in error["message"]
    assert "set-cookie" not in response.headers


async def test_wrong_password_for_pending_company_does_not_reveal_status(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    company = await create_company(db_session, status=CompanyStatus.PENDING_APPROVAL)
    user = await create_user(db_session, company=company)
    response = await _login(client, user.email, "Wrong-Password-123!")
    assert response.status_code == 401


async def test_deactivated_user_is_refused(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await create_user(db_session, company=await create_company(db_session), is_active=False)
    response = await _login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"


async def test_ten_wrong_passwords_lock_the_account_until_the_lock_expires(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))

    for attempt in range(1, 10):
        response = await _login(client, user.email, f"Wrong-Password-{attempt}!")
        assert response.status_code == 401, attempt
    tenth = await _login(client, user.email, "Wrong-Password-10!")

    assert tenth.status_code == 423
    assert tenth.headers["Retry-After"] == str(15 * 60)
    expected_until = clock.now + timedelta(minutes=15)
    assert tenth.json()["error"]["details"]["locked_until"] == expected_until.isoformat()
    assert expected_until.strftime("%H:%M") in tenth.json()["error"]["message"]

    # Even the right password is refused while locked, and the wait shrinks as time passes.
    clock.advance(timedelta(minutes=10))
    locked = await _login(client, user.email, DEFAULT_PASSWORD)
    assert locked.status_code == 423
    assert locked.headers["Retry-After"] == str(5 * 60)

    clock.advance(timedelta(minutes=5))
    unlocked = await _login(client, user.email, DEFAULT_PASSWORD)
    assert unlocked.status_code == 200, unlocked.text
    with tenancy.system_scope(db_session):
        await db_session.refresh(user)
    assert user.locked_until is None
    assert user.failed_login_count == 0
    assert "auth.account_locked" in await audit_actions(db_session, user.id)


async def test_success_resets_the_failure_count(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    for _ in range(9):
        assert (await _login(client, user.email, "Wrong-Password-1!")).status_code == 401
    assert (await _login(client, user.email, DEFAULT_PASSWORD)).status_code == 200
    for _ in range(9):
        assert (await _login(client, user.email, "Wrong-Password-1!")).status_code == 401


async def test_login_attempts_per_ip_are_rate_limited(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock
) -> None:
    # 30 attempts per 5 minutes per address (auth/limits.py); unknown e-mails, so no lockout.
    for n in range(30):
        response = await _login(client, f"nobody{n}@example.ae", "Wrong-Password-1!")
        assert response.status_code == 401
    refused = await _login(client, "nobody@example.ae", "Wrong-Password-1!")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "300"
    assert refused.json()["error"]["code"] == "rate_limited"

    clock.advance(timedelta(minutes=5))
    assert (await _login(client, "nobody@example.ae", "Wrong-Password-1!")).status_code == 401


async def test_company_requiring_mfa_flags_enrolment(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    company = await create_company(db_session)
    with tenancy.system_scope(db_session):
        company.mfa_required = True
        await db_session.flush()
    user = await create_user(db_session, company=company)

    body = (await _login(client, user.email, DEFAULT_PASSWORD)).json()

    assert body["access_token"]
    assert body["mfa_enrolment_required"] is True
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["mfa_enrolment_required"] is True


async def test_me_returns_user_and_company(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    company = await create_company(db_session, plan_code="PRO")
    user = await create_user(db_session, company=company, full_name="Aisha Rahman")
    token = (await _login(client, user.email, DEFAULT_PASSWORD)).json()["access_token"]

    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.json() == {
        "user": {
            "id": str(user.id),
            "email": user.email,
            "full_name": "Aisha Rahman",
            "role": "COMPANY_ADMIN",
            "mfa_enabled": False,
            "mfa_methods": [],
            "backup_codes_remaining": 0,
        },
        "company": {
            "id": str(company.id),
            "legal_name": company.legal_name,
            "trn": company.trn,
            "status": "ACTIVE",
            "plan_code": "PRO",
            "mfa_required": False,
        },
        "mfa_enrolment_required": False,
    }


async def test_super_admin_logs_in_without_company(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    body = (await _login(client, admin.email, DEFAULT_PASSWORD)).json()
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["company"] is None
    assert me.json()["user"]["role"] == "SUPER_ADMIN"


async def test_hash_is_upgraded_to_the_configured_cost(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    with tenancy.system_scope(db_session):
        user.password_hash = hash_password(DEFAULT_PASSWORD, rounds=5)
        await db_session.flush()

    assert (await _login(client, user.email, DEFAULT_PASSWORD)).status_code == 200

    with tenancy.system_scope(db_session):
        refreshed = await db_session.get(User, user.id, populate_existing=True)
    assert refreshed is not None
    assert hash_rounds(refreshed.password_hash) == settings.bcrypt_rounds


async def test_malformed_body_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGIN, json={"email": "a@b.ae"})
    assert response.status_code == 422
