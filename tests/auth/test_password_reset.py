from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth import service as auth_service
from involinks.auth.models import PasswordToken, User
from involinks.config import Settings
from involinks.core import tenancy
from involinks.jobs import queue as job_queue
from tests.auth.conftest import FakeClock, audit_actions, mails_to
from tests.factories import DEFAULT_PASSWORD, create_company, create_user

FORGOT = "/api/v1/auth/forgot-password"
RESET = "/api/v1/auth/reset-password"
NEW_PASSWORD = "Fresh-Start-2026!"


async def _reset_token(session: AsyncSession, user: User, settings: Settings) -> str:
    mails = await mails_to(session, user.email)
    assert mails, "no reset mail"
    match = re.search(r"(\S+/reset-password#token=(\S+))", mails[-1].text_body)
    assert match, mails[-1].text_body
    link = urlsplit(match.group(1))
    base = urlsplit(settings.public_base_url)
    assert (link.scheme, link.netloc, link.path) == (base.scheme, base.netloc, "/reset-password")
    assert link.query == ""  # the token travels in the fragment, never to a server log
    return match.group(2)


@pytest.fixture
async def user(db_session: AsyncSession) -> User:
    return await create_user(db_session, company=await create_company(db_session))


async def test_forgot_password_answers_the_same_for_unknown_addresses(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    known = await client.post(FORGOT, json={"email": user.email})
    unknown = await client.post(FORGOT, json={"email": "nobody@example.ae"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.headers.get("set-cookie") == unknown.headers.get("set-cookie")
    assert len(await mails_to(db_session, user.email)) == 1
    assert await mails_to(db_session, "nobody@example.ae") == []


async def test_reset_sets_the_password_and_ends_every_session(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    session_before = (
        await client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
    ).json()
    client.cookies.clear()
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)

    response = await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 204, response.text
    headers = {"Authorization": f"Bearer {session_before['access_token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": session_before["refresh_token"]}
    )
    assert refresh.status_code == 401
    old = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    new = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200
    actions = await audit_actions(db_session, user.id)
    assert "auth.password_reset_requested" in actions
    assert "auth.password_reset" in actions
    assert "changed" in (await mails_to(db_session, user.email))[-1].subject


async def test_reset_token_is_single_use(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    assert (
        await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    ).status_code == 204
    again = await client.post(RESET, json={"token": token, "new_password": "Another-One-2026!"})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_token"


async def test_reset_token_expires_after_an_hour(
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    user: User,
    settings: Settings,
    clock: FakeClock,
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    clock.advance(timedelta(hours=1))
    response = await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400


async def test_reset_token_is_valid_just_before_the_hour(
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    user: User,
    settings: Settings,
    clock: FakeClock,
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    clock.advance(timedelta(minutes=59))
    response = await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204


async def test_weak_password_does_not_spend_the_token(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    weak = await client.post(RESET, json={"token": token, "new_password": "password"})
    assert weak.status_code == 422
    assert weak.json()["error"]["details"]
    assert (
        await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    ).status_code == 204


async def test_newer_reset_mail_invalidates_the_older_link(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    first = await _reset_token(db_session, user, settings)
    await client.post(FORGOT, json={"email": user.email})
    second = await _reset_token(db_session, user, settings)
    assert first != second
    assert (
        await client.post(RESET, json={"token": first, "new_password": NEW_PASSWORD})
    ).status_code == 400
    assert (
        await client.post(RESET, json={"token": second, "new_password": NEW_PASSWORD})
    ).status_code == 204


async def test_reset_token_is_stored_hashed(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    stored = (
        await db_session.execute(
            sa.select(PasswordToken.token_hash).where(PasswordToken.user_id == user.id)
        )
    ).scalar_one()
    assert token not in stored
    import hashlib

    assert stored == hashlib.sha256(token.encode()).hexdigest()


async def test_reset_unlocks_a_locked_account(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, settings: Settings
) -> None:
    for n in range(10):
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": f"x{n}"})
    await client.post(FORGOT, json={"email": user.email})
    token = await _reset_token(db_session, user, settings)
    await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    login = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 200


async def test_forgot_password_is_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    # 10 per hour per address (auth/limits.py).
    for n in range(10):
        assert (
            await client.post(FORGOT, json={"email": f"someone{n}@example.ae"})
        ).status_code == 202
    refused = await client.post(FORGOT, json={"email": "someone@example.ae"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"


async def test_forgot_password_mails_an_address_at_most_three_times_an_hour(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    for _ in range(5):
        assert (await client.post(FORGOT, json={"email": user.email})).status_code == 202
    assert len(await mails_to(db_session, user.email)) == 3


async def test_reset_is_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    for n in range(20):
        response = await client.post(
            RESET, json={"token": f"guess{n}", "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 400
    assert (
        await client.post(RESET, json={"token": "guess", "new_password": NEW_PASSWORD})
    ).status_code == 429


# --- invitations (helper for the team module) ---------------------------------------------------


async def test_invited_user_sets_a_first_password(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    company = await create_company(db_session)
    invited = await create_user(db_session, company=company)
    with tenancy.system_scope(db_session):
        invited.password_hash = None
        await db_session.flush()
        async with job_queue.collecting():
            token = await auth_service.issue_password_token(
                db_session, invited, purpose="invite", ttl=timedelta(days=7)
            )

    # An invitation token is not a reset token, and vice versa.
    wrong_kind = await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert wrong_kind.status_code == 400
    response = await client.post(
        "/api/v1/auth/set-password", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204, response.text
    login = await client.post(
        "/api/v1/auth/login", json={"email": invited.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 200
    assert "auth.password_set" in await audit_actions(db_session, invited.id)


async def test_user_without_password_cannot_log_in(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    invited = await create_user(db_session, company=await create_company(db_session))
    with tenancy.system_scope(db_session):
        invited.password_hash = None
        await db_session.flush()
    response = await client.post(
        "/api/v1/auth/login", json={"email": invited.email, "password": ""}
    )
    assert response.status_code == 422  # empty password refused by the schema
    response = await client.post(
        "/api/v1/auth/login", json={"email": invited.email, "password": "anything"}
    )
    assert response.status_code == 401


async def test_password_rules_endpoint_serves_the_shared_file(client: httpx.AsyncClient) -> None:
    import json
    from importlib import resources

    shipped = json.loads(
        resources.files("involinks.auth").joinpath("password_rules.json").read_text("utf-8")
    )
    response = await client.get("/api/v1/auth/password-rules")
    assert response.json() == shipped
