"""Encryption of small secrets at rest (TOTP secrets, provider credentials).

AES-256-GCM with a key derived from `settings.secret_key` by HKDF-SHA256. A ciphertext is text:

    v1.<key id>.<base64url(nonce || ciphertext+tag)>

`v1` names the format, `<key id>` names the key that sealed it, so the secret key can be rotated: put
the old key in PREVIOUS_SECRET_KEYS, and values sealed with it still open while `needs_rotation()`
tells which ones to re-seal with the current key. A `context` string (e.g. "mfa_totp:<user id>") is
bound as associated data: a ciphertext copied onto another row or purpose does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from involinks.config import Settings

FORMAT = "v1"
_NONCE_BYTES = 12
_HKDF_INFO = b"involinks/secret-box/aes-256-gcm/v1"


class DecryptionError(ValueError):
    """The value is malformed, sealed by an unknown key, or was tampered with."""


def derive_key(root_secret: str, *, info: bytes) -> bytes:
    """32 bytes for one purpose from the application secret (HKDF-SHA256, RFC 5869)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        root_secret.encode()
    )


def _key_id(key: bytes) -> str:
    # A fingerprint, not the key: lets decrypt pick the key without trying each one.
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:8]


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SecretBox:
    """Seals with the first root secret; opens with any of them."""

    def __init__(self, root_secrets: Iterable[str]) -> None:
        keys = [derive_key(secret, info=_HKDF_INFO) for secret in root_secrets if secret]
        if not keys:
            raise ValueError("SecretBox needs at least one non-empty secret")
        self._current_id = _key_id(keys[0])
        self._keys: dict[str, AESGCM] = {}
        for key in keys:
            self._keys.setdefault(_key_id(key), AESGCM(key))

    @property
    def current_key_id(self) -> str:
        return self._current_id

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self._current_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{FORMAT}.{self._current_id}.{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            version, key_id, payload = token.split(".")
        except ValueError as exc:
            raise DecryptionError("not an encrypted value") from exc
        if version != FORMAT:
            raise DecryptionError(f"unknown ciphertext format {version!r}")
        aead = self._keys.get(key_id)
        if aead is None:
            raise DecryptionError("sealed with a key that is not configured")
        try:
            raw = _b64decode(payload)
            opened = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("ciphertext does not open with this key and context") from exc
        return opened.decode()

    def needs_rotation(self, token: str) -> bool:
        parts = token.split(".")
        return len(parts) != 3 or parts[0] != FORMAT or parts[1] != self._current_id

    def rotate(self, token: str, *, context: str) -> str:
        """Re-seal with the current key (no-op result if already current)."""
        if not self.needs_rotation(token):
            return token
        return self.encrypt(self.decrypt(token, context=context), context=context)


def secret_box(settings: Settings) -> SecretBox:
    previous = [
        part.strip()
        for part in settings.previous_secret_keys.get_secret_value().split(",")
        if part.strip()
    ]
    return SecretBox([settings.secret_key.get_secret_value(), *previous])
