"""Suppliers: one per TRN per company (a second one with the same TRN is a 409)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.errors import Conflict, NotFound
from involinks.payables.inward_invoices.models import InwardInvoice
from involinks.payables.purchase_orders.models import PurchaseOrder
from involinks.payables.suppliers.models import Supplier
from involinks.payables.suppliers.schemas import SupplierCreate, SupplierUpdate


class DuplicateSupplier(Conflict):
    code = "duplicate_supplier"


async def get_supplier(session: AsyncSession, supplier_id: uuid.UUID) -> Supplier:
    supplier = await session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound("Supplier not found.")
    return supplier


async def find_by_trn(session: AsyncSession, trn: str) -> Supplier | None:
    return (
        await session.execute(sa.select(Supplier).where(Supplier.trn == trn))
    ).scalar_one_or_none()


async def _refuse_duplicate_trn(
    session: AsyncSession, trn: str | None, *, exclude: uuid.UUID | None = None
) -> None:
    if trn is None:
        return
    existing = await find_by_trn(session, trn)
    if existing is not None and existing.id != exclude:
        raise DuplicateSupplier(
            f"A supplier with this TRN already exists: {existing.name}.",
            details={"supplier_id": str(existing.id), "name": existing.name},
        )


async def _flush_unique(session: AsyncSession, trn: str | None) -> None:
    # The pre-check above answers nearly always; the unique key settles a race between two
    # requests, inside a savepoint so the caller's transaction survives the failed insert.
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DuplicateSupplier("A supplier with this TRN already exists.") from exc


async def list_suppliers(
    session: AsyncSession,
    *,
    q: str | None = None,
    is_active: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Supplier], int]:
    query = sa.select(Supplier)
    if q:
        text = q.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Supplier.name).contains(text, autoescape=True),
                Supplier.trn.contains(text, autoescape=True),
            )
        )
    if is_active is not None:
        query = query.where(Supplier.is_active.is_(is_active))
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(query.subquery()))
    ).scalar_one()
    rows = (
        await session.execute(
            query.order_by(sa.func.lower(Supplier.name), Supplier.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).scalars()
    return list(rows), total


async def create_supplier(session: AsyncSession, data: SupplierCreate, *, actor: User) -> Supplier:
    await _refuse_duplicate_trn(session, data.trn)
    values = data.model_dump(mode="json")
    supplier = Supplier(id=uuid.uuid4(), **values)
    session.add(supplier)
    await _flush_unique(session, data.trn)
    await audit.record(
        session,
        "supplier.created",
        actor=actor,
        company_id=supplier.company_id,
        subject_type="supplier",
        subject_id=str(supplier.id),
        details={"name": supplier.name},
    )
    return supplier


async def update_supplier(
    session: AsyncSession, supplier: Supplier, data: SupplierUpdate, *, actor: User
) -> Supplier:
    changes: dict[str, Any] = data.model_dump(mode="json", exclude_unset=True)
    for required in ("legal_name", "country", "currency", "is_active"):
        if required in changes and changes[required] is None:
            del changes[required]
    if "contacts" in changes and changes["contacts"] is None:
        changes["contacts"] = []
    if "trn" in changes:
        await _refuse_duplicate_trn(session, changes["trn"], exclude=supplier.id)
    for field, value in changes.items():
        setattr(supplier, field, value)
    await _flush_unique(session, supplier.trn)
    await audit.record(
        session,
        "supplier.updated",
        actor=actor,
        company_id=supplier.company_id,
        subject_type="supplier",
        subject_id=str(supplier.id),
        details={"fields": sorted(changes)},
    )
    return supplier


async def delete_supplier(session: AsyncSession, supplier: Supplier, *, actor: User) -> None:
    for model, what in ((PurchaseOrder, "purchase orders"), (InwardInvoice, "invoices")):
        used = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(model)
                .where(model.supplier_id == supplier.id)
            )
        ).scalar_one()
        if used:
            raise Conflict(
                f"This supplier has {what} and cannot be deleted; deactivate it instead.",
                code="supplier_in_use",
            )
    await audit.record(
        session,
        "supplier.deleted",
        actor=actor,
        company_id=supplier.company_id,
        subject_type="supplier",
        subject_id=str(supplier.id),
        details={"name": supplier.name},
    )
    await session.delete(supplier)
    await session.flush()
