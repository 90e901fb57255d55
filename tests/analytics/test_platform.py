"""Platform analytics on a small dataset whose figures are worked out by hand below.

Range: 1-3 March 2026 (UAE days; UTC+4). Times are UTC, so 28 Feb 20:00 UTC is already 1 March.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.analytics import platform
from involinks.analytics.platform import DateRange, resolve_range
from involinks.auth.permissions import Role
from involinks.companies.models import CompanyStatus
from involinks.config import Settings
from involinks.core import tenancy
from involinks.errors import Unprocessable
from involinks.invoicing.models import InvoiceKind, InvoiceStatus
from involinks.payables.inward_invoices.models import InwardInvoiceStatus
from involinks.payables.matching.engine import MatchStatus
from involinks.peppol.models import TransmissionState
from tests.analytics.helpers import (
    add_audit_event,
    add_invoice,
    add_inward,
    add_transmission,
    buyer,
    utc,
)
from tests.factories import auth_headers, create_company, create_user

RANGE = "from=2026-03-01&to=2026-03-03"


async def _dataset(session: AsyncSession) -> None:
    a = await create_company(session, plan_code="FREE")
    b = await create_company(session, plan_code="PRO")
    pending = await create_company(session, plan_code="FREE", status=CompanyStatus.PENDING_APPROVAL)
    suspended = await create_company(session, plan_code="BASIC", status=CompanyStatus.SUSPENDED)
    # Sign-ups and approvals: a on 1 March (UAE), b on 2 March, pending on 3 March,
    # suspended signed up on 27 Feb (outside) and was approved on 1 March.
    a.created_at, a.approved_at = utc(2026, 2, 28, 20, 30), utc(2026, 3, 1, 9)
    b.created_at, b.approved_at = utc(2026, 3, 2, 10), utc(2026, 3, 2, 19, 59)
    pending.created_at, pending.approved_at = utc(2026, 3, 3, 12), None
    suspended.created_at, suspended.approved_at = utc(2026, 2, 27, 8), utc(2026, 3, 1, 7)
    with tenancy.system_scope(session):
        await session.flush()

    ca, cb = await buyer(session, a), await buyer(session, b)
    # Tax invoices finalized in range (UAE day: value AED):
    #   1 Mar: 105.00 (a, DELIVERED) + 210.00 (a, ACCEPTED)   -> 2 invoices, 315.00
    #   2 Mar: 367.25 (b, USD invoice; its AED figure counts; REJECTED)
    #   3 Mar: 52.50 (b, FAILED) + 1050.00 (a, SENT) + 10.50 (a, FINALIZED, not sent) -> 3, 1113.00
    sent = await add_invoice(
        session,
        a,
        ca,
        status=InvoiceStatus.DELIVERED,
        finalized_at=utc(2026, 2, 28, 20, 0),
        total="105.00",
    )
    await add_invoice(
        session,
        a,
        ca,
        status=InvoiceStatus.ACCEPTED,
        finalized_at=utc(2026, 3, 1, 12),
        total="210.00",
    )
    await add_invoice(
        session,
        b,
        cb,
        status=InvoiceStatus.REJECTED,
        finalized_at=utc(2026, 3, 2, 6),
        currency="USD",
        total="100.00",
        tax="0.00",
        total_aed="367.25",
        tax_aed="0.00",
    )
    await add_invoice(
        session,
        b,
        cb,
        status=InvoiceStatus.FAILED,
        finalized_at=utc(2026, 3, 2, 20, 1),
        total="52.50",
    )
    await add_invoice(
        session,
        a,
        ca,
        status=InvoiceStatus.SENT,
        finalized_at=utc(2026, 3, 3, 19, 59),
        total="1050.00",
    )
    await add_invoice(
        session,
        a,
        ca,
        status=InvoiceStatus.FINALIZED,
        finalized_at=utc(2026, 3, 3, 1),
        total="10.50",
    )
    # Not counted: a credit note, a draft, one finalized 28 Feb 19:59 UTC (23:59 UAE) and one
    # at 3 March 20:00 UTC (4 March UAE), both delivered.
    await add_invoice(
        session,
        a,
        ca,
        kind=InvoiceKind.CREDIT_NOTE,
        status=InvoiceStatus.FINALIZED,
        finalized_at=utc(2026, 3, 2),
        total="5.00",
    )
    await add_invoice(session, a, ca, status=InvoiceStatus.DRAFT)
    await add_invoice(
        session,
        a,
        ca,
        status=InvoiceStatus.DELIVERED,
        finalized_at=utc(2026, 2, 28, 19, 59),
        total="999.00",
    )
    await add_invoice(
        session,
        b,
        cb,
        status=InvoiceStatus.DELIVERED,
        finalized_at=utc(2026, 3, 3, 20, 0),
        total="999.00",
    )

    # Peppol transmission attempts requested in range: 2 succeeded, 3 failed (one rejected by
    # the receiver, two technical failures), 2 pending; one more on 4 March (UAE) is outside.
    tx = TransmissionState
    for state, at, provider_status in (
        (tx.DELIVERED, utc(2026, 3, 1, 10), None),
        (tx.ACCEPTED, utc(2026, 3, 2, 10), "ACCEPTED"),
        (tx.REJECTED, utc(2026, 3, 2, 11), "REJECTED_BY_RECEIVER"),
        (tx.FAILED, utc(2026, 3, 3, 19), None),
        (tx.FAILED, utc(2026, 3, 3, 9), None),
        (tx.QUEUED, utc(2026, 3, 3, 9), None),
        (tx.SENT, utc(2026, 2, 28, 20), "IN_TRANSIT"),
        (tx.DELIVERED, utc(2026, 3, 3, 20), None),
    ):
        await add_transmission(session, sent, state, at=at, provider_status=provider_status)

    # Inward invoices received in range: 2 full, 1 variance, 1 not matched; 1 outside.
    for matching in (
        MatchStatus.FULL_MATCH,
        MatchStatus.FULL_MATCH,
        MatchStatus.VARIANCE_DETECTED,
        MatchStatus.NOT_MATCHED,
    ):
        await add_inward(
            session,
            a,
            total="10.00",
            tax="0.00",
            matching=matching,
            status=InwardInvoiceStatus.RECEIVED,
            received_at=utc(2026, 3, 2, 9),
        )
    await add_inward(
        session,
        b,
        total="10.00",
        tax="0.00",
        matching=MatchStatus.PARTIAL_MATCH,
        received_at=utc(2026, 3, 5, 9),
    )

    # Active users: u1 signed in (1 Mar) and acted (2 Mar): one user; u2 only acted; u3 only
    # failed to sign in; u4 signed in on 4 March (outside); admin signed in on 2 March.
    u1 = await create_user(session, company=a)
    u2 = await create_user(session, company=a, role=Role.FINANCE_USER)
    u3 = await create_user(session, company=b)
    u4 = await create_user(session, company=b, role=Role.FINANCE_USER)
    admin = await create_user(session, company=None, role=Role.SUPER_ADMIN)
    u1.last_login_at = utc(2026, 3, 1, 6)
    u4.last_login_at = utc(2026, 3, 3, 20, 30)
    admin.last_login_at = utc(2026, 3, 2, 6)
    with tenancy.system_scope(session):
        await session.flush()
    await add_audit_event(
        session, company_id=a.id, actor_id=u1.id, action="invoice.finalized", at=utc(2026, 3, 2, 7)
    )
    await add_audit_event(
        session, company_id=a.id, actor_id=u2.id, action="invoice.created", at=utc(2026, 3, 3, 7)
    )
    await add_audit_event(
        session, company_id=b.id, actor_id=u3.id, action="auth.login_failed", at=utc(2026, 3, 3, 8)
    )


def _amounts(rows: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(r["period"], r["count"], r["value_aed"]) for r in rows]


class TestFigures:
    async def test_hand_computed(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        await _dataset(db_session)
        admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
        response = await client.get(
            f"/api/v1/admin/analytics?{RANGE}", headers=auth_headers(settings, admin)
        )
        assert response.status_code == 200, response.text
        data = response.json()
        assert (data["from"], data["to"]) == ("2026-03-01", "2026-03-03")

        assert data["companies"] == {
            "total": 4,
            "by_status": {"ACTIVE": 2, "PENDING_APPROVAL": 1, "SUSPENDED": 1},
            "by_plan": {"FREE": 2, "PRO": 1, "BASIC": 1},
        }
        assert data["signups_per_day"] == [
            {"date": "2026-03-01", "count": 1},
            {"date": "2026-03-02", "count": 1},
            {"date": "2026-03-03", "count": 1},
        ]
        # a and suspended on 1 March; b at 2 March 19:59 UTC, which is 23:59 of 2 March in the UAE.
        assert data["approvals_per_day"] == [
            {"date": "2026-03-01", "count": 2},
            {"date": "2026-03-02", "count": 1},
            {"date": "2026-03-03", "count": 0},
        ]
        assert _amounts(data["invoices_per_day"]) == [
            ("2026-03-01", 2, "315.00"),
            ("2026-03-02", 1, "367.25"),
            ("2026-03-03", 3, "1113.00"),
        ]
        assert _amounts(data["invoices_per_month"]) == [("2026-03", 6, "1795.25")]
        assert data["invoices_total"]["count"] == 6
        assert data["invoices_total"]["value_aed"] == "1795.25"

        assert data["peppol"] == {
            "source": "peppol_transmissions",
            "total": 7,
            "succeeded": 2,
            "failed": 3,
            "pending": 2,
            "success_rate_percent": "40.00",
            "failures_by_reason": {"REJECTED (REJECTED_BY_RECEIVER)": 1, "FAILED": 2},
        }
        assert data["payables"] == {
            "received": 4,
            "by_matching_status": {"FULL_MATCH": 2, "VARIANCE_DETECTED": 1, "NOT_MATCHED": 1},
            "rate_percent": {
                "FULL_MATCH": "50.00",
                "VARIANCE_DETECTED": "25.00",
                "NOT_MATCHED": "25.00",
            },
        }
        assert data["active_users"] == 3  # u1, u2, admin

    async def test_peppol_from_invoice_statuses(self, db_session: AsyncSession) -> None:
        await _dataset(db_session)
        tenancy.bind_platform_read(db_session)
        summary = await platform.peppol_summary(
            db_session,
            DateRange(date(2026, 3, 1), date(2026, 3, 3)),
            source=platform.INVOICE_STATUS_SOURCE,
        )
        # Invoices finalized in range that went to Peppol: DELIVERED and ACCEPTED succeeded,
        # REJECTED and FAILED failed, SENT pending; the FINALIZED one never went.
        assert summary.model_dump() == {
            "source": "invoice_status",
            "total": 5,
            "succeeded": 2,
            "failed": 2,
            "pending": 1,
            "success_rate_percent": Decimal("50.00"),
            "failures_by_reason": {"REJECTED": 1, "FAILED": 1},
        }

    async def test_month_buckets_across_a_month_end(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session)
        customer = await buyer(db_session, company)
        # 31 Jan 20:00 UTC is 1 Feb in the UAE; 31 Jan 19:00 UTC is still January.
        await add_invoice(
            db_session, company, customer, finalized_at=utc(2026, 1, 31, 19), total="1.10"
        )
        await add_invoice(
            db_session, company, customer, finalized_at=utc(2026, 1, 31, 20), total="2.20"
        )
        await add_invoice(
            db_session, company, customer, finalized_at=utc(2026, 3, 1, 1), total="3.30"
        )
        tenancy.bind_platform_read(db_session)
        total, days, months = await platform.invoice_volumes(
            db_session, DateRange(date(2026, 1, 20), date(2026, 3, 1))
        )
        assert [(m.period, m.count, m.value_aed) for m in months] == [
            ("2026-01", 1, Decimal("1.10")),
            ("2026-02", 1, Decimal("2.20")),
            ("2026-03", 1, Decimal("3.30")),
        ]
        assert len(days) == 41
        assert total.count == 3

    async def test_company_scope_is_refused(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session)
        tenancy.bind_company(db_session, company.id)
        with pytest.raises(tenancy.TenancyError):
            await platform.platform_analytics(
                db_session, DateRange(date(2026, 3, 1), date(2026, 3, 2))
            )


class TestRange:
    def test_defaults_to_the_last_30_days(self) -> None:
        today = date(2026, 3, 31)
        assert resolve_range(None, None, today=today) == DateRange(date(2026, 3, 2), today)
        assert resolve_range(None, date(2026, 1, 31), today=today) == DateRange(
            date(2026, 1, 2), date(2026, 1, 31)
        )
        assert resolve_range(date(2026, 3, 20), None, today=today) == DateRange(
            date(2026, 3, 20), today
        )

    def test_invalid_ranges(self) -> None:
        today = date(2026, 3, 31)
        with pytest.raises(Unprocessable, match="from 2026-03-05 is after to 2026-03-04"):
            resolve_range(date(2026, 3, 5), date(2026, 3, 4), today=today)
        with pytest.raises(Unprocessable, match="covers 367 days; at most 366"):
            resolve_range(date(2025, 1, 1), date(2026, 1, 2), today=today)
        assert resolve_range(date(2025, 1, 1), date(2026, 1, 1), today=today).first == date(
            2025, 1, 1
        )

    async def test_over_http(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings, app: Any
    ) -> None:
        app.state.clock = lambda: utc(2026, 3, 31, 21)  # 1 April in the UAE
        admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
        headers = auth_headers(settings, admin)
        url = "/api/v1/admin/analytics"
        default = await client.get(url, headers=headers)
        assert default.status_code == 200, default.text
        assert (default.json()["from"], default.json()["to"]) == ("2026-03-03", "2026-04-01")
        assert len(default.json()["invoices_per_day"]) == 30

        backwards = await client.get(f"{url}?from=2026-03-05&to=2026-03-04", headers=headers)
        assert backwards.status_code == 422
        assert backwards.json()["error"]["code"] == "invalid_range"
        too_long = await client.get(f"{url}?from=2025-01-01&to=2026-03-01", headers=headers)
        assert too_long.status_code == 422
        assert too_long.json()["error"]["code"] == "range_too_long"
        not_a_date = await client.get(f"{url}?from=yesterday", headers=headers)
        assert not_a_date.status_code == 422

    async def test_only_super_admins(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        company = await create_company(db_session)
        user = await create_user(db_session, company=company)
        response = await client.get(
            f"/api/v1/admin/analytics?{RANGE}", headers=auth_headers(settings, user)
        )
        assert response.status_code == 403
