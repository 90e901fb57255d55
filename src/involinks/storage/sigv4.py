"""AWS Signature Version 4 for S3 requests (header-based authentication).

The steps are the published ones: a canonical request (method, URI-encoded path, sorted query,
sorted lower-case headers, the signed header list and the payload's SHA-256), a string to sign
over its hash and the credential scope, and an HMAC-SHA256 chain over the date, region and
service that derives the signing key from the secret. The secret never leaves this module: only
the signature derived from it goes into the Authorization header.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_SPACES = re.compile(r" +")
_ADDED = frozenset({"x-amz-date", "x-amz-content-sha256", "authorization"})


def uri_encode(value: str, *, encode_slash: bool = True) -> str:
    """RFC 3986 percent-encoding as S3 wants it: everything but unreserved bytes, upper-case hex."""
    out = []
    for byte in value.encode("utf-8"):
        if byte in _UNRESERVED or (byte == ord("/") and not encode_slash):
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    encoded = sorted((uri_encode(name), uri_encode(value)) for name, value in params)
    return "&".join(f"{name}={value}" for name, value in encoded)


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """The canonical header block and the `SignedHeaders` list."""
    normal = sorted(
        (name.strip().lower(), _SPACES.sub(" ", value.strip())) for name, value in headers.items()
    )
    block = "".join(f"{name}:{value}\n" for name, value in normal)
    return block, ";".join(name for name, _ in normal)


def canonical_request(
    method: str,
    encoded_path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    payload_sha256: str,
) -> tuple[str, str]:
    """The canonical request and its signed header list; `encoded_path` is already URI-encoded
    (S3 encodes each path segment exactly once and does not normalise the path)."""
    block, signed = canonical_headers(headers)
    text = "\n".join(
        [method.upper(), encoded_path or "/", canonical_query(query), block, signed, payload_sha256]
    )
    return text, signed


def scope(day: str, region: str, service: str) -> str:
    return f"{day}/{region}/{service}/aws4_request"


def string_to_sign(amz_date: str, credential_scope: str, request: str) -> str:
    digest = hashlib.sha256(request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{credential_scope}\n{digest}"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_access_key: str, day: str, region: str, service: str) -> bytes:
    key = _hmac(f"AWS4{secret_access_key}".encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def signature(secret_access_key: str, day: str, region: str, service: str, to_sign: str) -> str:
    return hmac.new(
        signing_key(secret_access_key, day, region, service),
        to_sign.encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()


def sign(
    *,
    method: str,
    encoded_path: str,
    query: Iterable[tuple[str, str]] = (),
    headers: Mapping[str, str],
    payload_sha256: str,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    service: str = "s3",
    now: datetime | None = None,
) -> dict[str, str]:
    """`headers` (which must include Host) plus x-amz-date, x-amz-content-sha256 and
    Authorization: every header given is signed, so send exactly these."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    amz_date = moment.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    if not any(name.lower() == "host" for name in headers):
        raise ValueError("the Host header must be signed")
    signed_headers = {
        **{k: v for k, v in headers.items() if k.lower() not in _ADDED},
        "x-amz-date": amz_date,
        "x-amz-content-sha256": payload_sha256,
    }
    request, signed_names = canonical_request(
        method, encoded_path, list(query), signed_headers, payload_sha256
    )
    credential_scope = scope(day, region, service)
    value = signature(
        secret_access_key, day, region, service, string_to_sign(amz_date, credential_scope, request)
    )
    signed_headers["Authorization"] = (
        f"{ALGORITHM} Credential={access_key_id}/{credential_scope},"
        f"SignedHeaders={signed_names},Signature={value}"
    )
    return signed_headers
