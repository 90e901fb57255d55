"""Super admin: the company approval queue and its state machine.

    PENDING_APPROVAL --approve--> ACTIVE --suspend--> SUSPENDED --reactivate--> ACTIVE
    PENDING_APPROVAL --reject---> REJECTED
Any other transition is refused (409). Each one e-mails the company's admins and is audited in the
company's own log. These functions run for a super admin, whose session is bound read-only across
companies; the writes (the company row itself, the audit event, the e-mails) are not tenant rows of
another company, except the audit event, which `audit.record` writes with the scope lifted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyDocument, CompanyStatus
from involinks.companies.service import Origin
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.errors import Conflict, NotFound
from involinks.mail.models import OutboxMessage, OutboxStatus
from involinks.mail.service import send_mail


class Transition(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SUSPEND = "suspend"
    REACTIVATE = "reactivate"


_RULES: dict[Transition, tuple[CompanyStatus, CompanyStatus]] = {
    Transition.APPROVE: (CompanyStatus.PENDING_APPROVAL, CompanyStatus.ACTIVE),
    Transition.REJECT: (CompanyStatus.PENDING_APPROVAL, CompanyStatus.REJECTED),
    Transition.SUSPEND: (CompanyStatus.ACTIVE, CompanyStatus.SUSPENDED),
    Transition.REACTIVATE: (CompanyStatus.SUSPENDED, CompanyStatus.ACTIVE),
}


@dataclass
class CompanyView:
    company: Company
    documents: list[CompanyDocument]
    admins: list[User]


async def _views(session: AsyncSession, companies: Sequence[Company]) -> list[CompanyView]:
    ids = [c.id for c in companies]
    if not ids:
        return []
    # The approval queue shows every company's papers: a deliberate cross-company read.
    with tenancy.system_scope(session):
        documents = (
            await session.scalars(
                sa.select(CompanyDocument)
                .where(CompanyDocument.company_id.in_(ids))
                .order_by(CompanyDocument.created_at)
            )
        ).all()
        admins = (
            await session.scalars(
                sa.select(User)
                .where(User.company_id.in_(ids), User.role == Role.COMPANY_ADMIN)
                .order_by(User.created_at)
            )
        ).all()
    return [
        CompanyView(
            company=c,
            documents=[d for d in documents if d.company_id == c.id],
            admins=[u for u in admins if u.company_id == c.id],
        )
        for c in companies
    ]


async def list_companies(
    session: AsyncSession,
    *,
    status: CompanyStatus | None,
    search: str | None,
    page: int,
    page_size: int,
) -> tuple[list[CompanyView], int]:
    conditions: list[sa.ColumnElement[bool]] = []
    if status is not None:
        conditions.append(Company.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        conditions.append(
            sa.or_(
                sa.func.lower(Company.legal_name).like(pattern, escape="\\"),
                Company.trn.like(pattern, escape="\\"),
            )
        )
    total = await session.scalar(sa.select(sa.func.count(Company.id)).where(*conditions))
    # Oldest first: the approval queue is worked in arrival order.
    companies = (
        await session.scalars(
            sa.select(Company)
            .where(*conditions)
            .order_by(Company.created_at, Company.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    return await _views(session, companies), int(total or 0)


async def _company(session: AsyncSession, company_id: uuid.UUID) -> Company:
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("Company not found.")
    return company


async def get_company(session: AsyncSession, company_id: uuid.UUID) -> CompanyView:
    return (await _views(session, [await _company(session, company_id)]))[0]


async def get_company_document(
    session: AsyncSession, company_id: uuid.UUID, document_id: uuid.UUID
) -> CompanyDocument:
    with tenancy.system_scope(session):
        document = await session.scalar(
            sa.select(CompanyDocument).where(
                CompanyDocument.id == document_id, CompanyDocument.company_id == company_id
            )
        )
    if document is None:
        raise NotFound("Document not found.")
    return document


def _mail_text(transition: Transition, company: Company, reason: str | None, base: str) -> str:
    if transition is Transition.APPROVE:
        return (
            f"Good news: {company.legal_name} is approved on InvoLinks. You can now sign in at "
            f"{base}/login and issue your first e-invoice.\n"
        )
    if transition is Transition.REJECT:
        return (
            f"We could not approve the registration of {company.legal_name}.\n\nReason: "
            f"{reason}\n\nReply to this e-mail if you think this is a mistake.\n"
        )
    if transition is Transition.SUSPEND:
        return (
            f"The InvoLinks account of {company.legal_name} has been suspended; nobody in your "
            f"company can sign in until it is reactivated.\n\nReason: {reason}\n"
        )
    return (
        f"The InvoLinks account of {company.legal_name} is active again. You can sign in at "
        f"{base}/login.\n"
    )


_SUBJECTS = {
    Transition.APPROVE: "Your company is approved on InvoLinks",
    Transition.REJECT: "Your InvoLinks registration was not approved",
    Transition.SUSPEND: "Your InvoLinks account is suspended",
    Transition.REACTIVATE: "Your InvoLinks account is active again",
}


async def change_status(
    session: AsyncSession,
    settings: Settings,
    actor: User,
    company_id: uuid.UUID,
    transition: Transition,
    *,
    reason: str | None,
    origin: Origin,
) -> CompanyView:
    # Row lock (PostgreSQL): two admins clicking approve and reject at once cannot both win.
    company = await session.scalar(
        sa.select(Company).where(Company.id == company_id).with_for_update()
    )
    if company is None:
        raise NotFound("Company not found.")
    source, target = _RULES[transition]
    if company.status is not source:
        raise Conflict(
            f"Cannot {transition.value} a company that is {company.status.value}; only a "
            f"{source.value} company can be {transition.value}d.",
            code="invalid_transition",
            details={"status": company.status.value},
        )
    previous = company.status
    company.status = target
    company.status_reason = reason
    if transition is Transition.APPROVE:
        company.approved_at = utcnow()
    await session.flush()

    view = await get_company(session, company.id)
    await audit.record(
        session,
        f"company.{transition.value}d",
        actor=actor,
        company_id=company.id,
        subject_type="company",
        subject_id=str(company.id),
        details={"from": previous.value, "to": target.value, "reason": reason},
        **origin.kwargs(),
    )
    base = settings.public_base_url.rstrip("/")
    for admin in view.admins:
        if admin.is_active:
            await send_mail(
                session,
                to=admin.email,
                subject=_SUBJECTS[transition],
                text=f"Hello {admin.full_name},\n\n"
                + _mail_text(transition, company, reason, base),
            )
    return view


async def list_outbox(
    session: AsyncSession,
    *,
    status: OutboxStatus | None,
    to: str | None,
    page: int,
    page_size: int,
) -> tuple[list[OutboxMessage], int]:
    conditions: list[sa.ColumnElement[bool]] = []
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    if to:
        conditions.append(OutboxMessage.to_address == to.strip().lower())
    total = await session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(*conditions))
    rows = await session.scalars(
        sa.select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), int(total or 0)


async def get_outbox_message(session: AsyncSession, message_id: uuid.UUID) -> OutboxMessage:
    row = await session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound("Message not found.")
    return row
