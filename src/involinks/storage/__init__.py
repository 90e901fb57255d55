"""Artifact storage (see `involinks.storage.base`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from involinks.config import Settings
from involinks.storage.base import (
    ArtifactCorrupted,
    ArtifactNotFound,
    ArtifactStore,
    InvalidKey,
    StorageError,
    StoredArtifact,
)
from involinks.storage.local import LocalArtifactStore
from involinks.storage.s3 import S3ArtifactStore

__all__ = [
    "ArtifactCorrupted",
    "ArtifactNotFound",
    "ArtifactStore",
    "InvalidKey",
    "LocalArtifactStore",
    "S3ArtifactStore",
    "StorageError",
    "StoreDep",
    "StoredArtifact",
    "get_store",
    "store_for",
]

# One S3 store per configuration and process, so callers that ask per operation share its
# connection pools instead of opening (and leaking) one each time.
_s3_stores: dict[tuple[object, ...], S3ArtifactStore] = {}


def store_for(settings: Settings) -> ArtifactStore:
    """The configured backend: STORAGE_BACKEND=local (default) or s3."""
    if settings.storage_backend != "s3":
        return LocalArtifactStore(settings.artifacts_dir)
    config = (
        settings.s3_endpoint,
        settings.s3_region,
        settings.s3_bucket,
        settings.s3_prefix,
        settings.s3_access_key_id,
        settings.s3_secret_access_key.get_secret_value(),
        settings.s3_addressing,
        settings.s3_timeout_seconds,
    )
    store = _s3_stores.get(config)
    if store is None:
        store = _s3_stores[config] = S3ArtifactStore(
            endpoint_url=settings.s3_endpoint,
            region=settings.s3_region,
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            addressing_style=settings.s3_addressing,
            timeout_seconds=settings.s3_timeout_seconds,
        )
    return store


async def get_store(request: Request) -> ArtifactStore:
    """FastAPI dependency; tests may set `app.state.artifact_store` to another backend."""
    store: ArtifactStore | None = getattr(request.app.state, "artifact_store", None)
    if store is None:
        store = store_for(request.app.state.settings)
        request.app.state.artifact_store = store
    return store


StoreDep = Annotated[ArtifactStore, Depends(get_store)]
