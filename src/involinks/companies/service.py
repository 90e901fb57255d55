"""Company sign-up, company settings, team management and company documents.

Everything here runs in the caller's tenant scope (one company), except the sign-up itself, which
has no company yet: it checks uniqueness across all companies and creates the rows with the scope
lifted, on purpose and only there.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.auth import sessions
from involinks.auth.models import User
from involinks.auth.passwords import hash_password_async
from involinks.auth.permissions import Role
from involinks.auth.service import issue_password_token
from involinks.auth.tokens import InvalidToken, create_purpose_token, decode
from involinks.companies import validation
from involinks.companies.models import Company, CompanyDocument, CompanyStatus, DocumentKind
from involinks.companies.schemas import (
    CompanyUpdateIn,
    InviteUserIn,
    RegisterCompanyIn,
    UpdateUserIn,
)
from involinks.config import Settings
from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.errors import Conflict, NotFound, Unauthorized, Unprocessable
from involinks.logging import mask_text
from involinks.mail.service import send_mail
from involinks.plans import enforcement
from involinks.storage import ArtifactStore
from involinks.storage.uploads import JPEG, PDF, PNG, UnsupportedUpload, safe_filename
from involinks.storage.uploads import sniff_content_type as sniff

log = logging.getLogger(__name__)

REGISTRATION_TOKEN_PURPOSE = "company_registration"
REGISTRATION_TOKEN_MINUTES = 60
MAX_DOCUMENTS_AT_SIGN_UP = 10
INVITE_TTL = timedelta(days=7)

ALLOWED_TYPES: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.TRADE_LICENCE: frozenset({PDF, PNG, JPEG}),
    DocumentKind.OTHER_REGISTRATION: frozenset({PDF, PNG, JPEG}),
    DocumentKind.LOGO: frozenset({PNG, JPEG}),
    DocumentKind.STAMP: frozenset({PNG, JPEG}),
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from, for the audit log."""

    ip: str | None = None
    user_agent: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"ip": self.ip, "user_agent": self.user_agent}


# --- sign-up ----------------------------------------------------------------------------------


async def register_company(
    session: AsyncSession, settings: Settings, data: RegisterCompanyIn, origin: Origin
) -> tuple[Company, User, str]:
    """Create a PENDING_APPROVAL company and its first admin. Returns the document upload token."""
    tin = validation.tin_of(data.trn)
    # Sign-up spans all companies by nature: the TRN and the e-mail must be unique platform-wide.
    with tenancy.system_scope(session):
        if await session.scalar(sa.select(Company.id).where(Company.trn == data.trn)):
            raise Conflict(
                "A company with this TRN is already registered. If it is yours, ask its "
                "administrator to invite you.",
                code="duplicate_trn",
            )
        if await session.scalar(sa.select(Company.id).where(Company.peppol_id == f"0235:{tin}")):
            raise Conflict(
                "A company with the same tax identification number (the TRN's first 10 digits) "
                "is already registered.",
                code="duplicate_tin",
            )
        if await session.scalar(sa.select(User.id).where(User.email == data.admin.email)):
            raise Conflict(
                "This e-mail address already has an InvoLinks account; sign in or use another "
                "address for the administrator.",
                code="duplicate_email",
            )
        company = Company(
            id=uuid.uuid4(),
            legal_name=data.legal_name,
            trn=data.trn,
            email=data.email,
            phone=data.phone,
            address_line1=data.address.line1,
            address_line2=data.address.line2,
            city=data.address.city,
            emirate=data.address.emirate,
            country=data.address.country,
            legal_registration_type=data.legal_registration.type,
            legal_registration_id=data.legal_registration.id,
            legal_registration_authority=data.legal_registration.authority,
            status=CompanyStatus.PENDING_APPROVAL,
            plan_code="FREE",
            peppol_id=f"0235:{tin}",
            mfa_required=False,
            settings={},
        )
        admin = User(
            id=uuid.uuid4(),
            company_id=company.id,
            email=data.admin.email,
            full_name=data.admin.full_name,
            password_hash=await hash_password_async(
                data.admin.password, rounds=settings.bcrypt_rounds
            ),
            role=Role.COMPANY_ADMIN,
            is_active=True,
        )
        session.add(company)
        await session.flush()
        session.add(admin)
        try:
            await session.flush()
        except IntegrityError as exc:  # a concurrent sign-up won the race
            raise Conflict(
                "This TRN or e-mail address was registered a moment ago.", code="duplicate"
            ) from exc
        super_admins = (
            await session.scalars(
                sa.select(User.email).where(User.role == Role.SUPER_ADMIN, User.is_active)
            )
        ).all()

    await audit.record(
        session,
        "company.registered",
        actor=admin,
        company_id=company.id,
        subject_type="company",
        subject_id=str(company.id),
        details={"legal_name": company.legal_name, "emirate": company.emirate},
        **origin.kwargs(),
    )
    await send_mail(
        session,
        to=admin.email,
        subject="We received your InvoLinks registration",
        text=(
            f"Hello {admin.full_name},\n\nthank you for registering {company.legal_name} on "
            "InvoLinks. Our team checks every company before it can issue e-invoices; you will "
            "get an e-mail as soon as your account is approved. Until then you cannot sign in.\n"
        ),
    )
    for address in super_admins:
        await send_mail(
            session,
            to=address,
            subject=f"New company awaiting approval: {company.legal_name}",
            text=(
                f"{company.legal_name} (emirate {company.emirate}) registered and waits for "
                f"approval.\n\nReview it at {settings.public_base_url.rstrip('/')}/admin/companies"
                f"/{company.id}\n"
            ),
        )
    log.info(
        "company registered",
        extra={"company_id": str(company.id), "admin": mask_text(admin.email)},
    )
    token = create_purpose_token(
        settings,
        subject=str(company.id),
        purpose=REGISTRATION_TOKEN_PURPOSE,
        minutes=REGISTRATION_TOKEN_MINUTES,
    )
    return company, admin, token


async def company_from_registration_token(
    session: AsyncSession, settings: Settings, token: str | None
) -> Company:
    """The pending company a sign-up upload token belongs to; binds the session to it."""
    if not token:
        raise Unauthorized("The registration upload token is missing.")
    try:
        claims = decode(settings, token, purpose=REGISTRATION_TOKEN_PURPOSE)
        company_id = uuid.UUID(str(claims["sub"]))
    except (InvalidToken, ValueError) as exc:
        raise Unauthorized("The registration upload token is invalid or expired.") from exc
    company = await session.get(Company, company_id)
    if company is None or company.status is not CompanyStatus.PENDING_APPROVAL:
        raise Unauthorized("Documents can be added this way only while the sign-up is pending.")
    tenancy.bind_company(session, company.id)
    count = await session.scalar(sa.select(sa.func.count(CompanyDocument.id)))
    if (count or 0) >= MAX_DOCUMENTS_AT_SIGN_UP:
        raise Conflict(
            f"At most {MAX_DOCUMENTS_AT_SIGN_UP} documents can be attached at sign-up; "
            "add more after approval."
        )
    return company


# --- the company itself -----------------------------------------------------------------------


async def current_company(session: AsyncSession) -> Company:
    company_id = tenancy.current_company_id(session)
    company = await session.get(Company, company_id) if company_id else None
    if company is None:
        raise NotFound("No company is bound to this session.")
    return company


async def update_company(
    session: AsyncSession, actor: User, data: CompanyUpdateIn, origin: Origin
) -> Company:
    company = await current_company(session)
    changed: dict[str, Any] = {}

    def put(attr: str, value: Any) -> None:
        if getattr(company, attr) != value:
            changed[attr] = value
            setattr(company, attr, value)

    if data.email is not None:
        put("email", data.email)
    if data.phone is not None:
        put("phone", data.phone)
    if data.address is not None:
        put("address_line1", data.address.line1)
        put("address_line2", data.address.line2)
        put("city", data.address.city)
        put("emirate", data.address.emirate)
    if data.mfa_required is not None:
        put("mfa_required", data.mfa_required)
    if data.peppol_id is not None and data.peppol_id != company.peppol_id:
        # Participant ids are unique across the platform: inbound delivery finds the company by it.
        with tenancy.system_scope(session):
            taken = await session.scalar(
                sa.select(Company.id).where(
                    Company.peppol_id == data.peppol_id, Company.id != company.id
                )
            )
        if taken is not None:
            raise Conflict(
                "Another company on InvoLinks already uses this Peppol id.",
                details=[{"field": "peppol_id", "message": "already in use"}],
            )
        put("peppol_id", data.peppol_id)
    if changed:
        await session.flush()
        await audit.record(
            session,
            "company.settings_changed",
            actor=actor,
            company_id=company.id,
            subject_type="company",
            subject_id=str(company.id),
            details={"fields": sorted(changed)},
            **origin.kwargs(),
        )
    return company


# --- documents --------------------------------------------------------------------------------


def parse_kind(value: str | None) -> DocumentKind:
    try:
        return DocumentKind((value or "").strip().lower())
    except ValueError:
        raise Unprocessable(
            "kind must be one of: " + ", ".join(k.value for k in DocumentKind),
            details=[{"field": "kind", "message": "invalid"}],
        ) from None


async def add_document(
    session: AsyncSession,
    store: ArtifactStore,
    *,
    company: Company,
    actor: User | None,
    kind: DocumentKind,
    data: bytes,
    filename: str | None,
    origin: Origin,
) -> CompanyDocument:
    content_type = sniff(data)
    if content_type not in ALLOWED_TYPES[kind]:
        allowed = " or ".join(sorted(t.split("/")[1].upper() for t in ALLOWED_TYPES[kind]))
        raise UnsupportedUpload(
            f"A {kind.value.replace('_', ' ')} must be a {allowed} file; this file's content is "
            "not one of those."
        )
    stored = await store.put(f"company-documents/{company.id}", data, content_type=content_type)
    document = CompanyDocument(
        id=uuid.uuid4(),
        company_id=company.id,
        kind=kind,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        uploaded_by_id=actor.id if actor else None,
    )
    session.add(document)
    try:
        await session.flush()
    except Exception:
        if stored.created:  # identical bytes stored earlier belong to another row: kept
            await store.delete(stored.key)  # no row, no file
        raise
    await audit.record(
        session,
        "company.document_uploaded",
        actor=actor,
        company_id=company.id,
        subject_type="company_document",
        subject_id=str(document.id),
        details={"kind": kind.value, "size": stored.size, "sha256": stored.sha256},
        **origin.kwargs(),
    )
    return document


async def list_documents(session: AsyncSession) -> list[CompanyDocument]:
    result = await session.scalars(
        sa.select(CompanyDocument).order_by(CompanyDocument.created_at, CompanyDocument.id)
    )
    return list(result)


async def get_document(session: AsyncSession, document_id: uuid.UUID) -> CompanyDocument:
    document = await session.scalar(
        sa.select(CompanyDocument).where(CompanyDocument.id == document_id)
    )
    if document is None:
        raise NotFound("Document not found.")
    return document


async def delete_document(
    session: AsyncSession, store: ArtifactStore, actor: User, document_id: uuid.UUID, origin: Origin
) -> None:
    document = await get_document(session, document_id)
    await session.delete(document)
    await session.flush()
    await audit.record(
        session,
        "company.document_deleted",
        actor=actor,
        company_id=document.company_id,
        subject_type="company_document",
        subject_id=str(document.id),
        details={"kind": document.kind.value, "sha256": document.sha256},
        **origin.kwargs(),
    )
    # Keys are content-addressed: the same file uploaded twice is one object, kept while any
    # row still names it.
    shared = await session.scalar(
        sa.select(
            sa.exists().where(
                CompanyDocument.storage_key == document.storage_key,
                CompanyDocument.id != document.id,
            )
        )
    )
    if shared:
        return
    # The file goes last: if the transaction fails later, an orphan file is harmless, a row
    # pointing at nothing is not.
    await store.delete(document.storage_key)


# --- team -------------------------------------------------------------------------------------


def invite_link(settings: Settings, token: str) -> str:
    # The token rides in the fragment, which browsers never send to a server (no log leaks).
    return f"{settings.public_base_url.rstrip('/')}/set-password#token={token}"


async def _send_invitation(
    session: AsyncSession, settings: Settings, company: Company, user: User, inviter: User
) -> None:
    token = await issue_password_token(session, user, purpose="invite", ttl=INVITE_TTL)
    await send_mail(
        session,
        to=user.email,
        subject=f"{inviter.full_name} invited you to {company.legal_name} on InvoLinks",
        text=(
            f"Hello {user.full_name},\n\n{inviter.full_name} invited you to join "
            f"{company.legal_name} on InvoLinks. Choose your password with this link (valid for "
            f"{INVITE_TTL.days} days, usable once):\n\n{invite_link(settings, token)}\n"
        ),
    )


async def list_users(session: AsyncSession, *, page: int, page_size: int) -> tuple[list[User], int]:
    total = await session.scalar(sa.select(sa.func.count(User.id)))
    users = await session.scalars(
        sa.select(User)
        .order_by(User.created_at, User.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(users), int(total or 0)


async def invite_user(
    session: AsyncSession, settings: Settings, inviter: User, data: InviteUserIn, origin: Origin
) -> User:
    company = await current_company(session)
    # Lock the company row so two invitations cannot both take the plan's last user seat.
    await session.execute(sa.select(Company.id).where(Company.id == company.id).with_for_update())
    await enforcement.check_user_limit(session, company)
    # E-mail addresses are unique across the platform, so the check has to look at every company.
    with tenancy.system_scope(session):
        taken = await session.scalar(sa.select(User.id).where(User.email == data.email))
    if taken:
        raise Conflict(
            "This e-mail address already has an InvoLinks account.", code="duplicate_email"
        )
    user = User(
        id=uuid.uuid4(),
        company_id=company.id,
        email=data.email,
        full_name=data.full_name,
        password_hash=None,  # set by the invitee through the link
        role=Role(data.role),
        is_active=True,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "This e-mail address already has an InvoLinks account.", code="duplicate_email"
        ) from exc
    await _send_invitation(session, settings, company, user, inviter)
    await audit.record(
        session,
        "user.invited",
        actor=inviter,
        company_id=company.id,
        subject_type="user",
        subject_id=str(user.id),
        details={"role": user.role.value, "email": mask_text(user.email)},
        **origin.kwargs(),
    )
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.scalar(sa.select(User).where(User.id == user_id))
    if user is None:
        raise NotFound("User not found.")
    return user


async def resend_invitation(
    session: AsyncSession, settings: Settings, inviter: User, user_id: uuid.UUID, origin: Origin
) -> User:
    user = await get_user(session, user_id)
    if user.password_hash is not None or not user.is_active:
        raise Conflict("This user has already accepted the invitation or is deactivated.")
    company = await current_company(session)
    await _send_invitation(session, settings, company, user, inviter)
    await audit.record(
        session,
        "user.invitation_resent",
        actor=inviter,
        company_id=company.id,
        subject_type="user",
        subject_id=str(user.id),
        **origin.kwargs(),
    )
    return user


async def update_user(
    session: AsyncSession, actor: User, user_id: uuid.UUID, data: UpdateUserIn, origin: Origin
) -> User:
    company = await current_company(session)
    # Serialise team changes per company (PostgreSQL; SQLite writers are serial anyway), so two
    # admins demoting each other at the same moment cannot leave the company without an admin.
    await session.execute(sa.select(Company.id).where(Company.id == company.id).with_for_update())
    user = await get_user(session, user_id)
    new_role = Role(data.role) if data.role is not None else user.role
    new_active = data.is_active if data.is_active is not None else user.is_active
    changes: dict[str, Any] = {}
    if new_role is not user.role:
        changes["role"] = {"from": user.role.value, "to": new_role.value}
    if new_active != user.is_active:
        changes["is_active"] = {"from": user.is_active, "to": new_active}
    if not changes:
        return user

    was_admin = user.role is Role.COMPANY_ADMIN and user.is_active
    stays_admin = new_role is Role.COMPANY_ADMIN and new_active
    if was_admin and not stays_admin:
        admins = await session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role == Role.COMPANY_ADMIN, User.is_active)
        )
        if (admins or 0) <= 1:
            who = "yourself" if user.id == actor.id else "this user"
            raise Conflict(
                f"You cannot demote or deactivate {who}: the company needs at least one active "
                "administrator. Make someone else an administrator first.",
                code="last_admin",
            )

    if new_active and not user.is_active:
        # A reactivated user takes a seat again (the company row is locked above).
        await enforcement.check_user_limit(session, company)

    user.role = new_role
    user.is_active = new_active
    # A changed role or a deactivation ends the user's sessions: access tokens carry the version.
    user.token_version += 1
    await sessions.revoke_all(session, user.id, now=utcnow())
    await session.flush()
    await audit.record(
        session,
        "user.updated",
        actor=actor,
        company_id=company.id,
        subject_type="user",
        subject_id=str(user.id),
        details=changes,
        **origin.kwargs(),
    )
    return user
