from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from involinks.core.schemas import Schema


class AuditEventOut(Schema):
    id: uuid.UUID
    company_id: uuid.UUID | None
    seq: int
    occurred_at: datetime
    action: str
    actor_id: uuid.UUID | None
    actor_email: str | None
    actor_role: str | None
    subject_type: str | None
    subject_id: str | None
    ip: str | None
    user_agent: str | None
    details: dict[str, Any]
    hash: str
    prev_hash: str


class ChainReportOut(Schema):
    chain_key: str
    ok: bool
    checked: int
    broken_at_seq: int | None
    reason: str | None
