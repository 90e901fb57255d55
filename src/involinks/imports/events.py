"""The audit event that closes an import run, written the same way by a run that finishes
(service) and by the sweep that fails a run its process left unfinished (sweep)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.imports.common import ImportKind
from involinks.imports.models import ImportStatus


async def record_finished(
    session: AsyncSession,
    *,
    import_id: uuid.UUID,
    company_id: uuid.UUID,
    kind: ImportKind,
    status: ImportStatus,
    created: int,
    updated: int,
    errors: int,
    actor: User | None,
    interrupted: bool = False,
) -> None:
    """``import.finished`` (dry runs leave none: their callers skip this)."""
    details: dict[str, object] = {
        "kind": kind.value,
        "status": status.value,
        "created": created,
        "updated": updated,
        "errors": errors,
    }
    if interrupted:
        details["interrupted"] = True
    await audit.record(
        session,
        "import.finished",
        actor=actor,
        company_id=company_id,
        subject_type="import",
        subject_id=str(import_id),
        details=details,
    )
