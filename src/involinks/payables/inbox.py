"""The accounts-payable inbox: filtered, sorted, paged inward invoices and their totals.

Totals are computed by the database (GROUP BY), never by loading rows. Amounts are the invoice
totals with VAT (IBT-112), summed per currency: invoices in different currencies are not added up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.errors import Unprocessable
from involinks.payables.inward_invoices.models import InwardInvoice, InwardInvoiceStatus
from involinks.payables.inward_invoices.schemas import (
    AmountByCurrency,
    InboxSummary,
    MatchingStatusTotal,
    StatusTotal,
)
from involinks.payables.matching.engine import MatchStatus

SORTABLE: dict[str, Any] = {
    "received_at": InwardInvoice.received_at,
    "issue_date": InwardInvoice.issue_date,
    "due_date": InwardInvoice.due_date,
    "total_amount": InwardInvoice.total_amount,
    "invoice_number": InwardInvoice.invoice_number,
    "supplier_name": InwardInvoice.supplier_name,
    "status": InwardInvoice.status,
    "matching_status": InwardInvoice.matching_status,
}
DEFAULT_SORT = "-received_at"


@dataclass(frozen=True)
class InboxFilters:
    status: InwardInvoiceStatus | None = None
    matching_status: MatchStatus | None = None
    supplier_id: uuid.UUID | None = None
    # Part of the supplier's name or TRN.
    supplier: str | None = None
    date_from: date | None = None  # issue date
    date_to: date | None = None
    amount_min: Decimal | None = None  # total with VAT
    amount_max: Decimal | None = None
    currency: str | None = None


def _where(filters: InboxFilters) -> list[Any]:
    conditions: list[Any] = []
    if filters.status is not None:
        conditions.append(InwardInvoice.status == filters.status)
    if filters.matching_status is not None:
        conditions.append(InwardInvoice.matching_status == filters.matching_status)
    if filters.supplier_id is not None:
        conditions.append(InwardInvoice.supplier_id == filters.supplier_id)
    if filters.supplier:
        text = filters.supplier.strip().lower()
        conditions.append(
            sa.or_(
                sa.func.lower(InwardInvoice.supplier_name).contains(text, autoescape=True),
                InwardInvoice.supplier_trn.contains(text, autoescape=True),
            )
        )
    if filters.date_from is not None:
        conditions.append(InwardInvoice.issue_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(InwardInvoice.issue_date <= filters.date_to)
    if filters.amount_min is not None:
        conditions.append(InwardInvoice.total_amount >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(InwardInvoice.total_amount <= filters.amount_max)
    if filters.currency:
        conditions.append(InwardInvoice.currency == filters.currency.upper())
    return conditions


def _order_by(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    column = SORTABLE.get(name)
    if column is None:
        raise Unprocessable(
            f"Cannot sort by {name!r}; use one of {', '.join(sorted(SORTABLE))} "
            "(prefix - for descending).",
            details=[{"field": "sort", "message": "unknown sort field"}],
        )
    primary = column.desc() if descending else column.asc()
    # A unique tie-breaker keeps pages stable.
    return [primary, InwardInvoice.id.desc() if descending else InwardInvoice.id.asc()]


async def list_invoices(
    session: AsyncSession,
    filters: InboxFilters,
    *,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[InwardInvoice], int]:
    conditions = _where(filters)
    order = _order_by(sort)
    total = (
        await session.execute(
            sa.select(sa.func.count()).select_from(InwardInvoice).where(*conditions)
        )
    ).scalar_one()
    rows = (
        await session.execute(
            sa.select(InwardInvoice)
            .where(*conditions)
            .order_by(*order)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).scalars()
    return list(rows), total


async def summary(session: AsyncSession, filters: InboxFilters) -> InboxSummary:
    conditions = _where(filters)

    async def grouped(column: Any) -> list[Any]:
        return list(
            (
                await session.execute(
                    sa.select(
                        column,
                        InwardInvoice.currency,
                        sa.func.count().label("count"),
                        sa.func.sum(InwardInvoice.total_amount).label("amount"),
                    )
                    .where(*conditions)
                    .group_by(column, InwardInvoice.currency)
                    .order_by(column, InwardInvoice.currency)
                )
            ).all()
        )

    def collect(rows: list[Any]) -> dict[Any, tuple[int, list[AmountByCurrency]]]:
        out: dict[Any, tuple[int, list[AmountByCurrency]]] = {}
        for key, currency, count, amount in rows:
            seen, amounts = out.get(key, (0, []))
            amounts.append(AmountByCurrency(currency=currency, amount=amount or Decimal(0)))
            out[key] = (seen + count, amounts)
        return out

    by_match = collect(await grouped(InwardInvoice.matching_status))
    by_status = collect(await grouped(InwardInvoice.status))
    return InboxSummary(
        count=sum(count for count, _ in by_match.values()),
        by_matching_status=[
            MatchingStatusTotal(
                matching_status=status,
                count=by_match.get(status, (0, []))[0],
                amounts=by_match.get(status, (0, []))[1],
            )
            for status in MatchStatus
        ],
        by_status=[
            StatusTotal(
                status=status,
                count=by_status.get(status, (0, []))[0],
                amounts=by_status.get(status, (0, []))[1],
            )
            for status in InwardInvoiceStatus
        ],
    )
