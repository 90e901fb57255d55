"""OAuth 1.0a signing checked against the examples of RFC 5849."""

from __future__ import annotations

import httpx
import pytest

from involinks.peppol.providers.oauth1 import (
    OAuth1Auth,
    base_string_uri,
    parse_authorization_header,
    signature,
    signature_base_string,
)


def test_rfc5849_section_1_2_example() -> None:
    url = httpx.URL("http://photos.example.net/photos?file=vacation.jpg&size=original")
    params = [
        ("file", "vacation.jpg"),
        ("size", "original"),
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
        ("oauth_token", "nnch734d00sl2jdk"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131202"),
        ("oauth_nonce", "chapoH"),
    ]
    base = signature_base_string("GET", base_string_uri(url), params)
    # Signature printed in RFC 5849 section 1.2 (percent-decoded).
    assert signature(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


@pytest.mark.parametrize(
    ("url", "expected"),
    [  # RFC 5849 section 3.4.1.2
        ("HTTP://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"),
        ("https://www.example.net:8080/?q=1", "https://www.example.net:8080/"),
    ],
)
def test_base_string_uri(url: str, expected: str) -> None:
    assert base_string_uri(httpx.URL(url)) == expected


def test_auth_flow_writes_a_verifiable_header() -> None:
    auth = OAuth1Auth(
        consumer_key="ck",
        consumer_secret="cs",
        token="tk",
        token_secret="ts",
        nonce=lambda: "n0nce",
        timestamp=lambda: 1_767_225_600,
    )
    request = httpx.Request("GET", "https://api.test/rest/external/documents?id=a b&limit=1")
    signed = next(auth.auth_flow(request))
    params = parse_authorization_header(signed.headers["Authorization"])
    assert params["oauth_nonce"] == "n0nce"
    given = params.pop("oauth_signature")
    base = signature_base_string(
        "GET",
        "https://api.test/rest/external/documents",
        [("id", "a b"), ("limit", "1"), *params.items()],
    )
    assert given == signature(base, "cs", "ts")


def test_parse_authorization_header_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="OAuth"):
        parse_authorization_header("Bearer abc")
