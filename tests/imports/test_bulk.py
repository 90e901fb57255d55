"""The batched path of invoice imports (imports.bulk) and the external reference on documents.

A draft written in bulk must be the draft ``invoicing.service.create_draft`` writes for the same
input: same columns, same amounts, same VAT breakdown. On PostgreSQL both ways of loading rows are
run (executemany and COPY through a temporary table), the COPY one as the application role under
row-level security.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.core import rls, tenancy
from involinks.imports import bulk
from involinks.imports import service as import_service
from involinks.imports.models import ImportKey
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceLine, InvoiceStatusEvent
from involinks.invoicing.schemas import InvoiceCreate, InvoiceLineIn
from tests.conftest import BACKEND
from tests.imports.conftest import Tenant, body, upload
from tests.imports.helpers import csv_bytes
from tests.imports.test_api_documents import INVOICE_HEADER, PO_HEADER, add_customer, invoice_rows

# Columns that differ between any two drafts, or by how they were made.
_OWN = {"id", "invoice_id", "created_at", "updated_at", "external_reference"}


@pytest.fixture(params=["executemany", "copy"])
def load_with(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "copy":
        if BACKEND != "postgres":
            pytest.skip("COPY is the PostgreSQL path")
        monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
        installed_here = rls.install()  # as the application role, under the policies
        yield request.param
        if installed_here:
            rls.uninstall()
        return
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 10**9)
    yield request.param


def _columns(row: Any, exclude: set[str]) -> dict[str, Any]:
    return {
        column.key: getattr(row, column.key)
        for column in sa.inspect(type(row)).columns
        if column.key not in exclude
    }


async def _invoice(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    query = (
        sa.select(Invoice)
        .where(Invoice.id == invoice_id)
        .options(selectinload(Invoice.lines))
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one()


async def test_bulk_drafts_are_the_drafts_the_service_writes(
    client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession, load_with: str
) -> None:
    trn = await add_customer(client, tenant)
    rows = [*invoice_rows(trn, "EXT-1"), *invoice_rows(trn, "EXT-2")]
    result = body(await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201)
    assert result["status"] == "succeeded", result["errors"]
    assert (result["created_count"], result["committed"]) == (2, True)

    tenancy.bind_company(db_session, tenant.company.id)
    imported = (
        (await db_session.execute(sa.select(Invoice).where(Invoice.external_reference == "EXT-1")))
        .scalars()
        .one()
    )
    imported = await _invoice(db_session, imported.id)
    assert imported.company_id == tenant.company.id
    assert imported.tax_inclusive_amount == Decimal("340.00")

    # The same draft through the service, from the same input.
    create = InvoiceCreate(
        customer_id=imported.customer_id,
        issue_date=imported.issue_date,
        due_date=imported.due_date,
        lines=[
            InvoiceLineIn(
                item_name="Consulting",
                quantity=Decimal(3),
                unit_code="HUR",
                unit_price=Decimal("100.00"),
                vat_category="S",
            ),
            InvoiceLineIn(
                item_name="Books",
                quantity=Decimal(2),
                unit_price=Decimal("12.50"),
                vat_category="Z",
            ),
        ],
    )
    typed = await invoicing_service.create_draft(db_session, create, user=tenant.admin)
    typed = await _invoice(db_session, typed.id)
    assert _columns(imported, _OWN) == _columns(typed, _OWN)
    for mine, theirs in zip(imported.lines, typed.lines, strict=True):
        assert _columns(mine, _OWN) == _columns(theirs, _OWN)

    # Its timeline and the ledger entry naming the import.
    events = (
        await db_session.execute(
            sa.select(InvoiceStatusEvent).where(InvoiceStatusEvent.invoice_id == imported.id)
        )
    ).scalars()
    assert [(e.status.value, e.note, e.by_id) for e in events] == [
        ("DRAFT", bulk.TIMELINE_NOTE, tenant.admin.id)
    ]
    entry = (
        await db_session.execute(sa.select(ImportKey).where(ImportKey.key == "EXT-1"))
    ).scalar_one()
    assert (entry.record_id, str(entry.import_id)) == (imported.id, result["id"])


async def test_a_file_of_new_and_known_references(
    client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession, load_with: str
) -> None:
    trn = await add_customer(client, tenant)
    first = csv_bytes(INVOICE_HEADER, invoice_rows(trn, "A-1"))
    body(await upload(client, tenant, "invoices", first), 201)
    both = csv_bytes(INVOICE_HEADER, [*invoice_rows(trn, "A-1"), *invoice_rows(trn, "A-2")])
    result = body(await upload(client, tenant, "invoices", both), 201)
    assert (result["created_count"], result["unchanged_count"]) == (1, 1)
    assert [r["key"] for r in result["results"]] == ["A-1"]

    # A draft deleted since is imported again, and the ledger follows it.
    tenancy.bind_company(db_session, tenant.company.id)
    gone = (
        await db_session.execute(sa.select(Invoice).where(Invoice.external_reference == "A-2"))
    ).scalar_one()
    await db_session.delete(gone)
    await db_session.flush()
    again = csv_bytes(INVOICE_HEADER, [*invoice_rows(trn, "A-2"), *invoice_rows(trn, "A-3")])
    result = body(await upload(client, tenant, "invoices", again), 201)
    assert result["created_count"] == 2
    refs = (await db_session.execute(sa.select(Invoice.external_reference))).scalars().all()
    assert sorted(ref or "" for ref in refs) == ["A-1", "A-2", "A-3"]
    entry = (
        await db_session.execute(
            sa.select(ImportKey)
            .where(ImportKey.key == "A-2")
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    assert entry.record_id != gone.id
    lines = (await db_session.execute(sa.select(sa.func.count(InvoiceLine.id)))).scalar_one()
    assert lines == 6


async def test_batches_written_while_the_next_are_validated_miss_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    db_session: AsyncSession,
    load_with: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches of 2 are written while later rows are checked; a known reference (the Writer's,
    unit by unit) and an invalid invoice come between full batches."""
    monkeypatch.setattr(bulk, "BATCH_INVOICES", 2)
    trn = await add_customer(client, tenant)
    body(
        await upload(
            client, tenant, "invoices", csv_bytes(INVOICE_HEADER, invoice_rows(trn, "K-1"))
        ),
        201,
    )
    broken = invoice_rows(trn, "B-BAD")
    broken[0]["quantity"] = "three"
    rows = [
        *invoice_rows(trn, "B-1"),
        *invoice_rows(trn, "B-2"),
        *invoice_rows(trn, "B-3"),
        *invoice_rows(trn, "K-1"),  # known: goes through the Writer between batches
        *broken,
        *invoice_rows(trn, "B-4"),
        *invoice_rows(trn, "B-5"),
        *invoice_rows(trn, "B-6"),
    ]
    result = body(
        await upload(
            client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows), skip_invalid=True
        ),
        201,
    )
    assert (result["created_count"], result["unchanged_count"]) == (6, 1)
    assert {error["row"] for error in result["errors"]} == {10}
    tenancy.bind_company(db_session, tenant.company.id)
    refs = (await db_session.execute(sa.select(Invoice.external_reference))).scalars().all()
    assert sorted(ref or "" for ref in refs) == ["B-1", "B-2", "B-3", "B-4", "B-5", "B-6", "K-1"]
    lines = (await db_session.execute(sa.select(sa.func.count(InvoiceLine.id)))).scalar_one()
    assert lines == 14


async def test_a_dry_run_writes_nothing_in_bulk(
    client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession, load_with: str
) -> None:
    trn = await add_customer(client, tenant)
    data = csv_bytes(INVOICE_HEADER, invoice_rows(trn, "D-1"))
    result = body(await upload(client, tenant, "invoices", data, dry_run=True), 201)
    assert (result["status"], result["created_count"], result["committed"]) == (
        "succeeded",
        1,
        False,
    )
    tenancy.bind_company(db_session, tenant.company.id)
    assert (await db_session.execute(sa.select(Invoice.id))).first() is None


async def test_the_reference_is_on_the_documents(client: httpx.AsyncClient, tenant: Tenant) -> None:
    trn = await add_customer(client, tenant)
    data = csv_bytes(INVOICE_HEADER, invoice_rows(trn, "SHOWN-1"))
    response = await upload(client, tenant, "invoices", data)
    assert response.headers["location"].endswith(f"/api/v1/imports/{response.json()['id']}")
    page = body(await client.get("/api/v1/invoices", headers=tenant.headers), 200)
    [invoice] = page["items"]
    assert invoice["external_reference"] == "SHOWN-1"

    supplier_trn = f"1{uuid.uuid4().int % 10**12:012d}03"
    suppliers = csv_bytes(("legal_name", "trn", "email"), [["Ref LLC", supplier_trn, "a@r.ae"]])
    body(await upload(client, tenant, "suppliers", suppliers), 201)
    order = {
        "po_ref": "PO-SHOWN",
        "supplier_trn": supplier_trn,
        "order_date": "2026-01-10",
        "item_name": "Paper",
        "quantity": "1",
        "unit_price": "10",
        "vat_category": "S",
    }
    body(await upload(client, tenant, "purchase_orders", csv_bytes(PO_HEADER, [order])), 201)
    orders = body(await client.get("/api/v1/purchase-orders", headers=tenant.headers), 200)
    assert [o["external_reference"] for o in orders["items"]] == ["PO-SHOWN"]


async def test_a_file_that_fails_validation_is_a_failed_run_not_an_error(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    trn = await add_customer(client, tenant)
    rows = [*invoice_rows(trn, "OK-1"), *invoice_rows(trn, "BAD-1")]
    rows[2]["vat_category"] = "Q"
    response = await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows))
    result = body(response, 201)  # the run exists and keeps its error report
    assert (result["status"], result["committed"], result["created_count"]) == ("failed", False, 0)
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(4, "vat_category")]
    assert "nothing was imported" in result["message"]
    assert response.headers["location"].endswith(f"/api/v1/imports/{result['id']}")
    again = body(await client.get(response.headers["location"], headers=tenant.headers), 200)
    assert (again["status"], again["committed"]) == ("failed", False)
    page = body(await client.get("/api/v1/invoices", headers=tenant.headers), 200)
    assert page["total"] == 0


async def test_reference_lookups_get_custom_plans_and_leave_the_setting_as_it_was(
    db_session: AsyncSession,
) -> None:
    if BACKEND != "postgres":
        pytest.skip("a PostgreSQL setting")
    show = sa.text("SELECT current_setting('plan_cache_mode')")
    before = (await db_session.execute(show)).scalar_one()
    async with bulk._custom_plans(db_session):
        assert (await db_session.execute(show)).scalar_one() == "force_custom_plan"
    # The INSERTs' foreign-key checks keep their cached plans.
    assert (await db_session.execute(show)).scalar_one() == before


def test_a_write_pass_unfreezes_only_what_it_froze() -> None:
    if gc.get_freeze_count():
        pytest.skip("objects are frozen already in this process")
    with import_service._older_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # as a server may after start-up
    try:
        frozen = gc.get_freeze_count()
        with import_service._older_objects_frozen():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
