"""Customer payloads. Shape checks live here; cross-field rules (TRN vs VAT registration, emirate
vs country, Peppol id default) are applied by the service so PATCH and POST share them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, StringConstraints

from involinks.companies.models import LegalRegistrationType
from involinks.core.schemas import InputSchema, Schema

Trn = Annotated[str, StringConstraints(pattern=r"^\d{15}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
PeppolId = Annotated[str, StringConstraints(pattern=r"^\d{4}:\S{1,50}$")]


class AddressIn(InputSchema):
    line1: Text300
    line2: Annotated[str, StringConstraints(max_length=300)] | None = None
    city: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    emirate: str | None = None
    subdivision: Annotated[str, StringConstraints(max_length=100)] | None = None
    country: CountryCode = "AE"


class LegalRegistrationIn(InputSchema):
    type: LegalRegistrationType
    id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    authority: Annotated[str, StringConstraints(max_length=200)] | None = None
    issuing_country: CountryCode | None = None


class CustomerCreate(InputSchema):
    legal_name: Text300
    trade_name: Text300 | None = None
    trn: Trn | None = None
    # Default: registered when a TRN is given.
    vat_registered: bool | None = None
    email: EmailStr
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    contact_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    peppol_id: PeppolId | None = None
    address: AddressIn
    legal_registration: LegalRegistrationIn | None = None


class CustomerUpdate(InputSchema):
    """PATCH: only the fields sent are changed; ``null`` clears an optional field."""

    legal_name: Text300 | None = None
    trade_name: Text300 | None = None
    trn: Trn | None = None
    vat_registered: bool | None = None
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    contact_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    peppol_id: PeppolId | None = None
    address: AddressIn | None = None
    legal_registration: LegalRegistrationIn | None = None


class AddressRead(Schema):
    line1: str
    line2: str | None
    city: str
    postal_code: str | None
    emirate: str | None
    subdivision: str | None
    country: str


class LegalRegistrationRead(Schema):
    type: str
    id: str
    authority: str | None
    issuing_country: str | None


class CustomerRead(Schema):
    id: uuid.UUID
    legal_name: str
    trade_name: str | None
    trn: str | None
    tin: str | None
    vat_registered: bool
    email: str
    phone: str | None
    contact_name: str | None
    peppol_id: str | None
    address: AddressRead
    legal_registration: LegalRegistrationRead | None
    created_at: datetime
    updated_at: datetime


class CustomerSummary(Schema):
    id: uuid.UUID
    legal_name: str
    trn: str | None
