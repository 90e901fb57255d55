"""SigV4 against the examples AWS publishes in "Authenticating Requests: Using the Authorization
Header (AWS Signature Version 4)" of the Amazon S3 API Reference (bucket `examplebucket`, access
key AKIAIOSFODNN7EXAMPLE, 24 May 2013). The expected values below are the documented ones."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from involinks.storage import sigv4

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2013, 5, 24, tzinfo=UTC)
HOST = "examplebucket.s3.amazonaws.com"
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _sign(
    method: str,
    path: str,
    headers: dict[str, str],
    payload: bytes = b"",
    query: tuple[tuple[str, str], ...] = (),
) -> dict[str, str]:
    return sigv4.sign(
        method=method,
        encoded_path=path,
        query=query,
        headers={"Host": HOST, **headers},
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        region="us-east-1",
        now=WHEN,
    )


def test_empty_payload_hash() -> None:
    assert sigv4.EMPTY_SHA256 == EMPTY


def test_get_object_example_step_by_step() -> None:
    """GET /test.txt with Range: bytes=0-9 - the canonical request, string to sign and signature."""
    headers = {
        "Host": HOST,
        "Range": "bytes=0-9",
        "x-amz-content-sha256": EMPTY,
        "x-amz-date": "20130524T000000Z",
    }
    request, signed = sigv4.canonical_request("GET", "/test.txt", [], headers, EMPTY)
    assert request == (
        "GET\n"
        "/test.txt\n"
        "\n"
        "host:examplebucket.s3.amazonaws.com\n"
        "range:bytes=0-9\n"
        f"x-amz-content-sha256:{EMPTY}\n"
        "x-amz-date:20130524T000000Z\n"
        "\n"
        "host;range;x-amz-content-sha256;x-amz-date\n"
        f"{EMPTY}"
    )
    assert signed == "host;range;x-amz-content-sha256;x-amz-date"
    to_sign = sigv4.string_to_sign(
        "20130524T000000Z", sigv4.scope("20130524", "us-east-1", "s3"), request
    )
    assert to_sign == (
        "AWS4-HMAC-SHA256\n"
        "20130524T000000Z\n"
        "20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    )
    assert (
        sigv4.signature(SECRET_KEY, "20130524", "us-east-1", "s3", to_sign)
        == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_get_object_example_authorization_header() -> None:
    signed = _sign("GET", "/test.txt", {"Range": "bytes=0-9"})
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )
    assert signed["x-amz-date"] == "20130524T000000Z"
    assert signed["x-amz-content-sha256"] == EMPTY


def test_put_object_example() -> None:
    """PUT /test$file.text: a payload, a Date header and x-amz-storage-class; `$` is encoded."""
    payload = b"Welcome to Amazon S3."
    assert (
        hashlib.sha256(payload).hexdigest()
        == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
    )
    path = "/" + sigv4.uri_encode("test$file.text")
    assert path == "/test%24file.text"
    signed = _sign(
        "PUT",
        path,
        {"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
        payload,
    )
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
    )


def test_get_bucket_lifecycle_example() -> None:
    """A query parameter without a value is signed as `lifecycle=`."""
    signed = _sign("GET", "/", {}, query=(("lifecycle", ""),))
    assert signed["Authorization"].endswith(
        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
    )


def test_list_objects_example() -> None:
    """Query parameters are sorted by name whatever order they come in."""
    signed = _sign("GET", "/", {}, query=(("prefix", "J"), ("max-keys", "2")))
    assert signed["Authorization"].endswith(
        "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
    )


@pytest.mark.parametrize(
    ("raw", "slash", "encoded"),
    [
        ("a-z_0.9~", True, "a-z_0.9~"),
        ("a b", True, "a%20b"),
        ("a/b", True, "a%2Fb"),
        ("a/b", False, "a/b"),
        ("é", True, "%C3%A9"),
        ("a+b=c&d", True, "a%2Bb%3Dc%26d"),
    ],
)
def test_uri_encode(raw: str, slash: bool, encoded: str) -> None:
    assert sigv4.uri_encode(raw, encode_slash=slash) == encoded


def test_header_values_are_trimmed_and_spaces_collapsed() -> None:
    block, signed = sigv4.canonical_headers({"X-Custom": "  a   b  ", "Host": "h"})
    assert block == "host:h\nx-custom:a b\n"
    assert signed == "host;x-custom"


def test_host_must_be_signed() -> None:
    with pytest.raises(ValueError, match="Host"):
        sigv4.sign(
            method="GET",
            encoded_path="/",
            headers={},
            payload_sha256=EMPTY,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            region="us-east-1",
        )


def test_the_secret_is_not_in_the_headers() -> None:
    signed = _sign("GET", "/test.txt", {})
    assert all(SECRET_KEY not in value for value in signed.values())
