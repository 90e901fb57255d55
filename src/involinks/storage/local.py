"""Artifacts on the local filesystem under `settings.artifacts_dir`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from involinks.storage.base import (
    ArtifactCorrupted,
    ArtifactNotFound,
    InvalidKey,
    StoredArtifact,
    check_key,
    check_put_at,
    content_key,
    sha256_hex,
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

    def _write_once(self, key: str, path: Path, data: bytes, sha256: str) -> bool:
        """Write unless the key exists; True when this call created the file."""
        if path.exists():
            return self._same_content(key, path, sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A complete, synced temporary file is hard-linked into place: link() fails if the name
        # exists (a rename would replace it), and a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o640)
            try:
                os.link(tmp, path)
            except FileExistsError:
                # A concurrent writer won the race; its file is complete (linked after fsync).
                return self._same_content(key, path, sha256)
            _fsync_dir(path.parent)
            return True
        finally:
            Path(tmp).unlink(missing_ok=True)

    @staticmethod
    def _same_content(key: str, path: Path, sha256: str) -> bool:
        if sha256_hex(path.read_bytes()) != sha256:
            raise ArtifactCorrupted(f"{key} already holds other bytes; it is never overwritten")
        return False

    async def _store(self, key: str, data: bytes, content_type: str) -> StoredArtifact:
        sha256 = sha256_hex(data)
        created = await asyncio.to_thread(self._write_once, key, self._path(key), data, sha256)
        return StoredArtifact(
            key=key, sha256=sha256, size=len(data), content_type=content_type, created=created
        )

    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        return await self._store(content_key(namespace, data), data, content_type)

    async def put_at(self, key: str, data: bytes, *, content_type: str) -> StoredArtifact:
        return await self._store(check_put_at(key, data), data, content_type)

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        path = self._path(key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise ArtifactNotFound(key) from exc
        if expected_sha256 is not None and sha256_hex(data) != expected_sha256:
            raise ArtifactCorrupted(key)
        return data

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)

    def _probe(self) -> bool:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".ready-") as probe:
                probe.write(b"ok")
                probe.flush()
            return True
        except OSError:
            return False

    async def check_writable(self) -> bool:
        return await asyncio.to_thread(self._probe)

    async def aclose(self) -> None:
        return None


def _fsync_dir(directory: Path) -> None:
    # The new directory entry survives a crash only once the directory itself is synced.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
