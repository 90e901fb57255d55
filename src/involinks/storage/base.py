"""Artifact storage: bytes under keys the application derives, never paths a user chose.

A key is `<namespace>/<64 hex>`: the namespace is chosen by code (e.g.
`company-documents/<company uuid>`) and validated, the rest is the SHA-256 of the bytes. Content
addressing makes every write idempotent and every object write-once: the same bytes land on the
same key, and a key never holds anything but the bytes its name hashes. Keys of the older form
`<namespace>/<yyyy>/<mm>/<32 hex>` (random) are still read, since existing rows hold them.

Backends implement `ArtifactStore`: the local filesystem (`involinks.storage.local`) and any
S3-compatible object store (`involinks.storage.s3`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

_SEGMENT = r"[a-z0-9][a-z0-9_-]{0,62}"
_NS = rf"{_SEGMENT}(?:/{_SEGMENT}){{0,3}}"
NAMESPACE = re.compile(rf"^{_NS}$")
CONTENT_KEY = re.compile(rf"^(?P<namespace>{_NS})/(?P<sha256>[0-9a-f]{{64}})$")
LEGACY_KEY = re.compile(rf"^{_NS}/[0-9]{{4}}/[0-9]{{2}}/[0-9a-f]{{32}}$")
# Either form; backup.py spots artifact keys in rows with this.
KEY = re.compile(rf"{CONTENT_KEY.pattern}|{LEGACY_KEY.pattern}")


class StorageError(RuntimeError):
    pass


class ArtifactNotFound(StorageError):
    pass


class ArtifactCorrupted(StorageError):
    """The stored bytes do not match the hash they were written (or are named) with."""


class InvalidKey(StorageError):
    pass


@dataclass(frozen=True, slots=True)
class StoredArtifact:
    key: str
    sha256: str
    size: int
    content_type: str
    # True only when this call wrote the object: a caller that cleans up after a failure deletes
    # what it created, never an identical artifact someone else stored earlier.
    created: bool


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_namespace(namespace: str) -> str:
    if not NAMESPACE.fullmatch(namespace):
        raise InvalidKey(f"invalid storage namespace {namespace!r}")
    return namespace


def check_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise InvalidKey("invalid artifact key")
    return key


def content_key(namespace: str, data: bytes) -> str:
    return f"{check_namespace(namespace)}/{sha256_hex(data)}"


def key_sha256(key: str) -> str | None:
    """The hash a content-addressed key names; None for an old random key."""
    match = CONTENT_KEY.fullmatch(key)
    return match["sha256"] if match else None


def check_put_at(key: str, data: bytes) -> str:
    """Validate a key given back by a restore: a content key must name these very bytes."""
    check_key(key)
    named = key_sha256(key)
    if named is not None and named != sha256_hex(data):
        raise ArtifactCorrupted(f"the bytes for {key} do not hash to its name")
    return key


@runtime_checkable
class ArtifactStore(Protocol):
    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        """Store bytes under their content key; the same bytes again are a no-op."""
        ...

    async def put_at(self, key: str, data: bytes, *, content_type: str) -> StoredArtifact:
        """Store bytes under a given key (restore); write-once like `put`."""
        ...

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        """Read the bytes; with `expected_sha256`, refuse content that changed since written."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the artifact; deleting a missing key is not an error."""
        ...

    async def check_writable(self) -> bool:
        """Readiness probe: whether this process can write to the store right now."""
        ...

    async def aclose(self) -> None:
        """Release connections (a no-op for the local store)."""
        ...
