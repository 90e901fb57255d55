"""Detached document signatures (seed section 4.3).

::

    signature_data = invoice_hash + "|" + xml_hash          # both SHA-256, lowercase hex
    signature      = RSASSA-PSS(SHA-256, MGF1-SHA-256, salt 32 bytes) over signature_data
    stored         = base64(signature), with the key id of the signing key

``invoice_hash`` is the document hash of the hash chain (``involinks.compliance.chain``) and
``xml_hash`` the SHA-256 of the issued UBL XML. The signature is detached and stored next to the
document: PINT AE 1.0.4 documents carry no signature element (no ``cac:Signature`` /
``ext:UBLExtensions`` XMLDSig is defined or expected by the PINT AE rules), so the UBL stays
exactly as validated and transmitted.

Verification looks the key up by the key id recorded with the signature, so documents signed
before a key rotation still verify with the key that signed them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from involinks.compliance.chain import is_sha256_hex
from involinks.compliance.signing.keys import SigningError, key_id, load_public_key

__all__ = [
    "ALGORITHM",
    "DocumentSignature",
    "sign",
    "sign_document",
    "signature_payload",
    "verify_recorded",
    "verify_signature",
]

#: Name recorded with each signature (lets a future scheme coexist with this one).
ALGORITHM: Final = "RSASSA-PSS-SHA256-MGF1-SALT32"
_SALT_LENGTH: Final = 32


def _padding() -> padding.PSS:
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=_SALT_LENGTH)


def signature_payload(invoice_hash: str, xml_hash: str) -> bytes:
    """``invoice_hash + "|" + xml_hash`` as ASCII; refuses anything but two SHA-256 hex strings."""
    if not is_sha256_hex(invoice_hash) or not is_sha256_hex(xml_hash):
        raise SigningError("invoice_hash and xml_hash must be lowercase SHA-256 hex strings")
    return f"{invoice_hash}|{xml_hash}".encode("ascii")


def sign_document(private_key: rsa.RSAPrivateKey, invoice_hash: str, xml_hash: str) -> str:
    """The base64 signature of ``invoice_hash|xml_hash``."""
    raw = private_key.sign(signature_payload(invoice_hash, xml_hash), _padding(), hashes.SHA256())
    return base64.b64encode(raw).decode("ascii")


def verify_signature(
    public_key: rsa.RSAPublicKey | str | bytes,
    invoice_hash: str,
    xml_hash: str,
    signature_b64: str,
) -> bool:
    """True only for a valid signature; any bad input (key, hashes, base64) gives False."""
    if not isinstance(public_key, rsa.RSAPublicKey | str | bytes):
        return False
    try:
        key = (
            public_key if isinstance(public_key, rsa.RSAPublicKey) else load_public_key(public_key)
        )
        payload = signature_payload(invoice_hash, xml_hash)
        raw = base64.b64decode(signature_b64, validate=True)
        key.verify(raw, payload, _padding(), hashes.SHA256())
    except (InvalidSignature, SigningError, binascii.Error, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class DocumentSignature:
    """What is stored with an issued document."""

    key_id: str
    value: str  # base64
    algorithm: str = ALGORITHM


def sign(private_key: rsa.RSAPrivateKey, invoice_hash: str, xml_hash: str) -> DocumentSignature:
    return DocumentSignature(
        key_id=key_id(private_key), value=sign_document(private_key, invoice_hash, xml_hash)
    )


def verify_recorded(
    public_keys: Mapping[str, rsa.RSAPublicKey | str | bytes],
    signature: DocumentSignature,
    invoice_hash: str,
    xml_hash: str,
) -> bool:
    """Verify with the key named by the signature's key id (a company's current and past keys).

    False when the key id is unknown, the algorithm is not ours, or the key found under that id is
    not the key the id names (a mixed-up key store must not pass).
    """
    if signature.algorithm != ALGORITHM:
        return False
    candidate = public_keys.get(signature.key_id)
    if candidate is None:
        return False
    try:
        key = candidate if isinstance(candidate, rsa.RSAPublicKey) else load_public_key(candidate)
    except SigningError:
        return False
    if key_id(key) != signature.key_id:
        return False
    return verify_signature(key, invoice_hash, xml_hash, signature.value)
