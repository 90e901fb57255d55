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

__all__ = [
    "ArtifactCorrupted",
    "ArtifactNotFound",
    "ArtifactStore",
    "InvalidKey",
    "LocalArtifactStore",
    "StorageError",
    "StoreDep",
    "StoredArtifact",
    "get_store",
    "store_for",
]


def store_for(settings: Settings) -> ArtifactStore:
    """The configured backend (only the local filesystem for now)."""
    return LocalArtifactStore(settings.artifacts_dir)


def get_store(request: Request) -> ArtifactStore:
    """FastAPI dependency; tests may set `app.state.artifact_store` to another backend."""
    store: ArtifactStore | None = getattr(request.app.state, "artifact_store", None)
    if store is None:
        store = store_for(request.app.state.settings)
        request.app.state.artifact_store = store
    return store


StoreDep = Annotated[ArtifactStore, Depends(get_store)]
