from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.payables.suppliers import service
from involinks.payables.suppliers.models import Supplier
from involinks.payables.suppliers.schemas import SupplierCreate, SupplierRead, SupplierUpdate

router = APIRouter(prefix="/suppliers", tags=["suppliers"])

CanReadAP = Annotated[User, Depends(require(Permission.AP_READ))]
CanManageAP = Annotated[User, Depends(require(Permission.AP_MANAGE))]


@router.get("", response_model=Page[SupplierRead])
async def list_suppliers(
    _user: CanReadAP,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100)] = None,
    is_active: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[SupplierRead]:
    rows, total = await service.list_suppliers(
        session, q=q, is_active=is_active, page=page, page_size=page_size
    )
    return Page[SupplierRead](
        items=[SupplierRead.model_validate(row) for row in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.post(
    "",
    response_model=SupplierRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "A supplier with this TRN exists"}},
)
async def create_supplier(data: SupplierCreate, user: CanManageAP, session: DbSession) -> Supplier:
    return await service.create_supplier(session, data, actor=user)


@router.get("/{supplier_id}", response_model=SupplierRead)
async def get_supplier(supplier_id: uuid.UUID, _user: CanReadAP, session: DbSession) -> Supplier:
    return await service.get_supplier(session, supplier_id)


@router.patch(
    "/{supplier_id}",
    response_model=SupplierRead,
    responses={409: {"description": "A supplier with this TRN exists"}},
)
async def update_supplier(
    supplier_id: uuid.UUID, data: SupplierUpdate, user: CanManageAP, session: DbSession
) -> Supplier:
    supplier = await service.get_supplier(session, supplier_id)
    return await service.update_supplier(session, supplier, data, actor=user)


@router.delete(
    "/{supplier_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: {"description": "The supplier has purchase orders or invoices"}},
)
async def delete_supplier(
    supplier_id: uuid.UUID, user: CanManageAP, session: DbSession
) -> Response:
    supplier = await service.get_supplier(session, supplier_id)
    await service.delete_supplier(session, supplier, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
