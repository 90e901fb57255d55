"""Artifacts in any S3-compatible object store (AWS S3, MinIO, Ceph RGW, R2, ...).

Plain HTTP through httpx, signed with our own SigV4 (`involinks.storage.sigv4`). Every API and
worker process on every machine sees the same objects, so the processes stay stateless.

Write-once: a PUT carries `If-None-Match: *`, which the store refuses with 412 when the key
exists; we then read the existing object and accept it only if it holds the same bytes. The body
is protected in transit twice: `x-amz-content-sha256` (the signed payload hash, which S3 checks)
and `Content-MD5`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import weakref
from typing import Literal
from xml.etree import ElementTree

import httpx
from pydantic import SecretStr

from involinks.storage import sigv4
from involinks.storage.base import (
    ArtifactCorrupted,
    ArtifactNotFound,
    StorageError,
    StoredArtifact,
    check_key,
    check_put_at,
    content_key,
    sha256_hex,
)

AddressingStyle = Literal["path", "virtual"]
# Where readiness probes its write permission (a fixed key: probing leaves no litter).
PROBE_KEY = ".involinks-readiness-probe"
# 409 ConditionalRequestConflict: another conditional write of the key is in flight.
_CONFLICT_RETRIES = 3


class S3ArtifactStore:
    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        region: str,
        access_key_id: str,
        secret_access_key: SecretStr,
        prefix: str = "",
        addressing_style: AddressingStyle = "path",
        timeout_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        endpoint = httpx.URL(endpoint_url)
        if endpoint.scheme not in {"http", "https"} or not endpoint.host:
            raise ValueError("S3 endpoint URL must be an http(s) URL with a host")
        self.bucket = bucket
        self.region = region
        self.prefix = prefix.strip("/")
        self.addressing_style = addressing_style
        self._scheme = endpoint.scheme
        self._host = endpoint.host
        self._port = endpoint.port
        self._base_path = endpoint.path.rstrip("/")
        self._access_key_id = access_key_id
        self._secret = secret_access_key
        self._timeout = timeout_seconds
        self._transport = transport
        # One connection pool per event loop: a pool must not outlive the loop it runs on
        # (Celery workers and the CLI run several loops in one process).
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:  # no credentials in logs or tracebacks
        return f"S3ArtifactStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    # --- addressing ---------------------------------------------------------------------------

    def _object_name(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _target(self, object_name: str) -> tuple[str, str]:
        """(Host header, URI-encoded path) of an object."""
        port = f":{self._port}" if self._port else ""
        encoded = sigv4.uri_encode(object_name, encode_slash=False)
        if self.addressing_style == "virtual":
            return f"{self.bucket}.{self._host}{port}", f"{self._base_path}/{encoded}"
        bucket = sigv4.uri_encode(self.bucket)
        return f"{self._host}{port}", f"{self._base_path}/{bucket}/{encoded}"

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(timeout=self._timeout, transport=self._transport)
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the connection pool of the running loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    async def _request(
        self,
        method: str,
        object_name: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        host, path = self._target(object_name)
        signed = sigv4.sign(
            method=method,
            encoded_path=path,
            headers={"host": host, **(headers or {})},
            payload_sha256=sha256_hex(body),
            access_key_id=self._access_key_id,
            secret_access_key=self._secret.get_secret_value(),
            region=self.region,
        )
        url = f"{self._scheme}://{host}{path}"
        try:
            return await self._client().request(method, url, content=body, headers=signed)
        except httpx.HTTPError as exc:
            # The exception text names the URL at most; the signature and secret are not in it.
            raise StorageError(
                f"S3 {method} {object_name} failed: {type(exc).__name__} reaching "
                f"{self._scheme}://{host}"
            ) from exc

    @staticmethod
    def _error_code(response: httpx.Response) -> str:
        """The `<Code>` of an S3 error body ("" when there is none, as for HEAD)."""
        if not response.content:
            return ""
        try:
            node = ElementTree.fromstring(response.content).find("Code")
        except ElementTree.ParseError:
            return ""
        return node.text or "" if node is not None else ""

    def _missing(self, response: httpx.Response) -> bool:
        # A 404 for the bucket (NoSuchBucket) is a configuration error, not a missing artifact.
        return response.status_code == 404 and self._error_code(response) in {"", "NoSuchKey"}

    def _error(self, method: str, object_name: str, response: httpx.Response) -> StorageError:
        code = self._error_code(response)
        return StorageError(
            f"S3 {method} {object_name} in bucket {self.bucket!r} failed: "
            f"HTTP {response.status_code}{f' {code}' if code else ''}"
        )

    # --- ArtifactStore ------------------------------------------------------------------------

    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        return await self._store(content_key(namespace, data), data, content_type)

    async def put_at(self, key: str, data: bytes, *, content_type: str) -> StoredArtifact:
        return await self._store(check_put_at(key, data), data, content_type)

    async def _store(self, key: str, data: bytes, content_type: str) -> StoredArtifact:
        sha256 = sha256_hex(data)
        name = self._object_name(key)
        headers = {
            "content-type": content_type,
            "content-md5": base64.b64encode(hashlib.md5(data).digest()).decode("ascii"),
            "if-none-match": "*",
        }
        for attempt in range(_CONFLICT_RETRIES + 1):
            response = await self._request("PUT", name, body=data, headers=headers)
            if response.status_code == 409 and attempt < _CONFLICT_RETRIES:
                await asyncio.sleep(0.1 * (attempt + 1))
                continue
            break
        if response.is_success:
            created = True
        elif response.status_code == 412:
            # Already there: fine if it is the same bytes, never replaced if it is not.
            existing = await self.get(key)
            if sha256_hex(existing) != sha256:
                raise ArtifactCorrupted(f"{key} already holds other bytes; it is never overwritten")
            created = False
        else:
            raise self._error("PUT", name, response)
        return StoredArtifact(
            key=key, sha256=sha256, size=len(data), content_type=content_type, created=created
        )

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        name = self._object_name(check_key(key))
        response = await self._request("GET", name)
        if self._missing(response):
            raise ArtifactNotFound(key)
        if not response.is_success:
            raise self._error("GET", name, response)
        data = response.content
        if expected_sha256 is not None and sha256_hex(data) != expected_sha256:
            raise ArtifactCorrupted(key)
        return data

    async def exists(self, key: str) -> bool:
        name = self._object_name(check_key(key))
        response = await self._request("HEAD", name)
        if self._missing(response):
            return False
        if not response.is_success:
            raise self._error("HEAD", name, response)
        return True

    async def delete(self, key: str) -> None:
        name = self._object_name(check_key(key))
        response = await self._request("DELETE", name)
        if not response.is_success and not self._missing(response):
            raise self._error("DELETE", name, response)

    async def check_writable(self) -> bool:
        """A conditional PUT of a fixed probe object: 200 (created) or 412 (exists) both prove
        the credentials may write, since S3 checks authorization before the precondition."""
        try:
            response = await self._request(
                "PUT",
                self._object_name(PROBE_KEY),
                body=b"ok",
                headers={"content-type": "text/plain", "if-none-match": "*"},
            )
        except StorageError:
            return False
        return response.is_success or response.status_code == 412
