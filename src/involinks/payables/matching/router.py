from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.errors import Forbidden
from involinks.payables.inward_invoices import service as invoices_service
from involinks.payables.inward_invoices import workflow
from involinks.payables.matching import service
from involinks.payables.matching.schemas import (
    InvoiceMatchRead,
    PayablesSettingsIn,
    PayablesSettingsRead,
)

router = APIRouter(tags=["matching"])

CanReadAP = Annotated[User, Depends(require(Permission.AP_READ))]
CanManageAP = Annotated[User, Depends(require(Permission.AP_MANAGE))]


def _company_id(user: User) -> uuid.UUID:
    if user.company_id is None:
        raise Forbidden("Payables settings belong to a company; you are not in one.")
    return user.company_id


@router.post(
    "/inward-invoices/{invoice_id}/match",
    response_model=InvoiceMatchRead,
    responses={409: {"description": "The invoice is on hold or disputed"}},
)
async def match_inward_invoice(
    invoice_id: uuid.UUID, user: CanManageAP, session: DbSession
) -> InvoiceMatchRead:
    invoice = await invoices_service.get_invoice(session, invoice_id, for_update=True)
    return service.match_read(await workflow.match_now(session, invoice, actor=user))


@router.get("/inward-invoices/{invoice_id}/matches", response_model=list[InvoiceMatchRead])
async def list_inward_invoice_matches(
    invoice_id: uuid.UUID, _user: CanReadAP, session: DbSession
) -> list[InvoiceMatchRead]:
    invoice = await invoices_service.get_invoice(session, invoice_id)
    return [service.match_read(m) for m in await service.match_history(session, invoice.id)]


@router.get("/payables/settings", response_model=PayablesSettingsRead)
async def get_payables_settings(user: CanReadAP, session: DbSession) -> PayablesSettingsRead:
    tolerances = await service.get_tolerances(session, _company_id(user))
    return PayablesSettingsRead(matching=service.settings_read(tolerances))


@router.put("/payables/settings", response_model=PayablesSettingsRead)
async def update_payables_settings(
    data: PayablesSettingsIn, user: CanManageAP, session: DbSession
) -> PayablesSettingsRead:
    tolerances = await service.update_tolerances(
        session, _company_id(user), data.matching, actor=user
    )
    return PayablesSettingsRead(matching=service.settings_read(tolerances))
