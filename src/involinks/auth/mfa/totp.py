"""TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as authenticator apps expect.

A code is accepted for the current step and one step either side (clock drift), and only if its step
is newer than the last step accepted for the user: a code seen once cannot be replayed within its
window.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from urllib.parse import quote, urlencode

import pyotp
import segno

ISSUER = "InvoLinks"
STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226 recommends at least 128)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, email: str) -> str:
    """otpauth://totp/InvoLinks:{email}?secret=...&issuer=InvoLinks (Google Key URI format)."""
    label = quote(f"{ISSUER}:{email}", safe=":@")
    return f"otpauth://totp/{label}?{urlencode({'secret': secret, 'issuer': ISSUER})}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (error correction M survives a slightly blurry scan)."""
    svg: str = segno.make(uri, error="m", micro=False).svg_inline(scale=4)
    return svg


def time_step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    code: str = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)
    return code


def matching_step(secret: str, code: str, *, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if it is valid now and newer than `last_step`."""
    candidate = code.strip().replace(" ", "")
    if len(candidate) != DIGITS or not candidate.isdigit():
        return None
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), candidate):
            return step
    return None
