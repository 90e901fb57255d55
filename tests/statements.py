"""Counting the SQL a piece of work sends: regression guards for the hot paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def selects_sent(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SELECT sent through ``engine`` inside the block (not SAVEPOINT / RELEASE, which
    the test harness adds, nor the writes)."""
    statements: list[str] = []

    def before_cursor_execute(*args: Any) -> None:
        statement: str = args[2]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
