"""Shared fixtures of the accounts-payable API tests: a company with an AP manager and a
read-only finance user, an in-memory artifact store, and small request helpers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.storage import ArtifactNotFound, StoredArtifact
from tests.factories import auth_headers, create_company, create_user, unique_trn


class MemoryStore:
    """An ArtifactStore that keeps bytes in a dict, so tests can see what was stored."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[str, bytes]] = {}

    async def put(self, namespace: str, data: bytes, *, content_type: str) -> StoredArtifact:
        return await self.put_at(
            f"{namespace}/{hashlib.sha256(data).hexdigest()}", data, content_type=content_type
        )

    async def put_at(self, key: str, data: bytes, *, content_type: str) -> StoredArtifact:
        created = key not in self.items
        if created:
            self.items[key] = (content_type, data)
        return StoredArtifact(
            key=key,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=content_type,
            created=created,
        )

    async def get(self, key: str, *, expected_sha256: str | None = None) -> bytes:
        if key not in self.items:
            raise ArtifactNotFound(key)
        return self.items[key][1]

    async def exists(self, key: str) -> bool:
        return key in self.items

    async def delete(self, key: str) -> None:
        self.items.pop(key, None)

    async def check_writable(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    return body


@dataclass
class Tenant:
    company: Company
    manager: User
    finance: User
    headers: dict[str, str]
    finance_headers: dict[str, str]
    trns: list[str] = field(default_factory=list)


async def make_tenant(session: AsyncSession, settings: Settings) -> Tenant:
    company = await create_company(session)
    manager = await create_user(session, company=company, role=Role.COMPANY_ADMIN)
    finance = await create_user(session, company=company, role=Role.FINANCE_USER)
    return Tenant(
        company=company,
        manager=manager,
        finance=finance,
        headers=auth_headers(settings, manager),
        finance_headers=auth_headers(settings, finance),
    )


@pytest.fixture
async def tenant(db_session: AsyncSession, settings: Settings) -> Tenant:
    return await make_tenant(db_session, settings)


@pytest.fixture
def store(app: FastAPI) -> Iterator[MemoryStore]:
    memory = MemoryStore()
    app.state.artifact_store = memory
    yield memory
    del app.state.artifact_store


class Api:
    """Thin helpers over the client for one tenant (the AP manager's token)."""

    def __init__(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        self.client = client
        self.tenant = tenant

    async def supplier(self, **overrides: Any) -> dict[str, Any]:
        payload = {
            "name": "Gulf Office Supplies LLC",
            "trn": unique_trn(),
            "email": "orders@gulf-office.ae",
            "payment_terms_days": 30,
        } | overrides
        return dict(
            ok(
                await self.client.post(
                    "/api/v1/suppliers", json=payload, headers=self.tenant.headers
                ),
                201,
            )
        )

    async def order(
        self, supplier_id: str, lines: list[dict[str, Any]], **overrides: Any
    ) -> dict[str, Any]:
        payload = {"supplier_id": supplier_id, "order_date": "2026-03-01", "lines": lines}
        return dict(
            ok(
                await self.client.post(
                    "/api/v1/purchase-orders", json=payload | overrides, headers=self.tenant.headers
                ),
                201,
            )
        )

    async def send(self, order_id: str) -> dict[str, Any]:
        return dict(
            ok(
                await self.client.post(
                    f"/api/v1/purchase-orders/{order_id}/send", headers=self.tenant.headers
                )
            )
        )

    async def receive(
        self, order_id: str, lines: list[dict[str, Any]], **overrides: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/purchase-orders/{order_id}/goods-receipts",
            json={"lines": lines} | overrides,
            headers=self.tenant.headers,
        )

    async def invoice(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.client.post(
            "/api/v1/inward-invoices", json=payload, headers=self.tenant.headers
        )

    async def get(self, path: str, **params: Any) -> Any:
        return ok(await self.client.get(path, params=params, headers=self.tenant.headers))

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.client.post(path, json=json, headers=self.tenant.headers)


@pytest.fixture
def api(client: httpx.AsyncClient, tenant: Tenant, store: MemoryStore) -> Api:
    return Api(client, tenant)


def po_line(item: str, quantity: str, price: str, **extra: Any) -> dict[str, Any]:
    return {"item_name": item, "quantity": quantity, "unit_price": price} | extra
