from __future__ import annotations

import asyncio

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
