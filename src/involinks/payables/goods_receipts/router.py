from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.payables.goods_receipts import service
from involinks.payables.goods_receipts.schemas import (
    GoodsReceiptCreate,
    GoodsReceiptCreateForOrder,
    GoodsReceiptRead,
)

router = APIRouter(tags=["goods-receipts"])

CanReadAP = Annotated[User, Depends(require(Permission.AP_READ))]
CanManageAP = Annotated[User, Depends(require(Permission.AP_MANAGE))]


@router.post(
    "/purchase-orders/{order_id}/goods-receipts",
    response_model=GoodsReceiptRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "The order is not open for receipts"},
        422: {"description": "Unknown line, or more than ordered without allow_over_receipt"},
    },
)
async def create_goods_receipt(
    order_id: uuid.UUID, data: GoodsReceiptCreate, user: CanManageAP, session: DbSession
) -> GoodsReceiptRead:
    receipt = await service.create_receipt(session, order_id, data, actor=user)
    return service.to_read(receipt)


@router.post(
    "/goods-receipts",
    response_model=GoodsReceiptRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such purchase order"},
        409: {"description": "The order is not open for receipts"},
        422: {"description": "Unknown line, or more than ordered without allow_over_receipt"},
    },
)
async def create_goods_receipt_for_order(
    data: GoodsReceiptCreateForOrder, user: CanManageAP, session: DbSession
) -> GoodsReceiptRead:
    # A subclass of GoodsReceiptCreate: the service ignores the extra field.
    receipt = await service.create_receipt(session, data.purchase_order_id, data, actor=user)
    return service.to_read(receipt)


@router.get("/goods-receipts", response_model=Page[GoodsReceiptRead])
async def list_goods_receipts(
    _user: CanReadAP,
    session: DbSession,
    purchase_order_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[GoodsReceiptRead]:
    rows, total = await service.list_receipts(
        session, purchase_order_id=purchase_order_id, page=page, page_size=page_size
    )
    return Page[GoodsReceiptRead](
        items=[service.to_read(row) for row in rows], total=total, page=page, page_size=page_size
    )


@router.get("/goods-receipts/{receipt_id}", response_model=GoodsReceiptRead)
async def get_goods_receipt(
    receipt_id: uuid.UUID, _user: CanReadAP, session: DbSession
) -> GoodsReceiptRead:
    return service.to_read(await service.get_receipt(session, receipt_id))
