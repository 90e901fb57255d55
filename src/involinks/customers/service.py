"""Customer rules: PINT AE buyer data checks, per-company TRN uniqueness, delete protection."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.companies.models import LegalRegistrationType
from involinks.customers.models import UAE, Customer, default_peppol_id
from involinks.customers.schemas import CustomerCreate, CustomerUpdate
from involinks.errors import Conflict, NotFound, Unprocessable
from involinks.invoicing import codes
from involinks.invoicing.models import Invoice
from involinks.invoicing.service import record_audit


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        f"Please correct: {field}: {message}", details=[{"field": field, "message": message}]
    )


def _check(customer: Customer) -> None:
    """Cross-field rules on the customer as it would be saved."""
    if customer.country not in codes.countries():
        raise _invalid("address.country", f"{customer.country} is not an ISO 3166-1 country code")
    if customer.country == UAE:
        if not customer.emirate:
            raise _invalid(
                "address.emirate",
                "a UAE address needs its emirate (AUH, DXB, SHJ, UAQ, FUJ, AJM or RAK)",
            )
        if not codes.is_emirate(customer.emirate):
            raise _invalid(
                "address.emirate",
                f"{customer.emirate} is not an emirate code (AUH, DXB, SHJ, UAQ, FUJ, AJM, RAK)",
            )
    elif customer.emirate:
        raise _invalid("address.emirate", "only a UAE address has an emirate; use subdivision")
    if customer.vat_registered and not customer.trn:
        raise _invalid("trn", "a VAT-registered customer needs its TRN (15 digits)")
    if customer.peppol_id:
        scheme = customer.peppol_id.split(":", 1)[0]
        if scheme not in codes.endpoint_schemes():
            raise _invalid("peppol_id", f"{scheme} is not a Peppol electronic address scheme")
    if customer.legal_registration_type:
        if not customer.legal_registration_id:
            raise _invalid("legal_registration.id", "the registration number is missing")
        # ibr-101-ae: a trade licence names its issuing authority.
        if (
            customer.legal_registration_type == LegalRegistrationType.TL
            and not customer.legal_registration_authority
        ):
            raise _invalid(
                "legal_registration.authority", "a trade licence needs its issuing authority"
            )
        # ibr-010-ae / ibr-011-ae: a passport names its issuing country (ISO 3166-1).
        if customer.legal_registration_type == LegalRegistrationType.PAS:
            country = customer.legal_registration_country
            if not country:
                raise _invalid(
                    "legal_registration.issuing_country", "a passport needs its issuing country"
                )
            if country not in codes.countries():
                raise _invalid(
                    "legal_registration.issuing_country",
                    f"{country} is not an ISO 3166-1 country code",
                )


async def _ensure_trn_free(
    session: AsyncSession, trn: str | None, *, exclude: uuid.UUID | None = None
) -> None:
    if trn is None:
        return
    query = sa.select(Customer.id).where(Customer.trn == trn)
    if exclude is not None:
        query = query.where(Customer.id != exclude)
    if (await session.execute(query.limit(1))).first() is not None:
        raise _duplicate(trn)


def _duplicate(trn: str | None) -> Conflict:
    return Conflict(
        f"A customer with TRN {trn} already exists in your company.", code="duplicate_trn"
    )


async def _flush(session: AsyncSession, trn: str | None) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        # A concurrent request took the TRN between our check and this insert.
        raise _duplicate(trn) from exc


def _apply(customer: Customer, values: dict[str, Any]) -> None:
    """Copy validated input (nested address / legal registration included) onto the row."""
    address = values.pop("address", None)
    if address is not None:
        customer.address_line1 = address["line1"]
        customer.address_line2 = address.get("line2")
        customer.city = address["city"]
        customer.postal_code = address.get("postal_code")
        customer.emirate = address.get("emirate")
        customer.subdivision = address.get("subdivision")
        customer.country = address.get("country") or UAE
    if "legal_registration" in values:
        registration = values.pop("legal_registration")
        customer.legal_registration_type = registration["type"] if registration else None
        customer.legal_registration_id = registration["id"] if registration else None
        customer.legal_registration_authority = (
            registration.get("authority") if registration else None
        )
        customer.legal_registration_country = (
            registration.get("issuing_country") if registration else None
        )
    for name, value in values.items():
        setattr(customer, name, value)


async def get_customer(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer not found.")
    return customer


async def list_customers(
    session: AsyncSession, *, search: str | None, page: int, page_size: int
) -> tuple[list[Customer], int]:
    conditions: list[sa.ColumnElement[bool]] = []
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            sa.or_(
                Customer.legal_name.ilike(pattern, escape="\\"),
                Customer.trade_name.ilike(pattern, escape="\\"),
                Customer.trn.ilike(pattern, escape="\\"),
                Customer.email.ilike(pattern, escape="\\"),
            )
        )
    query = sa.select(Customer).where(*conditions)
    total = (
        await session.execute(sa.select(sa.func.count(Customer.id)).where(*conditions))
    ).scalar_one()
    rows = await session.execute(
        query.order_by(Customer.legal_name, Customer.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows.scalars()), total


async def create_customer(session: AsyncSession, data: CustomerCreate, *, user: User) -> Customer:
    values = data.model_dump()
    vat_registered = values.pop("vat_registered")
    if vat_registered is None:
        vat_registered = data.trn is not None
    customer = Customer(vat_registered=vat_registered)
    _apply(customer, values)
    if customer.peppol_id is None:
        customer.peppol_id = default_peppol_id(
            trn=customer.trn, vat_registered=customer.vat_registered, country=customer.country
        )
    _check(customer)
    await _ensure_trn_free(session, customer.trn)
    session.add(customer)
    await _flush(session, customer.trn)
    await record_audit(
        session, "customer.created", user=user, subject_type="customer", subject_id=customer.id
    )
    return customer


async def update_customer(
    session: AsyncSession, customer: Customer, data: CustomerUpdate, *, user: User
) -> Customer:
    values = data.model_dump(exclude_unset=True)
    for required in ("legal_name", "email", "address", "vat_registered"):
        if required in values and values[required] is None:
            raise _invalid(required, "cannot be empty")
    old_default = default_peppol_id(
        trn=customer.trn, vat_registered=customer.vat_registered, country=customer.country
    )
    _apply(customer, values)
    if "peppol_id" not in values and customer.peppol_id == old_default:
        # The id was our default: follow TRN / registration / country changes.
        customer.peppol_id = default_peppol_id(
            trn=customer.trn, vat_registered=customer.vat_registered, country=customer.country
        )
    _check(customer)
    if "trn" in values:
        await _ensure_trn_free(session, customer.trn, exclude=customer.id)
    await _flush(session, customer.trn)
    await record_audit(
        session,
        "customer.updated",
        user=user,
        subject_type="customer",
        subject_id=customer.id,
        details={"fields": sorted(values)},
    )
    return customer


async def delete_customer(session: AsyncSession, customer: Customer, *, user: User) -> None:
    used = await session.execute(
        sa.select(Invoice.id).where(Invoice.customer_id == customer.id).limit(1)
    )
    if used.first() is not None:
        raise Conflict(
            "This customer cannot be deleted: invoices or credit notes reference it.",
            code="customer_in_use",
        )
    await session.delete(customer)
    await session.flush()
    await record_audit(
        session, "customer.deleted", user=user, subject_type="customer", subject_id=customer.id
    )
