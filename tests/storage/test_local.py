"""What only the local directory does: write-once with link(), files and their permissions."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from involinks.storage import ArtifactCorrupted, LocalArtifactStore


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(tmp_path / "artifacts")


async def test_file_is_under_its_content_key(store: LocalArtifactStore, tmp_path: Path) -> None:
    data = b"%PDF-1.4 hello"
    stored = await store.put("company-documents/abc", data, content_type="application/pdf")
    path = tmp_path / "artifacts" / "company-documents" / "abc" / hashlib.sha256(data).hexdigest()
    assert path.read_bytes() == data
    assert stored.key == str(path.relative_to(tmp_path / "artifacts"))
    assert path.stat().st_mode & 0o777 == 0o640


async def test_a_second_put_leaves_the_file_alone(
    store: LocalArtifactStore, tmp_path: Path
) -> None:
    stored = await store.put("ns", b"x", content_type="text/plain")
    path = tmp_path / "artifacts" / stored.key
    before = path.stat()
    again = await store.put("ns", b"x", content_type="text/plain")
    assert not again.created
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


async def test_a_file_that_appears_meanwhile_is_not_replaced(
    store: LocalArtifactStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer links its file between our exists() check and our link()."""
    data = b"payload"
    path = tmp_path / "artifacts" / "ns" / hashlib.sha256(data).hexdigest()
    real_link = os.link

    def racing_link(src: str, dst: Path) -> None:
        Path(dst).write_bytes(b"the other writer's bytes")
        real_link(src, dst)

    monkeypatch.setattr(os, "link", racing_link)
    with pytest.raises(ArtifactCorrupted):
        await store.put("ns", data, content_type="text/plain")
    assert path.read_bytes() == b"the other writer's bytes"


async def test_no_temporary_files_left_behind(store: LocalArtifactStore, tmp_path: Path) -> None:
    stored = await store.put("ns", b"x" * 1000, content_type="text/plain")
    await store.put("ns", b"x" * 1000, content_type="text/plain")
    siblings = list((tmp_path / "artifacts" / stored.key).parent.iterdir())
    assert [p.name for p in siblings] == [stored.key.rsplit("/", 1)[1]]


async def test_old_random_keys_are_still_read(store: LocalArtifactStore, tmp_path: Path) -> None:
    key = "company-documents/abc/2025/03/" + "ab" * 16
    (tmp_path / "artifacts" / key).parent.mkdir(parents=True)
    (tmp_path / "artifacts" / key).write_bytes(b"old")
    assert await store.get(key, expected_sha256=hashlib.sha256(b"old").hexdigest()) == b"old"
    assert await store.exists(key)


async def test_not_writable_when_the_root_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    assert not await LocalArtifactStore(blocker / "artifacts").check_writable()
