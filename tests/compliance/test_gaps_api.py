"""GET /invoices/chain/verify (routed before the /invoices/{id}/... routes) and
POST /invoices/{id}/credit-notes with ``{reason_code, reason, lines?}``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.compliance.models import IssuedDocument
from involinks.core import tenancy
from involinks.invoicing.models import Invoice
from involinks.jobs import queue as job_queue
from tests.customers.factories import invoice_payload, line
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"
CHAIN_URL = "/api/v1/invoices/chain/verify"


@pytest.fixture(autouse=True)
def _no_jobs() -> Iterator[None]:
    job_queue.set_dispatcher(lambda _name, _kwargs: None)
    yield
    job_queue.set_dispatcher(None)


async def _issued(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
    return ok(await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers))


class TestChainVerifyEndpoint:
    async def test_empty_company_is_intact(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        body = ok(await client.get(CHAIN_URL, headers=tenant.headers))
        assert body == {"intact": True, "checked": 0, "first_broken": None}

    async def test_counts_documents_and_names_the_altered_one(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        first, _second = await _issued(client, tenant), await _issued(client, tenant)
        body = ok(await client.get(CHAIN_URL, headers=tenant.headers))
        assert body == {"intact": True, "checked": 2, "first_broken": None}

        with tenancy.system_scope(db_session):
            await db_session.execute(
                sa.update(Invoice)
                .where(Invoice.id == uuid.UUID(first["id"]))
                .values(payable_amount=Invoice.payable_amount + 1)
            )
            position = await db_session.scalar(
                sa.select(IssuedDocument.position).where(
                    IssuedDocument.invoice_id == uuid.UUID(first["id"])
                )
            )
        body = ok(await client.get(CHAIN_URL, headers=tenant.headers))
        assert body["intact"] is False
        assert body["checked"] == 2
        broken = body["first_broken"]
        assert broken["index"] == position
        assert broken["number"] == broken["label"] == first["number"]
        assert broken["reason"] == "hash_mismatch"
        assert first["number"] in broken["message"]
        # The older endpoint still answers, with the same verdict.
        legacy = ok(await client.get("/api/v1/compliance/chain/verify", headers=tenant.headers))
        assert (legacy["intact"], legacy["first_break"]["number"]) == (False, first["number"])

    async def test_other_companies_break_is_not_seen(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        other_tenant: Tenant,
        db_session: AsyncSession,
    ) -> None:
        theirs = await _issued(client, other_tenant)
        await _issued(client, tenant)
        with tenancy.system_scope(db_session):
            await db_session.execute(
                sa.update(Invoice)
                .where(Invoice.id == uuid.UUID(theirs["id"]))
                .values(payable_amount=Invoice.payable_amount + 1)
            )
        mine = ok(await client.get(CHAIN_URL, headers=tenant.headers))
        assert (mine["intact"], mine["checked"]) == (True, 1)
        assert ok(await client.get(CHAIN_URL, headers=other_tenant.headers))["intact"] is False

    async def test_needs_authentication(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(CHAIN_URL)).status_code == 401


class TestCreditNoteBody:
    async def test_without_lines_credits_the_whole_invoice(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        invoice = await _issued(
            client,
            tenant,
            lines=[line(), line(item_name="Audit", quantity="3", unit_price="40.50")],
        )
        note = ok(
            await client.post(
                f"{URL}/{invoice['id']}/credit-notes",
                json={"reason_code": "DL8.61.1.A", "reason": "Supply cancelled"},
                headers=tenant.headers,
            ),
            201,
        )
        assert (note["kind"], note["status"]) == ("credit_note", "DRAFT")
        assert (note["credit_reason_code"], note["credit_reason"]) == (
            "DL8.61.1.A",
            "Supply cancelled",
        )
        assert note["credited_invoice_id"] == invoice["id"]
        # 2 x 100 + 3 x 40.50 = 321.50 net, + 5 % VAT = 337.58 (by hand)
        assert Decimal(invoice["payable_amount"]) == Decimal("337.58")
        assert Decimal(note["payable_amount"]) == Decimal("337.58")
        assert [(item["item_name"], Decimal(item["quantity"])) for item in note["lines"]] == [
            ("Consulting", Decimal(2)),
            ("Audit", Decimal(3)),
        ]

    async def test_given_lines_credit_only_those(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        invoice = await _issued(client, tenant)
        note = ok(
            await client.post(
                f"{URL}/{invoice['id']}/credit-notes",
                json={
                    "reason_code": "DL8.61.1.D",
                    "reason": "Price reduced",
                    "lines": [line(quantity="1", unit_price="20.00")],
                },
                headers=tenant.headers,
            ),
            201,
        )
        assert Decimal(note["payable_amount"]) == Decimal("21.00")  # 20 + 5 %
        finalized = ok(await client.post(f"{URL}/{note['id']}/finalize", headers=tenant.headers))
        assert finalized["status"] == "FINALIZED"

    async def test_reason_code_is_required_and_unknown_codes_refused(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        invoice = await _issued(client, tenant)
        missing = await client.post(
            f"{URL}/{invoice['id']}/credit-notes", json={"reason": "x"}, headers=tenant.headers
        )
        assert missing.status_code == 422
        unknown = await client.post(
            f"{URL}/{invoice['id']}/credit-notes",
            json={"reason_code": "NOPE", "reason": "x"},
            headers=tenant.headers,
        )
        assert unknown.status_code == 422
