"""Plan limits read from the plans table; refusals name the numbers and the plan that lifts them.

The expected messages are written out from the seeded launch terms (Free 10 invoices / 2 users,
Basic 100 / 5 with Peppol, Pro 1000 / 25 with AP and import, Enterprise unlimited)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.errors import Forbidden, PaymentRequired
from involinks.invoicing.models import InvoiceKind, InvoiceStatus
from involinks.plans import enforcement
from involinks.plans.models import Feature, SubscriptionPlan
from tests.analytics.helpers import add_invoice, buyer, utc
from tests.factories import create_company, create_user

NOW = utc(2026, 3, 15, 10)


async def _finalized(session: AsyncSession, company: Company, count: int) -> None:
    customer = await buyer(session, company)
    for _ in range(count):
        await add_invoice(session, company, customer, finalized_at=NOW)


class TestMonth:
    def test_month_is_uae_local(self) -> None:
        # 28 Feb 21:00 UTC is already 1 March 01:00 in the UAE (UTC+4).
        assert enforcement.month_start(datetime(2026, 2, 28, 21, 0, tzinfo=UTC)) == utc(
            2026, 2, 28, 20
        )
        assert enforcement.month_start(datetime(2026, 2, 28, 19, 0, tzinfo=UTC)) == utc(
            2026, 1, 31, 20
        )
        assert enforcement.next_month_start(utc(2026, 12, 15)) == utc(2026, 12, 31, 20)


class TestInvoiceLimit:
    async def test_free_plan_refuses_the_eleventh(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        await _finalized(db_session, company, 9)
        await enforcement.check_invoice_limit(db_session, company, now=NOW)  # the 10th is fine

        await _finalized(db_session, company, 1)
        with pytest.raises(PaymentRequired) as refused:
            await enforcement.check_invoice_limit(db_session, company, now=NOW)
        assert refused.value.status_code == 402
        assert refused.value.message == (
            "Your Free plan allows 10 invoices a month and you have finalized 10 this month; "
            "the Basic plan allows 100."
        )
        assert refused.value.code == "plan_limit"
        assert refused.value.details == {
            "limit_kind": "monthly_invoices",
            "plan": "FREE",
            "limit": 10,
            "used": 10,
            "upgrade_to": "BASIC",
        }

    async def test_only_this_uae_month_and_only_tax_invoices_count(
        self, db_session: AsyncSession
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        customer = await buyer(db_session, company)
        await _finalized(db_session, company, 8)
        # 28 Feb 19:59 UTC is 23:59 in the UAE: February, not counted in March.
        await add_invoice(db_session, company, customer, finalized_at=utc(2026, 2, 28, 19, 59))
        # 28 Feb 20:00 UTC is 1 March 00:00 in the UAE: March.
        await add_invoice(db_session, company, customer, finalized_at=utc(2026, 2, 28, 20, 0))
        for _ in range(3):
            await add_invoice(
                db_session, company, customer, kind=InvoiceKind.CREDIT_NOTE, finalized_at=NOW
            )
        await add_invoice(db_session, company, customer, status=InvoiceStatus.DRAFT)
        assert await enforcement.invoices_finalized_this_month(db_session, company, now=NOW) == 9
        await enforcement.check_invoice_limit(db_session, company, now=NOW)

    async def test_credit_notes_are_never_blocked(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        await _finalized(db_session, company, 10)
        await enforcement.check_invoice_limit(
            db_session, company, now=NOW, kind=InvoiceKind.CREDIT_NOTE
        )

    async def test_limits_are_data(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        await _finalized(db_session, company, 10)
        free = await db_session.get(SubscriptionPlan, "FREE")
        assert free is not None
        free.monthly_invoice_limit = 12
        await db_session.flush()
        await enforcement.check_invoice_limit(db_session, company, now=NOW)

    async def test_unlimited_upgrade_is_named(self, db_session: AsyncSession) -> None:
        # Free (10 a month) would also allow a 3rd invoice, but a cheaper plan is no upgrade.
        company = await create_company(db_session, plan_code="PRO")
        pro = await db_session.get(SubscriptionPlan, "PRO")
        assert pro is not None
        pro.monthly_invoice_limit = 2
        await db_session.flush()
        await _finalized(db_session, company, 2)
        with pytest.raises(PaymentRequired) as refused:
            await enforcement.check_invoice_limit(db_session, company, now=NOW)
        assert refused.value.message == (
            "Your Pro plan allows 2 invoices a month and you have finalized 2 this month; "
            "the Enterprise plan has no monthly limit."
        )

    async def test_enterprise_is_unlimited(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="ENTERPRISE")
        await _finalized(db_session, company, 12)
        await enforcement.check_invoice_limit(db_session, company, now=NOW)

    async def test_unknown_plan_gets_the_free_terms(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="LEGACY_GOLD")
        await _finalized(db_session, company, 10)
        with pytest.raises(PaymentRequired, match="Your Free plan allows 10 invoices"):
            await enforcement.check_invoice_limit(db_session, company, now=NOW)

    async def test_counts_only_the_companys_own_invoices(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        other = await create_company(db_session, plan_code="FREE")
        await _finalized(db_session, other, 10)
        await _finalized(db_session, company, 9)
        tenancy.bind_company(db_session, company.id)
        await enforcement.check_invoice_limit(db_session, company, now=NOW)
        with pytest.raises(tenancy.TenancyError):
            await enforcement.check_invoice_limit(db_session, other, now=NOW)


class TestUserLimit:
    async def test_free_plan_refuses_a_third_user(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        await create_user(db_session, company=company)
        await create_user(db_session, company=company, role=Role.FINANCE_USER, is_active=False)
        await enforcement.check_user_limit(db_session, company)  # 1 active: a 2nd is fine

        await create_user(db_session, company=company, role=Role.FINANCE_USER)
        with pytest.raises(PaymentRequired) as refused:
            await enforcement.check_user_limit(db_session, company)
        assert refused.value.status_code == 402
        assert refused.value.message == (
            "Your Free plan allows 2 users and your company has 2; the Basic plan allows 5."
        )
        assert refused.value.code == "plan_limit"
        assert refused.value.details == {
            "limit_kind": "users",
            "plan": "FREE",
            "limit": 2,
            "used": 2,
            "upgrade_to": "BASIC",
        }

    async def test_enterprise_has_no_user_limit(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="ENTERPRISE")
        for _ in range(3):
            await create_user(db_session, company=company)
        await enforcement.check_user_limit(db_session, company, adding=100)


class TestFeatures:
    @pytest.mark.parametrize(
        ("feature", "message"),
        [
            (
                Feature.PEPPOL_SENDING,
                "Your Free plan does not include sending invoices over Peppol; "
                "the Basic plan includes it.",
            ),
            (
                Feature.ACCOUNTS_PAYABLE,
                "Your Free plan does not include accounts payable; the Pro plan includes it.",
            ),
            (
                Feature.BULK_IMPORT,
                "Your Free plan does not include bulk import; the Pro plan includes it.",
            ),
        ],
    )
    async def test_free_plan_lacks_the_paid_features(
        self, db_session: AsyncSession, feature: Feature, message: str
    ) -> None:
        company = await create_company(db_session, plan_code="FREE")
        with pytest.raises(Forbidden) as refused:
            await enforcement.require_feature(db_session, company, feature)
        assert refused.value.status_code == 403
        assert refused.value.message == message

    async def test_basic_sends_over_peppol_but_has_no_ap(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="BASIC")
        await enforcement.require_feature(db_session, company, Feature.PEPPOL_SENDING)
        with pytest.raises(Forbidden):
            await enforcement.require_feature(db_session, company, Feature.ACCOUNTS_PAYABLE)

    async def test_no_plan_offers_it(self, db_session: AsyncSession) -> None:
        company = await create_company(db_session, plan_code="FREE")
        for code in ("PRO", "ENTERPRISE"):
            plan = await db_session.get(SubscriptionPlan, code)
            assert plan is not None
            plan.bulk_import = False
        await db_session.flush()
        with pytest.raises(Forbidden, match="contact us to have it enabled"):
            await enforcement.require_feature(db_session, company, Feature.BULK_IMPORT)
