"""/api/v1/customers: buyer data rules, per-company TRN uniqueness, tenancy, delete protection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.config import Settings
from tests.customers.factories import customer_payload, invoice_payload
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant
from tests.factories import auth_headers, create_user

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/customers"


def _field_errors(body: dict[str, Any]) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


class TestCreate:
    async def test_brief_payload_defaults_peppol_id_to_tin(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = {
            "legal_name": "Noor Electronics LLC",
            "trn": "134567890123003",
            "email": "ap@noor.ae",
            "address": {
                "line1": "Street 1",
                "city": "Abu Dhabi",
                "emirate": "AUH",
                "country": "AE",
            },
        }
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["trn"] == "134567890123003"
        assert body["tin"] == "1345678901"
        assert body["vat_registered"] is True
        assert body["peppol_id"] == "0235:1345678901"
        assert body["address"]["emirate"] == "AUH"

    async def test_unregistered_buyer_has_no_default_peppol_id(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = customer_payload(trn=None)
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["vat_registered"] is False
        assert body["peppol_id"] is None

    async def test_foreign_buyer_keeps_its_own_peppol_id(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = customer_payload(
            trn=None,
            peppol_id="0151:51824753556",
            address={"line1": "1 Hay St", "city": "Perth", "subdivision": "WA", "country": "AU"},
        )
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["peppol_id"] == "0151:51824753556"
        assert body["address"]["subdivision"] == "WA"

    @pytest.mark.parametrize(
        ("override", "field"),
        [
            ({"trn": "12345678901234"}, "trn"),  # 14 digits
            ({"trn": "1234567890123AB"}, "trn"),
            ({"email": "not-an-email"}, "email"),
            ({"address": {"line1": "x", "city": "Dubai", "country": "AE"}}, "address.emirate"),
            ({"address": {"line1": "x", "city": "Dubai", "emirate": "DUB"}}, "address.emirate"),
            (
                {"address": {"line1": "x", "city": "X", "emirate": "DXB", "country": "FR"}},
                "address.emirate",
            ),
            ({"address": {"line1": "x", "city": "X", "country": "XX"}}, "address.country"),
            ({"trn": None, "vat_registered": True}, "trn"),
            ({"peppol_id": "9999:123"}, "peppol_id"),
            ({"legal_registration": {"type": "TL", "id": "123"}}, "legal_registration.authority"),
            (
                {"legal_registration": {"type": "PAS", "id": "P1"}},
                "legal_registration.issuing_country",
            ),
            ({"legal_registration": {"type": "XX", "id": "P1"}}, "legal_registration.type"),
        ],
    )
    async def test_invalid_input_names_the_field(
        self, client: httpx.AsyncClient, tenant: Tenant, override: dict[str, object], field: str
    ) -> None:
        response = await client.post(URL, json=customer_payload(**override), headers=tenant.headers)
        assert response.status_code == 422, response.text
        assert field in _field_errors(response.json())

    async def test_trn_unique_per_company_only(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        payload = customer_payload()
        ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        again = await client.post(
            URL, json=customer_payload(trn=payload["trn"]), headers=tenant.headers
        )
        assert again.status_code == 409
        assert payload["trn"] in again.json()["detail"]
        # Another company may have the same buyer.
        ok(await client.post(URL, json=payload, headers=other_tenant.headers), 201)

    async def test_finance_user_may_manage_customers(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        ok(await client.post(URL, json=customer_payload(), headers=tenant.finance_headers), 201)

    async def test_requires_authentication(self, client: httpx.AsyncClient) -> None:
        assert (await client.post(URL, json=customer_payload())).status_code == 401


class TestRead:
    async def test_list_search_and_paging(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        for name in ("Alpha Trading", "Beta Foods", "Alpha Marine"):
            ok(
                await client.post(
                    URL, json=customer_payload(legal_name=name), headers=tenant.headers
                ),
                201,
            )
        page = ok(await client.get(URL, params={"search": "alpha"}, headers=tenant.headers))
        assert page["total"] == 2
        assert [c["legal_name"] for c in page["items"]] == ["Alpha Marine", "Alpha Trading"]
        # The fixture's customer + 3 created, two per page.
        second = ok(
            await client.get(URL, params={"page": 2, "page_size": 2}, headers=tenant.headers)
        )
        assert second["total"] == 4
        assert len(second["items"]) == 2
        assert second["page"] == 2

    async def test_search_treats_wildcards_literally(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        page = ok(await client.get(URL, params={"search": "%"}, headers=tenant.headers))
        assert page["total"] == 0

    async def test_other_company_customer_is_not_found(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        url = f"{URL}/{other_tenant.customer.id}"
        assert (await client.get(url, headers=tenant.headers)).status_code == 404
        assert (
            await client.patch(url, json={"email": "x@y.ae"}, headers=tenant.headers)
        ).status_code == 404
        assert (await client.delete(url, headers=tenant.headers)).status_code == 404
        listed = ok(await client.get(URL, headers=tenant.headers))
        assert str(other_tenant.customer.id) not in {c["id"] for c in listed["items"]}


class TestUpdateDelete:
    async def test_patch_changes_only_sent_fields_and_follows_default_peppol_id(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        created = ok(await client.post(URL, json=customer_payload(), headers=tenant.headers), 201)
        url = f"{URL}/{created['id']}"
        body = ok(
            await client.patch(
                url,
                json={"email": "new@buyer.ae", "trn": "100999888777003"},
                headers=tenant.headers,
            )
        )
        assert body["email"] == "new@buyer.ae"
        assert body["legal_name"] == created["legal_name"]
        assert body["peppol_id"] == "0235:1009998887"
        cleared = ok(await client.patch(url, json={"phone": None}, headers=tenant.headers))
        assert cleared["phone"] is None

    async def test_patch_cannot_take_a_used_trn_or_empty_name(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        first = ok(await client.post(URL, json=customer_payload(), headers=tenant.headers), 201)
        second = ok(await client.post(URL, json=customer_payload(), headers=tenant.headers), 201)
        url = f"{URL}/{second['id']}"
        assert (
            await client.patch(url, json={"trn": first["trn"]}, headers=tenant.headers)
        ).status_code == 409
        assert (
            await client.patch(url, json={"legal_name": None}, headers=tenant.headers)
        ).status_code == 422

    async def test_delete_unused_customer(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        created = ok(await client.post(URL, json=customer_payload(), headers=tenant.headers), 201)
        url = f"{URL}/{created['id']}"
        assert (await client.delete(url, headers=tenant.headers)).status_code == 204
        assert (await client.get(url, headers=tenant.headers)).status_code == 404

    async def test_delete_refused_while_invoices_reference_it(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        ok(
            await client.post(
                "/api/v1/invoices", json=invoice_payload(tenant.customer), headers=tenant.headers
            ),
            201,
        )
        response = await client.delete(f"{URL}/{tenant.customer.id}", headers=tenant.headers)
        assert response.status_code == 409
        assert "invoices" in response.json()["detail"]

    async def test_super_admin_cannot_write(
        self, client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings
    ) -> None:
        admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
        response = await client.post(
            URL, json=customer_payload(), headers=auth_headers(settings, admin)
        )
        assert response.status_code == 403
