from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AliasChoices, EmailStr, Field, StringConstraints, field_validator

from involinks.core.schemas import InputSchema, Schema

_TRN = re.compile(r"^\d{15}$")
_SEPARATORS = re.compile(r"[\s-]+")

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
# Peppol participant id "<scheme>:<id>", e.g. 0235:1234567890 (UAE TIN scheme).
PeppolId = Annotated[str, StringConstraints(pattern=r"^\d{4}:[^\s:]{1,50}$")]


def normalize_trn(value: str | None) -> str | None:
    """A UAE TRN is 15 digits; spaces and dashes typed by users are dropped."""
    if value is None:
        return None
    trn = _SEPARATORS.sub("", value)
    if not trn:
        return None
    if not _TRN.match(trn):
        raise ValueError("a TRN is 15 digits")
    return trn


class ContactIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=32)
    role: str | None = Field(default=None, max_length=100)


class ContactRead(Schema):
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None


class _SupplierFields(InputSchema):
    @field_validator("trn", mode="before", check_fields=False)
    @classmethod
    def _trn(cls, value: str | None) -> str | None:
        return normalize_trn(value)


# `legal_name` is the field; `name` stays accepted for older clients.
_LEGAL_NAME = AliasChoices("legal_name", "name")


class SupplierCreate(_SupplierFields):
    legal_name: str = Field(min_length=1, max_length=300, validation_alias=_LEGAL_NAME)
    trn: str | None = None
    peppol_id: PeppolId | None = None
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=32)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    address_line1: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    country: Country = "AE"
    currency: Currency = "AED"
    payment_terms_days: int | None = Field(default=None, ge=0, le=365)
    payment_terms: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=4000)


class SupplierUpdate(_SupplierFields):
    legal_name: str | None = Field(
        default=None, min_length=1, max_length=300, validation_alias=_LEGAL_NAME
    )
    trn: str | None = None
    peppol_id: PeppolId | None = None
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=32)
    contacts: list[ContactIn] | None = Field(default=None, max_length=20)
    address_line1: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    country: Country | None = None
    currency: Currency | None = None
    payment_terms_days: int | None = Field(default=None, ge=0, le=365)
    payment_terms: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=4000)
    is_active: bool | None = None


class SupplierRead(Schema):
    id: uuid.UUID
    legal_name: str
    name: str  # same value as legal_name, kept for older clients
    trn: str | None
    peppol_id: str | None
    email: str | None
    phone: str | None
    contacts: list[ContactRead]
    address_line1: str | None
    city: str | None
    country: str
    currency: str
    payment_terms_days: int | None
    payment_terms: str | None
    notes: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class SupplierBrief(Schema):
    id: uuid.UUID
    legal_name: str
    name: str
    trn: str | None
