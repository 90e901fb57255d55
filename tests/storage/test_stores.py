"""The ArtifactStore contract, run against every backend: the local directory and an
S3-compatible server (moto, started by the `s3_server` fixture)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from involinks.storage import (
    ArtifactCorrupted,
    ArtifactNotFound,
    ArtifactStore,
    InvalidKey,
    LocalArtifactStore,
    S3ArtifactStore,
)
from tests.s3server import S3Server

Overwrite = Callable[[str, bytes], Awaitable[None]]
LEGACY_KEY = "ns/2025/01/" + "0123456789abcdef" * 2


@pytest.fixture(params=["local", "s3"])
async def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[ArtifactStore, Overwrite]]:
    """A store and a way to change an object behind its back (what tampering would do)."""
    if request.param == "local":
        local = LocalArtifactStore(tmp_path / "artifacts")

        async def overwrite_file(key: str, data: bytes) -> None:
            path = tmp_path / "artifacts" / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        yield local, overwrite_file
        return
    server: S3Server = request.getfixturevalue("s3_server")
    s3 = server.store()

    async def overwrite_object(key: str, data: bytes) -> None:
        # An unconditional PUT, which the store itself never sends.
        response = await s3._request("PUT", s3._object_name(key), body=data)
        assert response.status_code == 200, response.text

    yield s3, overwrite_object
    await s3.aclose()


@pytest.fixture
def store(backend: tuple[ArtifactStore, Overwrite]) -> ArtifactStore:
    return backend[0]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_satisfies_the_protocol(store: ArtifactStore) -> None:
    assert isinstance(store, ArtifactStore)


async def test_put_get_delete_roundtrip(store: ArtifactStore) -> None:
    data = b"%PDF-1.4 hello"
    stored = await store.put("company-documents/abc", data, content_type="application/pdf")
    assert stored.key == f"company-documents/abc/{_sha(data)}"
    assert re.fullmatch(r"company-documents/abc/[0-9a-f]{64}", stored.key)
    assert (stored.sha256, stored.size, stored.created) == (_sha(data), len(data), True)
    assert await store.exists(stored.key)
    assert await store.get(stored.key, expected_sha256=stored.sha256) == data

    await store.delete(stored.key)
    assert not await store.exists(stored.key)
    with pytest.raises(ArtifactNotFound):
        await store.get(stored.key)
    await store.delete(stored.key)  # deleting twice is fine


async def test_same_bytes_same_key_written_once(store: ArtifactStore) -> None:
    first = await store.put("ns", b"a", content_type="text/plain")
    second = await store.put("ns", b"a", content_type="text/plain")
    assert second.key == first.key
    assert (first.created, second.created) == (True, False)
    other = await store.put("other-ns", b"a", content_type="text/plain")
    assert other.key != first.key  # namespaces (tenants) never share an object
    assert other.created


async def test_concurrent_puts_of_the_same_bytes_create_once(store: ArtifactStore) -> None:
    results = await asyncio.gather(
        *(store.put("race", b"same bytes", content_type="text/plain") for _ in range(8))
    )
    assert len({r.key for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert await store.get(results[0].key) == b"same bytes"


async def test_an_existing_object_is_never_overwritten(
    backend: tuple[ArtifactStore, Overwrite],
) -> None:
    store, overwrite = backend
    data = b"original"
    key = f"ns/{_sha(data)}"
    await overwrite(key, b"tampered")
    with pytest.raises(ArtifactCorrupted):
        await store.put("ns", data, content_type="text/plain")
    assert await store.get(key) == b"tampered"  # left as found, for the investigation


async def test_corruption_is_detected_on_read(backend: tuple[ArtifactStore, Overwrite]) -> None:
    store, overwrite = backend
    stored = await store.put("ns", b"original", content_type="text/plain")
    await overwrite(stored.key, b"changed!")
    with pytest.raises(ArtifactCorrupted):
        await store.get(stored.key, expected_sha256=stored.sha256)


async def test_put_at_restores_under_the_same_key(store: ArtifactStore) -> None:
    data = b"<Invoice/>"
    key = f"issued-documents/x/{_sha(data)}"
    stored = await store.put_at(key, data, content_type="application/xml")
    assert (stored.key, stored.created) == (key, True)
    assert (await store.put_at(key, data, content_type="application/xml")).created is False
    assert await store.get(key, expected_sha256=_sha(data)) == data


async def test_put_at_refuses_bytes_that_do_not_match_the_key(store: ArtifactStore) -> None:
    with pytest.raises(ArtifactCorrupted):
        await store.put_at(f"ns/{_sha(b'one')}", b"two", content_type="text/plain")
    assert not await store.exists(f"ns/{_sha(b'one')}")


async def test_put_at_accepts_old_random_keys_write_once(store: ArtifactStore) -> None:
    stored = await store.put_at(LEGACY_KEY, b"old artifact", content_type="text/plain")
    assert stored.created
    assert await store.get(LEGACY_KEY) == b"old artifact"
    with pytest.raises(ArtifactCorrupted):
        await store.put_at(LEGACY_KEY, b"something else", content_type="text/plain")
    assert await store.get(LEGACY_KEY) == b"old artifact"


async def test_check_writable(store: ArtifactStore) -> None:
    assert await store.check_writable()
    assert await store.check_writable()  # the probe already exists: still writable


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "ns/2026/01/../../../../etc/passwd",
        "/etc/passwd",
        "ns/2026/01/ABCDEF",
        "ns/2026/01/" + "a" * 31,
        "ns/../2026/01/" + "a" * 32,
        "ns/" + "a" * 63,
        "ns/" + "A" * 64,
        "../" + "a" * 64,
        "",
    ],
)
async def test_user_chosen_or_escaping_keys_are_refused(store: ArtifactStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.delete(key)
    with pytest.raises(InvalidKey):
        await store.exists(key)
    with pytest.raises(InvalidKey):
        await store.put_at(key, b"x", content_type="text/plain")


@pytest.mark.parametrize("namespace", ["", "../x", "a/../b", "Upper", "a b", "/abs", "a//b"])
async def test_bad_namespaces_are_refused(store: ArtifactStore, namespace: str) -> None:
    with pytest.raises(InvalidKey):
        await store.put(namespace, b"x", content_type="text/plain")


def test_backends_are_the_real_classes(store: ArtifactStore) -> None:
    assert isinstance(store, LocalArtifactStore | S3ArtifactStore)
