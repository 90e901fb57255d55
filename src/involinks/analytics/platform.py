"""Platform analytics for the super admin: every figure is one GROUP BY query in the database.

Definitions (all days are UAE calendar days; `from`..`to` inclusive):

* companies: every company now, by status and by plan (not limited to the range);
* sign-ups per day: companies created in the range; approvals per day: `approved_at` in the range;
* invoices issued: tax invoices (not credit notes) finalized in the range, counted and summed in
  AED (`tax_inclusive_amount_aed`, BTAE-20), per day; the months are the sums of their days in
  the range (a month cut by the range counts only its days inside);
* Peppol: outcomes from `PEPPOL_SOURCE`, one line to switch. `TRANSMISSION_SOURCE` (in use): the
  transmission attempts requested in the range: succeeded (DELIVERED, ACCEPTED), failed (REJECTED,
  FAILED; the reason is the state and the provider's status) or pending (QUEUED, SENT).
  `INVOICE_STATUS_SOURCE`: the tax invoices finalized in the range that went to Peppol, by their
  status (SENT pending; DELIVERED/ACCEPTED succeeded; REJECTED/FAILED failed, the status the
  reason). Another source has the same shape: a grouped query of (*key, count) and a classifier;
* AP matching: inward invoices received in the range by matching status, with each share;
* active users: distinct users who signed in (`users.last_login_at`) or did something recorded in
  the audit log (failed sign-ins excluded) in the range.

The queries read across companies: the session must be in platform-read (or system) scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.analytics import sql
from involinks.analytics.schemas import (
    CompaniesSummary,
    DailyCount,
    InvoiceVolume,
    PayablesSummary,
    PeppolSummary,
    PlatformAnalytics,
    percent,
)
from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.errors import Unprocessable
from involinks.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from involinks.payables.inward_invoices.models import InwardInvoice
from involinks.peppol.models import PeppolTransmission, TransmissionState

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
_ZERO = Decimal("0.00")

# Audit actions that do not show a user being active (someone tried, and failed, to sign in).
NOT_ACTIVITY = ("auth.login_failed", "auth.login_refused", "auth.account_locked")


@dataclass(frozen=True, slots=True)
class DateRange:
    first: date
    last: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return sql.day_bounds(self.first, self.last)


def resolve_range(first: date | None, last: date | None, *, today: date) -> DateRange:
    """The requested range, defaulting to the last 30 days up to today; 422 when invalid."""
    if last is None:
        last = today if first is None else max(today, first)
    if first is None:
        first = last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last:
        raise Unprocessable(
            f"The range starts after it ends: from {first.isoformat()} is after to "
            f"{last.isoformat()}.",
            code="invalid_range",
        )
    length = (last - first).days + 1
    if length > MAX_RANGE_DAYS:
        raise Unprocessable(
            f"The range covers {length} days; at most {MAX_RANGE_DAYS} days can be analysed at "
            "once.",
            code="range_too_long",
            details={"days": length, "max_days": MAX_RANGE_DAYS},
        )
    return DateRange(first, last)


def _require_platform_scope(session: AsyncSession) -> None:
    if tenancy.current_scope(session) not in (tenancy.Scope.PLATFORM_READ, tenancy.Scope.SYSTEM):
        raise tenancy.TenancyError("platform analytics need a platform-read or system scope")


def _in(column: Any, bounds: tuple[datetime, datetime]) -> sa.ColumnElement[bool]:
    start, end = bounds
    return sa.and_(column >= start, column < end)


# --- companies ---------------------------------------------------------------------------------


async def companies_summary(session: AsyncSession) -> CompaniesSummary:
    by_status = {
        str(getattr(status, "value", status)): int(n)
        for status, n in await session.execute(
            sa.select(Company.status, sa.func.count()).group_by(Company.status)
        )
    }
    by_plan = {
        str(code): int(n)
        for code, n in await session.execute(
            sa.select(Company.plan_code, sa.func.count()).group_by(Company.plan_code)
        )
    }
    return CompaniesSummary(total=sum(by_status.values()), by_status=by_status, by_plan=by_plan)


async def _per_day(session: AsyncSession, column: Any, rng: DateRange) -> list[DailyCount]:
    bucket = sql.period_start(column, "day").label("day")
    rows = await session.execute(
        sa.select(bucket, sa.func.count()).where(_in(column, rng.bounds)).group_by(bucket)
    )
    counts = {sql.day_label(day): int(n) for day, n in rows}
    return [
        DailyCount(date=d, count=counts.get(d, 0)) for d in sql.periods(rng.first, rng.last, "day")
    ]


# --- invoices ------------------------------------------------------------------------------------


async def invoice_volumes(
    session: AsyncSession, rng: DateRange
) -> tuple[InvoiceVolume, list[InvoiceVolume], list[InvoiceVolume]]:
    """(total, per day, per month) of tax invoices finalized in the range."""
    bucket = sql.period_start(Invoice.finalized_at, "day").label("day")
    rows = await session.execute(
        sa.select(bucket, sa.func.count(), sa.func.sum(Invoice.tax_inclusive_amount_aed))
        .where(Invoice.kind == InvoiceKind.INVOICE, _in(Invoice.finalized_at, rng.bounds))
        .group_by(bucket)
    )
    per_day: dict[str, tuple[int, Decimal]] = {
        sql.day_label(day): (int(n), value or _ZERO) for day, n, value in rows
    }
    days = [
        InvoiceVolume(
            period=d, count=per_day.get(d, (0, _ZERO))[0], value_aed=per_day.get(d, (0, _ZERO))[1]
        )
        for d in sql.periods(rng.first, rng.last, "day")
    ]
    # Months are sums of the day groups above (at most 366 rows), not another pass over invoices.
    months: dict[str, list[Any]] = {
        m: [0, _ZERO] for m in sql.periods(rng.first, rng.last, "month")
    }
    for day in days:
        month = months[day.period[:7]]
        month[0] += day.count
        month[1] += day.value_aed
    per_month = [InvoiceVolume(period=m, count=c, value_aed=v) for m, (c, v) in months.items()]
    total = InvoiceVolume(
        period=f"{rng.first.isoformat()}/{rng.last.isoformat()}",
        count=sum(d.count for d in days),
        value_aed=sum((d.value_aed for d in days), _ZERO),
    )
    return total, days, per_month


# --- Peppol --------------------------------------------------------------------------------------

Outcome = Literal["succeeded", "failed", "pending"]


@dataclass(frozen=True, slots=True)
class PeppolSource:
    """Where Peppol outcomes are read from: a grouped query over the range's UTC bounds whose rows
    are (*key, count), and how a key classifies as (outcome, failure reason) or None (skip)."""

    name: str
    query: Callable[[tuple[datetime, datetime]], sa.Select[*tuple[Any, ...]]]
    classify: Callable[[tuple[Any, ...]], tuple[Outcome, str | None] | None]


# Outcome of a transmission attempt (a resend after a failure is another row), dated by when the
# send was requested; the failure reason is the state with the provider's own status.
_TX_SUCCEEDED = frozenset({TransmissionState.DELIVERED, TransmissionState.ACCEPTED})
_TX_FAILED = frozenset({TransmissionState.REJECTED, TransmissionState.FAILED})


def _transmission_query(bounds: tuple[datetime, datetime]) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(PeppolTransmission.status, PeppolTransmission.provider_status, sa.func.count())
        .where(_in(PeppolTransmission.created_at, bounds))
        .group_by(PeppolTransmission.status, PeppolTransmission.provider_status)
    )


def _classify_transmission(key: tuple[Any, ...]) -> tuple[Outcome, str | None] | None:
    state, provider_status = TransmissionState(key[0]), key[1]
    if state in _TX_SUCCEEDED:
        return "succeeded", None
    if state in _TX_FAILED:
        return "failed", f"{state.value} ({provider_status})" if provider_status else state.value
    return "pending", None


TRANSMISSION_SOURCE = PeppolSource(
    name="peppol_transmissions", query=_transmission_query, classify=_classify_transmission
)

# Before transmissions were recorded: the status of the tax invoices finalized in the range.
_SUCCEEDED = frozenset({InvoiceStatus.DELIVERED, InvoiceStatus.ACCEPTED})
_FAILED = frozenset({InvoiceStatus.REJECTED, InvoiceStatus.FAILED})
_PENDING = frozenset({InvoiceStatus.SENT})


def _invoice_status_query(bounds: tuple[datetime, datetime]) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(Invoice.status, sa.func.count())
        .where(
            Invoice.kind == InvoiceKind.INVOICE,
            _in(Invoice.finalized_at, bounds),
            Invoice.status.in_(_SUCCEEDED | _FAILED | _PENDING),
        )
        .group_by(Invoice.status)
    )


def _classify_invoice_status(key: tuple[Any, ...]) -> tuple[Outcome, str | None] | None:
    status = InvoiceStatus(key[0])
    if status in _SUCCEEDED:
        return "succeeded", None
    if status in _FAILED:
        return "failed", status.value
    if status in _PENDING:
        return "pending", None
    return None


INVOICE_STATUS_SOURCE = PeppolSource(
    name="invoice_status", query=_invoice_status_query, classify=_classify_invoice_status
)
PEPPOL_SOURCE = TRANSMISSION_SOURCE


async def peppol_summary(
    session: AsyncSession, rng: DateRange, source: PeppolSource = PEPPOL_SOURCE
) -> PeppolSummary:
    totals: dict[Outcome, int] = {"succeeded": 0, "failed": 0, "pending": 0}
    reasons: dict[str, int] = {}
    for *key, n in await session.execute(source.query(rng.bounds)):
        classified = source.classify(tuple(key))
        if classified is None:
            continue
        outcome, reason = classified
        totals[outcome] += int(n)
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + int(n)
    return PeppolSummary(
        source=source.name,
        total=sum(totals.values()),
        succeeded=totals["succeeded"],
        failed=totals["failed"],
        pending=totals["pending"],
        success_rate_percent=percent(totals["succeeded"], totals["succeeded"] + totals["failed"]),
        failures_by_reason=reasons,
    )


# --- payables ------------------------------------------------------------------------------------


async def payables_summary(session: AsyncSession, rng: DateRange) -> PayablesSummary:
    rows = await session.execute(
        sa.select(InwardInvoice.matching_status, sa.func.count())
        .where(_in(InwardInvoice.received_at, rng.bounds))
        .group_by(InwardInvoice.matching_status)
    )
    by_status = {str(getattr(s, "value", s)): int(n) for s, n in rows}
    received = sum(by_status.values())
    rates = {s: percent(n, received) or _ZERO for s, n in by_status.items()}
    return PayablesSummary(received=received, by_matching_status=by_status, rate_percent=rates)


# --- users ---------------------------------------------------------------------------------------


async def active_users(session: AsyncSession, rng: DateRange) -> int:
    # One probe per user (users are far fewer than audit events): signed in, or any audit event
    # of theirs in the range.
    acted = sa.exists().where(
        AuditEvent.actor_id == User.id,
        _in(AuditEvent.occurred_at, rng.bounds),
        AuditEvent.action.not_in(NOT_ACTIVITY),
    )
    count = await session.scalar(
        sa.select(sa.func.count(User.id)).where(sa.or_(_in(User.last_login_at, rng.bounds), acted))
    )
    return int(count or 0)


# --- all of it -----------------------------------------------------------------------------------


async def platform_analytics(session: AsyncSession, rng: DateRange) -> PlatformAnalytics:
    _require_platform_scope(session)
    total, per_day, per_month = await invoice_volumes(session, rng)
    return PlatformAnalytics(
        from_date=rng.first,
        to_date=rng.last,
        companies=await companies_summary(session),
        signups_per_day=await _per_day(session, Company.created_at, rng),
        approvals_per_day=await _per_day(session, Company.approved_at, rng),
        invoices_total=total,
        invoices_per_day=per_day,
        invoices_per_month=per_month,
        peppol=await peppol_summary(session, rng),
        payables=await payables_summary(session, rng),
        active_users=await active_users(session, rng),
    )
