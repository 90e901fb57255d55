"""``involinks sweep-imports``: mark the imports a stopped server or worker left unfinished as
failed, at once (every API process also does it at start-up and every few minutes). Safe at any
time and from several places: see :mod:`involinks.imports.sweep`."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from involinks.config import Settings


async def sweep_imports_now(settings: Settings) -> list[uuid.UUID]:
    from involinks.core.db import dispose_task_engines, task_session
    from involinks.imports.sweep import sweep_all

    try:
        return await sweep_all(lambda: task_session(settings.database_url), settings)
    finally:
        await dispose_task_engines()


def sweep_imports(
    stale_after_minutes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Minutes without progress after which a run counts as interrupted (default "
            "IMPORT_STALE_AFTER_MINUTES). Lower only when no server or worker may still be "
            "running an import: a live run swept so stops, without writing anything.",
        ),
    ] = None,
) -> None:
    """Mark imports left unfinished by a stopped server or worker as failed."""
    from involinks.config import get_settings

    settings = get_settings()
    if stale_after_minutes is not None:
        settings = settings.model_copy(update={"import_stale_after_minutes": stale_after_minutes})
    swept = asyncio.run(sweep_imports_now(settings))
    for import_id in swept:
        typer.echo(f"failed  import {import_id}: interrupted")
    typer.echo(
        f"{len(swept)} interrupted imports marked failed (no progress for "
        f"{settings.import_stale_after_minutes} minutes)."
    )
