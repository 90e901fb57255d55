"""E-mailed one-time codes: 6 digits, valid 10 minutes, single use, at most 5 guesses each.

A 6-digit code has only a million values, so a plain hash would be reversed instantly from a stolen
table; the stored value is an HMAC keyed from the application secret instead.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta
from hashlib import sha256

from involinks.config import Settings
from involinks.core.crypto import derive_key

DIGITS = 6
TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def generate() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def hash_code(settings: Settings, user_id: uuid.UUID, purpose: str, code: str) -> str:
    key = derive_key(settings.secret_key.get_secret_value(), info=b"involinks/email-otp/v1")
    message = f"{user_id}:{purpose}:{code.strip()}".encode()
    return hmac.new(key, message, sha256).hexdigest()
