"""Gapless, unique document numbers per company and document kind (IBT-001).

A number is taken only when a document is finalized, inside the finalize transaction: deleted
drafts leave no hole, and a finalize that fails rolls its number back with everything else.

The counter is one row per (company, kind, period) in ``invoice_number_counters``; ``period`` is
the issue year (or year-month) when the format uses it, else empty, so numbering restarts each
year only for formats that show the year. The row is incremented by a single
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement: on PostgreSQL the conflicting row is
locked until the transaction ends, so concurrent finalizers queue up and each gets the next value;
on SQLite every write transaction begins IMMEDIATE (core.db), so writers are serialized anyway.

Formats live in ``Company.settings["numbering"]`` as ``{"invoice": "...", "credit_note": "..."}``
with the placeholders ``{yyyy}``, ``{yy}``, ``{mm}`` (of the issue date) and ``{seq}`` (required,
usually padded: ``{seq:06}``).
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import schema as sa_schema
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.core import tenancy
from involinks.invoicing.models import InvoiceKind, InvoiceNumberCounter

DEFAULT_FORMATS: Mapping[InvoiceKind, str] = {
    InvoiceKind.INVOICE: "INV-{yyyy}-{seq:06}",
    InvoiceKind.CREDIT_NOTE: "CN-{yyyy}-{seq:06}",
}
_FIELDS = frozenset({"yyyy", "yy", "mm", "seq"})
MAX_LENGTH = 64


class InvalidNumberFormat(ValueError):
    pass


def validate_format(fmt: str) -> None:
    """Raise :class:`InvalidNumberFormat` unless ``fmt`` is a usable number format."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise InvalidNumberFormat(f"{fmt!r} is not a valid format: {exc}") from None
    fields = [name for _, name, _, _ in parsed if name is not None]
    unknown = [name for name in fields if name not in _FIELDS]
    if unknown:
        raise InvalidNumberFormat(
            f"{fmt!r} uses {', '.join(unknown)}; allowed are {{yyyy}}, {{yy}}, {{mm}}, {{seq}}"
        )
    if fields.count("seq") != 1:
        raise InvalidNumberFormat(f"{fmt!r} must contain {{seq}} exactly once")
    for _, name, spec, conversion in parsed:
        if name is not None and (conversion or (spec and name != "seq")):
            raise InvalidNumberFormat(f"{fmt!r}: only {{seq}} takes a format spec")
    try:
        sample = render(fmt, 1, date(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise InvalidNumberFormat(f"{fmt!r}: {exc}") from None
    if not sample.strip() or len(sample) > MAX_LENGTH - 4:
        raise InvalidNumberFormat(f"{fmt!r} gives numbers that are empty or too long")


def format_for(settings: Mapping[str, Any] | None, kind: InvoiceKind) -> str:
    """The company's format for ``kind``, or the default when none (or an invalid one) is set."""
    configured = ((settings or {}).get("numbering") or {}).get(kind.value)
    if isinstance(configured, str):
        try:
            validate_format(configured)
        except InvalidNumberFormat:
            return DEFAULT_FORMATS[kind]
        return configured
    return DEFAULT_FORMATS[kind]


def period_of(fmt: str, issue_date: date) -> str:
    """The counter period the format implies: per month, per year, or one sequence for ever."""
    fields = {name for _, name, _, _ in string.Formatter().parse(fmt) if name}
    if "mm" in fields:
        return f"{issue_date.year:04d}-{issue_date.month:02d}"
    if fields & {"yyyy", "yy"}:
        return f"{issue_date.year:04d}"
    return ""


def render(fmt: str, seq: int, issue_date: date) -> str:
    return fmt.format(
        yyyy=f"{issue_date.year:04d}",
        yy=f"{issue_date.year % 100:02d}",
        mm=f"{issue_date.month:02d}",
        seq=seq,
    )


async def next_value(
    session: AsyncSession, company_id: uuid.UUID, kind: InvoiceKind, period: str
) -> int:
    """Increment and return the counter of (company, kind, period); 1 for a new period."""
    if tenancy.current_company_id(session) != company_id:
        # Core INSERTs bypass the ORM tenant hooks: refuse to number for another company.
        raise tenancy.TenancyError("numbering for a company other than the bound one")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = InvoiceNumberCounter.__table__
    assert isinstance(table, sa_schema.Table)
    statement = (
        insert(table)
        .values(company_id=company_id, kind=kind, period=period, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.company_id, table.c.kind, table.c.period],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )
    value: int = (await session.execute(statement)).scalar_one()
    return value


async def assign_number(
    session: AsyncSession,
    *,
    company_id: uuid.UUID,
    company_settings: Mapping[str, Any] | None,
    kind: InvoiceKind,
    issue_date: date,
) -> str:
    """Take the next number for a document being finalized (call inside its transaction)."""
    fmt = format_for(company_settings, kind)
    seq = await next_value(session, company_id, kind, period_of(fmt, issue_date))
    return render(fmt, seq, issue_date)
