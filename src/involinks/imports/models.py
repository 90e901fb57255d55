"""Import runs and the ledger that makes re-imports idempotent.

``ImportJob`` is one uploaded file: its kind, options, the file's sha256 (an identical file that was
already imported is answered with the earlier run), progress counters a background run updates as
it goes, and every error found. ``ImportKey`` remembers which record a document reference of a file
(``invoice_ref``, ``po_ref``) became, so a later file repeating it updates or skips that record
instead of creating a second one. Customers and suppliers need no ledger: their TRN is on the row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, CompanyScoped, IdMixin, TimestampMixin
from involinks.core.types import JSONType, UtcDateTime
from involinks.imports.common import FileFormat, ImportKind


class ImportStatus(StrEnum):
    QUEUED = "queued"  # a background run waits for a worker
    VALIDATING = "validating"  # background: first pass, rows checked and counted
    IMPORTING = "importing"  # background: second pass, rows written in one transaction
    SUCCEEDED = "succeeded"  # every row imported (dry run: every row would be)
    PARTIAL = "partial"  # skip_invalid: the valid rows imported, the others reported
    FAILED = "failed"  # nothing written


FINISHED_STATUSES = frozenset({ImportStatus.SUCCEEDED, ImportStatus.PARTIAL, ImportStatus.FAILED})
#: A background run not finished yet. One its process left behind (a restart, a crash, a worker
#: killed) stays so until ``imports.sweep`` marks it FAILED.
ACTIVE_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING})
#: Runs an identical upload is answered with (rather than importing the file again); a stale
#: active one is swept first, so it never blocks the file for good.
IMPORTED_STATUSES = ACTIVE_STATUSES | {ImportStatus.SUCCEEDED, ImportStatus.PARTIAL}


def _enum(cls: type[StrEnum], length: int) -> sa.Enum:
    return sa.Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class ImportJob(IdMixin, TimestampMixin, CompanyScoped, Base):
    __tablename__ = "imports"
    __table_args__ = (
        sa.Index("ix_imports_company_id_kind_file_sha256", "company_id", "kind", "file_sha256"),
        sa.Index("ix_imports_company_id_created_at", "company_id", "created_at"),
    )

    kind: Mapped[ImportKind] = mapped_column(_enum(ImportKind, 32))
    status: Mapped[ImportStatus] = mapped_column(_enum(ImportStatus, 16))
    dry_run: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    skip_invalid: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    file_format: Mapped[FileFormat] = mapped_column(_enum(FileFormat, 8))
    file_size: Mapped[int] = mapped_column(sa.Integer)
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str | None] = mapped_column(sa.String(255))

    rows_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Records (a customer, a supplier, an invoice, a purchase order) by outcome.
    created_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(sa.Integer, default=0)  # kept (e.g. finalized)
    invalid_count: Mapped[int] = mapped_column(sa.Integer, default=0)  # refused for errors
    error_count: Mapped[int] = mapped_column(sa.Integer, default=0)  # may exceed len(errors)
    # [{"row", "column", "value", "message"}], the first MAX_STORED_ERRORS of them.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # [{"row", "key", "action", "message"}] for rows that updated, kept or skipped a record.
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    message: Mapped[str | None] = mapped_column(sa.Text)

    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def committed(self) -> bool:
        """Whether rows of this run are in the database (a dry run, a failed or an unfinished
        run wrote nothing, whatever its counts say)."""
        return not self.dry_run and self.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTIAL)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.kind} {self.status}>"


class ImportKey(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A document reference of an import file -> the record it became."""

    __tablename__ = "import_keys"
    __table_args__ = (sa.UniqueConstraint("company_id", "kind", "key"),)

    kind: Mapped[ImportKind] = mapped_column(_enum(ImportKind, 32))
    key: Mapped[str] = mapped_column(sa.String(200))
    record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # sha256 of the imported values: the same rows again leave the record alone.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    import_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("imports.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<ImportKey {self.kind} {self.id}>"
