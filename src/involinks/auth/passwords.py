"""Password hashing (bcrypt) and the strength rules.

The rules live in `password_rules.json` next to this module; the web form loads the same file, so a
password the form accepts is one the API accepts.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import bcrypt

# bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated.
MAX_PASSWORD_BYTES = 72


def hash_password(password: str, *, rounds: int = 12) -> str:
    raw = password.encode()
    if len(raw) > MAX_PASSWORD_BYTES:
        raise ValueError(f"password longer than {MAX_PASSWORD_BYTES} bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    raw = password.encode()
    if len(raw) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode())
    except ValueError:
        return False


async def hash_password_async(password: str, *, rounds: int = 12) -> str:
    """bcrypt at cost 12 takes ~250 ms: keep it off the event loop."""
    return await asyncio.to_thread(hash_password, password, rounds=rounds)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    return await asyncio.to_thread(verify_password, password, password_hash)


def hash_rounds(password_hash: str | None) -> int | None:
    """The cost factor of a bcrypt hash ("$2b$12$..." -> 12), or None if it is not bcrypt."""
    if not password_hash:
        return None
    parts = password_hash.split("$")
    if len(parts) < 4 or not parts[2].isdigit():
        return None
    return int(parts[2])


@lru_cache(maxsize=4)
def _dummy_hash(rounds: int) -> str:
    return hash_password("not-a-real-password-only-for-timing", rounds=rounds)


async def burn_verify_time(password: str, *, rounds: int) -> None:
    """Spend the time of a real check, so an unknown e-mail answers as slowly as a known one."""
    await verify_password_async(password[:MAX_PASSWORD_BYTES], _dummy_hash(rounds))


# --- strength rules -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordRule:
    id: str
    message: str


@lru_cache(maxsize=1)
def password_rules() -> dict[str, Any]:
    """The shared rule file, parsed (also served to clients that want it)."""
    text = resources.files("involinks.auth").joinpath("password_rules.json").read_text("utf-8")
    rules: dict[str, Any] = json.loads(text)
    return rules


def unmet_password_rules(password: str, *, email: str | None = None) -> list[PasswordRule]:
    config = password_rules()
    unmet: list[PasswordRule] = []
    for rule in config["rules"]:
        rule_id = rule["id"]
        met: bool
        if rule_id == "min_length":
            met = len(password) >= int(config["min_length"])
        elif rule_id == "max_bytes":
            met = len(password.encode()) <= int(config["max_bytes"])
        elif rule_id == "not_email":
            local = (email or "").split("@", 1)[0].strip().lower()
            min_local = int(rule.get("min_local_part_length", 1))
            met = len(local) < min_local or local not in password.lower()
        elif "pattern" in rule:
            met = re.search(rule["pattern"], password) is not None
        else:  # an id this version does not know: fail closed so the file and code stay in step
            raise ValueError(f"unknown password rule {rule_id!r}")
        if not met:
            unmet.append(PasswordRule(rule_id, rule["message"]))
    return unmet


def validate_password(password: str, *, email: str | None = None) -> list[str]:
    """Messages for every rule the password does not meet; an empty list means it is acceptable."""
    return [rule.message for rule in unmet_password_rules(password, email=email)]
