"""``involinks backup`` / ``involinks restore`` on real, freshly migrated databases: back up, wipe,
restore elsewhere (SQLite to SQLite, SQLite to PostgreSQL, PostgreSQL to SQLite), and find every
row identical (decimals, timestamps, bytes exactly), the artifacts back, and every chain intact."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from involinks.auth.permissions import Role
from involinks.backup import _tables, encode_value
from involinks.cli import app
from involinks.config import get_settings
from involinks.core import tenancy
from involinks.core.db import create_engine, dispose_task_engines, task_session
from involinks.core.migrate import upgrade
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.schemas import CreditNoteCreate, InvoiceCreate
from involinks.jobs import queue as job_queue
from involinks.storage import store_for
from tests.conftest import _pg_admin, postgres_server_url
from tests.customers.factories import create_customer, invoice_payload
from tests.factories import create_company, create_user
from tests.s3server import S3Server

runner = CliRunner()
SECRET = "backup-test-secret-key-with-enough-entropy-0123456789"


async def _seed(url: str) -> None:
    """Two companies with finalized invoices, one credited (a row pointing at its own table)."""
    settings = get_settings()
    try:
        async with task_session(url) as session:
            for count in (3, 1):
                company = await create_company(session)
                user = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
                customer = await create_customer(session, company)
                tenancy.bind_company(session, company.id)
                store = store_for(settings)
                issued = []
                for _ in range(count):
                    data = InvoiceCreate.model_validate(invoice_payload(customer))
                    draft = await invoicing_service.create_draft(session, data, user=user)
                    issued.append(
                        await invoicing_service.finalize(
                            session, draft, user=user, settings=settings, store=store
                        )
                    )
                credit = await invoicing_service.create_credit_note(
                    session,
                    issued[0],
                    CreditNoteCreate(reason_code="DL8.61.1.E", reason="Wrong rate"),
                    user=user,
                )
                await invoicing_service.finalize(
                    session, credit, user=user, settings=settings, store=store
                )
            await session.commit()
    finally:
        await store_for(settings).aclose()  # an S3 store's connections belong to this loop
        await dispose_task_engines()


async def _contents(url: str) -> dict[str, list[str]]:
    """Every row of every table, encoded as the backup encodes it, in a stable order."""
    engine = create_engine(url)
    out: dict[str, list[str]] = {}
    try:
        async with engine.connect() as connection:
            for table in _tables():
                rows = (await connection.execute(sa.select(table))).mappings().all()
                # JSON objects compare by content: JSONB keeps keys in its own order.
                out[table.name] = sorted(
                    json.dumps({k: encode_value(v) for k, v in row.items()}, sort_keys=True)
                    for row in rows
                )
    finally:
        await engine.dispose()
    return out


def _use(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    get_settings.cache_clear()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", SECRET)  # encrypted keys need the same SECRET_KEY
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    job_queue.set_dispatcher(lambda _name, _kwargs: None)
    yield
    job_queue.set_dispatcher(None)
    get_settings.cache_clear()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    server = postgres_server_url()
    name = f"involinks_restore_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str, target: str) -> None:
    _use(monkeypatch, source, tmp_path / "source-data")
    upgrade(source)
    asyncio.run(_seed(source))
    before = asyncio.run(_contents(source))
    assert len(before["issued_documents"]) == 6  # two chains of invoices, two of credit notes

    archive = tmp_path / "backup.zip"
    result = runner.invoke(app, ["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zf:
        artifact_names = [n for n in zf.namelist() if n.startswith("artifacts/")]
    assert len(artifact_names) >= 6  # at least the signed XML of every issued document

    # Wipe: the source database and its artifacts are gone.
    shutil.rmtree(tmp_path / "source-data")
    if source.startswith("sqlite"):
        Path(make_url(source).database or "").unlink()

    _use(monkeypatch, target, tmp_path / "target-data")
    result = runner.invoke(app, ["restore", "--input", str(archive)])
    assert result.exit_code == 0, result.output
    assert "4 chains, 6 documents checked, 0 broken" in result.output

    after = asyncio.run(_contents(target))
    assert after == before
    restored = sorted(
        str(p.relative_to(tmp_path / "target-data" / "artifacts"))
        for p in (tmp_path / "target-data" / "artifacts").rglob("*")
        if p.is_file()
    )
    assert restored == sorted(n.removeprefix("artifacts/") for n in artifact_names)

    # The chains are checked against the restored artifacts: a damaged file is reported.
    victim = tmp_path / "target-data" / "artifacts" / restored[0]
    victim.write_bytes(victim.read_bytes() + b" ")
    result = runner.invoke(app, ["verify-chain", "--all"])
    assert result.exit_code == 1, result.output

    # A database that holds data is refused, and left as it was.
    result = runner.invoke(app, ["restore", "--input", str(archive)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert asyncio.run(_contents(target)) == after


def test_sqlite_to_sqlite(env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _round_trip(
        monkeypatch,
        tmp_path,
        f"sqlite+aiosqlite:///{tmp_path / 'source.db'}",
        f"sqlite+aiosqlite:///{tmp_path / 'target.db'}",
    )


@pytest.mark.db
@pytest.mark.postgres_only
def test_sqlite_to_postgresql(
    env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_database: str
) -> None:
    _round_trip(
        monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'source.db'}", postgres_database
    )


@pytest.mark.db
@pytest.mark.postgres_only
def test_postgresql_to_sqlite(
    env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_database: str
) -> None:
    _round_trip(
        monkeypatch, tmp_path, postgres_database, f"sqlite+aiosqlite:///{tmp_path / 'target.db'}"
    )


def test_refuses_what_is_not_a_backup(
    env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _use(monkeypatch, f"sqlite+aiosqlite:///{tmp_path / 't.db'}", tmp_path / "data")
    bogus = tmp_path / "bogus.zip"
    with zipfile.ZipFile(bogus, "w") as zf:
        zf.writestr("hello.txt", "hi")
    result = runner.invoke(app, ["restore", "--input", str(bogus)])
    assert result.exit_code == 2
    assert "no manifest.json" in result.output

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(
            "manifest.json",
            '{"format": "involinks-backup", "format_version": 1, "schema_heads": []}',
        )
    result = runner.invoke(app, ["restore", "--input", str(evil)])
    assert result.exit_code == 2
    assert "schema revisions" in result.output


async def _objects(server: S3Server, prefix: str, keys: list[str]) -> dict[str, bytes]:
    store = server.store(prefix=prefix)
    try:
        return {key: await store.get(key) for key in keys}
    finally:
        await store.aclose()


def test_sqlite_to_sqlite_with_s3_storage(
    env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, s3_server: S3Server
) -> None:
    """Artifacts go through the configured store: backed up from one S3 prefix, restored under
    the same keys into another, and the chains verify against the restored objects."""
    run = uuid.uuid4().hex[:8]
    source, target = f"src-{run}", f"dst-{run}"
    for name, value in s3_server.env(source).items():
        monkeypatch.setenv(name, value)
    source_url = f"sqlite+aiosqlite:///{tmp_path / 'source.db'}"
    _use(monkeypatch, source_url, tmp_path / "source-data")
    upgrade(source_url)
    asyncio.run(_seed(source_url))
    before = asyncio.run(_contents(source_url))
    assert not (tmp_path / "source-data" / "artifacts").exists()  # nothing on local disk

    archive = tmp_path / "backup.zip"
    result = runner.invoke(app, ["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zf:
        keys = [n.removeprefix("artifacts/") for n in zf.namelist() if n.startswith("artifacts/")]
        manifest = json.loads(zf.read("manifest.json"))
    assert len(keys) >= 6
    assert manifest["missing_artifacts"] == []

    monkeypatch.setenv("S3_PREFIX", target)
    target_url = f"sqlite+aiosqlite:///{tmp_path / 'target.db'}"
    _use(monkeypatch, target_url, tmp_path / "target-data")
    result = runner.invoke(app, ["restore", "--input", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"{len(keys)} artifacts" in result.output
    assert "4 chains, 6 documents checked, 0 broken" in result.output
    assert asyncio.run(_contents(target_url)) == before
    assert asyncio.run(_objects(s3_server, target, keys)) == asyncio.run(
        _objects(s3_server, source, keys)
    )
