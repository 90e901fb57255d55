"""Access tokens, refresh rotation with reuse detection, and every way a session ends."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import RefreshToken, User
from involinks.auth.permissions import Role
from involinks.auth.tokens import create_access_token
from involinks.companies.models import CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from tests.auth.conftest import FakeClock, audit_actions
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_company, create_user

ME = "/api/v1/me"
REFRESH = "/api/v1/auth/refresh"


async def _signed_in(
    client: httpx.AsyncClient, session: AsyncSession
) -> tuple[User, dict[str, str]]:
    user = await create_user(session, company=await create_company(session))
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    client.cookies.clear()  # tests pass refresh tokens explicitly unless they test the cookie
    tokens: dict[str, str] = response.json()
    return user, tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# --- access tokens ------------------------------------------------------------------------------


async def test_valid_access_token_is_accepted(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    _user, tokens = await _signed_in(client, db_session)
    assert (await client.get(ME, headers=_bearer(tokens["access_token"]))).status_code == 200


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_tampered_token_is_401(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    _user, tokens = await _signed_in(client, db_session)
    header, payload, signature = tokens["access_token"].split(".")
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    claims["role"] = "SUPER_ADMIN"  # privilege escalation attempt, signature kept
    forged = f"{header}.{_b64(claims)}.{signature}"
    assert (await client.get(ME, headers=_bearer(forged))).status_code == 401
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert (
        await client.get(ME, headers=_bearer(f"{header}.{payload}.{flipped}"))
    ).status_code == 401


async def test_token_signed_with_another_key_is_401(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "company_id": str(user.company_id),
        "ver": 0,
        "typ": "access",
        "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
    }
    other = jwt.encode(claims, "some-other-secret-key-that-is-long-enough", algorithm="HS256")
    assert (await client.get(ME, headers=_bearer(other))).status_code == 401


async def test_expired_token_is_401(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    issued = datetime.now(UTC) - timedelta(minutes=settings.access_token_minutes + 1)
    token = create_access_token(
        settings,
        user_id=user.id,
        role=user.role,
        company_id=user.company_id,
        token_version=0,
        now=issued,
    )
    response = await client.get(ME, headers=_bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


async def test_alg_none_token_is_401(client: httpx.AsyncClient, db_session: AsyncSession) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "company_id": str(user.company_id),
        "ver": 0,
        "typ": "access",
        "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
    }
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert (await client.get(ME, headers=_bearer(unsigned))).status_code == 401


async def test_access_token_of_a_user_moved_to_another_company_is_401(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    """The user is looked up in the company the token names: once they belong elsewhere, the
    token (and the company it names) grants nothing."""
    user = await create_user(db_session, company=await create_company(db_session))
    headers = auth_headers(settings, user)
    assert (await client.get(ME, headers=headers)).status_code == 200
    other = await create_company(db_session)
    with tenancy.system_scope(db_session):
        user.company_id = other.id
        await db_session.flush()
    response = await client.get(ME, headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


async def test_access_token_refused_once_company_is_suspended(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    company = await create_company(db_session)
    headers = auth_headers(settings, await create_user(db_session, company=company))
    assert (await client.get(ME, headers=headers)).status_code == 200
    with tenancy.system_scope(db_session):
        company.status = CompanyStatus.SUSPENDED
        await db_session.flush()
    response = await client.get(ME, headers=headers)
    assert response.status_code == 403
    assert "not active" in response.json()["error"]["message"]


async def test_super_admin_access_token_is_accepted(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    response = await client.get(ME, headers=auth_headers(settings, admin))
    assert response.status_code == 200, response.text


async def test_mfa_step_token_is_not_an_access_token(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    from involinks.auth.tokens import MFA_PENDING, create_purpose_token

    user = await create_user(db_session, company=await create_company(db_session))
    token = create_purpose_token(settings, subject=str(user.id), purpose=MFA_PENDING, minutes=5)
    assert (await client.get(ME, headers=_bearer(token))).status_code == 401


# --- refresh rotation ---------------------------------------------------------------------------


async def test_refresh_rotates_and_old_token_cannot_be_used_again(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    _user, first = await _signed_in(client, db_session)

    rotated = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})

    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get(ME, headers=_bearer(second["access_token"]))).status_code == 200
    assert "involinks_refresh=" in rotated.headers["set-cookie"]
    client.cookies.clear()
    third = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200


async def test_refresh_token_is_stored_only_as_sha256(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user, tokens = await _signed_in(client, db_session)
    stored = (
        await db_session.execute(sa.select(RefreshToken).where(RefreshToken.user_id == user.id))
    ).scalar_one()
    assert stored.token_hash == hashlib.sha256(tokens["refresh_token"].encode()).hexdigest()


async def test_reusing_a_spent_refresh_token_revokes_the_family(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user, first = await _signed_in(client, db_session)
    second = (await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})).json()
    client.cookies.clear()

    # An attacker replays the first token: refused, and the legitimate successor dies with it.
    replay = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert "involinks_refresh=" in replay.headers["set-cookie"]  # cookie cleared
    successor = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert successor.status_code == 401
    assert "auth.refresh_token_reused" in await audit_actions(db_session, user.id)


async def test_reuse_revokes_only_that_family(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    login = {"email": user.email, "password": DEFAULT_PASSWORD}
    laptop = (await client.post("/api/v1/auth/login", json=login)).json()
    phone = (await client.post("/api/v1/auth/login", json=login)).json()
    client.cookies.clear()
    await client.post(REFRESH, json={"refresh_token": laptop["refresh_token"]})
    client.cookies.clear()
    await client.post(REFRESH, json={"refresh_token": laptop["refresh_token"]})  # reuse
    client.cookies.clear()
    assert (
        await client.post(REFRESH, json={"refresh_token": phone["refresh_token"]})
    ).status_code == 200


async def test_refresh_from_cookie(client: httpx.AsyncClient, db_session: AsyncSession) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    login = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    cookie = login.cookies["involinks_refresh"]
    client.cookies.clear()

    response = await client.post(REFRESH, headers={"Cookie": f"involinks_refresh={cookie}"})

    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] != cookie


async def test_refresh_without_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.post(REFRESH)).status_code == 401


async def test_unknown_refresh_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(REFRESH, json={"refresh_token": "not-a-real-token"})
    assert response.status_code == 401


async def test_expired_refresh_token_is_401(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock, settings: Settings
) -> None:
    _user, tokens = await _signed_in(client, db_session)
    clock.advance(timedelta(days=settings.refresh_token_days, seconds=1))
    response = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401


async def test_refresh_refused_once_company_is_suspended(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user, tokens = await _signed_in(client, db_session)
    with tenancy.system_scope(db_session):
        from involinks.companies.models import Company

        company = await db_session.get(Company, user.company_id)
        assert company is not None
        company.status = CompanyStatus.SUSPENDED
        await db_session.flush()
    response = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "company_not_active"


# --- ending sessions ----------------------------------------------------------------------------


async def test_logout_revokes_the_refresh_token(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    _user, tokens = await _signed_in(client, db_session)
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 204
    assert 'involinks_refresh=""' in response.headers["set-cookie"]
    refused = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401


async def test_logout_with_cookie(client: httpx.AsyncClient, db_session: AsyncSession) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    login = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    cookie = login.cookies["involinks_refresh"]
    client.cookies.clear()
    await client.post("/api/v1/auth/logout", headers={"Cookie": f"involinks_refresh={cookie}"})
    client.cookies.clear()
    assert (await client.post(REFRESH, json={"refresh_token": cookie})).status_code == 401


async def test_logout_all_kills_refresh_and_access_tokens(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    login = {"email": user.email, "password": DEFAULT_PASSWORD}
    laptop = (await client.post("/api/v1/auth/login", json=login)).json()
    phone = (await client.post("/api/v1/auth/login", json=login)).json()
    client.cookies.clear()

    response = await client.post("/api/v1/auth/logout-all", headers=_bearer(laptop["access_token"]))

    assert response.status_code == 204
    for device in (laptop, phone):
        assert (await client.get(ME, headers=_bearer(device["access_token"]))).status_code == 401
        refused = await client.post(REFRESH, json={"refresh_token": device["refresh_token"]})
        assert refused.status_code == 401
    assert "auth.logout_all" in await audit_actions(db_session, user.id)


async def test_logout_all_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/logout-all")).status_code == 401


async def test_change_password_revokes_other_sessions_and_returns_new_ones(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user, old = await _signed_in(client, db_session)
    new_password = "Brand-New-Secret-77"

    response = await client.post(
        "/api/v1/auth/change-password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": new_password},
        headers=_bearer(old["access_token"]),
    )

    assert response.status_code == 200, response.text
    fresh = response.json()
    assert (await client.get(ME, headers=_bearer(old["access_token"]))).status_code == 401
    client.cookies.clear()
    assert (
        await client.post(REFRESH, json={"refresh_token": old["refresh_token"]})
    ).status_code == 401
    assert (await client.get(ME, headers=_bearer(fresh["access_token"]))).status_code == 200
    relogin = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": new_password}
    )
    assert relogin.status_code == 200
    assert "auth.password_changed" in await audit_actions(db_session, user.id)


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("Wrong-Current-99!", "Brand-New-Secret-77", "current_password"),
        (DEFAULT_PASSWORD, "short", "new_password"),
        (DEFAULT_PASSWORD, DEFAULT_PASSWORD, "new_password"),
    ],
)
async def test_change_password_refusals(
    client: httpx.AsyncClient, db_session: AsyncSession, current: str, new: str, field: str
) -> None:
    _user, tokens = await _signed_in(client, db_session)
    response = await client.post(
        "/api/v1/auth/change-password",
        json={"current_password": current, "new_password": new},
        headers=_bearer(tokens["access_token"]),
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {field}
    # Nothing was revoked.
    assert (await client.get(ME, headers=_bearer(tokens["access_token"]))).status_code == 200


async def test_factory_headers_still_work(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
) -> None:
    user = await create_user(db_session, company=await create_company(db_session))
    assert (await client.get(ME, headers=auth_headers(settings, user))).status_code == 200
    assert (
        uuid.UUID((await client.get(ME, headers=auth_headers(settings, user))).json()["user"]["id"])
        == user.id
    )
