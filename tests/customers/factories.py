"""Customer factories and invoice payloads shared by the customers and invoicing tests."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from involinks.companies.models import Company
from involinks.core import tenancy
from involinks.customers.models import Customer
from tests.factories import unique_trn

_seq = itertools.count(1)
IBAN = "AE070331234567890123456"


def customer_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    payload: dict[str, Any] = {
        "legal_name": f"Buyer {n} LLC",
        "trn": unique_trn(),
        "email": f"ap{n}@buyer{n}.ae",
        "address": {"line1": f"Office {n}, Buyer Tower", "city": "Abu Dhabi", "emirate": "AUH"},
    }
    payload.update(overrides)
    return payload


async def create_customer(
    session: AsyncSession,
    company: Company,
    *,
    trn: str | None = None,
    legal_name: str | None = None,
    vat_registered: bool = True,
    with_registration: bool = True,
) -> Customer:
    n = next(_seq)
    trn = trn or (unique_trn() if vat_registered else None)
    customer = Customer(
        company_id=company.id,
        legal_name=legal_name or f"Buyer {n} LLC",
        trn=trn,
        vat_registered=vat_registered,
        email=f"ap{n}@buyer{n}.ae",
        peppol_id=f"0235:{trn[:10]}" if trn else None,
        address_line1=f"Office {n}, Buyer Tower",
        city="Abu Dhabi",
        emirate="AUH",
        country="AE",
        legal_registration_type="TL" if with_registration else None,
        legal_registration_id=f"CN-{n:07d}" if with_registration else None,
        legal_registration_authority="Abu Dhabi DED" if with_registration else None,
    )
    with tenancy.system_scope(session):
        session.add(customer)
        await session.flush()
    return customer


def line(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "item_name": "Consulting",
        "description": "Consulting services",
        "quantity": "2",
        "unit_code": "HUR",
        "unit_price": "100.00",
        "vat_category": "S",
    }
    payload.update(overrides)
    return payload


def invoice_payload(customer: Customer, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "customer_id": str(customer.id),
        "issue_date": "2026-03-10",
        "due_date": "2026-04-09",
        "currency": "AED",
        "payment_means": {"code": "30", "account_id": IBAN},
        "lines": [line()],
    }
    payload.update(overrides)
    return payload


def year_of(payload: dict[str, Any]) -> int:
    return date.fromisoformat(payload["issue_date"]).year
