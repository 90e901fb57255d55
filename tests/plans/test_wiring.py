"""Plan limits and features where the work happens, over HTTP: team invitations and reactivation
(user limit), Peppol sending, accounts payable and bulk import (features).

The invoice limit at finalize (10th passes, 11th refused) is tested through the API in
tests/invoicing/test_api_lifecycle.py::TestPlanLimits. Messages are the seeded launch terms
(Free 2 users, Basic 5 with Peppol, Pro with AP and bulk import)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.config import Settings
from tests.factories import auth_headers, create_company, create_user

NO_AP = "Your {plan} plan does not include accounts payable; the Pro plan includes it."
NO_IMPORT = "Your {plan} plan does not include bulk import; the Pro plan includes it."

AP_READS = (
    "/api/v1/suppliers",
    "/api/v1/purchase-orders",
    "/api/v1/goods-receipts",
    "/api/v1/inward-invoices",
    "/api/v1/inward-invoices/summary",
    "/api/v1/payables/settings",
)


async def _headers(session: AsyncSession, settings: Settings, plan_code: str) -> dict[str, str]:
    company = await create_company(session, plan_code=plan_code)
    return auth_headers(settings, await create_user(session, company=company))


def _refusal(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    message: str = error["message"]
    return message


def _invite(n: int) -> dict[str, Any]:
    return {
        "email": f"member{n}.{uuid.uuid4().hex[:6]}@example.ae",
        "full_name": f"Member {n}",
        "role": Role.FINANCE_USER.value,
    }


class TestUserLimit:
    async def test_invitations_stop_at_the_plan_limit(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "FREE")  # the admin: 1 of 2
        second = await client.post("/api/v1/users", json=_invite(2), headers=headers)
        assert second.status_code == 201, second.text  # the 2nd user fits exactly

        third = await client.post("/api/v1/users", json=_invite(3), headers=headers)
        message = _refusal(third, 402, "plan_limit")
        assert message == (
            "Your Free plan allows 2 users and your company has 2; the Basic plan allows 5."
        )
        assert third.json()["error"]["details"]["limit"] == 2
        users = (await client.get("/api/v1/users", headers=headers)).json()
        assert users["total"] == 2  # the refused invitation left no user behind

        # A deactivated user frees the seat; reactivating them while it is taken is refused.
        member = second.json()["id"]
        off = await client.patch(
            f"/api/v1/users/{member}", json={"is_active": False}, headers=headers
        )
        assert off.status_code == 200, off.text
        assert (
            await client.post("/api/v1/users", json=_invite(4), headers=headers)
        ).status_code == 201
        back = await client.patch(
            f"/api/v1/users/{member}", json={"is_active": True}, headers=headers
        )
        assert "allows 2 users" in _refusal(back, 402, "plan_limit")
        listed = (await client.get("/api/v1/users", headers=headers)).json()["items"]
        assert {u["id"]: u["is_active"] for u in listed}[member] is False

    async def test_a_larger_plan_lets_the_invitation_through(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "BASIC")
        for n in range(2, 6):  # users 2..5 of 5
            response = await client.post("/api/v1/users", json=_invite(n), headers=headers)
            assert response.status_code == 201, response.text
        sixth = await client.post("/api/v1/users", json=_invite(6), headers=headers)
        assert _refusal(sixth, 402, "plan_limit") == (
            "Your Basic plan allows 5 users and your company has 5; the Pro plan allows 25."
        )


class TestPeppolSending:
    async def test_free_plan_cannot_send(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "FREE")
        response = await client.post(f"/api/v1/invoices/{uuid.uuid4()}/send", headers=headers)
        assert _refusal(response, 403, "plan_feature") == (
            "Your Free plan does not include sending invoices over Peppol; "
            "the Basic plan includes it."
        )

    async def test_basic_plan_passes_the_gate(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "BASIC")
        # Past the plan check, the unknown invoice is what stops it.
        response = await client.post(f"/api/v1/invoices/{uuid.uuid4()}/send", headers=headers)
        assert response.status_code == 404, response.text


class TestAccountsPayable:
    @pytest.mark.parametrize(("plan", "name"), [("FREE", "Free"), ("BASIC", "Basic")])
    async def test_plans_without_ap_are_refused_everywhere(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
        plan: str,
        name: str,
    ) -> None:
        headers = await _headers(db_session, settings, plan)
        for url in AP_READS:
            response = await client.get(url, headers=headers)
            assert _refusal(response, 403, "plan_feature") == NO_AP.format(plan=name), url
        writes = [
            ("/api/v1/suppliers", {"name": "Supplier LLC"}),
            ("/api/v1/purchase-orders", {}),
            (f"/api/v1/inward-invoices/{uuid.uuid4()}/match", {}),
        ]
        for url, body in writes:
            response = await client.post(url, json=body, headers=headers)
            assert _refusal(response, 403, "plan_feature") == NO_AP.format(plan=name), url

    async def test_pro_plan_gets_through(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "PRO")
        for url in AP_READS:
            response = await client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.text)

    async def test_unauthenticated_is_401_not_a_plan_refusal(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await client.get("/api/v1/suppliers")).status_code == 401

    async def test_supplier_download_link_stays_open_on_any_plan(
        self, client: httpx.AsyncClient
    ) -> None:
        # No sign-in and no plan: the signed link is judged by its token alone.
        response = await client.get(
            f"/api/v1/purchase-orders/{uuid.uuid4()}/document", params={"token": "forged"}
        )
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "This link is invalid or has expired."


class TestBulkImport:
    @pytest.mark.parametrize(("plan", "name"), [("FREE", "Free"), ("BASIC", "Basic")])
    async def test_refused_without_the_feature(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        settings: Settings,
        plan: str,
        name: str,
    ) -> None:
        headers = await _headers(db_session, settings, plan)
        listed = await client.get("/api/v1/imports", headers=headers)
        assert _refusal(listed, 403, "plan_feature") == NO_IMPORT.format(plan=name)
        upload = await client.post(
            "/api/v1/imports",
            files={"file": ("customers.csv", b"name\nA\n", "text/csv")},
            data={"kind": "customers"},
            headers=headers,
        )
        assert _refusal(upload, 403, "plan_feature") == NO_IMPORT.format(plan=name)

    async def test_pro_plan_imports(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        headers = await _headers(db_session, settings, "PRO")
        assert (await client.get("/api/v1/imports", headers=headers)).status_code == 200
