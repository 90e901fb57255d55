"""The `involinks` command."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Annotated

import typer

from involinks.compliance.cli import verify_chain
from involinks.config import get_settings
from involinks.imports.cli import sweep_imports

app = typer.Typer(no_args_is_help=True, help="InvoLinks: UAE e-invoicing and accounts payable.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema commands.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "heads") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from involinks.core.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    typer.echo(f"Database migrated to {revision}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL for more than 1)")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Proxies trusted for X-Forwarded-For (per-IP rate limits need the real client address)"
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the API and the web app."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        raise typer.BadParameter(
            "Several workers need PostgreSQL: set DATABASE_URL.", param_hint="--workers"
        )
    if workers > 1:
        _prepare_metrics_dir(settings.data_dir)
    uvicorn.run(
        "involinks.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=None,
        timeout_graceful_shutdown=30,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Celery worker processes")] = 2,
) -> None:
    """Run background jobs from the Celery broker (production profile)."""
    from involinks.jobs.celery_app import run_worker

    run_worker(concurrency=concurrency)


def _prepare_metrics_dir(data_dir: Path) -> None:
    """Several processes answer /metrics: they share their samples through a directory, which
    must be set before any worker imports prometheus_client, and emptied of a previous run's."""
    import os

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = Path(given) if given else data_dir / "prometheus"
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # only prometheus_client's own files
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


@app.command()
def beat(
    schedule_file: Annotated[Path, typer.Option(help="Where beat keeps its last-run times")] = Path(
        "var/celerybeat-schedule"
    ),
) -> None:
    """Run Celery beat: the periodic jobs (re-queueing overdue Peppol sends). Run exactly one."""
    from involinks.jobs.celery_app import run_beat

    schedule_file.parent.mkdir(parents=True, exist_ok=True)
    run_beat(schedule_file=str(schedule_file))


@app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", help="Archive to write (.zip)")],
) -> None:
    """Back up the database and its artifacts into one file (restorable on SQLite or PostgreSQL)."""
    from involinks.backup import BackupError
    from involinks.backup import backup as run_backup

    try:
        report = asyncio.run(run_backup(get_settings(), output))
    except BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    rows = sum(report.rows.values())
    typer.echo(
        f"Backed up {rows} rows in {len(report.rows)} tables and {report.artifacts} artifacts"
    )
    typer.echo(f"to {report.path}.")
    if report.missing_artifacts:
        typer.echo(
            f"Warning: {len(report.missing_artifacts)} artifacts named by rows were not in storage.",
            err=True,
        )


@app.command()
def restore(
    input_file: Annotated[Path, typer.Option("--input", help="Archive written by `backup`")],
) -> None:
    """Restore a backup into the empty database named by DATABASE_URL, then verify every chain."""
    import zipfile

    from involinks.backup import BackupError, check_schema, ensure_empty, load, read_manifest
    from involinks.compliance.cli import chain_line, verify_chains
    from involinks.core.migrate import upgrade

    settings = get_settings()
    try:
        if not zipfile.is_zipfile(input_file):
            raise BackupError(f"{input_file} is not a backup archive (zip).")
        with zipfile.ZipFile(input_file) as archive:
            check_schema(read_manifest(archive))
        asyncio.run(ensure_empty(settings.database_url))
        upgrade(settings.database_url)
        report = asyncio.run(load(settings, input_file))
    except BackupError as exc:
        typer.echo(f"Restore refused: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    rows = sum(report.rows.values())
    typer.echo(f"Restored {rows} rows and {report.artifacts} artifacts. Verifying hash chains...")
    verification = asyncio.run(verify_chains(settings, company_id=None))
    broken = [chain for chain in verification.chains if not chain.intact]
    for chain in broken:
        typer.echo(chain_line(chain), err=True)
    typer.echo(
        f"{len(verification.chains)} chains, {verification.checked} documents checked, "
        f"{len(broken)} broken."
    )
    if broken:
        raise typer.Exit(code=1)


@app.command("create-superadmin")
def create_superadmin(
    email: Annotated[str, typer.Option(help="Sign-in e-mail")],
    password: Annotated[
        str, typer.Option(help="Password (min. 12 characters)", prompt=True, hide_input=True)
    ],
    full_name: Annotated[str, typer.Option(help="Display name")] = "Platform Administrator",
) -> None:
    """Create a platform super admin, or reset the password of an existing one."""
    from involinks.seeding import ensure_superadmin

    created = asyncio.run(
        ensure_superadmin(get_settings(), email=email, password=password, full_name=full_name)
    )
    typer.echo(("Created" if created else "Updated") + f" super admin {email}.")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo companies, users and data (idempotent) and print how to sign in."""
    from involinks.seeding import seed_demo as run_seed

    settings = get_settings()
    credentials = asyncio.run(run_seed(settings, default_password=secrets.token_urlsafe(12)))
    typer.echo("Demo data ready. Sign in at " + settings.public_base_url)
    for line in credentials:
        typer.echo("  " + line)


@app.command("sandbox-ap")
def sandbox_ap(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8081,
    platform_url: Annotated[
        str | None, typer.Option(help="Where this platform's API answers (default PUBLIC_BASE_URL)")
    ] = None,
) -> None:
    """Run the local Peppol sandbox access point (speaks the Tradeshift and Basware APIs)."""
    from involinks.peppol import service as peppol_service
    from involinks.peppol.sandbox.server import run_sandbox, sandbox_settings_from_app

    settings = get_settings()
    base = (platform_url or settings.public_base_url).rstrip("/")
    # The companies hosted here are the sandbox's directory of reachable participants.
    participants = asyncio.run(peppol_service.sandbox_directory(settings))
    run_sandbox(
        host,
        port,
        settings=sandbox_settings_from_app(
            settings,
            inbound_url=f"{base}/api/v1/peppol/inbound",
            status_callback_url=f"{base}/api/v1/peppol/status-callback",
            participants=participants,
        ),
    )


# Chain verification lives with the compliance domain (heavy imports happen when it runs).
app.command("verify-chain")(verify_chain)
app.command("sweep-imports")(sweep_imports)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
