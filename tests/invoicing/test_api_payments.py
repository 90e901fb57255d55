"""Recording payments received on an issued invoice: outstanding, PAID, refusals, history."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.core import tenancy
from tests.customers.factories import invoice_payload
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"


async def _issued(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    draft = ok(
        await client.post(URL, json=invoice_payload(tenant.customer), headers=tenant.headers), 201
    )
    return ok(await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers))


async def _pay(
    client: httpx.AsyncClient, tenant: Tenant, invoice_id: str, amount: str, **extra: Any
) -> httpx.Response:
    payload = {"amount": amount, "paid_on": "2026-04-01"} | extra
    return await client.post(f"{URL}/{invoice_id}/payments", json=payload, headers=tenant.headers)


async def test_part_then_full_payment_marks_it_paid(
    client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
) -> None:
    invoice = await _issued(client, tenant)
    total = invoice["payable_amount"]  # 2 x 100.00 + 5 % VAT
    assert total == "210.00"

    first = ok(await _pay(client, tenant, invoice["id"], "60.50", reference="TT-1"), 201)
    assert (first["status"], first["paid_amount"], first["outstanding_amount"]) == (
        "FINALIZED",
        "60.50",
        "149.50",
    )
    # More than what is still owed is refused and nothing is written.
    refused = await _pay(client, tenant, invoice["id"], "149.51")
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "payment_exceeds_outstanding"
    assert "149.50" in refused.json()["error"]["message"]

    settled = ok(await _pay(client, tenant, invoice["id"], "149.50", reference="TT-2"), 201)
    assert (settled["status"], settled["outstanding_amount"]) == ("PAID", "0.00")
    assert [p["reference"] for p in settled["payments"]] == ["TT-1", "TT-2"]
    detail = ok(await client.get(f"{URL}/{invoice['id']}", headers=tenant.headers))
    assert detail["status"] == "PAID"
    assert detail["status_history"][-1]["status"] == "PAID"

    # A paid invoice takes no more payments.
    again = await _pay(client, tenant, invoice["id"], "1.00")
    assert again.status_code == 409, again.text

    timeline = ok_list(await client.get(f"{URL}/{invoice['id']}/timeline", headers=tenant.headers))
    assert [(e["kind"], e["amount"]) for e in timeline if e["kind"] == "payment"] == [
        ("payment", "60.50"),
        ("payment", "149.50"),
    ]
    with tenancy.system_scope(db_session):
        actions = (
            (
                await db_session.execute(
                    select(AuditEvent.action).where(AuditEvent.subject_id == invoice["id"])
                )
            )
            .scalars()
            .all()
        )
    assert list(actions).count("invoice.payment_recorded") == 2
    assert "invoice.paid" in actions


def ok_list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_refusals(client: httpx.AsyncClient, tenant: Tenant) -> None:
    draft = ok(
        await client.post(URL, json=invoice_payload(tenant.customer), headers=tenant.headers), 201
    )
    assert (await _pay(client, tenant, draft["id"], "10.00")).status_code == 409  # a draft
    invoice = await _issued(client, tenant)
    for amount in ("0", "-5.00", "1.001", "abc"):
        response = await _pay(client, tenant, invoice["id"], amount)
        assert response.status_code == 422, (amount, response.text)
    missing_date = await client.post(
        f"{URL}/{invoice['id']}/payments", json={"amount": "1.00"}, headers=tenant.headers
    )
    assert missing_date.status_code == 422
    # A finance user (no invoice:approve) cannot record payments.
    response = await client.post(
        f"{URL}/{invoice['id']}/payments",
        json={"amount": "1.00", "paid_on": "2026-04-01"},
        headers=tenant.finance_headers,
    )
    assert response.status_code == 403, response.text
    summary = ok(await client.get(f"{URL}/{invoice['id']}/payments", headers=tenant.headers))
    assert (summary["outstanding_amount"], summary["payments"]) == ("210.00", [])
