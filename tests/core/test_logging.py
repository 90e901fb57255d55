import json
import logging

import pytest

from involinks.logging import JsonFormatter, MaskingFilter, mask_text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("contact adila@acme.ae now", "contact adi***@acme.ae now"),
        ("TRN 100123456789003 registered", "TRN 100***003 registered"),
        ("call +971501234567", "call +971***567"),
        ("call 050 123 4567", "call 0***567"),
    ],
)
def test_personal_data_is_masked(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


def test_tokens_and_secret_fields_never_reach_the_output() -> None:
    record = logging.makeLogRecord(
        {
            "msg": "auth header Bearer abc.def.ghi for %s",
            "args": ("someone@example.com",),
            "password": "hunter2-very-secret",
            "mfa_secret": "JBSWY3DPEHPK3PXP",
            "user_email": "someone@example.com",
        }
    )
    MaskingFilter().filter(record)
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert "hunter2" not in line
    assert "JBSWY3DPEHPK3PXP" not in line
    assert "abc.def.ghi" not in line
    assert "someone@example.com" not in line
    assert payload["user_email"] == "som***@example.com"
    assert payload["password"] == "[redacted]"
