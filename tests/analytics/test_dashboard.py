"""A company's dashboard, figures worked out by hand; company B's rows never show in A's.

Today is 15 April 2026 (UAE).

Company A, outbound (total / VAT, in AED unless said):
  INV1 FINALIZED 1050.00 / 50.00  issued 10 Mar, due 1 Apr (overdue)
  INV2 SENT      100.00 USD / 5.00 USD = 367.25 / 18.36 AED, issued 2 Apr, due 2 May
  INV3 APPROVED  210.00 / 10.00   issued 5 Apr, no due date
  INV4 DRAFT     500.00 / 25.00   (ignored everywhere)
  INV5 CANCELLED 315.00 / 15.00   issued 10 Feb, fully credited by CN5 (315.00 / 15.00, 12 Mar)
  CN1 credits INV1 by 105.00 / 5.00, issued 3 Apr
  INV6 REJECTED  420.00 / 20.00   issued 6 Apr, due 10 Apr (not receivable; still output VAT)
  INV7 FAILED    52.50 / 2.50     issued 7 Apr, due 14 Apr (overdue)
Receivables: AED 1050 + 210 + 52.50 - 105 = 1207.50 (3 invoices); USD 100.00 = 367.25 AED;
total 1574.75 AED. Overdue: INV1 + INV7 - CN1 = 997.50 AED (2 invoices).

Company A, inward:
  P1 AED RECEIVED, not matched   525.00 / 25.00, issued 1 Apr, due 10 Apr (overdue)
  P2 AED READY_TO_PAY, full match 210.00 / 10.00, issued 20 Mar, due 20 Apr
  P3 AED credit note, full match  21.00 / 1.00, issued 2 Apr
  P4 EUR NEEDS_REVIEW, variance  100.00 / 5.00, issued 3 Apr, due 5 Apr (overdue)
  P5 EUR READY_TO_PAY, full match 50.00 / 2.50, issued 4 Apr
Payables: AED 525 + 210 - 21 = 714.00 (3); EUR 150.00 (2, no AED figure). Overdue: AED 525.00,
EUR 100.00.

VAT per month (Feb, Mar, Apr):
  output  Feb 15.00 (INV5); Mar 50.00 - 15.00 = 35.00; Apr 18.36 + 10 - 5 + 20 + 2.50 = 45.86
  input   Mar 10.00 (P2); Apr -1.00 (P3); P5 is matched but in EUR: excluded (1)
  net     Feb 15.00; Mar 25.00; Apr 46.86
Per quarter: Q1 output 50.00, input 10.00, net 40.00; Q2 45.86, -1.00, 46.86.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.invoicing.models import InvoiceKind, InvoiceStatus
from involinks.payables.inward_invoices.models import InwardInvoiceStatus
from involinks.payables.matching.engine import MatchStatus
from tests.analytics.helpers import add_audit_event, add_invoice, add_inward, buyer, utc
from tests.factories import auth_headers, create_company, create_user

S = InvoiceStatus


async def _company_a(session: AsyncSession) -> Company:
    a = await create_company(session)
    c = await buyer(session, a)

    async def inv(status: InvoiceStatus, total: str, tax: str, issued: date, **kw: Any) -> Any:
        return await add_invoice(
            session, a, c, status=status, total=total, tax=tax, issue_date=issued, **kw
        )

    inv1 = await inv(S.FINALIZED, "1050.00", "50.00", date(2026, 3, 10), due_date=date(2026, 4, 1))
    await inv(
        S.SENT,
        "100.00",
        "5.00",
        date(2026, 4, 2),
        currency="USD",
        total_aed="367.25",
        tax_aed="18.36",
        due_date=date(2026, 5, 2),
    )
    await inv(S.APPROVED, "210.00", "10.00", date(2026, 4, 5))
    await inv(S.DRAFT, "500.00", "25.00", date(2026, 4, 8), due_date=date(2026, 4, 9))
    inv5 = await inv(S.CANCELLED, "315.00", "15.00", date(2026, 2, 10))
    await inv(
        S.FINALIZED, "315.00", "15.00", date(2026, 3, 12), kind=InvoiceKind.CREDIT_NOTE,
        credited=inv5,
    )  # fmt: skip
    await inv(
        S.FINALIZED, "105.00", "5.00", date(2026, 4, 3), kind=InvoiceKind.CREDIT_NOTE,
        credited=inv1,
    )  # fmt: skip
    await inv(S.REJECTED, "420.00", "20.00", date(2026, 4, 6), due_date=date(2026, 4, 10))
    await inv(S.FAILED, "52.50", "2.50", date(2026, 4, 7), due_date=date(2026, 4, 14))

    await add_inward(
        session,
        a,
        total="525.00",
        tax="25.00",
        issue_date=date(2026, 4, 1),
        due_date=date(2026, 4, 10),
    )
    await add_inward(
        session,
        a,
        total="210.00",
        tax="10.00",
        issue_date=date(2026, 3, 20),
        due_date=date(2026, 4, 20),
        status=InwardInvoiceStatus.READY_TO_PAY,
        matching=MatchStatus.FULL_MATCH,
    )
    await add_inward(
        session,
        a,
        total="21.00",
        tax="1.00",
        issue_date=date(2026, 4, 2),
        matching=MatchStatus.FULL_MATCH,
        credit_note=True,
    )
    await add_inward(
        session,
        a,
        total="100.00",
        tax="5.00",
        currency="EUR",
        issue_date=date(2026, 4, 3),
        due_date=date(2026, 4, 5),
        status=InwardInvoiceStatus.NEEDS_REVIEW,
        matching=MatchStatus.VARIANCE_DETECTED,
    )
    await add_inward(session, a, total="50.00", tax="2.50", currency="EUR",
                     issue_date=date(2026, 4, 4), status=InwardInvoiceStatus.READY_TO_PAY,
                     matching=MatchStatus.FULL_MATCH)  # fmt: skip
    return a


async def _company_b(session: AsyncSession) -> Company:
    b = await create_company(session)
    c = await buyer(session, b)
    await add_invoice(
        session, b, c, status=S.FINALIZED, total="9999.00", tax="476.14",
        issue_date=date(2026, 4, 1), due_date=date(2026, 4, 1),
    )  # fmt: skip
    await add_inward(
        session, b, total="8888.00", tax="423.24", issue_date=date(2026, 4, 1),
        due_date=date(2026, 4, 1), matching=MatchStatus.FULL_MATCH,
    )  # fmt: skip
    return b


@pytest.fixture
def today(app: FastAPI) -> None:
    app.state.clock = lambda: utc(2026, 4, 15, 8)


async def _dashboard(
    client: httpx.AsyncClient, settings: Settings, user: Any, query: str = ""
) -> dict[str, Any]:
    response = await client.get(f"/api/v1/dashboard{query}", headers=auth_headers(settings, user))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _money(summary: dict[str, Any]) -> tuple[int, str, list[tuple[str, int, str, str | None]]]:
    return (
        summary["count"],
        summary["total_aed"],
        [(c["currency"], c["count"], c["amount"], c["amount_aed"]) for c in summary["by_currency"]],
    )


@pytest.mark.usefixtures("today")
class TestDashboard:
    async def test_hand_computed_figures(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        a = await _company_a(db_session)
        await _company_b(db_session)
        user = await create_user(db_session, company=a, role=Role.FINANCE_USER)
        data = await _dashboard(client, settings, user, "?periods=3")
        assert data["as_of"] == "2026-04-15"

        assert _money(data["receivables"]) == (
            4,
            "1574.75",
            [("AED", 3, "1207.50", "1207.50"), ("USD", 1, "100.00", "367.25")],
        )
        assert _money(data["overdue_receivables"]) == (
            2,
            "997.50",
            [("AED", 2, "997.50", "997.50")],
        )
        assert _money(data["payables"]) == (
            5,
            "714.00",
            [("AED", 3, "714.00", "714.00"), ("EUR", 2, "150.00", None)],
        )
        assert _money(data["overdue_payables"]) == (
            2,
            "525.00",
            [("AED", 1, "525.00", "525.00"), ("EUR", 1, "100.00", None)],
        )
        assert data["vat"] == {
            "period": "month",
            "periods": [
                {
                    "period": "2026-02",
                    "output_vat_aed": "15.00",
                    "input_vat_aed": "0.00",
                    "net_vat_aed": "15.00",
                },
                {
                    "period": "2026-03",
                    "output_vat_aed": "35.00",
                    "input_vat_aed": "10.00",
                    "net_vat_aed": "25.00",
                },
                {
                    "period": "2026-04",
                    "output_vat_aed": "45.86",
                    "input_vat_aed": "-1.00",
                    "net_vat_aed": "46.86",
                },
            ],
            "foreign_inward_invoices_excluded": 1,
        }

    async def test_vat_per_quarter(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        a = await _company_a(db_session)
        user = await create_user(db_session, company=a)
        data = await _dashboard(client, settings, user, "?period=quarter&periods=2")
        assert [
            (p["period"], p["output_vat_aed"], p["input_vat_aed"], p["net_vat_aed"])
            for p in data["vat"]["periods"]
        ] == [("2026-Q1", "50.00", "10.00", "40.00"), ("2026-Q2", "45.86", "-1.00", "46.86")]
        default = await _dashboard(client, settings, user, "?period=quarter")
        assert [p["period"] for p in default["vat"]["periods"]] == [
            "2025-Q3",
            "2025-Q4",
            "2026-Q1",
            "2026-Q2",
        ]
        months = await _dashboard(client, settings, user)
        assert len(months["vat"]["periods"]) == 12
        assert months["vat"]["periods"][0]["period"] == "2025-05"

    async def test_company_b_never_shows_in_a(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        a = await _company_a(db_session)
        b = await _company_b(db_session)
        a_user = await create_user(db_session, company=a)
        b_user = await create_user(db_session, company=b)
        await add_audit_event(
            db_session, company_id=a.id, actor_id=a_user.id, action="invoice.created",
            at=utc(2026, 4, 14, 9),
        )  # fmt: skip
        await add_audit_event(
            db_session, company_id=b.id, actor_id=b_user.id, action="invoice.finalized",
            at=utc(2026, 4, 14, 10),
        )  # fmt: skip
        await add_audit_event(
            db_session, company_id=a.id, actor_id=a_user.id, action="invoice.approved",
            at=utc(2026, 4, 14, 11),
        )  # fmt: skip

        a_data = await _dashboard(client, settings, a_user)
        b_data = await _dashboard(client, settings, b_user)
        assert a_data["receivables"]["total_aed"] == "1574.75"
        assert "9999.00" not in str(a_data)
        assert "8888.00" not in str(a_data)
        assert [e["action"] for e in a_data["recent_activity"]] == [
            "invoice.approved",
            "invoice.created",
        ]
        assert _money(b_data["receivables"]) == (1, "9999.00", [("AED", 1, "9999.00", "9999.00")])
        assert _money(b_data["payables"]) == (1, "8888.00", [("AED", 1, "8888.00", "8888.00")])
        assert [e["action"] for e in b_data["recent_activity"]] == ["invoice.finalized"]
        april = b_data["vat"]["periods"][-1]
        assert (april["output_vat_aed"], april["input_vat_aed"]) == ("476.14", "423.24")

    async def test_empty_company(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        company = await create_company(db_session)
        data = await _dashboard(client, settings, await create_user(db_session, company=company))
        assert _money(data["receivables"]) == (0, "0.00", [])
        assert data["recent_activity"] == []
        assert {p["net_vat_aed"] for p in data["vat"]["periods"]} == {"0.00"}

    async def test_refusals(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
        response = await client.get("/api/v1/dashboard", headers=auth_headers(settings, admin))
        assert response.status_code == 404
        company = await create_company(db_session)
        headers = auth_headers(settings, await create_user(db_session, company=company))
        for query in ("?period=week", "?periods=0", "?periods=37"):
            response = await client.get(f"/api/v1/dashboard{query}", headers=headers)
            assert response.status_code == 422, query
        assert (await client.get("/api/v1/dashboard")).status_code == 401
