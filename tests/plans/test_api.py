"""Plans over HTTP: public list, the super admin's editor, plan assignment, usage, RequireFeature."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.invoicing.models import InvoiceKind, InvoiceStatus
from involinks.plans.enforcement import RequireFeature
from involinks.plans.models import Feature
from tests.analytics.helpers import add_invoice, buyer, utc
from tests.factories import auth_headers, create_company, create_user

FREE_TERMS = {
    "code": "FREE",
    "name": "Free",
    "monthly_invoice_limit": 10,
    "user_limit": 2,
    "features": {"peppol_sending": False, "accounts_payable": False, "bulk_import": False},
    "price_aed_monthly": "0.00",
    "active": True,
}


@pytest.fixture
async def admin_headers(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
    return auth_headers(settings, admin)


@pytest.fixture
async def company(db_session: AsyncSession) -> Company:
    return await create_company(db_session, plan_code="FREE")


@pytest.fixture
async def company_admin(db_session: AsyncSession, company: Company) -> User:
    return await create_user(db_session, company=company)


@pytest.fixture
def company_headers(settings: Settings, company_admin: User) -> dict[str, str]:
    return auth_headers(settings, company_admin)


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class TestPublicList:
    async def test_lists_the_seeded_plans_cheapest_first(self, client: httpx.AsyncClient) -> None:
        plans = _ok(await client.get("/api/v1/plans"))
        assert [p["code"] for p in plans] == ["FREE", "BASIC", "PRO", "ENTERPRISE"]
        assert {k: plans[0][k] for k in FREE_TERMS} == FREE_TERMS
        basic, pro, enterprise = plans[1], plans[2], plans[3]
        assert (basic["monthly_invoice_limit"], basic["user_limit"]) == (100, 5)
        assert basic["features"] == {
            "peppol_sending": True,
            "accounts_payable": False,
            "bulk_import": False,
        }
        assert (pro["monthly_invoice_limit"], pro["user_limit"]) == (1000, 25)
        assert all(pro["features"].values())
        assert (enterprise["monthly_invoice_limit"], enterprise["user_limit"]) == (None, None)

    async def test_inactive_plans_are_not_offered(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        _ok(
            await client.put(
                "/api/v1/admin/plans/BASIC", json={"active": False}, headers=admin_headers
            )
        )
        plans = _ok(await client.get("/api/v1/plans"))
        assert [p["code"] for p in plans] == ["FREE", "PRO", "ENTERPRISE"]
        listed = _ok(await client.get("/api/v1/admin/plans", headers=admin_headers))
        assert [p["code"] for p in listed] == ["FREE", "BASIC", "PRO", "ENTERPRISE"]


class TestEditing:
    async def test_super_admin_edits_a_plan(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        admin_headers: dict[str, str],
    ) -> None:
        body = {
            "name": "Basic+",
            "monthly_invoice_limit": 150,
            "features": {"accounts_payable": True},
            "price_aed_monthly": "249.50",
        }
        plan = _ok(await client.put("/api/v1/admin/plans/BASIC", json=body, headers=admin_headers))
        assert plan["name"] == "Basic+"
        assert plan["monthly_invoice_limit"] == 150
        assert plan["user_limit"] == 5  # left out: kept
        assert plan["features"] == {
            "peppol_sending": True,
            "accounts_payable": True,
            "bulk_import": False,
        }
        assert plan["price_aed_monthly"] == "249.50"
        public = {p["code"]: p for p in _ok(await client.get("/api/v1/plans"))}
        assert public["BASIC"]["monthly_invoice_limit"] == 150

        with tenancy.system_scope(db_session):
            event = await db_session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "plan.updated")
            )
        assert event is not None
        assert event.company_id is None  # the platform's own chain
        assert event.details["changes"]["monthly_invoice_limit"] == {"from": 100, "to": 150}

    async def test_null_limit_means_unlimited(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        plan = _ok(
            await client.put(
                "/api/v1/admin/plans/PRO",
                json={"monthly_invoice_limit": None},
                headers=admin_headers,
            )
        )
        assert plan["monthly_invoice_limit"] is None
        assert plan["user_limit"] == 25

    async def test_company_users_cannot_edit_or_list(
        self, client: httpx.AsyncClient, company_headers: dict[str, str]
    ) -> None:
        response = await client.put(
            "/api/v1/admin/plans/FREE",
            json={"monthly_invoice_limit": 100000},
            headers=company_headers,
        )
        assert response.status_code == 403
        assert (await client.get("/api/v1/admin/plans", headers=company_headers)).status_code == 403
        assert (await client.get("/api/v1/admin/plans")).status_code == 401
        free = _ok(await client.get("/api/v1/plans"))[0]
        assert free["monthly_invoice_limit"] == 10

    async def test_create_a_plan(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        incomplete = await client.put(
            "/api/v1/admin/plans/STARTER", json={"name": "Starter"}, headers=admin_headers
        )
        assert incomplete.status_code == 422
        assert "monthly_invoice_limit, user_limit" in incomplete.json()["error"]["message"]

        created = _ok(
            await client.put(
                "/api/v1/admin/plans/starter",
                json={
                    "name": "Starter",
                    "monthly_invoice_limit": 30,
                    "user_limit": 3,
                    "features": {"peppol_sending": True},
                    "price_aed_monthly": "99.00",
                },
                headers=admin_headers,
            ),
            201,
        )
        assert created["code"] == "STARTER"
        assert created["position"] == 50  # after Enterprise (40)
        assert created["features"]["peppol_sending"] is True
        assert created["features"]["bulk_import"] is False

    async def test_free_plan_cannot_be_withdrawn(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        response = await client.put(
            "/api/v1/admin/plans/FREE", json={"active": False}, headers=admin_headers
        )
        assert response.status_code == 409

    async def test_invalid_values_are_refused(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        for body in (
            {"monthly_invoice_limit": -1},
            {"user_limit": 0},
            {"price_aed_monthly": "1.005"},
            {"name": None},
            {"unknown": 1},
        ):
            response = await client.put(
                "/api/v1/admin/plans/BASIC", json=body, headers=admin_headers
            )
            assert response.status_code == 422, body


class TestAssignment:
    async def test_super_admin_moves_a_company_to_another_plan(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        admin_headers: dict[str, str],
        company: Company,
    ) -> None:
        url = f"/api/v1/admin/companies/{company.id}/plan"
        body = _ok(await client.post(url, json={"plan_code": "pro"}, headers=admin_headers))
        assert body["company_id"] == str(company.id)
        assert body["plan"]["code"] == "PRO"
        await db_session.refresh(company)
        assert company.plan_code == "PRO"
        with tenancy.system_scope(db_session):
            event = await db_session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "company.plan_changed")
            )
        assert event is not None
        assert event.company_id == company.id
        assert event.details == {"from": "FREE", "to": "PRO"}

    async def test_refusals(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        company_headers: dict[str, str],
        company: Company,
    ) -> None:
        url = f"/api/v1/admin/companies/{company.id}/plan"
        unknown = await client.post(url, json={"plan_code": "GOLD"}, headers=admin_headers)
        assert unknown.status_code == 404
        mine = await client.post(url, json={"plan_code": "ENTERPRISE"}, headers=company_headers)
        assert mine.status_code == 403
        _ok(
            await client.put(
                "/api/v1/admin/plans/BASIC", json={"active": False}, headers=admin_headers
            )
        )
        withdrawn = await client.post(url, json={"plan_code": "BASIC"}, headers=admin_headers)
        assert withdrawn.status_code == 409


class TestUsage:
    async def test_usage_of_this_month(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        company: Company,
        company_admin: User,
        company_headers: dict[str, str],
    ) -> None:
        app.state.clock = lambda: utc(2026, 3, 20, 12)
        customer = await buyer(db_session, company)
        for _ in range(3):
            await add_invoice(db_session, company, customer, finalized_at=utc(2026, 3, 2))
        await add_invoice(db_session, company, customer, finalized_at=utc(2026, 2, 27))
        await add_invoice(
            db_session,
            company,
            customer,
            kind=InvoiceKind.CREDIT_NOTE,
            finalized_at=utc(2026, 3, 3),
        )
        await add_invoice(db_session, company, customer, status=InvoiceStatus.DRAFT)
        await create_user(db_session, company=company, role=Role.FINANCE_USER, is_active=False)
        other = await create_company(db_session, plan_code="FREE")
        await create_user(db_session, company=other)
        await add_invoice(db_session, other, await buyer(db_session, other))

        usage = _ok(await client.get("/api/v1/company/usage", headers=company_headers))
        assert usage["plan"]["code"] == "FREE"
        assert usage["period_start"].startswith("2026-02-28T20:00:00")
        assert usage["invoices_this_month"] == 3
        assert usage["monthly_invoice_limit"] == 10
        assert usage["users"] == 1
        assert usage["user_limit"] == 2
        assert usage["features"] == FREE_TERMS["features"]

    async def test_super_admin_has_no_company_usage(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        response = await client.get("/api/v1/company/usage", headers=admin_headers)
        assert response.status_code == 404


class TestRequireFeature:
    @pytest.fixture
    def gated_app(self, app: FastAPI) -> FastAPI:
        router = APIRouter(dependencies=[Depends(RequireFeature(Feature.ACCOUNTS_PAYABLE))])

        @router.get("/api/v1/test-only/ap")
        async def _gated() -> dict[str, bool]:
            return {"ok": True}

        app.include_router(router)
        # Ahead of the web app's catch-all route, which would answer first.
        app.router.routes.insert(0, app.router.routes.pop())
        return app

    async def test_refuses_a_plan_without_the_feature(
        self, gated_app: FastAPI, client: httpx.AsyncClient, company_headers: dict[str, str]
    ) -> None:
        response = await client.get("/api/v1/test-only/ap", headers=company_headers)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "plan_feature"
        assert error["message"] == (
            "Your Free plan does not include accounts payable; the Pro plan includes it."
        )

    async def test_lets_a_plan_with_the_feature_and_super_admins_through(
        self,
        gated_app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
        admin_headers: dict[str, str],
    ) -> None:
        pro = await create_company(db_session, plan_code="PRO")
        headers = auth_headers(settings, await create_user(db_session, company=pro))
        assert _ok(await client.get("/api/v1/test-only/ap", headers=headers)) == {"ok": True}
        assert _ok(await client.get("/api/v1/test-only/ap", headers=admin_headers)) == {"ok": True}
