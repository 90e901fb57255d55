"""Path and permission dependencies of the invoicing endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from involinks.auth.dependencies import require
from involinks.auth.models import User
from involinks.auth.permissions import Permission
from involinks.core.db import DbSession
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice

CanReadInvoices = Annotated[User, Depends(require(Permission.INVOICE_READ))]
CanCreateInvoices = Annotated[User, Depends(require(Permission.INVOICE_CREATE))]
CanApproveInvoices = Annotated[User, Depends(require(Permission.INVOICE_APPROVE))]
CanDeleteInvoices = Annotated[User, Depends(require(Permission.INVOICE_DELETE))]


async def _invoice_from_path(
    invoice_id: uuid.UUID, session: DbSession, _user: CanReadInvoices
) -> Invoice:
    # Another company's id is simply not found (tenancy): 404, never 403.
    return await invoicing_service.get_invoice(session, invoice_id)


InvoiceFromPath = Annotated[Invoice, Depends(_invoice_from_path)]
