from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from involinks.auth.dependencies import AppSettings, require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.payables.purchase_orders import service
from involinks.payables.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from involinks.payables.purchase_orders.schemas import (
    PurchaseOrderCreate,
    PurchaseOrderListItem,
    PurchaseOrderRead,
    PurchaseOrderUpdate,
    ReasonIn,
)
from involinks.storage import StoreDep

router = APIRouter(prefix="/purchase-orders", tags=["purchase-orders"])
# The supplier's signed download link needs no sign-in, so it stays outside the plan-gated router.
public_router = APIRouter(prefix="/purchase-orders", tags=["purchase-orders"])

CanReadAP = Annotated[User, Depends(require(Permission.AP_READ))]
CanManageAP = Annotated[User, Depends(require(Permission.AP_MANAGE))]
_INVALID_TRANSITION: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not allowed in the order's current status"}
}


def _pdf_response(order: PurchaseOrder, pdf: bytes) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{order.number}.pdf"'},
    )


@router.get("", response_model=Page[PurchaseOrderListItem])
async def list_purchase_orders(
    _user: CanReadAP,
    session: DbSession,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=40)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[PurchaseOrderListItem]:
    rows, total = await service.list_orders(
        session,
        status=status,
        supplier_id=supplier_id,
        q=q,
        date_from=date_from,
        date_to=date_to,
        page=page,
        page_size=page_size,
    )
    return Page[PurchaseOrderListItem](
        items=[PurchaseOrderListItem.model_validate(row) for row in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.post("", response_model=PurchaseOrderRead, status_code=status.HTTP_201_CREATED)
async def create_purchase_order(
    data: PurchaseOrderCreate, user: CanManageAP, session: DbSession
) -> PurchaseOrder:
    return await service.create_order(session, data, actor=user)


@router.get("/{order_id}", response_model=PurchaseOrderRead)
async def get_purchase_order(
    order_id: uuid.UUID, _user: CanReadAP, session: DbSession
) -> PurchaseOrder:
    return await service.get_order(session, order_id)


@router.patch("/{order_id}", response_model=PurchaseOrderRead, responses=_INVALID_TRANSITION)
async def update_purchase_order(
    order_id: uuid.UUID, data: PurchaseOrderUpdate, user: CanManageAP, session: DbSession
) -> PurchaseOrder:
    order = await service.get_order(session, order_id, for_update=True)
    return await service.update_order(session, order, data, actor=user)


@router.delete("/{order_id}", response_model=PurchaseOrderRead, responses=_INVALID_TRANSITION)
async def delete_purchase_order(
    order_id: uuid.UUID, user: CanManageAP, session: DbSession
) -> PurchaseOrder:
    """Cancels the order. The row and its number stay, so PO numbers remain gapless."""
    order = await service.get_order(session, order_id, for_update=True)
    return await service.cancel_order(session, order, actor=user, reason=None)


@router.post("/{order_id}/send", response_model=PurchaseOrderRead, responses=_INVALID_TRANSITION)
async def send_purchase_order(
    order_id: uuid.UUID,
    user: CanManageAP,
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
) -> PurchaseOrder:
    order = await service.get_order(session, order_id, for_update=True)
    return await service.send_order(session, order, actor=user, settings=settings, store=store)


@router.post("/{order_id}/cancel", response_model=PurchaseOrderRead, responses=_INVALID_TRANSITION)
async def cancel_purchase_order(
    order_id: uuid.UUID, data: ReasonIn, user: CanManageAP, session: DbSession
) -> PurchaseOrder:
    order = await service.get_order(session, order_id, for_update=True)
    return await service.cancel_order(session, order, actor=user, reason=data.reason)


@router.post("/{order_id}/close", response_model=PurchaseOrderRead, responses=_INVALID_TRANSITION)
async def close_purchase_order(
    order_id: uuid.UUID, data: ReasonIn, user: CanManageAP, session: DbSession
) -> PurchaseOrder:
    order = await service.get_order(session, order_id, for_update=True)
    return await service.close_order(session, order, actor=user, reason=data.reason)


@router.get(
    "/{order_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_purchase_order_pdf(
    order_id: uuid.UUID, _user: CanReadAP, session: DbSession, store: StoreDep
) -> Response:
    order = await service.get_order(session, order_id)
    return _pdf_response(order, await service.read_pdf(session, order, store))


@public_router.get(
    "/{order_id}/document",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def download_purchase_order_by_link(
    order_id: uuid.UUID,
    token: Annotated[str, Query(max_length=2000)],
    session: DbSession,
    settings: AppSettings,
    store: StoreDep,
) -> Response:
    """The supplier's download link from the order e-mail (signed; no sign-in)."""
    order = await service.order_for_pdf_token(session, order_id, token, settings)
    return _pdf_response(order, await service.read_pdf(session, order, store))
