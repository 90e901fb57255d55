"""One call writes both records of an inward invoice action: the invoice's own history row and
the audit event (`inward_invoice.<action>`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.core.types import utcnow
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceEvent,
    InwardInvoiceStatus,
)


async def record(
    session: AsyncSession,
    invoice: InwardInvoice,
    action: str,
    *,
    actor: User | None,
    from_status: InwardInvoiceStatus | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> InwardInvoiceEvent:
    event = InwardInvoiceEvent(
        id=uuid.uuid4(),
        inward_invoice_id=invoice.id,
        occurred_at=utcnow(),
        action=action,
        from_status=from_status.value if from_status is not None else None,
        to_status=invoice.status.value,
        matching_status=invoice.matching_status.value,
        actor_id=actor.id if actor else None,
        note=note,
    )
    session.add(event)
    await session.flush()
    await audit.record(
        session,
        f"inward_invoice.{action}",
        actor=actor,
        company_id=invoice.company_id,
        subject_type="inward_invoice",
        subject_id=str(invoice.id),
        details={
            "invoice_number": invoice.invoice_number,
            "status": invoice.status.value,
            "matching_status": invoice.matching_status.value,
        }
        | ({"from_status": from_status.value} if from_status is not None else {})
        | ({"note": note} if note else {})
        | (details or {}),
    )
    return event
