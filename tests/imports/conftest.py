"""Fixtures of the import tests: a company with an admin, and an upload helper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.jobs import queue as job_queue
from tests.factories import auth_headers, create_company, create_user
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row

URL = "/api/v1/imports"
#: Rows of the customer file the background-run tests upload: more than ``small_files`` lets
#: run in the request.
ROWS = 12


@dataclass
class Tenant:
    company: Company
    admin: User
    headers: dict[str, str]


async def make_tenant(session: AsyncSession, settings: Settings) -> Tenant:
    company = await create_company(session)
    admin = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
    return Tenant(company, admin, auth_headers(settings, admin))


@pytest.fixture
async def tenant(db_session: AsyncSession, settings: Settings) -> Tenant:
    return await make_tenant(db_session, settings)


async def upload(
    client: httpx.AsyncClient,
    tenant: Tenant,
    kind: str,
    data: bytes,
    *,
    filename: str = "upload.csv",
    **options: Any,
) -> httpx.Response:
    fields = {"kind": kind, **{name: str(value).lower() for name, value in options.items()}}
    return await client.post(
        URL, headers=tenant.headers, data=fields, files={"file": (filename, data)}
    )


def body(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def sent_jobs() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Jobs the imports send, recorded instead of run (as a broker would hold them)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    job_queue.set_dispatcher(lambda name, kwargs: sent.append((name, kwargs)))
    yield sent
    job_queue.set_dispatcher(None)


@pytest.fixture
def small_files(app: FastAPI) -> Iterator[Settings]:
    """Files of more than 5 rows run in the background."""
    original: Settings = app.state.settings
    app.state.settings = original.model_copy(update={"import_background_rows": 5})
    yield app.state.settings
    app.state.settings = original


def customers_file(rows: int = ROWS) -> bytes:
    """A valid customer CSV of ``rows`` rows (the same rows for the same count)."""
    return csv_bytes(CUSTOMER_HEADER, [customer_row(n) for n in range(rows)])


async def count_customers(session: AsyncSession, tenant: Tenant) -> int:
    with tenancy.company_scope(session, tenant.company.id):
        return int((await session.execute(sa.select(sa.func.count(Customer.id)))).scalar_one())
