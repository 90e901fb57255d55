"""Importing invoices and purchase orders through the invoicing and purchase order services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from involinks.core import tenancy
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.payables.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from involinks.payables.suppliers.models import Supplier
from tests.imports.conftest import Tenant, body, upload
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row, uae_trn, xlsx_bytes

INVOICE_HEADER = (
    "invoice_ref",
    "customer_trn",
    "issue_date",
    "due_date",
    "currency",
    "exchange_rate",
    "item_name",
    "quantity",
    "unit_code",
    "unit_price",
    "vat_category",
    "exemption_reason_code",
    "line_total",
    "invoice_total",
)
PO_HEADER = (
    "po_ref",
    "supplier_trn",
    "order_date",
    "item_name",
    "quantity",
    "unit_price",
    "vat_category",
    "po_total",
)


async def add_customer(client: httpx.AsyncClient, tenant: Tenant) -> str:
    trn = uae_trn()
    data = csv_bytes(CUSTOMER_HEADER, [customer_row(1, trn=trn)])
    assert body(await upload(client, tenant, "customers", data), 201)["status"] == "succeeded"
    return trn


async def invoices(session: AsyncSession, tenant: Tenant) -> list[Invoice]:
    tenancy.bind_company(session, tenant.company.id)
    query = sa.select(Invoice).options(selectinload(Invoice.lines)).order_by(Invoice.issue_date)
    rows = (await session.execute(query.execution_options(populate_existing=True))).scalars()
    return list(rows)


def invoice_rows(trn: str, ref: str = "INV-100") -> list[dict[str, str]]:
    # 3 x 100.00 (S, 5 %) + 2 x 12.50 (Z): net 325.00, VAT 15.00, total 340.00.
    return [
        {
            "invoice_ref": ref,
            "customer_trn": trn,
            "issue_date": "2026-01-15",
            "due_date": "14/02/2026",
            "currency": "AED",
            "item_name": "Consulting",
            "quantity": "3",
            "unit_code": "HUR",
            "unit_price": "100.00",
            "vat_category": "S",
            "line_total": "300.00",
            "invoice_total": "340.00",
        },
        {
            "invoice_ref": ref,
            "item_name": "Books",
            "quantity": "2",
            "unit_price": "12.50",
            "vat_category": "Z",
            "line_total": "25.00",
        },
    ]


class TestInvoices:
    async def test_rows_become_draft_invoices_with_the_computed_totals(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await add_customer(client, tenant)
        rows = [
            *invoice_rows(trn),
            {
                "invoice_ref": "INV-101",
                "customer_trn": trn,
                "issue_date": "16/01/2026",
                "currency": "USD",
                "exchange_rate": "3.6725",
                "item_name": "Export",
                "quantity": "1",
                "unit_price": "1000",
                "vat_category": "Z",
            },
        ]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201
        )
        assert result["status"] == "succeeded", result["errors"]
        assert (result["rows_total"], result["created_count"]) == (3, 2)
        first, second = await invoices(db_session, tenant)
        assert first.status is InvoiceStatus.DRAFT
        assert [(line.item_name, line.quantity) for line in first.lines] == [
            ("Consulting", Decimal("3.000000")),
            ("Books", Decimal("2.000000")),
        ]
        assert (first.tax_exclusive_amount, first.tax_amount, first.payable_amount) == (
            Decimal("325.00"),
            Decimal("15.00"),
            Decimal("340.00"),
        )
        assert (second.currency, second.exchange_rate) == ("USD", Decimal("3.672500"))

    async def test_xlsx_with_date_and_number_cells(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await add_customer(client, tenant)
        header = (
            "invoice_ref",
            "customer_trn",
            "issue_date",
            "currency",
            "item_name",
            "quantity",
            "unit_price",
            "vat_category",
            "invoice_total",
        )
        # 3 x 100.5 = 301.50, VAT 15.08 (15.075 rounded once), total 316.58.
        rows = [["X-1", int(trn), date(2026, 3, 1), "AED", "Widget", 3, 100.5, "S", 316.58]]
        result = body(await upload(client, tenant, "invoices", xlsx_bytes(header, rows)), 201)
        assert result["status"] == "succeeded", result["errors"]
        [invoice] = await invoices(db_session, tenant)
        assert (invoice.issue_date, invoice.payable_amount) == (date(2026, 3, 1), Decimal("316.58"))

    async def test_errors_of_a_bad_invoice_file(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await add_customer(client, tenant)
        rows = invoice_rows(trn)
        rows[0]["invoice_total"] = "345.00"
        rows[1]["quantity"] = "-2"
        rows.append(
            {
                "invoice_ref": "INV-2",
                "customer_trn": uae_trn(),
                "issue_date": "2026-01-15",
                "currency": "AED",
                "item_name": "X",
                "quantity": "1",
                "unit_price": "1",
                "vat_category": "S",
            }
        )
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201
        )
        assert result["status"] == "failed"
        # The negative quantity stops the totals check of INV-100 (it cannot be computed).
        assert {(e["row"], e["column"]) for e in result["errors"]} == {
            (3, "quantity"),
            (4, "customer_trn"),
        }
        assert await invoices(db_session, tenant) == []

    async def test_skip_invalid_skips_the_whole_invoice_of_a_bad_line(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await add_customer(client, tenant)
        rows = invoice_rows(trn, "INV-A") + invoice_rows(trn, "INV-B")
        rows[3]["vat_category"] = "Q"  # second line of INV-B
        result = body(
            await upload(
                client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows), skip_invalid=True
            ),
            201,
        )
        assert result["status"] == "partial"
        assert (result["created_count"], result["invalid_count"]) == (1, 1)
        assert [(e["row"], e["column"]) for e in result["errors"]] == [(5, "vat_category")]
        [imported] = await invoices(db_session, tenant)
        assert len(imported.lines) == 2

    async def test_reimport_by_invoice_ref_never_duplicates(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await add_customer(client, tenant)
        rows = invoice_rows(trn)
        body(await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201)

        # The same rows in another file (written differently): left alone.
        same = [dict(rows[0], unit_price="100", issue_date="15/01/2026"), rows[1]]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, same)), 201
        )
        assert (result["created_count"], result["unchanged_count"]) == (0, 1)
        assert result["results"][0]["key"] == "INV-100"

        # Changed rows: the draft is updated.
        changed = [dict(rows[0], quantity="4", line_total="", invoice_total=""), rows[1]]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, changed)), 201
        )
        assert (result["created_count"], result["updated_count"]) == (0, 1)
        [invoice] = await invoices(db_session, tenant)
        assert invoice.lines[0].quantity == Decimal(4)
        assert invoice.payable_amount == Decimal("445.00")  # 400 + 25 net, VAT 20

        # Once issued it is never changed by an import.
        invoice.status = InvoiceStatus.FINALIZED
        invoice.number = "INV-2026-000001"
        await db_session.flush()
        again = [dict(rows[0], quantity="5", line_total="", invoice_total=""), rows[1]]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, again)), 201
        )
        assert (result["skipped_count"], result["updated_count"]) == (1, 0)
        assert "FINALIZED" in result["results"][0]["message"]
        [invoice] = await invoices(db_session, tenant)
        assert invoice.lines[0].quantity == Decimal(4)

    async def test_discount_larger_than_the_line(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        trn = await add_customer(client, tenant)
        header = (*INVOICE_HEADER, "discount_amount")
        rows = [
            dict(invoice_rows(trn)[0], discount_amount="500.00", line_total="", invoice_total="")
        ]
        result = body(await upload(client, tenant, "invoices", csv_bytes(header, rows)), 201)
        assert result["status"] == "failed"
        assert [(e["row"], e["column"]) for e in result["errors"]] == [(2, "discount_amount")]


class TestPurchaseOrders:
    async def test_suppliers_then_orders(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = uae_trn()
        suppliers = csv_bytes(
            ("legal_name", "trn", "email"), [["Desert Paper LLC", trn, "orders@dp.ae"]]
        )
        body(await upload(client, tenant, "suppliers", suppliers), 201)
        # 50 x 18.50 + 2 x 50.00 = 1025.00 net, VAT 51.25, total 1076.25.
        rows = [
            {
                "po_ref": "PO-EXT-1",
                "supplier_trn": trn,
                "order_date": "2026-01-10",
                "item_name": "Paper",
                "quantity": "50",
                "unit_price": "18.50",
                "vat_category": "S",
                "po_total": "1076.25",
            },
            {
                "po_ref": "PO-EXT-1",
                "item_name": "Toner",
                "quantity": "2",
                "unit_price": "50.00",
                "vat_category": "S",
            },
        ]
        data = csv_bytes(PO_HEADER, rows)
        result = body(await upload(client, tenant, "purchase_orders", data), 201)
        assert result["status"] == "succeeded", result["errors"]
        tenancy.bind_company(db_session, tenant.company.id)
        query = sa.select(PurchaseOrder).options(selectinload(PurchaseOrder.lines))
        [order] = (await db_session.execute(query)).scalars().all()
        assert order.status is PurchaseOrderStatus.DRAFT
        assert order.total_amount == Decimal("1076.25")
        assert len(order.lines) == 2

        changed = csv_bytes(PO_HEADER, [dict(rows[0], quantity="60", po_total=""), rows[1]])
        again = body(await upload(client, tenant, "purchase_orders", changed), 201)
        assert (again["created_count"], again["updated_count"]) == (0, 1)
        orders = (
            (await db_session.execute(query.execution_options(populate_existing=True)))
            .scalars()
            .all()
        )
        assert len(orders) == 1
        assert orders[0].lines[0].quantity == Decimal(60)

    async def test_a_refusal_of_the_service_becomes_a_row_error(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        # Only the purchase order service knows that an inactive supplier cannot be ordered from.
        trn = uae_trn()
        suppliers = csv_bytes(("legal_name", "trn", "email"), [["Sleeping LLC", trn, "a@s.ae"]])
        body(await upload(client, tenant, "suppliers", suppliers), 201)
        tenancy.bind_company(db_session, tenant.company.id)
        supplier = (await db_session.execute(sa.select(Supplier))).scalar_one()
        supplier.is_active = False
        await db_session.flush()
        rows = [
            {
                "po_ref": "PO-1",
                "supplier_trn": trn,
                "order_date": "2026-01-10",
                "item_name": "Paper",
                "quantity": "1",
                "unit_price": "1",
                "vat_category": "S",
            },
        ]
        for dry_run in (True, False):
            result = body(
                await upload(
                    client, tenant, "purchase_orders", csv_bytes(PO_HEADER, rows), dry_run=dry_run
                ),
                201,
            )
            assert result["status"] == "failed"
            [error] = result["errors"]
            assert (error["row"], error["column"]) == (2, "supplier_trn")
            assert "inactive" in error["message"]
        assert (await db_session.execute(sa.select(PurchaseOrder))).first() is None
