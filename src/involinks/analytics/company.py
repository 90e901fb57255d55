"""A company's dashboard: what it is owed, what it owes, VAT due per period, recent activity.

Every query goes through the central tenant filter (the session is bound to the company); none of
them names a company. Definitions:

* receivables: tax invoices issued and not settled otherwise: FINALIZED, APPROVED, SENT, DELIVERED,
  ACCEPTED and FAILED (a transmission failure does not cancel the debt), less the finalized credit
  notes against them. REJECTED (disputed by the buyer), CANCELLED (fully credited) and DRAFT are
  left out. Amounts are tax-inclusive, per currency, and in AED from the AED figures stored on each
  document (BTAE-20, computed with its exchange rate). PAID invoices (settled in full) are left
  out; payments recorded on an invoice still owed (invoicing.payments) reduce it, in AED by the
  invoice's own rate (one row per such partly paid invoice).
* payables: inward invoices not yet paid, less the payments made on them so far (credit notes
  count negative); PAID and REJECTED ones are owed no more. Inward invoices store no AED figure,
  so only AED documents have an amount in AED.
* overdue: the same documents with a due date before today (UAE).
* VAT per month or quarter of the issue date: output VAT = VAT in AED (IBT-111) of every issued
  document, credit notes negative (a cancelled invoice still counts in its period; its credit
  note offsets it in the credit note's period); input VAT = VAT of matched inward invoices
  (matching status FULL_MATCH, or READY_TO_PAY after an approved variance), in AED documents only;
  the others are counted in `foreign_inward_invoices_excluded`.
* recent activity: the company's latest audit events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from involinks.analytics import sql
from involinks.analytics.schemas import (
    ActivityItem,
    AmountSummary,
    CompanyDashboard,
    CurrencyAmount,
    VatPeriod,
    VatSummary,
)
from involinks.audit.models import AuditEvent
from involinks.core import tenancy
from involinks.invoicing.models import AED, ISSUED_STATUSES, Invoice, InvoiceKind, InvoiceStatus
from involinks.invoicing.payments import InvoicePayment
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceStatus,
    InwardPayment,
)
from involinks.payables.matching.engine import MatchStatus

_ZERO = Decimal("0.00")

RECEIVABLE_STATUSES = frozenset(
    {
        InvoiceStatus.FINALIZED,
        InvoiceStatus.APPROVED,
        InvoiceStatus.SENT,
        InvoiceStatus.DELIVERED,
        InvoiceStatus.ACCEPTED,
        InvoiceStatus.FAILED,
    }
)
# Inward invoices that are owed no more: paid, or rejected for good (credited by the supplier).
PAID_INWARD_STATUSES = frozenset({InwardInvoiceStatus.PAID, InwardInvoiceStatus.REJECTED})
CREDIT_NOTE = "CreditNote"
RECENT_ACTIVITY = 20


def _require_company_scope(session: AsyncSession) -> None:
    if tenancy.current_scope(session) is not tenancy.Scope.COMPANY:
        raise tenancy.TenancyError("the dashboard is computed for one bound company")


# --- receivables and payables --------------------------------------------------------------------


class _Totals:
    """Per-currency sums for "all" and "overdue", filled from one grouped query each."""

    def __init__(self) -> None:
        self.all: dict[str, list[Any]] = {}
        self.overdue: dict[str, list[Any]] = {}

    def add(self, bucket: str, currency: str, count: int, amount: Any, aed: Any | None) -> None:
        entry = getattr(self, bucket).setdefault(currency, [0, _ZERO, _ZERO])
        entry[0] += int(count or 0)
        entry[1] += amount or _ZERO
        entry[2] += aed or _ZERO

    def summary(self, bucket: str, *, aed_known: Callable[[str], bool]) -> AmountSummary:
        rows = getattr(self, bucket)
        by_currency = [
            CurrencyAmount(
                currency=currency,
                count=count,
                amount=amount,
                amount_aed=aed if aed_known(currency) else None,
            )
            for currency, (count, amount, aed) in sorted(rows.items())
            if count or amount
        ]
        return AmountSummary(
            count=sum(item.count for item in by_currency),
            total_aed=sum((item.amount_aed or _ZERO for item in by_currency), _ZERO),
            by_currency=by_currency,
        )


def _when(condition: sa.ColumnElement[bool], value: Any) -> Any:
    """`value` where `condition` holds, else NULL (which SUM and COUNT skip)."""
    return sa.case((condition, value))


async def receivables(session: AsyncSession, *, today: date) -> tuple[AmountSummary, AmountSummary]:
    totals = _Totals()
    overdue = Invoice.due_date < today
    invoices = await session.execute(
        sa.select(
            Invoice.currency,
            sa.func.count(),
            sa.func.sum(Invoice.tax_inclusive_amount),
            sa.func.sum(Invoice.tax_inclusive_amount_aed),
            sa.func.count(_when(overdue, 1)),
            sa.func.sum(_when(overdue, Invoice.tax_inclusive_amount)),
            sa.func.sum(_when(overdue, Invoice.tax_inclusive_amount_aed)),
        )
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.status.in_(RECEIVABLE_STATUSES))
        .group_by(Invoice.currency)
    )
    for currency, n, amount, aed, late_n, late_amount, late_aed in invoices:
        totals.add("all", currency, n, amount, aed)
        totals.add("overdue", currency, late_n, late_amount, late_aed)

    # Partial credit notes reduce what is still owed on a receivable invoice.
    original = aliased(Invoice)
    late = original.due_date < today
    credits = await session.execute(
        sa.select(
            original.currency,
            sa.func.sum(Invoice.tax_inclusive_amount),
            sa.func.sum(Invoice.tax_inclusive_amount_aed),
            sa.func.sum(_when(late, Invoice.tax_inclusive_amount)),
            sa.func.sum(_when(late, Invoice.tax_inclusive_amount_aed)),
        )
        .join(original, Invoice.credited_invoice_id == original.id)
        .where(
            Invoice.kind == InvoiceKind.CREDIT_NOTE,
            Invoice.status.in_(ISSUED_STATUSES),
            original.kind == InvoiceKind.INVOICE,
            original.status.in_(RECEIVABLE_STATUSES),
        )
        .group_by(original.currency)
    )
    for currency, amount, aed, late_amount, late_aed in credits:
        totals.add("all", currency, 0, -(amount or _ZERO), -(aed or _ZERO))
        totals.add("overdue", currency, 0, -(late_amount or _ZERO), -(late_aed or _ZERO))

    # Part payments on invoices still owed (a settled one is PAID and not counted above).
    part_paid = await session.execute(
        sa.select(
            Invoice.currency,
            Invoice.due_date < today,
            Invoice.tax_inclusive_amount,
            Invoice.tax_inclusive_amount_aed,
            sa.func.sum(InvoicePayment.amount),
        )
        .join(Invoice, InvoicePayment.invoice_id == Invoice.id)
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.status.in_(RECEIVABLE_STATUSES))
        .group_by(
            Invoice.id,
            Invoice.currency,
            Invoice.due_date,
            Invoice.tax_inclusive_amount,
            Invoice.tax_inclusive_amount_aed,
        )
    )
    for currency, is_late, total, total_aed, paid in part_paid:
        paid = paid or _ZERO
        paid_aed = (paid * total_aed / total).quantize(Decimal("0.01")) if total else _ZERO
        totals.add("all", currency, 0, -paid, -paid_aed)
        if is_late:
            totals.add("overdue", currency, 0, -paid, -paid_aed)
    return (
        totals.summary("all", aed_known=lambda _currency: True),
        totals.summary("overdue", aed_known=lambda _currency: True),
    )


def _signed(amount: Any) -> sa.ColumnElement[Decimal]:
    return sa.case((InwardInvoice.document_kind == CREDIT_NOTE, -amount), else_=amount)


async def payables(session: AsyncSession, *, today: date) -> tuple[AmountSummary, AmountSummary]:
    totals = _Totals()
    overdue = InwardInvoice.due_date < today
    conditions = [InwardInvoice.status.not_in(PAID_INWARD_STATUSES)]
    rows = await session.execute(
        sa.select(
            InwardInvoice.currency,
            sa.func.count(),
            sa.func.sum(_signed(InwardInvoice.payable_amount)),
            sa.func.count(_when(overdue, 1)),
            sa.func.sum(_when(overdue, _signed(InwardInvoice.payable_amount))),
        )
        .where(*conditions)
        .group_by(InwardInvoice.currency)
    )
    for currency, n, amount, late_n, late_amount in rows:
        # Inward invoices store no AED figure: only AED documents have one.
        totals.add("all", currency, n, amount, amount if currency == AED else None)
        totals.add(
            "overdue", currency, late_n, late_amount, late_amount if currency == AED else None
        )
    # Part payments on invoices still owed (the one that settles an invoice makes it PAID).
    part_paid = await session.execute(
        sa.select(InwardInvoice.currency, InwardInvoice.due_date, sa.func.sum(InwardPayment.amount))
        .join(InwardInvoice, InwardPayment.inward_invoice_id == InwardInvoice.id)
        .where(*conditions)
        .group_by(InwardInvoice.currency, InwardInvoice.due_date)
    )
    for currency, due_date, paid in part_paid:
        totals.add("all", currency, 0, -paid, -paid if currency == AED else None)
        if due_date is not None and due_date < today:
            totals.add("overdue", currency, 0, -paid, -paid if currency == AED else None)
    return (
        totals.summary("all", aed_known=lambda currency: currency == AED),
        totals.summary("overdue", aed_known=lambda currency: currency == AED),
    )


# --- VAT -----------------------------------------------------------------------------------------


def vat_window(today: date, unit: sql.Unit, count: int) -> tuple[date, date]:
    """First day of the period `count - 1` periods before today's, and today."""
    months_back = (count - 1) * (3 if unit == "quarter" else 1)
    first_month = today.month - 1
    if unit == "quarter":
        first_month -= first_month % 3
    index = today.year * 12 + first_month - months_back
    return date(index // 12, index % 12 + 1, 1), today


async def vat_by_period(
    session: AsyncSession, *, today: date, unit: sql.Unit, count: int
) -> VatSummary:
    first, last = vat_window(today, unit, count)
    out_bucket = sql.period_start(Invoice.issue_date, unit).label("period")
    output = await session.execute(
        sa.select(
            out_bucket,
            sa.func.sum(
                sa.case(
                    (Invoice.kind == InvoiceKind.CREDIT_NOTE, -Invoice.tax_amount_aed),
                    else_=Invoice.tax_amount_aed,
                )
            ),
        )
        .where(
            Invoice.status.in_(ISSUED_STATUSES),
            Invoice.issue_date >= first,
            Invoice.issue_date <= last,
        )
        .group_by(out_bucket)
    )
    output_vat = {sql.label(start, unit): vat or _ZERO for start, vat in output}

    matched = sa.or_(
        InwardInvoice.matching_status == MatchStatus.FULL_MATCH,
        InwardInvoice.status == InwardInvoiceStatus.READY_TO_PAY,
    )
    in_window = sa.and_(InwardInvoice.issue_date >= first, InwardInvoice.issue_date <= last)
    in_bucket = sql.period_start(InwardInvoice.issue_date, unit).label("period")
    inputs = await session.execute(
        sa.select(in_bucket, sa.func.sum(_signed(InwardInvoice.tax_amount)))
        .where(matched, in_window, InwardInvoice.currency == AED)
        .group_by(in_bucket)
    )
    input_vat = {sql.label(start, unit): vat or _ZERO for start, vat in inputs}
    foreign = await session.scalar(
        sa.select(sa.func.count(InwardInvoice.id)).where(
            matched, in_window, InwardInvoice.currency != AED
        )
    )
    periods = [
        VatPeriod(
            period=p,
            output_vat_aed=output_vat.get(p, _ZERO),
            input_vat_aed=input_vat.get(p, _ZERO),
            net_vat_aed=output_vat.get(p, _ZERO) - input_vat.get(p, _ZERO),
        )
        for p in sql.periods(first, last, unit)
    ]
    return VatSummary(
        period=unit, periods=periods, foreign_inward_invoices_excluded=int(foreign or 0)
    )


# --- activity ------------------------------------------------------------------------------------


async def recent_activity(
    session: AsyncSession, limit: int = RECENT_ACTIVITY
) -> list[ActivityItem]:
    events: Sequence[AuditEvent] = (
        await session.scalars(
            sa.select(AuditEvent)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc())
            .limit(limit)
        )
    ).all()
    return [ActivityItem.model_validate(event) for event in events]


# --- all of it -----------------------------------------------------------------------------------


async def company_dashboard(
    session: AsyncSession, *, today: date, unit: sql.Unit = "month", periods: int | None = None
) -> CompanyDashboard:
    _require_company_scope(session)
    count = periods or (12 if unit == "month" else 4)
    owed_to_us, overdue_to_us = await receivables(session, today=today)
    owed_by_us, overdue_by_us = await payables(session, today=today)
    return CompanyDashboard(
        as_of=today,
        receivables=owed_to_us,
        overdue_receivables=overdue_to_us,
        payables=owed_by_us,
        overdue_payables=overdue_by_us,
        vat=await vat_by_period(session, today=today, unit=unit, count=count),
        recent_activity=await recent_activity(session),
    )
