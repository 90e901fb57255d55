"""Writing validated units through the owning domains' services, idempotently.

Rows are created and changed ONLY through the customers, suppliers, invoicing and purchase order
services, so every business rule, audit event and number they apply applies to imports too. Each
record is matched by its natural key first:

* customers and suppliers by TRN (without a TRN: customers by legal name + e-mail, suppliers by
  legal name); a match is updated with the non-empty cells of the row, or left alone when nothing
  differs;
* invoices by ``invoice_ref`` and purchase orders by ``po_ref``, kept on the document as its
  ``external_reference`` (unique per company). The ``import_keys`` ledger holds a fingerprint of the
  values last imported for a reference: the same values again leave the record alone; different
  ones update it while it is a DRAFT; an issued invoice or a sent order is never changed (skipped,
  with the reason).

New invoices of a file take a faster path (``imports.bulk``); this Writer handles the rest.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.customers import service as customers_service
from involinks.customers.models import Customer
from involinks.customers.schemas import CustomerUpdate
from involinks.errors import AppError
from involinks.imports.common import ImportKind, RowError
from involinks.imports.models import ImportKey
from involinks.imports.validation import (
    CUSTOMER_COLUMNS,
    CustomerRecord,
    InvoiceRecord,
    PurchaseOrderRecord,
    SupplierRecord,
    Unit,
    supplier_column,
)
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.schemas import InvoiceUpdate
from involinks.payables.purchase_orders import service as purchase_orders_service
from involinks.payables.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from involinks.payables.purchase_orders.schemas import PurchaseOrderUpdate
from involinks.payables.suppliers import service as suppliers_service
from involinks.payables.suppliers.models import Supplier
from involinks.payables.suppliers.schemas import SupplierUpdate

__all__ = ["Action", "Outcome", "Writer", "fingerprint", "row_errors_from"]


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Outcome:
    action: Action
    record_id: uuid.UUID
    message: str | None = None


_ADDRESS_ATTRS = ("address_line1", "address_line2", "city", "postal_code", "emirate", "country")


class Writer:
    """Writes the units of one import run into the caller's session (flush, never commit)."""

    def __init__(self, session: AsyncSession, *, user: User, import_id: uuid.UUID) -> None:
        self.session = session
        self.user = user
        self.import_id = import_id

    async def write(self, unit: Unit) -> Outcome:
        record = unit.record
        if isinstance(record, CustomerRecord):
            return await self._customer(record)
        if isinstance(record, SupplierRecord):
            return await self._supplier(record)
        if isinstance(record, InvoiceRecord):
            return await self._invoice(record)
        if isinstance(record, PurchaseOrderRecord):
            return await self._purchase_order(record)
        raise TypeError(f"nothing to write for {unit.kind} {unit.key}")

    # --- customers ---------------------------------------------------------------------------

    async def _find_customer(self, record: CustomerRecord) -> Customer | None:
        query = sa.select(Customer)
        if record.trn is not None:
            query = query.where(Customer.trn == record.trn)
        else:
            query = query.where(
                Customer.trn.is_(None),
                sa.func.lower(Customer.legal_name) == record.legal_name.lower(),
                sa.func.lower(Customer.email) == record.email.lower(),
            )
        return (await self.session.execute(query.limit(1))).scalars().first()

    async def _customer(self, record: CustomerRecord) -> Outcome:
        existing = await self._find_customer(record)
        if existing is None:
            customer = await customers_service.create_customer(
                self.session, record.create, user=self.user
            )
            return Outcome(Action.CREATED, customer.id)
        changed = _changed(existing, record.provided)
        if not changed:
            return Outcome(Action.UNCHANGED, existing.id, "already up to date")
        values: dict[str, Any] = {
            name: record.provided[name] for name in changed if name not in _ADDRESS_ATTRS
        }
        if any(name in _ADDRESS_ATTRS for name in changed):
            address = {attr: getattr(existing, attr) for attr in _ADDRESS_ATTRS}
            address.update({a: record.provided[a] for a in _ADDRESS_ATTRS if a in record.provided})
            if address["country"] != "AE" and "emirate" not in record.provided:
                address["emirate"] = None  # an address abroad has no emirate
            values["address"] = {
                "line1": address["address_line1"],
                "line2": address["address_line2"],
                "city": address["city"],
                "postal_code": address["postal_code"],
                "emirate": address["emirate"],
                "subdivision": existing.subdivision,
                "country": address["country"],
            }
        await customers_service.update_customer(
            self.session, existing, CustomerUpdate(**values), user=self.user
        )
        return Outcome(Action.UPDATED, existing.id, "changed: " + ", ".join(changed))

    # --- suppliers ---------------------------------------------------------------------------

    async def _find_supplier(self, record: SupplierRecord) -> Supplier | None:
        if record.trn is not None:
            return await suppliers_service.find_by_trn(self.session, record.trn)
        query = sa.select(Supplier).where(
            Supplier.trn.is_(None), sa.func.lower(Supplier.name) == record.name.lower()
        )
        return (await self.session.execute(query.limit(1))).scalars().first()

    async def _supplier(self, record: SupplierRecord) -> Outcome:
        existing = await self._find_supplier(record)
        if existing is None:
            supplier = await suppliers_service.create_supplier(
                self.session, record.create, actor=self.user
            )
            return Outcome(Action.CREATED, supplier.id)
        changed = _changed(existing, record.provided)
        if not changed:
            return Outcome(Action.UNCHANGED, existing.id, "already up to date")
        await suppliers_service.update_supplier(
            self.session,
            existing,
            SupplierUpdate(**{name: record.provided[name] for name in changed}),
            actor=self.user,
        )
        return Outcome(Action.UPDATED, existing.id, "changed: " + ", ".join(changed))

    # --- documents (ledger) --------------------------------------------------------------------

    async def _ledger(self, kind: ImportKind, ref: str) -> ImportKey | None:
        query = sa.select(ImportKey).where(ImportKey.kind == kind, ImportKey.key == ref)
        return (await self.session.execute(query)).scalars().first()

    def _remember(
        self, entry: ImportKey | None, kind: ImportKind, ref: str, record_id: uuid.UUID, fp: str
    ) -> None:
        if entry is None:
            self.session.add(
                ImportKey(
                    kind=kind,
                    key=ref,
                    record_id=record_id,
                    fingerprint=fp,
                    import_id=self.import_id,
                )
            )
        else:
            entry.record_id = record_id
            entry.fingerprint = fp
            entry.import_id = self.import_id

    async def _invoice(self, record: InvoiceRecord) -> Outcome:
        kind = ImportKind.INVOICES
        fp = fingerprint(record.create)
        entry = await self._ledger(kind, record.ref)
        query = sa.select(Invoice.id).where(Invoice.external_reference == record.ref)
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found is not None:
            invoice = await invoicing_service.get_invoice(self.session, found)
            if invoice.status is not InvoiceStatus.DRAFT:
                return Outcome(
                    Action.SKIPPED,
                    invoice.id,
                    f"invoice {invoice.number or ''} is {invoice.status.value}: an issued "
                    "invoice is never changed by an import (correct it with a credit note)",
                )
            if entry is not None and entry.record_id == invoice.id and entry.fingerprint == fp:
                return Outcome(Action.UNCHANGED, invoice.id, "already imported as is")
            values = record.create.model_dump(exclude_unset=True)
            await invoicing_service.update_draft(
                self.session, invoice, InvoiceUpdate(**values), user=self.user
            )
            self._remember(entry, kind, record.ref, invoice.id, fp)
            await self.session.flush()
            return Outcome(Action.UPDATED, invoice.id, "draft replaced with the new rows")
        created = await invoicing_service.create_draft(self.session, record.create, user=self.user)
        created.external_reference = record.ref
        self._remember(entry, kind, record.ref, created.id, fp)
        await self.session.flush()
        return Outcome(Action.CREATED, created.id)

    async def _purchase_order(self, record: PurchaseOrderRecord) -> Outcome:
        kind = ImportKind.PURCHASE_ORDERS
        fp = fingerprint(record.create)
        entry = await self._ledger(kind, record.ref)
        query = sa.select(PurchaseOrder.id).where(PurchaseOrder.external_reference == record.ref)
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found is not None:
            order = await purchase_orders_service.get_order(self.session, found)
            if order.status is not PurchaseOrderStatus.DRAFT:
                return Outcome(
                    Action.SKIPPED,
                    order.id,
                    f"purchase order {order.number} is {order.status.value}: only a draft is "
                    "changed by an import",
                )
            if entry is not None and entry.record_id == order.id and entry.fingerprint == fp:
                return Outcome(Action.UNCHANGED, order.id, "already imported as is")
            values = record.create.model_dump(exclude_unset=True)
            await purchase_orders_service.update_order(
                self.session, order, PurchaseOrderUpdate(**values), actor=self.user
            )
            self._remember(entry, kind, record.ref, order.id, fp)
            await self.session.flush()
            return Outcome(
                Action.UPDATED, order.id, f"draft {order.number} replaced with the new rows"
            )
        created = await purchase_orders_service.create_order(
            self.session, record.create, actor=self.user
        )
        created.external_reference = record.ref
        self._remember(entry, kind, record.ref, created.id, fp)
        await self.session.flush()
        return Outcome(Action.CREATED, created.id, f"created as {created.number}")


def _changed(existing: object, provided: Mapping[str, Any]) -> list[str]:
    return [name for name, value in provided.items() if getattr(existing, name) != value]


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    # Exact types first (a fingerprint is taken per imported document: keep it cheap), then the
    # general rules, which give the same result for them.
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if kind is list:
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def fingerprint(model: BaseModel) -> str:
    """sha256 of the values, independent of how a number was written (250 vs 250.00)."""
    values = model.model_dump(exclude_none=True)
    # The JSON encoder converts the values itself (_json_value, as _plain does), so the tree is
    # walked once, in C. exclude_none leaves None values of plain dict fields, which _plain drops:
    # when the text has any, it is made again from _plain's tree (same text as before).
    canonical = _canonical(values)
    if ":null" in canonical:
        canonical = _canonical(_plain(values))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical(values: Any) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=_json_value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not part of a fingerprint")


# --- service errors -> row errors ------------------------------------------------------------


def _unit_column(unit: Unit, path: list[str]) -> tuple[int, str | None]:
    if unit.kind is ImportKind.CUSTOMERS:
        return unit.first_row, CUSTOMER_COLUMNS.get(tuple(path))
    if unit.kind is ImportKind.SUPPLIERS:
        return unit.first_row, supplier_column(tuple(path))
    # Documents: "lines.<i>.<field>" names a row; document fields name the first row.
    if len(path) >= 3 and path[0] == "lines" and path[1].isdigit():
        index = int(path[1])
        row = unit.rows[index] if index < len(unit.rows) else unit.first_row
        return row, path[2]
    aliases = {"customer_id": "customer_trn", "supplier_id": "supplier_trn"}
    return unit.first_row, aliases.get(path[0], path[0]) if path else None


def row_errors_from(exc: AppError, unit: Unit, known_columns: frozenset[str]) -> list[RowError]:
    """A service's refusal of a unit, as row errors (field paths mapped to columns)."""
    details = exc.details
    errors: list[RowError] = []
    if isinstance(details, list):
        for item in details:
            if not isinstance(item, dict) or "field" not in item:
                continue
            row, column = _unit_column(unit, str(item["field"]).split("."))
            if column is not None and column not in known_columns:
                column = None
            errors.append(RowError(row, column, None, str(item.get("message", exc.message))))
    return errors or [RowError(unit.first_row, None, None, exc.message)]
