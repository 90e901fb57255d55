"""MFA enrolment and sign-in with TOTP, e-mailed codes and backup codes.

Expected TOTP codes come from pyotp's own RFC 6238 implementation at the test clock's time, not
from our verification code.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.core import tenancy
from tests.auth.conftest import FakeClock, audit_actions, last_code_mailed_to, mails_to
from tests.factories import DEFAULT_PASSWORD, create_company, create_user

LOGIN = "/api/v1/auth/login"
VERIFY = "/api/v1/auth/mfa/verify"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _access_token(client: httpx.AsyncClient, user: User) -> str:
    response = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def _enrol_totp(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> tuple[str, list[str], str]:
    token = await _access_token(client, user)
    setup = await client.post("/api/v1/auth/mfa/totp/setup", headers=_bearer(token))
    assert setup.status_code == 200, setup.text
    secret: str = setup.json()["secret"]
    enable = await client.post(
        "/api/v1/auth/mfa/totp/enable",
        json={"code": pyotp.TOTP(secret).at(clock.now)},
        headers=_bearer(token),
    )
    assert enable.status_code == 200, enable.text
    return secret, enable.json()["backup_codes"], token


async def _mfa_token(client: httpx.AsyncClient, user: User) -> dict[str, object]:
    response = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    assert body["mfa_required"] is True
    assert "access_token" not in body
    return body


@pytest.fixture
async def user(db_session: AsyncSession) -> User:
    return await create_user(
        db_session, company=await create_company(db_session), email="mariam.k@example.ae"
    )


async def test_totp_setup_returns_secret_uri_and_qr(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    token = await _access_token(client, user)
    response = await client.post("/api/v1/auth/mfa/totp/setup", headers=_bearer(token))

    body = response.json()
    secret = body["secret"]
    assert body["otpauth_uri"] == (
        f"otpauth://totp/InvoLinks:mariam.k@example.ae?secret={secret}&issuer=InvoLinks"
    )
    parsed = urlsplit(body["otpauth_uri"])
    assert parse_qs(parsed.query) == {"secret": [secret], "issuer": ["InvoLinks"]}
    assert body["qr_svg"].startswith("<svg")
    # Pending, encrypted: the plain secret is nowhere in the row.
    with tenancy.system_scope(db_session):
        await db_session.refresh(user)
    assert user.mfa_totp_secret is None
    assert user.mfa_totp_pending_secret is not None
    assert user.mfa_totp_pending_secret.startswith("v1.")
    assert secret not in user.mfa_totp_pending_secret


async def test_enable_totp_with_wrong_code_is_refused(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    token = await _access_token(client, user)
    secret = (await client.post("/api/v1/auth/mfa/totp/setup", headers=_bearer(token))).json()[
        "secret"
    ]
    wrong = pyotp.TOTP(secret).at(clock.now - timedelta(minutes=5))
    response = await client.post(
        "/api/v1/auth/mfa/totp/enable", json={"code": wrong}, headers=_bearer(token)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_mfa_code"


async def test_totp_enrolment_and_sign_in(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    secret, backup_codes, token = await _enrol_totp(client, user, clock)

    assert len(backup_codes) == 10
    assert len(set(backup_codes)) == 10
    me = (await client.get("/api/v1/me", headers=_bearer(token))).json()["user"]
    assert me["mfa_enabled"] is True
    assert me["mfa_methods"] == ["totp"]
    assert me["backup_codes_remaining"] == 10

    clock.advance(timedelta(seconds=30))
    challenge = await _mfa_token(client, user)
    assert challenge["methods"] == ["totp", "backup_code"]
    response = await client.post(
        VERIFY,
        json={"mfa_token": challenge["mfa_token"], "code": pyotp.TOTP(secret).at(clock.now)},
    )
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]
    assert "involinks_refresh=" in response.headers["set-cookie"]
    actions = await audit_actions(db_session, user.id)
    assert "auth.mfa_enabled" in actions
    assert actions[-1] == "auth.login"


async def test_totp_code_cannot_be_replayed(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, _codes, _token = await _enrol_totp(client, user, clock)

    # The enrolment code's step is spent: the same code does not sign in.
    same_step = await client.post(
        VERIFY,
        json={
            "mfa_token": (await _mfa_token(client, user))["mfa_token"],
            "code": pyotp.TOTP(secret).at(clock.now),
        },
    )
    assert same_step.status_code == 401

    clock.advance(timedelta(seconds=30))
    code = pyotp.TOTP(secret).at(clock.now)
    first = await client.post(
        VERIFY, json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": code}
    )
    assert first.status_code == 200
    replay = await client.post(
        VERIFY, json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": code}
    )
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_mfa_code"


async def test_totp_accepts_one_step_of_drift_only(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, _codes, _token = await _enrol_totp(client, user, clock)
    clock.advance(timedelta(minutes=5))
    too_old = pyotp.TOTP(secret).at(clock.now - timedelta(seconds=60))
    refused = await client.post(
        VERIFY, json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": too_old}
    )
    assert refused.status_code == 401
    previous_step = pyotp.TOTP(secret).at(clock.now - timedelta(seconds=30))
    accepted = await client.post(
        VERIFY,
        json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": previous_step},
    )
    assert accepted.status_code == 200


async def test_backup_code_works_once(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    _secret, backup_codes, _token = await _enrol_totp(client, user, clock)
    code = backup_codes[3]

    first = await client.post(
        VERIFY, json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": code}
    )
    assert first.status_code == 200, first.text
    second = await client.post(
        VERIFY, json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": code}
    )
    assert second.status_code == 401
    # Typed in capitals and without the hyphen, another code still works.
    other = backup_codes[4].replace("-", "").upper()
    third = await client.post(
        VERIFY,
        json={
            "mfa_token": (await _mfa_token(client, user))["mfa_token"],
            "code": other,
            "method": "backup_code",
        },
    )
    assert third.status_code == 200
    me = await client.get("/api/v1/me", headers=_bearer(third.json()["access_token"]))
    assert me.json()["user"]["backup_codes_remaining"] == 8
    assert "auth.mfa_backup_code_used" in await audit_actions(db_session, user.id)


async def test_wrong_codes_count_towards_the_lockout(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, _codes, _token = await _enrol_totp(client, user, clock)
    clock.advance(timedelta(minutes=5))
    challenge = (await _mfa_token(client, user))["mfa_token"]
    statuses = [
        (await client.post(VERIFY, json={"mfa_token": challenge, "code": "000000"})).status_code
        for _ in range(10)
    ]
    assert statuses == [401] * 9 + [423]
    right = await client.post(
        VERIFY, json={"mfa_token": challenge, "code": pyotp.TOTP(secret).at(clock.now)}
    )
    assert right.status_code == 423


async def test_mfa_verify_is_rate_limited_per_user(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, _codes, _token = await _enrol_totp(client, user, clock)
    clock.advance(timedelta(minutes=5))
    challenge = (await _mfa_token(client, user))["mfa_token"]
    for _ in range(9):
        await client.post(VERIFY, json={"mfa_token": challenge, "code": "000000"})
    right = pyotp.TOTP(secret).at(clock.now)
    ok = await client.post(VERIFY, json={"mfa_token": challenge, "code": right})
    assert ok.status_code == 200  # success resets the lockout count, not the rate limit
    # 10 checks per user per 15 minutes (auth/limits.py), all made at the same instant.
    clock.advance(timedelta(seconds=30))
    limited = await client.post(
        VERIFY,
        json={
            "mfa_token": (await _mfa_token(client, user))["mfa_token"],
            "code": pyotp.TOTP(secret).at(clock.now),
        },
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) == 15 * 60 - 30


async def test_invalid_mfa_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(VERIFY, json={"mfa_token": "garbage", "code": "123456"})
    assert response.status_code == 401


async def test_mfa_step_dies_with_logout_all(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, _codes, token = await _enrol_totp(client, user, clock)
    challenge = (await _mfa_token(client, user))["mfa_token"]
    await client.post("/api/v1/auth/logout-all", headers=_bearer(token))
    clock.advance(timedelta(seconds=30))
    response = await client.post(
        VERIFY, json={"mfa_token": challenge, "code": pyotp.TOTP(secret).at(clock.now)}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_invalid"


# --- e-mailed codes -----------------------------------------------------------------------------


async def _enable_email(
    client: httpx.AsyncClient, session: AsyncSession, user: User, token: str
) -> dict[str, object]:
    sent = await client.post("/api/v1/auth/mfa/email/enable", json={}, headers=_bearer(token))
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "code_sent"
    code = await last_code_mailed_to(session, user.email)
    enabled = await client.post(
        "/api/v1/auth/mfa/email/enable", json={"code": code}, headers=_bearer(token)
    )
    assert enabled.status_code == 200, enabled.text
    body: dict[str, object] = enabled.json()
    return body


async def test_email_codes_enrolment_and_sign_in(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    token = await _access_token(client, user)
    enabled = await _enable_email(client, db_session, user, token)
    assert enabled["status"] == "enabled"
    assert enabled["methods"] == ["email"]
    assert isinstance(enabled["backup_codes"], list)
    assert len(enabled["backup_codes"]) == 10

    challenge = await _mfa_token(client, user)
    assert challenge["methods"] == ["email", "backup_code"]
    code = await last_code_mailed_to(db_session, user.email)
    assert len(code) == 6

    first = await client.post(VERIFY, json={"mfa_token": challenge["mfa_token"], "code": code})
    assert first.status_code == 200, first.text
    again = await client.post(VERIFY, json={"mfa_token": challenge["mfa_token"], "code": code})
    assert again.status_code == 401


async def test_email_code_expires_after_ten_minutes(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    await _enable_email(client, db_session, user, await _access_token(client, user))
    challenge = await _mfa_token(client, user)
    code = await last_code_mailed_to(db_session, user.email)
    clock.advance(timedelta(minutes=10))
    response = await client.post(VERIFY, json={"mfa_token": challenge["mfa_token"], "code": code})
    assert response.status_code == 401


async def test_email_code_burns_after_five_wrong_guesses(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    await _enable_email(client, db_session, user, await _access_token(client, user))
    challenge = await _mfa_token(client, user)
    code = await last_code_mailed_to(db_session, user.email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        await client.post(VERIFY, json={"mfa_token": challenge["mfa_token"], "code": wrong})
    response = await client.post(VERIFY, json={"mfa_token": challenge["mfa_token"], "code": code})
    assert response.status_code == 401


async def test_resend_replaces_the_previous_code(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    await _enable_email(client, db_session, user, await _access_token(client, user))
    challenge = await _mfa_token(client, user)
    old = await last_code_mailed_to(db_session, user.email)
    resent = await client.post(
        "/api/v1/auth/mfa/email/send", json={"mfa_token": challenge["mfa_token"]}
    )
    assert resent.status_code == 202
    new = await last_code_mailed_to(db_session, user.email)
    if old != new:  # one in a million they coincide
        refused = await client.post(
            VERIFY, json={"mfa_token": challenge["mfa_token"], "code": old, "method": "email"}
        )
        assert refused.status_code == 401
    accepted = await client.post(
        VERIFY, json={"mfa_token": challenge["mfa_token"], "code": new, "method": "email"}
    )
    assert accepted.status_code == 200


async def test_email_code_mail_does_not_leak_the_code_in_the_subject(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    await _enable_email(client, db_session, user, await _access_token(client, user))
    await _mfa_token(client, user)
    code = await last_code_mailed_to(db_session, user.email)
    mail = (await mails_to(db_session, user.email))[-1]
    assert code not in mail.subject
    assert "10 minutes" in mail.text_body


async def test_email_code_sends_are_limited(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    await _enable_email(client, db_session, user, await _access_token(client, user))
    challenge = await _mfa_token(client, user)  # enrolment + login used 2 of 5 sends
    statuses = [
        (
            await client.post(
                "/api/v1/auth/mfa/email/send", json={"mfa_token": challenge["mfa_token"]}
            )
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


# --- turning it off, new backup codes -----------------------------------------------------------


async def test_disable_needs_a_fresh_valid_code(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    secret, _backup_codes, token = await _enrol_totp(client, user, clock)
    spent = pyotp.TOTP(secret).at(clock.now)  # used for enrolment

    refused = await client.post(
        "/api/v1/auth/mfa/disable", json={"code": spent}, headers=_bearer(token)
    )
    assert refused.status_code == 400

    clock.advance(timedelta(seconds=30))
    done = await client.post(
        "/api/v1/auth/mfa/disable",
        json={"code": pyotp.TOTP(secret).at(clock.now)},
        headers=_bearer(token),
    )
    assert done.status_code == 200, done.text
    assert done.json()["methods"] == []
    login = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.json()["mfa_required"] is False
    me = (await client.get("/api/v1/me", headers=_bearer(token))).json()["user"]
    assert me["mfa_enabled"] is False
    assert me["backup_codes_remaining"] == 0
    assert "auth.mfa_disabled" in await audit_actions(db_session, user.id)


async def test_disable_is_refused_when_company_requires_mfa(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    secret, _codes, token = await _enrol_totp(client, user, clock)
    with tenancy.system_scope(db_session):
        from involinks.companies.models import Company

        company = await db_session.get(Company, user.company_id)
        assert company is not None
        company.mfa_required = True
        await db_session.flush()
    clock.advance(timedelta(seconds=30))
    response = await client.post(
        "/api/v1/auth/mfa/disable",
        json={"code": pyotp.TOTP(secret).at(clock.now)},
        headers=_bearer(token),
    )
    assert response.status_code == 409


async def test_disable_one_of_two_methods(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User, clock: FakeClock
) -> None:
    _secret, backup_codes, token = await _enrol_totp(client, user, clock)
    enabled = await _enable_email(client, db_session, user, token)
    assert enabled["methods"] == ["totp", "email"]
    assert enabled["backup_codes"] is None  # the TOTP enrolment's codes stay valid

    response = await client.post(
        "/api/v1/auth/mfa/disable",
        json={"code": backup_codes[0], "method": "totp"},
        headers=_bearer(token),
    )
    assert response.status_code == 200, response.text
    assert response.json()["methods"] == ["email"]


async def test_regenerate_backup_codes_invalidates_the_old_ones(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    secret, old_codes, token = await _enrol_totp(client, user, clock)
    clock.advance(timedelta(seconds=30))
    response = await client.post(
        "/api/v1/auth/mfa/backup-codes/regenerate",
        json={"code": pyotp.TOTP(secret).at(clock.now)},
        headers=_bearer(token),
    )
    assert response.status_code == 200, response.text
    new_codes = response.json()["backup_codes"]
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)

    old = await client.post(
        VERIFY,
        json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": old_codes[0]},
    )
    assert old.status_code == 401
    new = await client.post(
        VERIFY,
        json={"mfa_token": (await _mfa_token(client, user))["mfa_token"], "code": new_codes[0]},
    )
    assert new.status_code == 200


async def test_regenerate_needs_a_valid_code(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    _secret, _codes, token = await _enrol_totp(client, user, clock)
    response = await client.post(
        "/api/v1/auth/mfa/backup-codes/regenerate", json={"code": "000000"}, headers=_bearer(token)
    )
    assert response.status_code == 400


async def test_second_setup_while_enabled_is_a_conflict(
    client: httpx.AsyncClient, user: User, clock: FakeClock
) -> None:
    _secret, _codes, token = await _enrol_totp(client, user, clock)
    response = await client.post("/api/v1/auth/mfa/totp/setup", headers=_bearer(token))
    assert response.status_code == 409


async def test_super_admin_can_enrol(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock
) -> None:
    from involinks.auth.permissions import Role

    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    _secret, codes, _token = await _enrol_totp(client, admin, clock)
    assert len(codes) == 10
