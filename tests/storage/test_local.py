from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from involinks.storage import (
    ArtifactCorrupted,
    ArtifactNotFound,
    ArtifactStore,
    InvalidKey,
    LocalArtifactStore,
)


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(tmp_path / "artifacts")


def test_local_store_satisfies_the_protocol(store: LocalArtifactStore) -> None:
    assert isinstance(store, ArtifactStore)


async def test_put_get_delete_roundtrip(store: LocalArtifactStore, tmp_path: Path) -> None:
    data = b"%PDF-1.4 hello"
    stored = await store.put("company-documents/abc", data, content_type="application/pdf")
    assert re.fullmatch(r"company-documents/abc/\d{4}/\d{2}/[0-9a-f]{32}", stored.key)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert (tmp_path / "artifacts" / stored.key).read_bytes() == data
    assert await store.get(stored.key, expected_sha256=stored.sha256) == data

    await store.delete(stored.key)
    with pytest.raises(ArtifactNotFound):
        await store.get(stored.key)
    await store.delete(stored.key)  # deleting twice is fine


async def test_keys_are_never_reused(store: LocalArtifactStore) -> None:
    first = await store.put("ns", b"a", content_type="text/plain")
    second = await store.put("ns", b"a", content_type="text/plain")
    assert first.key != second.key


async def test_corruption_is_detected(store: LocalArtifactStore, tmp_path: Path) -> None:
    stored = await store.put("ns", b"original", content_type="text/plain")
    (tmp_path / "artifacts" / stored.key).write_bytes(b"changed!")
    with pytest.raises(ArtifactCorrupted):
        await store.get(stored.key, expected_sha256=stored.sha256)


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "ns/2026/01/../../../../etc/passwd",
        "/etc/passwd",
        "ns/2026/01/ABCDEF",
        "ns/2026/01/" + "a" * 31,
        "ns/../2026/01/" + "a" * 32,
        "",
    ],
)
async def test_user_chosen_or_escaping_keys_are_refused(
    store: LocalArtifactStore, key: str
) -> None:
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.delete(key)


@pytest.mark.parametrize("namespace", ["", "../x", "a/../b", "Upper", "a b", "/abs", "a//b"])
async def test_bad_namespaces_are_refused(store: LocalArtifactStore, namespace: str) -> None:
    with pytest.raises(InvalidKey):
        await store.put(namespace, b"x", content_type="text/plain")


async def test_no_temporary_files_left_behind(store: LocalArtifactStore, tmp_path: Path) -> None:
    stored = await store.put("ns", b"x" * 1000, content_type="text/plain")
    siblings = list((tmp_path / "artifacts" / stored.key).parent.iterdir())
    assert [p.name for p in siblings] == [stored.key.rsplit("/", 1)[1]]
