"""Our TOTP checks against RFC 6238 Appendix B test vectors (SHA-1 seed "12345678901234567890")."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from involinks.auth.mfa import backup_codes, totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_rfc6238_vectors_last_six_digits() -> None:
    # RFC 6238 Appendix B gives 8-digit codes; authenticator apps show the last 6.
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    for unix, code in vectors.items():
        step = totp.time_step(datetime.fromtimestamp(unix, UTC))
        assert totp.code_at(RFC_SECRET, step) == code[-6:]


def test_matching_step_window_and_replay() -> None:
    now = datetime.fromtimestamp(1111111109, UTC)
    step = totp.time_step(now)
    code = totp.code_at(RFC_SECRET, step)
    assert totp.matching_step(RFC_SECRET, code, now=now, last_step=None) == step
    assert totp.matching_step(RFC_SECRET, code, now=now, last_step=step) is None
    previous = totp.code_at(RFC_SECRET, step - 1)
    assert totp.matching_step(RFC_SECRET, previous, now=now, last_step=None) == step - 1
    too_old = totp.code_at(RFC_SECRET, step - 2)
    assert totp.matching_step(RFC_SECRET, too_old, now=now, last_step=None) is None
    assert totp.matching_step(RFC_SECRET, "12345", now=now, last_step=None) is None
    assert totp.matching_step(RFC_SECRET, "abcdef", now=now, last_step=None) is None


def test_provisioning_uri_format() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", email="a.b+x@acme.ae")
    assert (
        uri == "otpauth://totp/InvoLinks:a.b%2Bx@acme.ae?secret=JBSWY3DPEHPK3PXP&issuer=InvoLinks"
    )


def test_backup_code_format_and_hashing() -> None:
    codes = backup_codes.generate()
    assert len(codes) == 10
    for code in codes:
        assert len(code) == 11
        assert code[5] == "-"
        assert not set(code.replace("-", "")) & set("01oil")
    user_a, user_b = "4f2f5d1e-0000-4000-8000-000000000001", "4f2f5d1e-0000-4000-8000-000000000002"
    import uuid

    a = backup_codes.hash_code(uuid.UUID(user_a), "abcde-fghjk")
    assert a == backup_codes.hash_code(uuid.UUID(user_a), "ABCDE FGHJK")
    assert a != backup_codes.hash_code(uuid.UUID(user_b), "abcde-fghjk")
