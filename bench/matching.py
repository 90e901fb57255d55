"""3-way matching throughput: inward invoices matched against open purchase orders.

    .venv/bin/python bench/matching.py [--count N] [--sqlite]

``--count`` invoices (default 10,000) against as many open purchase orders of 5 lines each, every
order fully received by one goods receipt. Each invoice names its supplier (one per order) and
the order number; a quarter is billed exactly, a quarter with a higher unit price on one line, a
quarter with more than received on one line, a quarter without an order reference.

Runs on PostgreSQL when reachable at TEST_POSTGRES_URL (default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; a scratch database is created, migrated and
dropped), else on SQLite (said so). The data is bulk-inserted with SQLAlchemy Core; then every
invoice is matched through the real path (``inward_invoices.service.get_invoice`` +
``matching.service.match_invoice``: candidate orders, receipts, earlier consumption, the engine,
the stored match, consumption rows, history), committed every 500 invoices. Printed beside it, in
the same run: a plain SQL join over the same rows (invoice lines -> order lines -> receipt
lines, with the price and quantity differences computed in SQL and all rows fetched), the floor
any matcher that reads these rows pays.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from involinks.companies.models import Company, CompanyStatus
from involinks.core import tenancy
from involinks.core.db import create_engine, create_sessionmaker
from involinks.core.migrate import upgrade
from involinks.payables.goods_receipts.models import GoodsReceipt, GoodsReceiptLine
from involinks.payables.inward_invoices import service as invoices_service
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceLine,
    InwardInvoiceSource,
    InwardInvoiceStatus,
)
from involinks.payables.matching import service as matching_service
from involinks.payables.matching.engine import MatchStatus
from involinks.payables.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from involinks.payables.suppliers.models import Supplier

LINES = 5
CHUNK = 2_000
COMMIT_EVERY = 500
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = date(2026, 3, 1)
CENT = Decimal("0.01")


def _ids(count: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(count)]


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


async def _insert(engine: AsyncEngine, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    for batch in _chunks(rows):
        async with engine.begin() as connection:
            await connection.execute(sa.insert(table), batch)


def _price(line_no: int) -> Decimal:
    return Decimal(10 * line_no) + Decimal("0.50")


def _quantity(line_no: int) -> Decimal:
    return Decimal(line_no + 1)


async def populate(engine: AsyncEngine, count: int) -> uuid.UUID:
    company = uuid.uuid4()
    suppliers, orders, receipts, invoices = _ids(count), _ids(count), _ids(count), _ids(count)
    order_lines = [_ids(LINES) for _ in range(count)]
    trn = [f"100{n:010d}03" for n in range(count)]
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(Company),
            [
                {
                    "id": company,
                    "legal_name": "Bench Buyer LLC",
                    "trn": "100999999999903",
                    "email": "ap@bench.ae",
                    "phone": "+97142345678",
                    "address_line1": "Bench Tower",
                    "city": "Dubai",
                    "emirate": "DXB",
                    "country": "AE",
                    "legal_registration_type": "TL",
                    "legal_registration_id": "TL-1",
                    "status": CompanyStatus.ACTIVE,
                    "plan_code": "FREE",
                    "mfa_required": False,
                    "settings": {},
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
    started = time.perf_counter()
    await _insert(
        engine,
        Supplier.__table__,
        (
            {
                "id": suppliers[n],
                "company_id": company,
                "name": f"Supplier {n} LLC",
                "trn": trn[n],
                "contacts": [],
                "country": "AE",
                "currency": "AED",
                "is_active": True,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(count)
        ),
    )
    net = sum((_quantity(i) * _price(i) for i in range(1, LINES + 1)), Decimal(0))
    await _insert(
        engine,
        PurchaseOrder.__table__,
        (
            {
                "id": orders[n],
                "company_id": company,
                "number": f"PO-2026-{n:06d}",
                "supplier_id": suppliers[n],
                "status": PurchaseOrderStatus.RECEIVED,
                "order_date": DAY,
                "currency": "AED",
                "net_amount": net,
                "tax_amount": (net / 20).quantize(CENT),
                "total_amount": net + (net / 20).quantize(CENT),
                "sent_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(count)
        ),
    )
    await _insert(
        engine,
        PurchaseOrderLine.__table__,
        (
            {
                "id": order_lines[n][i - 1],
                "company_id": company,
                "purchase_order_id": orders[n],
                "line_no": i,
                "item_code": f"SKU-{i}",
                "item_name": f"Item {i}",
                "unit_code": "H87",
                "quantity": _quantity(i),
                "unit_price": _price(i),
                "vat_category": "S",
                "vat_rate": Decimal(5),
                "net_amount": _quantity(i) * _price(i),
                "received_quantity": _quantity(i),
                "rejected_quantity": Decimal(0),
            }
            for n in range(count)
            for i in range(1, LINES + 1)
        ),
    )
    await _insert(
        engine,
        GoodsReceipt.__table__,
        (
            {
                "id": receipts[n],
                "company_id": company,
                "number": f"GRN-2026-{n:06d}",
                "purchase_order_id": orders[n],
                "received_date": DAY,
                "over_receipt": False,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(count)
        ),
    )
    await _insert(
        engine,
        GoodsReceiptLine.__table__,
        (
            {
                "id": uuid.uuid4(),
                "company_id": company,
                "goods_receipt_id": receipts[n],
                "purchase_order_line_id": order_lines[n][i - 1],
                "quantity_received": _quantity(i),
                "quantity_rejected": Decimal(0),
            }
            for n in range(count)
            for i in range(1, LINES + 1)
        ),
    )

    def billed(n: int, i: int) -> tuple[Decimal, Decimal]:
        quantity, price = _quantity(i), _price(i)
        if i == 1 and n % 4 == 1:
            price += 1  # price variance
        if i == 2 and n % 4 == 2:
            quantity += 2  # more than received
        return quantity, price

    def invoice(n: int) -> dict[str, Any]:
        amount = sum(
            ((q * p).quantize(CENT) for q, p in (billed(n, i) for i in range(1, LINES + 1))),
            Decimal(0),
        )
        tax = (amount / 20).quantize(CENT)
        return {
            "id": invoices[n],
            "company_id": company,
            "source": InwardInvoiceSource.MANUAL,
            "document_kind": "Invoice",
            "invoice_number": f"S-{n}",
            "invoice_number_key": f"s-{n}",
            "issue_date": DAY,
            "currency": "AED",
            "supplier_id": suppliers[n],
            "supplier_name": f"Supplier {n} LLC",
            "supplier_trn": trn[n],
            "order_reference": None if n % 4 == 3 else f"PO-2026-{n:06d}",
            "net_amount": amount,
            "tax_amount": tax,
            "total_amount": amount + tax,
            "payable_amount": amount + tax,
            "status": InwardInvoiceStatus.RECEIVED,
            "matching_status": MatchStatus.NOT_MATCHED,
            "document_hash": f"{n:064x}",
            "received_at": NOW,
            "created_at": NOW,
            "updated_at": NOW,
        }

    await _insert(engine, InwardInvoice.__table__, (invoice(n) for n in range(count)))

    def invoice_line(n: int, i: int) -> dict[str, Any]:
        quantity, price = billed(n, i)
        return {
            "id": uuid.uuid4(),
            "company_id": company,
            "inward_invoice_id": invoices[n],
            "position": i,
            "line_id": str(i),
            "item_name": f"Item {i}",
            "item_code": f"SKU-{i}",
            "quantity": quantity,
            "unit_code": "H87",
            "unit_price": price,
            "net_amount": (quantity * price).quantize(CENT),
            "vat_category": "S",
            "vat_rate": Decimal(5),
        }

    await _insert(
        engine,
        InwardInvoiceLine.__table__,
        (invoice_line(n, i) for n in range(count) for i in range(1, LINES + 1)),
    )
    async with engine.begin() as connection:
        # Fresh statistics, as autovacuum would give a live database; without them PostgreSQL
        # plans the candidate-order join for empty tables (seconds per invoice).
        await connection.execute(sa.text("ANALYZE"))
    seconds = time.perf_counter() - started
    print(f"  populated {count:,} orders / receipts / invoices x {LINES} lines in {seconds:.1f} s")
    return company


JOIN = sa.text(
    """
    SELECT ii.id, il.line_id, pl.id AS order_line, il.quantity, gl.quantity_received,
           il.quantity - gl.quantity_received AS quantity_difference,
           il.unit_price - pl.unit_price AS price_difference,
           il.net_amount - pl.unit_price * gl.quantity_received AS amount_difference
    FROM inward_invoices ii
    JOIN inward_invoice_lines il ON il.inward_invoice_id = ii.id
    JOIN suppliers s ON s.trn = ii.supplier_trn AND s.company_id = ii.company_id
    JOIN purchase_orders po ON po.supplier_id = s.id
    JOIN purchase_order_lines pl
        ON pl.purchase_order_id = po.id AND pl.item_code = il.item_code
    JOIN goods_receipt_lines gl ON gl.purchase_order_line_id = pl.id
    WHERE ii.company_id = :company
    """
).bindparams(sa.bindparam("company", type_=sa.Uuid()))


async def run(url: str, count: int) -> None:
    engine = create_engine(url)
    try:
        company = await populate(engine, count)
        sessions = create_sessionmaker(engine)

        started = time.perf_counter()
        async with engine.connect() as connection:
            rows = (await connection.execute(JOIN, {"company": company})).all()
        join_seconds = time.perf_counter() - started

        async with sessions() as session:
            tenancy.bind_company(session, company)
            ids = list(
                (
                    await session.execute(
                        sa.select(InwardInvoice.id).order_by(InwardInvoice.invoice_number_key)
                    )
                ).scalars()
            )
        statuses: Counter[str] = Counter()
        started = time.perf_counter()
        for start in range(0, len(ids), COMMIT_EVERY):
            async with sessions() as session:
                tenancy.bind_company(session, company)
                for invoice_id in ids[start : start + COMMIT_EVERY]:
                    invoice = await invoices_service.get_invoice(
                        session, invoice_id, for_update=True
                    )
                    match = await matching_service.match_invoice(
                        session, invoice, actor=None, trigger="manual"
                    )
                    statuses[match.status.value] += 1
                await session.commit()
        match_seconds = time.perf_counter() - started
    finally:
        await engine.dispose()

    print(f"  statuses: {dict(sorted(statuses.items()))}")
    print(
        f"  matching (real path):  {len(ids):>7,} invoices in {match_seconds:8.2f} s"
        f"  = {len(ids) / match_seconds:10,.0f} invoices/s"
    )
    print(
        f"  plain SQL join:        {len(rows):>7,} line rows in {join_seconds:8.2f} s"
        f"  = {count / join_seconds:10,.0f} invoices/s"
    )
    print(f"  ratio matching / join: {match_seconds / join_seconds:,.0f}x")


def _pg_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url).set(drivername="postgresql")
    connection = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _sqlite(count: int, why: str) -> None:
    print(f"--- SQLite ({why}; the figures are SQLite's, not PostgreSQL's)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(url)  # Alembic runs its own event loop
        asyncio.run(run(url, count))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000, help="invoices and orders")
    parser.add_argument("--sqlite", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    count: int = args.count
    print(f"matching benchmark: {count:,} invoices against {count:,} open POs x {LINES} lines")
    server = os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    if args.sqlite:
        _sqlite(count, "--sqlite")
        return
    if not _pg_reachable(server):
        _sqlite(count, "PostgreSQL not reachable")
        return
    name = f"involinks_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        print("--- PostgreSQL")
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        asyncio.run(run(url, count))
    finally:
        asyncio.run(_pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
