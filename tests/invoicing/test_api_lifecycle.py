"""Finalize and approve: numbering, immutability, party snapshots, plan limits, permissions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.core import tenancy
from tests.customers.factories import invoice_payload, line
from tests.customers.fixtures import Tenant, make_tenant, ok, other_tenant, tenant

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"


async def _draft(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    return ok(await client.post(URL, json=payload, headers=tenant.headers), 201)


async def _finalize(client: httpx.AsyncClient, tenant: Tenant, invoice_id: str) -> httpx.Response:
    return await client.post(f"{URL}/{invoice_id}/finalize", headers=tenant.headers)


class TestFinalize:
    async def test_numbers_and_snapshots(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        draft = await _draft(client, tenant)
        body = ok(await _finalize(client, tenant, draft["id"]))
        assert body["status"] == "FINALIZED"
        assert body["number"] == "INV-2026-000001"  # issue date 2026-03-10, default format
        assert body["finalized_at"] is not None
        assert body["seller"]["trn"] == tenant.company.trn
        assert body["seller"]["peppol_id"] == f"0235:{tenant.company.trn[:10]}"
        assert body["buyer"]["legal_name"] == tenant.customer.legal_name
        assert body["buyer"]["address"]["emirate"] == "AUH"
        detail = ok(await client.get(f"{URL}/{draft['id']}", headers=tenant.headers))
        assert [e["status"] for e in detail["status_history"]] == ["DRAFT", "FINALIZED"]

    async def test_snapshot_survives_customer_edit(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        original_name = tenant.customer.legal_name
        ok(await _finalize(client, tenant, draft["id"]))
        ok(
            await client.patch(
                f"/api/v1/customers/{tenant.customer.id}",
                json={
                    "legal_name": "Renamed Buyer LLC",
                    "address": {"line1": "New street", "city": "Dubai", "emirate": "DXB"},
                },
                headers=tenant.headers,
            )
        )
        body = ok(await client.get(f"{URL}/{draft['id']}", headers=tenant.headers))
        assert body["buyer"]["legal_name"] == original_name
        assert body["buyer"]["address"]["emirate"] == "AUH"

    async def test_finalizing_twice_is_a_conflict_naming_the_state(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        ok(await _finalize(client, tenant, draft["id"]))
        again = await _finalize(client, tenant, draft["id"])
        assert again.status_code == 409
        assert "FINALIZED" in again.json()["detail"]

    async def test_deleted_drafts_leave_no_gap(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        first, second, third = [await _draft(client, tenant) for _ in range(3)]
        assert (
            await client.delete(f"{URL}/{second['id']}", headers=tenant.headers)
        ).status_code == 204
        # Finalize in reverse creation order: numbers follow finalization, not creation.
        numbers = [ok(await _finalize(client, tenant, d["id"]))["number"] for d in (third, first)]
        assert numbers == ["INV-2026-000001", "INV-2026-000002"]

    async def test_company_number_format_and_yearly_sequences(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.company.settings = {"numbering": {"invoice": "S/{yy}{mm}/{seq:04}"}}
        with tenancy.system_scope(db_session):
            await db_session.flush()
        march = await _draft(client, tenant)
        april = await _draft(client, tenant, issue_date="2026-04-01", due_date="2026-05-01")
        assert ok(await _finalize(client, tenant, march["id"]))["number"] == "S/2603/0001"
        # {mm} in the format: a new month starts a new sequence.
        assert ok(await _finalize(client, tenant, april["id"]))["number"] == "S/2604/0001"

    async def test_numbering_is_per_company(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        mine = await _draft(client, tenant)
        theirs = await _draft(client, other_tenant)
        assert ok(await _finalize(client, tenant, mine["id"]))["number"] == "INV-2026-000001"
        assert (
            ok(await _finalize(client, other_tenant, theirs["id"]))["number"] == "INV-2026-000001"
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"due_date": None}, "due_date"),  # ibr-127-ae
            ({"payment_means": {"code": "30"}}, "payment_means.account_id"),  # ibr-192-ae
            ({"lines": [line(description=None)]}, "lines.0.description"),  # ibr-125-ae
            ({"transaction_type": {"free_zone": True}}, "beneficiary_id"),  # ibr-007-ae
            ({"transaction_type": {"disclosed_agent": True}}, "principal_id"),  # ibr-137-ae
            ({"transaction_type": {"summary_invoice": True}}, "period_start"),  # ibr-138-ae
            ({"transaction_type": {"exports": True}}, "delivery"),  # ibr-152-ae
            (
                {
                    "transaction_type": {"exports": True},
                    "delivery": {"line1": "x", "city": "Dubai", "emirate": "DXB", "country": "AE"},
                },
                "delivery.country",
            ),
            ({"transaction_type": {"ecommerce": True}}, "delivery"),  # ibr-142-ae
        ],
    )
    async def test_incomplete_draft_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, tenant: Tenant, overrides: dict[str, Any], field: str
    ) -> None:
        draft = await _draft(client, tenant, **overrides)
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422, response.text
        assert field in {d["field"] for d in response.json()["error"]["details"]}
        # Nothing was consumed: the next finalized invoice still gets number 1.
        good = await _draft(client, tenant)
        assert ok(await _finalize(client, tenant, good["id"]))["number"] == "INV-2026-000001"

    async def test_buyer_without_peppol_id_is_refused(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.customer.peppol_id = None
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await _draft(client, tenant)
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422
        assert "Peppol id" in response.json()["detail"]  # ibr-080

    async def test_out_of_scope_needs_buyer_registration(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.customer.legal_registration_type = None
        tenant.customer.legal_registration_id = None
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await _draft(client, tenant, type_code="480", lines=[line(vat_category="O")])
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422
        assert "legal registration" in response.json()["detail"]  # ibr-136-ae

    async def test_finance_user_may_finalize(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        response = await client.post(
            f"{URL}/{draft['id']}/finalize", headers=tenant.finance_headers
        )
        assert response.status_code == 200


class TestApprove:
    async def test_admin_approves_finalized(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        ok(await _finalize(client, tenant, draft["id"]))
        body = ok(await client.post(f"{URL}/{draft['id']}/approve", headers=tenant.headers))
        assert body["status"] == "APPROVED"
        assert body["approved_at"] is not None
        again = await client.post(f"{URL}/{draft['id']}/approve", headers=tenant.headers)
        assert again.status_code == 409
        assert "APPROVED" in again.json()["detail"]
        # Still immutable after approval.
        patched = await client.patch(
            f"{URL}/{draft['id']}", json={"notes": []}, headers=tenant.headers
        )
        assert patched.status_code == 409

    async def test_draft_cannot_be_approved(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        response = await client.post(f"{URL}/{draft['id']}/approve", headers=tenant.headers)
        assert response.status_code == 409
        assert "DRAFT" in response.json()["detail"]

    async def test_finance_user_cannot_approve(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        ok(await _finalize(client, tenant, draft["id"]))
        response = await client.post(f"{URL}/{draft['id']}/approve", headers=tenant.finance_headers)
        assert response.status_code == 403


class TestPlanLimits:
    async def test_free_plan_stops_at_ten_per_month(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        free = await make_tenant(db_session, settings, plan_code="FREE")
        for expected in range(1, 11):
            draft = await _draft(client, free)
            body = ok(await _finalize(client, free, draft["id"]))
            assert body["number"] == f"INV-2026-{expected:06d}"
        eleventh = await _draft(client, free)
        response = await _finalize(client, free, eleventh["id"])
        assert response.status_code == 402
        assert response.json()["error"]["code"] == "plan_limit"
        assert response.json()["detail"] == (
            "Your Free plan allows 10 invoices a month and you have finalized 10 this month; "
            "the Basic plan allows 100."
        )
        # The refused invoice stays a draft and took no number.
        body = ok(await client.get(f"{URL}/{eleventh['id']}", headers=free.headers))
        assert body["status"] == "DRAFT"
        assert body["number"] is None
        # After an upgrade it is finalized with the next number: the refusal left no gap.
        free.company.plan_code = "BASIC"
        with tenancy.system_scope(db_session):
            await db_session.flush()
        assert ok(await _finalize(client, free, eleventh["id"]))["number"] == "INV-2026-000011"
