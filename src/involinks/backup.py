"""``involinks backup`` and ``involinks restore``: the database and its artifacts, in one file.

The archive is a zip file that any database this application runs on can read back:

* ``manifest.json``: format version, source dialect, schema revisions, row counts per table,
  and every artifact with its SHA-256;
* ``db/<table>.jsonl``: one JSON object per row. Values are written as text that round-trips
  exactly: decimals as their digits (never floats), timestamps in ISO 8601 with their UTC offset,
  bytes in base64, uuids as text, enums by value; JSON columns as they are. Each value is read
  back through the target table's own column type, so a SQLite backup (decimals kept as scaled
  integers, naive UTC timestamps) loads into PostgreSQL (NUMERIC, timestamptz) and back;
* ``artifacts/<key>``: the stored files (signed XML, PDFs, uploads) the rows refer to.

Consistency: every table is read in one transaction (REPEATABLE READ and READ ONLY on PostgreSQL;
on SQLite the transaction holds the database lock, so writers wait for the backup). Artifact
keys are collected from those rows, and the objects are read through the configured store
(local directory or S3) while the snapshot is still open. Artifacts are write-once under keys
named by their content's SHA-256, so the copies match the rows that name them; restore writes
each back under the same key, through the store of the target installation.

Restore loads into an empty database (no company, user or audit event): it migrates the schema,
refuses a backup taken at other schema revisions, then inserts every table in foreign-key order
inside one transaction. A foreign key that points forward (to a table loaded later, or to its own
table) is filled in by an UPDATE once every row is in. The audit log's append-only trigger only
forbids UPDATE, DELETE and TRUNCATE, so plain INSERTs load it without disabling anything and
without a superuser; rows seeded by the migrations (plans, default content) are replaced by the
backup's own. PostgreSQL sequences are moved past the loaded ids. Afterwards every company's hash
chain is verified against the restored artifacts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeDecorator

from involinks import __version__
from involinks import models as _models  # noqa: F401 - every table on Base.metadata
from involinks.config import Settings
from involinks.core.base import Base
from involinks.core.db import create_engine
from involinks.core.migrate import expected_heads
from involinks.core.types import ExactDecimal, UtcDateTime
from involinks.storage import ArtifactStore, store_for
from involinks.storage.base import (
    KEY,
    ArtifactCorrupted,
    ArtifactNotFound,
    InvalidKey,
    check_key,
    key_sha256,
)
from involinks.storage.uploads import sniff_content_type

log = logging.getLogger(__name__)

FORMAT = "involinks-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_BATCH = 1000
# Rows anyone created, as opposed to rows the migrations seed: their presence means "not empty".
_OWNED_TABLES = ("companies", "users", "audit_events")


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says what to do."""


# --- values ---------------------------------------------------------------------------------------


def encode_value(value: Any) -> Any:
    """A JSON value that `decode_value` turns back into exactly ``value``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return value.value if isinstance(value, str) else value.name
    if isinstance(value, str | dict | list):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    raise BackupError(f"cannot back up a value of type {type(value).__name__}")


def decode_value(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, ExactDecimal):
        return Decimal(value)
    if isinstance(kind, UtcDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.JSON):
        return value
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        try:
            return kind.enum_class(value)
        except ValueError:
            return kind.enum_class[value]
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(value) if kind.asdecimal else value
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Time):
        return time.fromisoformat(value)
    if isinstance(kind, sa.Interval):
        return timedelta(seconds=value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, sa.Uuid):
        return uuid.UUID(value) if kind.as_uuid else value
    return value


def _tables() -> list[sa.Table]:
    return list(Base.metadata.sorted_tables)


def _artifact_keys(row: dict[str, Any]) -> Iterator[str]:
    """Every value of a row that is an artifact key (whatever the column is called)."""
    for value in row.values():
        if isinstance(value, str) and KEY.fullmatch(value):
            yield value


# --- backup ---------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    artifacts: int = 0
    missing_artifacts: list[str] = field(default_factory=list)


async def _snapshot_connection(connection: AsyncConnection) -> AsyncConnection:
    if connection.dialect.name == "postgresql":
        return await connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return connection


async def backup(settings: Settings, output: Path) -> BackupReport:
    """Write the archive to ``output`` (through a temporary file: no half-written backup)."""
    report = BackupReport(path=output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    engine = create_engine(settings.database_url, pool_size=1)
    store = store_for(settings)
    try:
        async with engine.connect() as raw:
            connection = await _snapshot_connection(raw)
            async with connection.begin():
                await _system_scope(connection)
                heads = await _database_heads(connection)
                with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    keys: set[str] = set()
                    for table in _tables():
                        report.rows[table.name] = await _dump_table(
                            connection, table, archive, keys
                        )
                    artifacts = await _copy_artifacts(store, sorted(keys), archive, report)
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "app_version": __version__,
                        "dialect": connection.dialect.name,
                        "schema_heads": sorted(heads),
                        "tables": [
                            {"name": table.name, "rows": report.rows[table.name]}
                            for table in _tables()
                        ],
                        "artifacts": artifacts,
                        "missing_artifacts": report.missing_artifacts,
                    }
                    archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        await engine.dispose()
        await store.aclose()
    report.artifacts = len(artifacts)
    return report


async def _system_scope(connection: AsyncConnection) -> None:
    # Row-level security lets the 'system' scope see and write every company's rows, whatever
    # the login role (the owner bypasses the policies anyway: they are not FORCEd).
    if connection.dialect.name == "postgresql":
        await connection.execute(
            sa.text(
                "SELECT set_config('involinks.scope', 'system', true), "
                "set_config('involinks.company_id', '', true)"
            )
        )


async def _database_heads(connection: AsyncConnection) -> set[str]:
    rows = await connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    return {str(row[0]) for row in rows}


async def _dump_table(
    connection: AsyncConnection, table: sa.Table, archive: zipfile.ZipFile, keys: set[str]
) -> int:
    count = 0
    order = list(table.primary_key.columns) or list(table.columns)
    result = await connection.stream(sa.select(table).order_by(*order))
    with archive.open(f"db/{table.name}.jsonl", "w", force_zip64=True) as entry:
        async for partition in result.mappings().partitions(_BATCH):
            lines = []
            for row in partition:
                record = {name: encode_value(value) for name, value in row.items()}
                keys.update(_artifact_keys(record))
                lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            entry.write(("\n".join(lines) + "\n").encode("utf-8"))
            count += len(lines)
    return count


async def _copy_artifacts(
    store: ArtifactStore, keys: list[str], archive: zipfile.ZipFile, report: BackupReport
) -> list[dict[str, Any]]:
    copied: list[dict[str, Any]] = []
    for key in keys:
        try:
            # A content key names its hash: bytes that no longer match it are not the artifact.
            data = await store.get(check_key(key), expected_sha256=key_sha256(key))
        except (ArtifactNotFound, ArtifactCorrupted) as exc:
            # Named by a row but not in storage (or damaged): recorded, so the restore report
            # and the chain verification can say so.
            report.missing_artifacts.append(key)
            problem = "missing from" if isinstance(exc, ArtifactNotFound) else "damaged in"
            log.warning("artifact %s storage", problem, extra={"key": key})
            continue
        archive.writestr(f"artifacts/{key}", data)
        copied.append({"key": key, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return copied


# --- restore --------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    rows: dict[str, int] = field(default_factory=dict)
    artifacts: int = 0


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("Not an InvoLinks backup: it has no manifest.json.") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Unsupported backup format {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r} (this version reads {FORMAT} {FORMAT_VERSION})."
        )
    return manifest


def check_schema(manifest: dict[str, Any]) -> None:
    have = set(manifest.get("schema_heads", []))
    want = expected_heads()
    if have != want:
        raise BackupError(
            "The backup was taken at schema revisions "
            f"{', '.join(sorted(have)) or 'none'}; this version of InvoLinks is at "
            f"{', '.join(sorted(want))}. Restore it with the InvoLinks version that took it, "
            "then upgrade."
        )


async def ensure_empty(database_url: str) -> None:
    """Refuse a database that holds anyone's data (schema and migration seeds are fine)."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            await _system_scope(connection)
            existing = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
            for name in _OWNED_TABLES:
                if name not in existing:
                    continue
                count = await connection.scalar(sa.text(f'SELECT count(*) FROM "{name}"'))
                if count:
                    raise BackupError(
                        f"The target database is not empty ({name} has {count} rows). Restore "
                        "into a new, empty database: create one and point DATABASE_URL at it."
                    )
            await connection.rollback()
    finally:
        await engine.dispose()


async def load(settings: Settings, source: Path) -> RestoreReport:
    """Load a (checked) archive into the migrated, empty database named by the settings."""
    report = RestoreReport()
    store = store_for(settings)
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = read_manifest(archive)
            check_schema(manifest)
            written = await _restore_artifacts(store, archive, manifest)
            engine = create_engine(settings.database_url, pool_size=1)
            try:
                async with engine.connect() as connection:
                    async with connection.begin():
                        await _system_scope(connection)
                        await _load_tables(connection, archive, manifest, report)
            except BaseException:
                # Nothing half-written: the rows rolled back, so the files they named go too.
                await _delete_all(store, written)
                raise
            finally:
                await engine.dispose()
    finally:
        await store.aclose()
    report.artifacts = len(written)
    return report


def _content_type(data: bytes) -> str:
    # The archive keeps no content types; the rows do, and downloads take theirs from the rows.
    if sniffed := sniff_content_type(data):
        return sniffed
    return "application/xml" if data.lstrip().startswith(b"<") else "application/octet-stream"


async def _delete_all(store: ArtifactStore, keys: list[str]) -> None:
    for key in keys:
        await store.delete(key)


async def _restore_artifacts(
    store: ArtifactStore, archive: zipfile.ZipFile, manifest: dict[str, Any]
) -> list[str]:
    """Put every artifact back under its own key; returns the keys this restore created."""
    written: list[str] = []
    try:
        for item in manifest.get("artifacts", []):
            key = str(item["key"])
            try:
                check_key(key)  # never a path the archive chose: no "../" escapes
            except InvalidKey:
                raise BackupError(f"The backup names an invalid artifact key {key!r}.") from None
            data = archive.read(f"artifacts/{key}")
            if hashlib.sha256(data).hexdigest() != item["sha256"]:
                raise BackupError(f"Artifact {key} in the backup is corrupted (hash mismatch).")
            try:
                stored = await store.put_at(key, data, content_type=_content_type(data))
            except ArtifactCorrupted:
                raise BackupError(
                    f"Artifact {key} already exists in storage with other content (or does not "
                    "match its content-addressed name): restore into empty storage (a new "
                    "DATA_DIR, or an empty S3 bucket or S3_PREFIX)."
                ) from None
            if stored.created:
                written.append(key)
    except BaseException:
        await _delete_all(store, written)
        raise
    return written


async def _load_tables(
    connection: AsyncConnection,
    archive: zipfile.ZipFile,
    manifest: dict[str, Any],
    report: RestoreReport,
) -> None:
    tables = _tables()
    listed = {item["name"] for item in manifest["tables"]}
    unknown = listed - {table.name for table in tables}
    if unknown:
        raise BackupError(f"The backup has tables this version does not know: {sorted(unknown)}.")
    position = {table.name: index for index, table in enumerate(tables)}
    # Migration seeds (plans, default content) give way to the backup's own rows.
    for table in reversed(tables):
        if table.name in listed:
            await connection.execute(table.delete())
    deferred: list[tuple[sa.Table, list[str], list[dict[str, Any]]]] = []
    for table in tables:
        if table.name not in listed:
            continue
        # Foreign keys to this table or to one loaded later: NULL now, set once all rows are in.
        forward = sorted(
            {
                fk.parent.name
                for fk in table.foreign_keys
                if position[fk.column.table.name] >= position[table.name]
            }
        )
        later: list[dict[str, Any]] = []
        count = 0
        for batch in _read_rows(archive, table):
            if forward:
                for row in batch:
                    values = {name: row[name] for name in forward if row.get(name) is not None}
                    if values:
                        # Columns with an onupdate default (updated_at) keep the backup's value.
                        kept = {c.name: row[c.name] for c in table.columns if c.onupdate}
                        later.append({**_pk(table, row), **kept, **values})
                        row.update(dict.fromkeys(values))
            await connection.execute(table.insert(), batch)
            count += len(batch)
        report.rows[table.name] = count
        if later:
            deferred.append((table, forward, later))
    for table, _columns, rows in deferred:
        for row in rows:
            keys = _pk(table, row)
            await connection.execute(
                table.update()
                .where(*(table.c[name] == value for name, value in keys.items()))
                .values({name: value for name, value in row.items() if name not in keys})
            )
    if connection.dialect.name == "postgresql":
        await _reset_sequences(connection, tables)


def _pk(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: row[column.name] for column in table.primary_key.columns}


def _read_rows(archive: zipfile.ZipFile, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    try:
        entry = archive.open(f"db/{table.name}.jsonl")
    except KeyError:
        raise BackupError(
            f"The backup lists table {table.name} but holds no rows for it."
        ) from None
    batch: list[dict[str, Any]] = []
    with entry:
        for line in entry:
            if not line.strip():
                continue
            record = json.loads(line)
            missing = set(table.columns.keys()) - set(record)
            if missing:
                raise BackupError(
                    f"Rows of {table.name} in the backup lack columns {sorted(missing)}."
                )
            batch.append(
                {column.name: decode_value(column, record[column.name]) for column in table.columns}
            )
            if len(batch) >= _BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


async def _reset_sequences(connection: AsyncConnection, tables: list[sa.Table]) -> None:
    """Move each serial/identity sequence past the highest id loaded."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = await connection.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence is None:
                continue
            top = await connection.scalar(sa.select(sa.func.max(column)))
            await connection.execute(
                sa.text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                {"sequence": sequence, "value": top or 1, "called": top is not None},
            )
