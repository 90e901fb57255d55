"""Import payloads: the run with its progress, errors and per-record results."""

from __future__ import annotations

import uuid
from datetime import datetime

from involinks.core.schemas import Schema
from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.models import ImportStatus


class ImportErrorRead(Schema):
    row: int  # as the spreadsheet shows it (header = 1)
    column: str | None
    value: str | None
    message: str


class ImportResultRead(Schema):
    """A row that updated, kept or skipped an existing record (created ones are counted only)."""

    row: int
    key: str
    action: str  # "updated", "unchanged" or "skipped"
    message: str | None = None


class ImportSummary(Schema):
    id: uuid.UUID
    kind: ImportKind
    status: ImportStatus
    committed: bool  # rows of this run are in the database (never for a dry run or "failed")
    dry_run: bool
    skip_invalid: bool
    file_name: str | None
    file_format: FileFormat
    file_size: int
    file_sha256: str
    rows_total: int
    rows_done: int
    created_count: int
    updated_count: int
    unchanged_count: int
    skipped_count: int
    invalid_count: int
    error_count: int
    message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportRead(ImportSummary):
    errors: list[ImportErrorRead]
    results: list[ImportResultRead]


class ImportPage(Schema):
    items: list[ImportSummary]
    total: int
    page: int
    page_size: int
