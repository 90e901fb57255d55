"""Request and response bodies of sign-up, company settings, team and company documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator

from involinks.auth.passwords import validate_password
from involinks.auth.permissions import Role
from involinks.companies import validation
from involinks.companies.models import Company, CompanyStatus, DocumentKind
from involinks.core.schemas import InputSchema, Schema


def _lower_email(value: str) -> str:
    return value.strip().lower()


class AddressIn(InputSchema):
    line1: str = Field(min_length=1, max_length=300)
    line2: str | None = Field(default=None, max_length=300)
    city: str = Field(min_length=1, max_length=120)
    emirate: str
    country: str = "AE"

    @field_validator("emirate")
    @classmethod
    def _emirate(cls, value: str) -> str:
        return validation.normalise_emirate(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value.strip().upper() != "AE":
            raise ValueError(
                "InvoLinks serves companies registered in the UAE: country must be AE."
            )
        return "AE"


class LegalRegistrationIn(InputSchema):
    type: str = Field(description="TL (trade licence), EID (Emirates ID), PAS (passport), CD")
    id: str = Field(min_length=1, max_length=100)
    authority: str | None = Field(
        default=None,
        max_length=200,
        description="Issuing authority (required for TL); issuing country code for PAS.",
    )

    @model_validator(mode="after")
    def _rules(self) -> LegalRegistrationIn:
        self.type, self.id, self.authority = validation.check_legal_registration(
            self.type, self.id, self.authority
        )
        return self


class AdminIn(InputSchema):
    full_name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _lower_email(value)

    @model_validator(mode="after")
    def _password_strength(self) -> AdminIn:
        problems = validate_password(self.password, email=self.email)
        if problems:
            raise ValueError("The password is too weak: " + " ".join(problems))
        return self


class RegisterCompanyIn(InputSchema):
    legal_name: str = Field(min_length=2, max_length=300)
    trn: str
    email: EmailStr
    phone: str
    address: AddressIn
    legal_registration: LegalRegistrationIn
    admin: AdminIn

    @field_validator("trn")
    @classmethod
    def _trn(cls, value: str) -> str:
        return validation.normalise_trn(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _lower_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return validation.normalise_uae_phone(value)


class AddressOut(Schema):
    line1: str
    line2: str | None
    city: str
    emirate: str
    country: str


class LegalRegistrationOut(Schema):
    type: str
    id: str
    authority: str | None


class CompanyOut(Schema):
    id: uuid.UUID
    legal_name: str
    trn: str
    tin: str
    email: str
    phone: str
    address: AddressOut
    legal_registration: LegalRegistrationOut
    status: CompanyStatus
    status_reason: str | None
    approved_at: datetime | None
    plan_code: str
    peppol_id: str | None
    mfa_required: bool
    created_at: datetime

    @classmethod
    def of(cls, company: Company) -> CompanyOut:
        return cls(
            id=company.id,
            legal_name=company.legal_name,
            trn=company.trn,
            tin=company.tin,
            email=company.email,
            phone=company.phone,
            address=AddressOut(
                line1=company.address_line1,
                line2=company.address_line2,
                city=company.city,
                emirate=company.emirate,
                country=company.country,
            ),
            legal_registration=LegalRegistrationOut(
                type=company.legal_registration_type,
                id=company.legal_registration_id,
                authority=company.legal_registration_authority,
            ),
            status=company.status,
            status_reason=company.status_reason,
            approved_at=company.approved_at,
            plan_code=company.plan_code,
            peppol_id=company.peppol_id,
            mfa_required=company.mfa_required,
            created_at=company.created_at,
        )


class RegisteredCompanyOut(CompanyOut):
    admin_user_id: uuid.UUID
    # Lets the sign-up form attach the trade licence right away, before anyone can sign in:
    # POST /api/v1/auth/register-company/documents with header X-Registration-Token.
    upload_token: str
    upload_token_expires_in: int


class CompanyUpdateIn(InputSchema):
    """What a company admin may change. Legal name, TRN and registration need the platform."""

    email: EmailStr | None = None
    phone: str | None = None
    address: AddressIn | None = None
    mfa_required: bool | None = None
    # Where the Peppol network delivers the company's inward invoices (default 0235:<TIN>).
    peppol_id: str | None = Field(default=None, max_length=80, examples=["0235:1234567890"])

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _lower_email(value) if value is not None else None

    @field_validator("peppol_id")
    @classmethod
    def _peppol_id(cls, value: str | None) -> str | None:
        return validation.normalise_peppol_id(value) if value is not None else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return validation.normalise_uae_phone(value) if value is not None else None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise ValueError(f"{key} cannot be null; leave it out to keep it unchanged")
        return data


# --- team -------------------------------------------------------------------------------------

TeamRole = Literal["COMPANY_ADMIN", "FINANCE_USER"]


class InviteUserIn(InputSchema):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    role: TeamRole = "FINANCE_USER"

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _lower_email(value)


class UpdateUserIn(InputSchema):
    role: TeamRole | None = None
    is_active: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> UpdateUserIn:
        if self.role is None and self.is_active is None:
            raise ValueError("Nothing to change: give role and/or is_active.")
        return self


class TeamUserOut(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    invitation_pending: bool
    last_login_at: datetime | None
    created_at: datetime


# --- documents --------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: uuid.UUID
    kind: DocumentKind
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime
