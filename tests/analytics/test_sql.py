"""The period helper gives the same UAE-calendar answer on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.analytics import sql
from involinks.core.types import UtcDateTime
from tests.analytics.helpers import utc

# (UTC instant, unit, first day of the UAE period): UAE time is UTC+4.
TIMESTAMPS = [
    (utc(2026, 3, 31, 19, 59), "day", date(2026, 3, 31)),
    (utc(2026, 3, 31, 19, 59), "month", date(2026, 3, 1)),
    (utc(2026, 3, 31, 19, 59), "quarter", date(2026, 1, 1)),
    (utc(2026, 3, 31, 20, 0), "day", date(2026, 4, 1)),
    (utc(2026, 3, 31, 20, 0), "month", date(2026, 4, 1)),
    (utc(2026, 3, 31, 20, 0), "quarter", date(2026, 4, 1)),
    (utc(2026, 12, 31, 20, 30), "quarter", date(2027, 1, 1)),
    (utc(2026, 8, 15, 3), "quarter", date(2026, 7, 1)),
]
DATES = [
    (date(2026, 11, 15), "day", date(2026, 11, 15)),
    (date(2026, 11, 15), "month", date(2026, 11, 1)),
    (date(2026, 11, 15), "quarter", date(2026, 10, 1)),
    (date(2026, 1, 1), "quarter", date(2026, 1, 1)),
    (date(2026, 9, 30), "quarter", date(2026, 7, 1)),
    (date(2026, 12, 31), "quarter", date(2026, 10, 1)),
]


@pytest.mark.parametrize(("instant", "unit", "expected"), TIMESTAMPS)
async def test_timestamps_fall_in_uae_periods(
    db_session: AsyncSession, instant: datetime, unit: Any, expected: date
) -> None:
    value = sa.literal(instant, UtcDateTime())
    assert await db_session.scalar(sa.select(sql.period_start(value, unit))) == expected


@pytest.mark.parametrize(("day", "unit", "expected"), DATES)
async def test_dates_are_bucketed_as_they_are(
    db_session: AsyncSession, day: date, unit: Any, expected: date
) -> None:
    value = sa.literal(day, sa.Date())
    assert await db_session.scalar(sa.select(sql.period_start(value, unit))) == expected


def test_labels_and_periods() -> None:
    assert sql.label(date(2026, 11, 1), "quarter") == "2026-Q4"
    assert sql.label(date(2026, 3, 1), "month") == "2026-03"
    assert sql.periods(date(2025, 12, 30), date(2026, 1, 2), "day") == [
        "2025-12-30",
        "2025-12-31",
        "2026-01-01",
        "2026-01-02",
    ]
    assert sql.periods(date(2025, 11, 30), date(2026, 4, 1), "quarter") == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert sql.day_bounds(date(2026, 3, 1), date(2026, 3, 1)) == (
        utc(2026, 2, 28, 20),
        utc(2026, 3, 1, 20),
    )
