from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from involinks.companies.schemas import CompanyOut, DocumentOut
from involinks.core.schemas import InputSchema, Schema
from involinks.mail.models import OutboxStatus


class CompanyContact(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool


class AdminCompanyOut(CompanyOut):
    documents: list[DocumentOut]
    admins: list[CompanyContact]


class ReasonIn(InputSchema):
    reason: str = Field(min_length=3, max_length=2000)


class OutboxMessageOut(Schema):
    id: uuid.UUID
    to_address: str
    subject: str
    text_body: str
    html_body: str | None
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
