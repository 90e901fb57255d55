"""Artifacts on the local filesystem under `settings.artifacts_dir`."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from involinks.storage.base import (
    ArtifactCorrupted,
    ArtifactNotFound,
    InvalidKey,
    StoredArtifact,
    check_key,
    check_namespace,
)


class LocalArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # The key pattern already excludes "..", this is the second lock on the door.
        if not path.is_relative_to(self.root):
            raise InvalidKey("artifact key leaves the storage root")
        return path

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o640)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        now = datetime.now(UTC)
        key = f"{check_namespace(namespace)}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
        await asyncio.to_thread(self._write, self._path(key), data)
        return StoredArtifact(
            key=key,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=content_type,
        )

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        path = self._path(key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise ArtifactNotFound(key) from exc
        if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
            raise ArtifactCorrupted(key)
        return data

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)
