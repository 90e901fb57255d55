from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from involinks.config import Settings
from involinks.core.crypto import DecryptionError, SecretBox, derive_key, secret_box

OLD = "old-secret-key-0123456789-0123456789-abcdef"
NEW = "new-secret-key-0123456789-0123456789-abcdef"


def test_round_trip_and_format() -> None:
    box = SecretBox([NEW])
    sealed = box.encrypt("JBSWY3DPEHPK3PXP", context="mfa_totp:1")
    version, key_id, payload = sealed.split(".")
    assert version == "v1"
    assert key_id == box.current_key_id
    assert "JBSWY3DPEHPK3PXP" not in sealed
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert len(raw) == 12 + len("JBSWY3DPEHPK3PXP") + 16  # nonce + ciphertext + GCM tag
    assert box.decrypt(sealed, context="mfa_totp:1") == "JBSWY3DPEHPK3PXP"


def test_each_encryption_uses_a_fresh_nonce() -> None:
    box = SecretBox([NEW])
    assert box.encrypt("same", context="c") != box.encrypt("same", context="c")


def test_context_is_bound() -> None:
    box = SecretBox([NEW])
    sealed = box.encrypt("secret", context="mfa_totp:user-a")
    with pytest.raises(DecryptionError):
        box.decrypt(sealed, context="mfa_totp:user-b")


def test_tampering_is_detected() -> None:
    box = SecretBox([NEW])
    version, key_id, payload = box.encrypt("secret", context="c").split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-1] ^= 1
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        box.decrypt(f"{version}.{key_id}.{forged}", context="c")
    with pytest.raises(DecryptionError):
        box.decrypt("not-encrypted", context="c")
    with pytest.raises(DecryptionError):
        box.decrypt(f"v9.{key_id}.{payload}", context="c")


def test_rotation_old_values_open_and_get_resealed() -> None:
    old_box = SecretBox([OLD])
    sealed_old = old_box.encrypt("secret", context="c")
    rotated_box = SecretBox([NEW, OLD])

    assert rotated_box.decrypt(sealed_old, context="c") == "secret"
    assert rotated_box.needs_rotation(sealed_old)
    resealed = rotated_box.rotate(sealed_old, context="c")
    assert not rotated_box.needs_rotation(resealed)
    assert rotated_box.rotate(resealed, context="c") == resealed
    with pytest.raises(DecryptionError, match="not configured"):
        SecretBox([NEW]).decrypt(sealed_old, context="c")


def test_secret_box_from_settings_reads_previous_keys(tmp_path: object) -> None:
    settings = Settings(
        environment="test",
        database_url="sqlite+aiosqlite:///:memory:",
        secret_key=SecretStr(NEW),
        previous_secret_keys=SecretStr(f" {OLD} , "),
    )
    sealed_old = SecretBox([OLD]).encrypt("secret", context="c")
    assert secret_box(settings).decrypt(sealed_old, context="c") == "secret"


def test_derived_keys_differ_per_purpose() -> None:
    assert derive_key(NEW, info=b"a") != derive_key(NEW, info=b"b")
    assert len(derive_key(NEW, info=b"a")) == 32


def test_empty_key_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        SecretBox(["", ""])
