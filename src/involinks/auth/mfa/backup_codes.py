"""Backup codes: 10 single-use codes shown once, stored as sha256.

Each code is 10 characters from a 32-symbol alphabet without look-alikes (50 bits), written
"xxxxx-xxxxx". The hash includes the user id, so equal codes of two users hash differently and one
precomputed table cannot serve every account.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_LENGTH = 10


def generate(count: int = COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalize(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def looks_like_backup_code(code: str) -> bool:
    return len(normalize(code)) == _LENGTH


def hash_code(user_id: uuid.UUID, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{normalize(code)}".encode()).hexdigest()
