"""/api/v1/customers: the buyers a company invoices."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.core.schemas import Page
from involinks.customers import service as customer_service
from involinks.customers.models import Customer
from involinks.customers.schemas import CustomerCreate, CustomerRead, CustomerUpdate

router = APIRouter(prefix="/customers", tags=["customers"])

CanReadCustomers = Annotated[User, Depends(require(Permission.INVOICE_READ))]
CanManageCustomers = Annotated[User, Depends(require(Permission.CUSTOMER_MANAGE))]


@router.post("", response_model=CustomerRead, status_code=status.HTTP_201_CREATED)
async def create_customer(
    data: CustomerCreate, user: CanManageCustomers, session: DbSession
) -> Customer:
    """Add a customer (409 when the TRN is already a customer of this company)."""
    return await customer_service.create_customer(session, data, user=user)


@router.get("", response_model=Page[CustomerRead])
async def list_customers(
    session: DbSession,
    _user: CanReadCustomers,
    search: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[CustomerRead]:
    """Customers by name, searched in name, TRN and e-mail."""
    items, total = await customer_service.list_customers(
        session, search=search, page=page, page_size=page_size
    )
    return Page[CustomerRead](
        items=[CustomerRead.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/{customer_id}", response_model=CustomerRead)
async def get_customer(
    customer_id: uuid.UUID, session: DbSession, _user: CanReadCustomers
) -> Customer:
    return await customer_service.get_customer(session, customer_id)


@router.patch("/{customer_id}", response_model=CustomerRead)
async def update_customer(
    customer_id: uuid.UUID, data: CustomerUpdate, user: CanManageCustomers, session: DbSession
) -> Customer:
    """Change a customer; finalized invoices keep the data they were issued with."""
    customer = await customer_service.get_customer(session, customer_id)
    return await customer_service.update_customer(session, customer, data, user=user)


@router.delete("/{customer_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_customer(
    customer_id: uuid.UUID, user: CanManageCustomers, session: DbSession
) -> Response:
    """Delete a customer no invoice references (409 otherwise)."""
    customer = await customer_service.get_customer(session, customer_id)
    await customer_service.delete_customer(session, customer, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
