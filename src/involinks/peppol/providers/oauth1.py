"""OAuth 1.0a HMAC-SHA1 request signing (RFC 5849), as Tradeshift's two-legged API access uses.

Only query parameters take part in the signature: adapters never send form-encoded bodies, whose
parameters RFC 5849 section 3.4.1.3 would add.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Generator, Iterable
from urllib.parse import parse_qsl, quote, unquote

import httpx

__all__ = [
    "OAuth1Auth",
    "base_string_uri",
    "parse_authorization_header",
    "signature",
    "signature_base_string",
]


def _enc(value: str) -> str:
    # RFC 5849 3.6: percent-encode everything except unreserved characters.
    return quote(value, safe="-._~")


def base_string_uri(url: httpx.URL) -> str:
    """RFC 5849 3.4.1.2: lower-case scheme and host, default port dropped, no query."""
    scheme = url.scheme.lower()
    host = url.host.lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    port = f":{url.port}" if url.port is not None and url.port != default_port else ""
    path = url.raw_path.split(b"?", 1)[0].decode("ascii") or "/"
    return f"{scheme}://{host}{port}{path}"


def signature_base_string(method: str, uri: str, params: Iterable[tuple[str, str]]) -> str:
    encoded = sorted((_enc(name), _enc(value)) for name, value in params)
    normalized = "&".join(f"{name}={value}" for name, value in encoded)
    return "&".join((method.upper(), _enc(uri), _enc(normalized)))


def signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    digest = hmac.new(key, base_string.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_authorization_header(value: str) -> dict[str, str]:
    """``OAuth k="v", ...`` to a dict (``realm`` included); ValueError when not OAuth."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        raise ValueError("not an OAuth authorization header")
    params: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, raw = item.strip().partition("=")
        if not sep or len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
            raise ValueError("malformed OAuth parameter")
        params[unquote(name)] = unquote(raw[1:-1])
    return params


def query_params(url: httpx.URL) -> list[tuple[str, str]]:
    return parse_qsl(url.query.decode("ascii"), keep_blank_values=True)


class OAuth1Auth(httpx.Auth):
    def __init__(
        self,
        *,
        consumer_key: str,
        consumer_secret: str,
        token: str,
        token_secret: str,
        nonce: Callable[[], str] = lambda: secrets.token_hex(16),
        timestamp: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._token = token
        self._token_secret = token_secret
        self._nonce = nonce
        self._timestamp = timestamp

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        oauth = {
            "oauth_consumer_key": self._consumer_key,
            "oauth_token": self._token,
            "oauth_signature_method": "HMAC-SHA1",
            "oauth_timestamp": str(self._timestamp()),
            "oauth_nonce": self._nonce(),
            "oauth_version": "1.0",
        }
        base = signature_base_string(
            request.method,
            base_string_uri(request.url),
            [*query_params(request.url), *oauth.items()],
        )
        oauth["oauth_signature"] = signature(base, self._consumer_secret, self._token_secret)
        request.headers["Authorization"] = "OAuth " + ", ".join(
            f'{_enc(name)}="{_enc(value)}"' for name, value in oauth.items()
        )
        yield request
