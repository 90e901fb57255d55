from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from involinks.core.schemas import Money, Schema

# --- platform (super admin) ----------------------------------------------------------------------


class DailyCount(Schema):
    date: str = Field(description="UAE calendar day, YYYY-MM-DD")
    count: int


class InvoiceVolume(Schema):
    period: str = Field(description="YYYY-MM-DD (per day) or YYYY-MM (per month), UAE time")
    count: int
    value_aed: Money = Field(description="tax-inclusive total in AED (BTAE-20)")


class CompaniesSummary(Schema):
    total: int
    by_status: dict[str, int]
    by_plan: dict[str, int]


class PeppolSummary(Schema):
    source: str = Field(description="where the outcomes come from")
    total: int
    succeeded: int
    failed: int
    pending: int
    success_rate_percent: Money | None = Field(
        description="succeeded / (succeeded + failed) x 100; null when nothing has finished"
    )
    failures_by_reason: dict[str, int]


class PayablesSummary(Schema):
    received: int
    by_matching_status: dict[str, int]
    rate_percent: dict[str, Money] = Field(description="share of received invoices per status")


class PlatformAnalytics(Schema):
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    companies: CompaniesSummary
    signups_per_day: list[DailyCount]
    approvals_per_day: list[DailyCount]
    invoices_total: InvoiceVolume
    invoices_per_day: list[InvoiceVolume]
    invoices_per_month: list[InvoiceVolume]
    peppol: PeppolSummary
    payables: PayablesSummary
    active_users: int = Field(description="distinct users who signed in or acted in the range")


# --- company dashboard -------------------------------------------------------------------------


class CurrencyAmount(Schema):
    currency: str
    count: int
    amount: Money = Field(description="in the documents' currency")
    amount_aed: Money | None = Field(description="in AED; null when no AED figure is known")


class AmountSummary(Schema):
    count: int
    total_aed: Money = Field(description="sum of the AED figures that are known")
    by_currency: list[CurrencyAmount]


class VatPeriod(Schema):
    period: str = Field(description="YYYY-MM or YYYY-Qn")
    output_vat_aed: Money
    input_vat_aed: Money
    net_vat_aed: Money = Field(description="output minus input; negative: refundable")


class VatSummary(Schema):
    period: str = Field(description="month or quarter")
    periods: list[VatPeriod]
    foreign_inward_invoices_excluded: int = Field(
        description="matched inward invoices not in AED, whose VAT in AED is not known"
    )


class ActivityItem(Schema):
    id: uuid.UUID
    occurred_at: datetime
    action: str
    actor_email: str | None
    subject_type: str | None
    subject_id: str | None


class CompanyDashboard(Schema):
    as_of: date
    receivables: AmountSummary
    overdue_receivables: AmountSummary
    payables: AmountSummary
    overdue_payables: AmountSummary
    vat: VatSummary
    recent_activity: list[ActivityItem]


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
