"""Paid documents leave the dashboard; part payments reduce what is still owed.

Today is 15 April 2026 (UAE). Company A:
  INV1 FINALIZED 1000.00 AED, due 1 Apr (overdue), 400.00 paid -> 600.00 still owed
  INV2 SENT 100.00 USD = 367.25 AED, due 2 May, 40.00 USD paid -> 60.00 USD = 220.35 AED
       (40 x 367.25 / 100 = 146.90 AED paid)
  INV3 PAID 500.00 AED, due 1 Apr, paid in full (left out, overdue or not)
Receivables: AED 600.00 (1) + USD 60.00 / 220.35 AED (1) = 820.35 AED; overdue AED 600.00.
Inward: P1 READY_TO_PAY 200.00, P2 PAID 300.00, P3 REJECTED 50.00 (all AED, due 1 Apr)
Payables: AED 200.00 (1), all of it overdue.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.core import tenancy
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.payments import InvoicePayment, PaymentSource
from involinks.payables.inward_invoices.models import InwardInvoiceStatus
from involinks.payables.matching.engine import MatchStatus
from tests.analytics.helpers import add_invoice, add_inward, buyer, utc
from tests.factories import auth_headers, create_company, create_user

S = InvoiceStatus


async def _pay(session: AsyncSession, invoice: Invoice, amount: str) -> None:
    with tenancy.system_scope(session):
        session.add(
            InvoicePayment(
                company_id=invoice.company_id,
                invoice_id=invoice.id,
                amount=Decimal(amount),
                paid_on=date(2026, 4, 10),
                source=PaymentSource.MANUAL,
            )
        )
        await session.flush()


@pytest.fixture
def today(app: FastAPI) -> None:
    app.state.clock = lambda: utc(2026, 4, 15, 8)


def _money(summary: dict[str, Any]) -> tuple[int, str, list[tuple[str, int, str, str | None]]]:
    return (
        summary["count"],
        summary["total_aed"],
        [(c["currency"], c["count"], c["amount"], c["amount_aed"]) for c in summary["by_currency"]],
    )


@pytest.mark.usefixtures("today")
async def test_paid_and_part_paid_documents(
    client: httpx.AsyncClient, db_session: AsyncSession, settings: Any
) -> None:
    a = await create_company(db_session)
    c = await buyer(db_session, a)
    inv1 = await add_invoice(
        db_session, a, c, status=S.FINALIZED, total="1000.00", tax="47.62",
        issue_date=date(2026, 3, 10), due_date=date(2026, 4, 1),
    )  # fmt: skip
    inv2 = await add_invoice(
        db_session, a, c, status=S.SENT, total="100.00", tax="5.00", currency="USD",
        total_aed="367.25", tax_aed="18.36", issue_date=date(2026, 4, 2),
        due_date=date(2026, 5, 2),
    )  # fmt: skip
    inv3 = await add_invoice(
        db_session, a, c, status=S.PAID, total="500.00", tax="23.81",
        issue_date=date(2026, 3, 1), due_date=date(2026, 4, 1),
    )  # fmt: skip
    await _pay(db_session, inv1, "400.00")
    await _pay(db_session, inv2, "40.00")
    await _pay(db_session, inv3, "500.00")
    for total, status in (
        ("200.00", InwardInvoiceStatus.READY_TO_PAY),
        ("300.00", InwardInvoiceStatus.PAID),
        ("50.00", InwardInvoiceStatus.REJECTED),
    ):
        await add_inward(
            db_session, a, total=total, tax="0.00", status=status,
            matching=MatchStatus.FULL_MATCH, due_date=date(2026, 4, 1),
        )  # fmt: skip
    user = await create_user(db_session, company=a, role=Role.FINANCE_USER)

    response = await client.get("/api/v1/dashboard", headers=auth_headers(settings, user))
    assert response.status_code == 200, response.text
    data = response.json()
    assert _money(data["receivables"]) == (
        2,
        "820.35",
        [("AED", 1, "600.00", "600.00"), ("USD", 1, "60.00", "220.35")],
    )
    assert _money(data["overdue_receivables"]) == (1, "600.00", [("AED", 1, "600.00", "600.00")])
    assert _money(data["payables"]) == (1, "200.00", [("AED", 1, "200.00", "200.00")])
    assert _money(data["overdue_payables"]) == (1, "200.00", [("AED", 1, "200.00", "200.00")])
