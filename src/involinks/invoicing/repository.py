"""Invoice queries: eager loads (relationships are lazy="raise"), filters, sorting, sums.

The tenant filter is added centrally (core.tenancy); nothing here filters by company by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from involinks.customers.models import Customer
from involinks.invoicing.models import ISSUED_STATUSES, Invoice, InvoiceKind
from involinks.invoicing.schemas import InvoiceFilters, InvoiceSummary, SortField, SortOrder

_SORT_COLUMNS: dict[str, sa.ColumnElement[object]] = {
    "issue_date": Invoice.issue_date,  # type: ignore[dict-item]
    "number": Invoice.number,  # type: ignore[dict-item]
    "payable_amount": Invoice.payable_amount,  # type: ignore[dict-item]
    "created_at": Invoice.created_at,  # type: ignore[dict-item]
}


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards escaped (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def load_options(*, history: bool = False, single: bool = False) -> list[ExecutableOption]:
    """Everything a response needs, in a fixed number of queries whatever the page size; the
    customer (many-to-one, one per invoice) comes joined into the main query.

    ``single``: the statement reads one invoice, so its lines come joined too (one round trip
    less on every view and finalize; the invoice's columns repeat once per line, which for one
    invoice costs less than the round trip). A page keeps them in their own query, so the rows
    do not multiply by the page's lines. The result must then be made ``unique()``.
    """
    options: list[ExecutableOption] = [
        joinedload(Invoice.lines) if single else selectinload(Invoice.lines),
        selectinload(Invoice.allowances_charges),
        joinedload(Invoice.customer, innerjoin=True),
    ]
    if history:
        options.append(selectinload(Invoice.status_events))
    return options


async def get(
    session: AsyncSession,
    invoice_id: uuid.UUID,
    *,
    history: bool = False,
    for_update: bool = False,
) -> Invoice | None:
    statement = (
        sa.select(Invoice)
        .where(Invoice.id == invoice_id)
        .options(*load_options(history=history, single=True))
    )
    if for_update:
        # Row lock on PostgreSQL (SQLite writers are serialized by BEGIN IMMEDIATE).
        statement = statement.with_for_update(of=Invoice)
    # populate_existing: a locked re-read must not be answered from the identity map.
    statement = statement.execution_options(populate_existing=True)
    return (await session.execute(statement)).unique().scalar_one_or_none()


def _conditions(filters: InvoiceFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(Invoice.status.in_(filters.statuses))
    if filters.kind is not None:
        conditions.append(Invoice.kind == filters.kind)
    if filters.customer_id is not None:
        conditions.append(Invoice.customer_id == filters.customer_id)
    if filters.issue_date_from is not None:
        conditions.append(Invoice.issue_date >= filters.issue_date_from)
    if filters.issue_date_to is not None:
        conditions.append(Invoice.issue_date <= filters.issue_date_to)
    if filters.amount_min is not None:
        conditions.append(Invoice.payable_amount >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(Invoice.payable_amount <= filters.amount_max)
    if filters.number:
        conditions.append(Invoice.number.ilike(like_pattern(filters.number), escape="\\"))
    return conditions


async def page(
    session: AsyncSession,
    filters: InvoiceFilters,
    *,
    sort: SortField,
    order: SortOrder,
    page: int,
    page_size: int,
) -> tuple[list[Invoice], int]:
    """Whole invoices (lines, allowances and charges, customer) for one page."""
    statement = sa.select(Invoice).options(*load_options())
    rows, total = await _paged(session, statement, filters, sort, order, page, page_size)
    return [row[0] for row in rows], total


# What a list screen shows of an invoice (schemas.InvoiceSummary, whose fields are the invoice's
# own columns but for the customer, joined below), read as plain columns: no ORM objects.
_SUMMARY_COLUMNS = tuple(
    getattr(Invoice, name) for name in InvoiceSummary.model_fields if name != "customer"
)


async def summary_page(
    session: AsyncSession,
    filters: InvoiceFilters,
    *,
    sort: SortField,
    order: SortOrder,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, object]], int]:
    """One page as summaries (``schemas.InvoiceSummary`` shapes), in a single statement."""
    statement = sa.select(
        *_SUMMARY_COLUMNS,
        Customer.legal_name.label("customer_legal_name"),
        Customer.trn.label("customer_trn"),
    ).join(Customer, Invoice.customer_id == Customer.id)
    rows, total = await _paged(session, statement, filters, sort, order, page, page_size)
    summaries: list[dict[str, object]] = []
    for row in rows:
        summary = row._asdict()
        summary.pop("total")
        summary["customer"] = {
            "id": summary["customer_id"],
            "legal_name": summary.pop("customer_legal_name"),
            "trn": summary.pop("customer_trn"),
        }
        summaries.append(summary)
    return summaries, total


async def _paged(
    session: AsyncSession,
    statement: sa.Select[Any],
    filters: InvoiceFilters,
    sort: SortField,
    order: SortOrder,
    page: int,
    page_size: int,
) -> tuple[Sequence[sa.Row[Any]], int]:
    """``statement`` filtered, sorted and cut to one page, each row carrying the filtered total
    as its last column ``total``."""
    conditions = _conditions(filters)
    count = sa.select(sa.func.count(Invoice.id)).where(*conditions)
    column = _SORT_COLUMNS[sort]
    ordering = column.desc() if order == "desc" else column.asc()
    # Drafts have no number: keep them together at the end whichever the direction.
    nulls = ordering.nulls_last() if sort == "number" else ordering
    tie_break = Invoice.id.desc() if order == "desc" else Invoice.id.asc()
    # The total rides along as an uncorrelated scalar subquery (run once, not per row): one
    # round trip for the page and its count. The tenant criteria reach into it like any other
    # use of Invoice in the statement.
    statement = (
        statement.add_columns(count.scalar_subquery().label("total"))
        .where(*conditions)
        .order_by(nulls, tie_break)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = (await session.execute(statement)).all()
    if rows:
        return rows, int(rows[0][-1])
    if page == 1:
        return [], 0
    # Past the last page: nothing to carry the total, so count on its own.
    return [], int((await session.execute(count)).scalar_one())


async def credited_total(
    session: AsyncSession, invoice_id: uuid.UUID, *, exclude: uuid.UUID | None = None
) -> Decimal:
    """Sum of the payable amounts of the finalized credit notes of an invoice."""
    statement = sa.select(sa.func.sum(Invoice.payable_amount)).where(
        Invoice.credited_invoice_id == invoice_id,
        Invoice.kind == InvoiceKind.CREDIT_NOTE,
        Invoice.status.in_(ISSUED_STATUSES),
    )
    if exclude is not None:
        statement = statement.where(Invoice.id != exclude)
    total = (await session.execute(statement)).scalar_one_or_none()
    return total if total is not None else Decimal("0.00")
