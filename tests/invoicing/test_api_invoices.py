"""POST/GET/PATCH/DELETE /api/v1/invoices: drafts, stored totals, input rules, tenancy.

Expected amounts are worked out by hand in the comments (5 % standard rate, fils rounded half-up).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.core import tenancy
from tests.customers.factories import IBAN, create_customer, invoice_payload, line
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"


def _errors(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {d["field"]: d["message"] for d in response.json()["error"]["details"]}


async def _create(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    return ok(await client.post(URL, json=payload, headers=tenant.headers), 201)


class TestCreate:
    async def test_brief_example(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        payload = {
            "customer_id": str(tenant.customer.id),
            "issue_date": "2026-03-10",
            "due_date": "2026-04-09",
            "currency": "AED",
            "payment_means": {"code": "30", "account_id": IBAN},
            "lines": [
                {
                    "item_name": "Laptop",
                    "description": "14 inch laptop",
                    "quantity": "2",
                    "unit_code": "H87",
                    "unit_price": "100.00",
                    "vat_category": "S",
                },
                {
                    "item_name": "Export goods",
                    "description": "Goods shipped abroad",
                    "quantity": "1",
                    "unit_code": "H87",
                    "unit_price": "50",
                    "vat_category": "Z",
                },
            ],
        }
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["status"] == "DRAFT"
        assert body["kind"] == "invoice"
        assert body["type_code"] == "380"
        assert body["number"] is None
        assert body["customer"]["id"] == str(tenant.customer.id)
        # 2 x 100.00 at 5 % + 1 x 50.00 zero rated.
        assert body["line_extension_amount"] == "250.00"
        assert body["tax_exclusive_amount"] == "250.00"
        assert body["tax_amount"] == "10.00"
        assert body["tax_inclusive_amount"] == "260.00"
        assert body["payable_amount"] == "260.00"
        assert body["tax_amount_aed"] == "10.00"  # stated in AED on every invoice
        assert [ln["line_extension_amount"] for ln in body["lines"]] == ["200.00", "50.00"]
        assert [ln["vat_rate"] for ln in body["lines"]] == ["5", "0"]
        assert [ln["vat_amount"] for ln in body["lines"]] == ["10.00", "0.00"]
        assert body["vat_breakdown"] == [
            {"category": "S", "rate": "5", "taxable_amount": "200.00", "tax_amount": "10.00"},
            {"category": "Z", "rate": "0", "taxable_amount": "50.00", "tax_amount": "0.00"},
        ]
        assert body["payment_means"] == {
            "code": "30",
            "account_id": IBAN,
            "account_name": None,
            "payment_id": None,
        }
        assert body["transaction_type"]["exports"] is False
        assert body["seller"] is None  # snapshots are taken at finalize
        assert body["buyer"] is None

    async def test_foreign_currency_states_vat_in_aed(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        body = await _create(
            client,
            tenant,
            currency="USD",
            exchange_rate="3.6725",
            lines=[line(quantity="4", unit_price="250.00")],
        )
        # 4 x 250 = 1000.00 USD, VAT 50.00 USD; x 3.6725 = 183.625 -> 183.63 AED,
        # 1050.00 x 3.6725 = 3856.125 -> 3856.13 AED.
        assert body["tax_amount"] == "50.00"
        assert body["tax_amount_aed"] == "183.63"
        assert body["tax_inclusive_amount_aed"] == "3856.13"
        assert body["exchange_rate"] == "3.6725"

    async def test_line_discount_and_document_allowance_and_charge(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        body = await _create(
            client,
            tenant,
            lines=[
                line(quantity="2", unit_price="100"),
                line(quantity="3", unit_price="40", discount_amount="10"),
            ],
            allowances_charges=[
                {
                    "base_amount": "310",
                    "percentage": "10",
                    "reason": "Loyalty",
                    "vat_category": "S",
                },
                {"is_charge": True, "amount": "15", "reason_code": "FC", "vat_category": "S"},
            ],
        )
        # Lines: 200.00 and 3 x 40 - 10 = 110.00 -> 310.00; allowance 10 % of 310 = 31.00,
        # charge 15.00 -> taxable 294.00, VAT 14.70, total 308.70.
        assert [ln["line_extension_amount"] for ln in body["lines"]] == ["200.00", "110.00"]
        assert body["lines"][1]["amount_with_vat"] == "115.50"
        assert body["allowances_charges"][0]["amount"] == "31.00"
        assert body["allowance_total_amount"] == "31.00"
        assert body["charge_total_amount"] == "15.00"
        assert body["tax_exclusive_amount"] == "294.00"
        assert body["tax_amount"] == "14.70"
        assert body["payable_amount"] == "308.70"

    async def test_exempt_line_carries_its_reason_and_no_vat(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        body = await _create(
            client,
            tenant,
            lines=[
                line(),
                line(
                    item_name="Flat lease",
                    unit_price="1000",
                    quantity="1",
                    vat_category="E",
                    exemption_reason_code="DL8.46.2",
                ),
            ],
        )
        assert body["lines"][1]["vat_rate"] is None
        assert body["lines"][1]["vat_amount"] is None
        assert body["tax_amount"] == "10.00"
        exempt = body["vat_breakdown"][1]
        assert exempt["category"] == "E"
        assert exempt["rate"] is None
        assert exempt["taxable_amount"] == "1000.00"

    async def test_standard_rate_additional_vat_takes_the_given_rate(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        body = await _create(client, tenant, lines=[line(vat_category="N", vat_rate="5")])
        assert body["lines"][0]["vat_rate"] == "5"
        assert body["tax_amount"] == "0.00"  # ibr-108-ae: N carries no VAT in the totals

    async def test_payment_means_default_from_company_settings(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.company.settings = {"payment_means": {"code": "30", "account_id": "AE11IBAN"}}
        with tenancy.system_scope(db_session):
            await db_session.flush()
        payload = invoice_payload(tenant.customer)
        del payload["payment_means"]
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["payment_means"]["account_id"] == "AE11IBAN"

    async def test_payment_means_default_is_credit_transfer(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = invoice_payload(tenant.customer)
        del payload["payment_means"]
        body = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert body["payment_means"]["code"] == "30"
        assert body["payment_means"]["account_id"] is None

    async def test_transaction_flags_are_kept(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        body = await _create(
            client,
            tenant,
            transaction_type={"free_zone": True, "exports": True},
            beneficiary_id="100111222333003",
        )
        flags = body["transaction_type"]
        assert flags["free_zone"] is True
        assert flags["exports"] is True
        assert flags["ecommerce"] is False


class TestInvalidInput:
    async def test_exempt_without_reason_names_the_line(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = invoice_payload(tenant.customer, lines=[line(), line(), line(vat_category="E")])
        response = await client.post(URL, json=payload, headers=tenant.headers)
        assert _errors(response) == {"lines.2.vat_category": "E requires an exemption reason"}
        assert "lines.2.vat_category: E requires an exemption reason" in response.json()["detail"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"lines": [line(vat_rate="10")]}, "lines.0.vat_rate"),  # S is always 5
            ({"lines": [line(vat_category="N")]}, "lines.0.vat_rate"),  # N needs a rate
            ({"lines": [line(vat_category="O", vat_rate="5")]}, "lines.0.vat_rate"),
            ({"lines": [line(vat_category="XX")]}, "lines.0.vat_category"),
            (
                {"lines": [line(vat_category="S", exemption_reason_code="DL8.46.2")]},
                "lines.0.exemption_reason_code",
            ),
            (
                {"lines": [line(vat_category="E", exemption_reason_code="DL9")]},
                "lines.0.exemption_reason_code",
            ),
            ({"lines": [line(unit_code="Q9Q")]}, "lines.0.unit_code"),
            ({"lines": [line(quantity="0")]}, "lines.0.quantity"),
            ({"lines": [line(unit_price="1.1234567")]}, "lines.0.unit_price"),
            ({"lines": [line(discount_amount="500")]}, "lines.0.discount_amount"),
            ({"lines": [line(vat_category="AE")]}, "lines.0.rcm_goods_type"),
            ({"lines": [line(item_type="G")]}, "lines.0.classification_code"),
            ({"lines": [line(colour="red")]}, "lines.0.colour"),
            ({"lines": []}, "lines"),
            ({"currency": "USD"}, "exchange_rate"),
            ({"currency": "USD", "exchange_rate": "3.1234567"}, "exchange_rate"),
            ({"currency": "ZZZ", "exchange_rate": "1"}, "currency"),
            ({"type_code": "480"}, "type_code"),  # ibr-122-ae: S on an out-of-scope invoice
            ({"type_code": "381"}, "type_code"),  # credit notes come from /credit-notes
            ({"supply_date": "2026-03-11"}, "supply_date"),  # after the issue date
            ({"supply_date": "2026-03-10"}, "supply_date"),  # ibr-141-ae: strictly before
            ({"delivery": {"country": "XX"}}, "delivery.country"),
            ({"delivery": {"emirate": "DXB", "country": "FR"}}, "delivery.emirate"),
            ({"payment_means": {"code": "99"}}, "payment_means.code"),
            ({"period_start": "2026-03-10", "period_end": "2026-03-01"}, "period_end"),
            (
                {"allowances_charges": [{"amount": "5", "vat_category": "S"}]},
                "allowances_charges.0.reason",
            ),
            (
                {"allowances_charges": [{"amount": "5", "reason": "x", "vat_category": "N"}]},
                "allowances_charges.0.vat_category",
            ),
            (
                {"allowances_charges": [{"reason": "x", "vat_category": "S"}]},
                "allowances_charges.0.amount",
            ),
            (
                {
                    "allowances_charges": [
                        {
                            "amount": "5",
                            "base_amount": "200",
                            "percentage": "10",
                            "reason": "x",
                            "vat_category": "S",
                        }
                    ]
                },
                "allowances_charges.0.amount",
            ),
            (
                {
                    "allowances_charges": [
                        {"amount": "5", "reason_code": "ZZZ", "vat_category": "S"}
                    ]
                },
                "allowances_charges.0.reason_code",
            ),
            ({"transaction_type": {"margin_scheme": True}}, "transaction_type"),  # ibr-116-ae
        ],
    )
    async def test_rule_violations_name_the_field(
        self, client: httpx.AsyncClient, tenant: Tenant, overrides: dict[str, Any], field: str
    ) -> None:
        payload = invoice_payload(tenant.customer, **overrides)
        response = await client.post(URL, json=payload, headers=tenant.headers)
        assert field in _errors(response)

    async def test_customer_of_another_company_is_not_found(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        payload = invoice_payload(other_tenant.customer)
        response = await client.post(URL, json=payload, headers=tenant.headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Customer not found."


class TestReadUpdateDelete:
    async def test_get_includes_history(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        created = await _create(client, tenant)
        body = ok(await client.get(f"{URL}/{created['id']}", headers=tenant.headers))
        assert body["id"] == created["id"]
        assert [e["status"] for e in body["status_history"]] == ["DRAFT"]
        assert body["status_history"][0]["by_id"] == str(tenant.admin.id)

    async def test_other_company_invoice_is_not_found(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        created = await _create(client, other_tenant)
        url = f"{URL}/{created['id']}"
        assert (await client.get(url, headers=tenant.headers)).status_code == 404
        assert (
            await client.patch(url, json={"notes": []}, headers=tenant.headers)
        ).status_code == 404
        assert (await client.delete(url, headers=tenant.headers)).status_code == 404
        assert (await client.post(f"{url}/finalize", headers=tenant.headers)).status_code == 404

    async def test_patch_replaces_lines_and_recomputes(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        created = await _create(client, tenant)
        body = ok(
            await client.patch(
                f"{URL}/{created['id']}",
                json={"lines": [line(quantity="1", unit_price="19.99")], "notes": ["Thank you"]},
                headers=tenant.headers,
            )
        )
        # 19.99 x 5 % = 0.9995 -> 1.00; total 20.99.
        assert len(body["lines"]) == 1
        assert body["tax_amount"] == "1.00"
        assert body["payable_amount"] == "20.99"
        assert body["notes"] == ["Thank you"]
        assert body["due_date"] == created["due_date"]  # not sent, unchanged

    async def test_patch_to_another_customer_and_currency(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        created = await _create(client, tenant)
        other = await create_customer(db_session, tenant.company)
        url = f"{URL}/{created['id']}"
        body = ok(
            await client.patch(
                url,
                json={"customer_id": str(other.id), "currency": "EUR", "exchange_rate": "4.2"},
                headers=tenant.headers,
            )
        )
        assert body["customer_id"] == str(other.id)
        # VAT 10.00 EUR x 4.2 = 42.00 AED.
        assert body["tax_amount_aed"] == "42.00"
        missing_rate = await client.patch(
            url, json={"currency": "GBP", "exchange_rate": None}, headers=tenant.headers
        )
        assert "exchange_rate" in _errors(missing_rate)
        back_to_aed = ok(await client.patch(url, json={"currency": "AED"}, headers=tenant.headers))
        assert back_to_aed["exchange_rate"] is None
        assert back_to_aed["tax_amount_aed"] == "10.00"
        empty = await client.patch(url, json={"issue_date": None}, headers=tenant.headers)
        assert "issue_date" in _errors(empty)

    async def test_finalized_invoice_cannot_be_edited_or_deleted(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        created = await _create(client, tenant)
        url = f"{URL}/{created['id']}"
        ok(await client.post(f"{url}/finalize", headers=tenant.headers))
        patched = await client.patch(url, json={"notes": ["late edit"]}, headers=tenant.headers)
        assert patched.status_code == 409
        assert "FINALIZED" in patched.json()["detail"]
        deleted = await client.delete(url, headers=tenant.headers)
        assert deleted.status_code == 409
        assert "FINALIZED" in deleted.json()["detail"]

    async def test_delete_draft(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        created = await _create(client, tenant)
        url = f"{URL}/{created['id']}"
        assert (await client.delete(url, headers=tenant.headers)).status_code == 204
        assert (await client.get(url, headers=tenant.headers)).status_code == 404

    async def test_finance_user_creates_but_cannot_delete(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        payload = invoice_payload(tenant.customer)
        created = ok(await client.post(URL, json=payload, headers=tenant.finance_headers), 201)
        url = f"{URL}/{created['id']}"
        assert (await client.delete(url, headers=tenant.finance_headers)).status_code == 403
