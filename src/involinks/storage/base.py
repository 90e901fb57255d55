"""Artifact storage: bytes under keys the application generates, never paths a user chose.

A key is `<namespace>/<yyyy>/<mm>/<32 hex>`; the namespace is chosen by code (e.g.
`company-documents/<company uuid>`), validated, and the random part comes from uuid4. Backends
implement `ArtifactStore`; the local filesystem one lives in `involinks.storage.local`, an S3 one
can be added behind the same Protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

_SEGMENT = r"[a-z0-9][a-z0-9_-]{0,62}"
NAMESPACE = re.compile(rf"^{_SEGMENT}(/{_SEGMENT}){{0,3}}$")
KEY = re.compile(rf"^{_SEGMENT}(/{_SEGMENT}){{0,3}}/[0-9]{{4}}/[0-9]{{2}}/[0-9a-f]{{32}}$")


class StorageError(RuntimeError):
    pass


class ArtifactNotFound(StorageError):
    pass


class ArtifactCorrupted(StorageError):
    """The stored bytes no longer match the hash recorded when they were written."""


class InvalidKey(StorageError):
    pass


@dataclass(frozen=True, slots=True)
class StoredArtifact:
    key: str
    sha256: str
    size: int
    content_type: str


def check_namespace(namespace: str) -> str:
    if not NAMESPACE.fullmatch(namespace):
        raise InvalidKey(f"invalid storage namespace {namespace!r}")
    return namespace


def check_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise InvalidKey("invalid artifact key")
    return key


@runtime_checkable
class ArtifactStore(Protocol):
    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        """Store bytes under a new generated key."""
        ...

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        """Read the bytes; with `expected_sha256`, refuse content that changed since written."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the artifact; deleting a missing key is not an error."""
        ...
