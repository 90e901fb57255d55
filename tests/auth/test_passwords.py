from __future__ import annotations

import json
from importlib import resources

import pytest

from involinks.auth.passwords import (
    hash_password,
    hash_rounds,
    password_rules,
    unmet_password_rules,
    validate_password,
    verify_password,
)


def _ids(password: str, email: str | None = None) -> set[str]:
    return {rule.id for rule in unmet_password_rules(password, email=email)}


def test_rule_file_has_the_agreed_values() -> None:
    raw = json.loads(
        resources.files("involinks.auth").joinpath("password_rules.json").read_text("utf-8")
    )
    assert raw["min_length"] == 12
    assert raw["max_bytes"] == 72
    assert [r["id"] for r in raw["rules"]] == [
        "min_length",
        "max_bytes",
        "upper",
        "lower",
        "digit",
        "symbol",
        "not_email",
    ]
    assert password_rules() == raw


def test_strong_password_passes() -> None:
    assert validate_password("Correct-Horse-42!", email="aisha@acme.ae") == []


@pytest.mark.parametrize(
    ("password", "unmet"),
    [
        ("Short-1a!", {"min_length"}),  # 9 characters
        ("Abcdefghij-1", set()),  # exactly 12
        ("Abcdefghij1", {"min_length", "symbol"}),
        ("all-lower-case-42", {"upper"}),
        ("ALL-UPPER-CASE-42", {"lower"}),
        ("No-Digits-At-All!", {"digit"}),
        ("NoSymbolsHere42", {"symbol"}),
        ("Spaces Only 42 Here", {"symbol"}),  # a space is not a symbol
        ("", {"min_length", "upper", "lower", "digit", "symbol"}),
    ],
)
def test_each_rule(password: str, unmet: set[str]) -> None:
    assert _ids(password) == unmet


def test_byte_limit_counts_utf8_bytes() -> None:
    # "é" is 2 bytes in UTF-8: 36 of them are 72 bytes, 37 are 74.
    assert "max_bytes" not in _ids("Aa1!" + "é" * 34)
    assert "max_bytes" in _ids("Aa1!" + "é" * 35)
    assert "max_bytes" in _ids("Aa1!" + "x" * 69)  # 73 ASCII bytes


def test_email_local_part_is_refused_case_insensitively() -> None:
    assert _ids("My-Aisha.K-2026!", email="aisha.k@acme.ae") == {"not_email"}
    assert _ids("My-AISHA.K-2026!", email="Aisha.K@acme.ae") == {"not_email"}
    assert _ids("My-Other-Pw-2026!", email="aisha.k@acme.ae") == set()


def test_very_short_local_parts_are_not_checked() -> None:
    # Local parts under 3 characters would forbid half the alphabet.
    assert _ids("Correct-Horse-42!", email="co@acme.ae") == set()


def test_messages_are_returned_in_rule_order() -> None:
    assert validate_password("abc") == [
        "Use at least 12 characters.",
        "Include an upper-case letter (A-Z).",
        "Include a digit (0-9).",
        "Include a symbol such as ! ? # or -.",
    ]


def test_hash_and_verify() -> None:
    hashed = hash_password("Correct-Horse-42!", rounds=4)
    assert hash_rounds(hashed) == 4
    assert verify_password("Correct-Horse-42!", hashed)
    assert not verify_password("correct-horse-42!", hashed)
    assert not verify_password("Correct-Horse-42!", None)
    assert hash_rounds("not a hash") is None


def test_passwords_over_72_bytes_are_refused_not_truncated() -> None:
    with pytest.raises(ValueError, match="72 bytes"):
        hash_password("x" * 73, rounds=4)
