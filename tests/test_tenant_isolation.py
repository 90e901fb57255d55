"""Tenant isolation, checked for every endpoint that takes an id.

`test_other_companys_id_is_not_found` walks the application's routes. Every route under /api/v1
(except /admin, which is cross-company by design) with an id path parameter ({id}, {invoice_id}, ...)
is called by an admin of company B with the id of a row that company A owns, and must answer 404,
exactly as if the id did not exist. The same call by A's admin must not be 404, which proves the
row was real. A new id route without an entry in the registry below fails loudly, so no endpoint
ships without isolation coverage.

Registry: FACTORIES maps a path prefix to an async factory that creates company A's rows and returns
the path parameters; BODIES gives a valid request body for routes that need one (a body that fails
validation would answer 422 before any lookup). A domain may keep its own entries in
`tests/<domain>/isolation.py` (module-level FACTORIES / BODIES / OWNER_MAY_404 dicts): they are
merged in.

`test_raw_sql_in_company_scope_sees_only_that_company` proves the second wall, PostgreSQL row-level
security (migration 0003, involinks.core.rls), with raw SQL that bypasses the ORM's tenant filter.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import iter_route_contexts
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.app import create_app
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.config import Settings
from involinks.core import rls, tenancy
from tests.factories import auth_headers, create_company, create_user


@dataclass
class World:
    client: httpx.AsyncClient
    session: AsyncSession
    settings: Settings
    a: Company
    a_admin: User
    a_headers: dict[str, str]
    b: Company
    b_headers: dict[str, str]

    async def ok(self, method: str, url: str, status: int = 201, **kwargs: Any) -> dict[str, Any]:
        """Company A's admin creates something through the API."""
        response = await self.client.request(method, url, headers=self.a_headers, **kwargs)
        assert response.status_code == status, f"{method} {url}: {response.text}"
        body: dict[str, Any] = response.json()
        return body


Factory = Callable[[World], Awaitable[dict[str, str]]]


# --- factories: company A's rows, created the way the product creates them ---------------------


async def _team_member(w: World) -> dict[str, str]:
    user = await create_user(w.session, company=w.a, role=Role.FINANCE_USER)
    return {"user_id": str(user.id)}


async def _invited_member(w: World) -> dict[str, str]:
    invited = await w.ok(
        "POST",
        "/api/v1/users",
        json={
            "email": f"i{uuid.uuid4().hex[:8]}@a.ae",
            "full_name": "Invitee",
            "role": "FINANCE_USER",
        },
    )
    return {"user_id": invited["id"]}


async def _company_document(w: World) -> dict[str, str]:
    from tests.companies.helpers import tiny_png

    doc = await w.ok(
        "POST",
        "/api/v1/company/documents",
        data={"kind": "logo"},
        files={"file": ("logo.png", tiny_png(), "image/png")},
    )
    return {"document_id": doc["id"]}


async def _customer(w: World) -> dict[str, str]:
    from tests.customers.factories import customer_payload

    customer = await w.ok("POST", "/api/v1/customers", json=customer_payload())
    return {"customer_id": customer["id"]}


async def _invoice(w: World) -> dict[str, str]:
    from tests.customers.factories import create_customer, invoice_payload

    customer = await create_customer(w.session, w.a)
    invoice = await w.ok("POST", "/api/v1/invoices", json=invoice_payload(customer))
    return {"invoice_id": invoice["id"]}


def _payables_api(w: World) -> Any:
    from tests.payables.conftest import Api, Tenant

    tenant = Tenant(
        company=w.a,
        manager=w.a_admin,
        finance=w.a_admin,
        headers=w.a_headers,
        finance_headers=w.a_headers,
    )
    return Api(w.client, tenant)


async def _supplier(w: World) -> dict[str, str]:
    supplier = await _payables_api(w).supplier()
    return {"supplier_id": supplier["id"]}


async def _purchase_order(w: World) -> dict[str, str]:
    from tests.payables.conftest import po_line

    api = _payables_api(w)
    supplier = await api.supplier()
    order = await api.order(supplier["id"], [po_line("Cable", "10", "20")])
    return {"order_id": order["id"]}


async def _sent_purchase_order(w: World) -> dict[str, str]:
    """Sent, so the order has the supplier PDF its signed link serves."""
    values = await _purchase_order(w)
    await _payables_api(w).send(values["order_id"])
    return values


async def _goods_receipt(w: World) -> dict[str, str]:
    from tests.payables.conftest import po_line

    api = _payables_api(w)
    supplier = await api.supplier()
    order = await api.order(supplier["id"], [po_line("Cable", "10", "20")])
    await api.send(order["id"])
    response = await api.receive(order["id"], [{"line_no": 1, "quantity_received": "5"}])
    assert response.status_code == 201, response.text
    return {"receipt_id": response.json()["id"]}


async def _inward_invoice(w: World) -> dict[str, str]:
    api = _payables_api(w)
    supplier = await api.supplier()
    response = await api.invoice(
        {
            "supplier_id": supplier["id"],
            "invoice_number": f"INV-{uuid.uuid4().hex[:6]}",
            "issue_date": "2026-03-20",
            "lines": [{"item_name": "Cable", "quantity": "1", "unit_price": "10"}],
        }
    )
    assert response.status_code == 201, response.text
    return {"invoice_id": response.json()["id"]}


async def _import_job(w: World) -> dict[str, str]:
    from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row

    job = await w.ok(
        "POST",
        "/api/v1/imports",
        data={"kind": "customers"},
        files={"file": ("customers.csv", csv_bytes(CUSTOMER_HEADER, [customer_row(1)]))},
    )
    return {"import_id": job["id"]}


FACTORIES: dict[str, Factory] = {
    "/api/v1/users/{user_id}": _team_member,
    "/api/v1/users/{user_id}/resend-invitation": _invited_member,
    "/api/v1/company/documents/{document_id}": _company_document,
    "/api/v1/customers/{customer_id}": _customer,
    "/api/v1/invoices/{invoice_id}": _invoice,
    "/api/v1/suppliers/{supplier_id}": _supplier,
    "/api/v1/purchase-orders/{order_id}": _purchase_order,
    "/api/v1/purchase-orders/{order_id}/document": _sent_purchase_order,
    "/api/v1/goods-receipts/{receipt_id}": _goods_receipt,
    "/api/v1/inward-invoices/{invoice_id}": _inward_invoice,
    "/api/v1/imports/{import_id}": _import_job,
}

BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/users/{user_id}"): {"is_active": False},
    ("PATCH", "/api/v1/customers/{customer_id}"): {"contact_name": "Isolation Check"},
    ("PATCH", "/api/v1/invoices/{invoice_id}"): {"buyer_reference": "ISO-1"},
    ("POST", "/api/v1/invoices/{invoice_id}/credit-notes"): {"reason_code": "DL8.61.1.A"},
    ("PATCH", "/api/v1/suppliers/{supplier_id}"): {"payment_terms_days": 45},
    ("PATCH", "/api/v1/purchase-orders/{order_id}"): {"payment_terms": "Net 45"},
    ("POST", "/api/v1/purchase-orders/{order_id}/cancel"): {"reason": "isolation check"},
    ("POST", "/api/v1/purchase-orders/{order_id}/close"): {"reason": "isolation check"},
    ("POST", "/api/v1/purchase-orders/{order_id}/goods-receipts"): {
        "lines": [{"line_no": 1, "quantity_received": "1"}]
    },
    ("POST", "/api/v1/inward-invoices/{invoice_id}/approve-variance"): {"note": "isolation"},
    ("POST", "/api/v1/inward-invoices/{invoice_id}/dispute"): {"reason": "isolation check"},
    ("POST", "/api/v1/inward-invoices/{invoice_id}/hold"): {"reason": "isolation check"},
    ("POST", "/api/v1/inward-invoices/{invoice_id}/reject"): {"reason": "isolation check"},
    ("POST", "/api/v1/inward-invoices/{invoice_id}/mark-paid"): {"reference": "ISO-1"},
    ("POST", "/api/v1/inward-invoices/{invoice_id}/payments"): {"amount": "1.00"},
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): {
        "amount": "1.00",
        "paid_on": "2026-11-24",
    },
}

# Routes where even the owner may get 404 for the factory's row, with the reason.
OWNER_MAY_404: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/inward-invoices/{invoice_id}/xml"): "entered as JSON: no XML is stored",
    ("GET", "/api/v1/imports/{import_id}/errors.csv"): "a clean import has no error report",
}


Query = Callable[[World, dict[str, str], Company], dict[str, str]]


def _po_link_token(w: World, values: dict[str, str], caller: Company) -> dict[str, str]:
    """A signed supplier link as the caller's company would mint it for this order id."""
    from involinks.auth.tokens import create_purpose_token
    from involinks.payables.purchase_orders.service import PDF_TOKEN_PURPOSE

    token = create_purpose_token(
        w.settings,
        subject=values["order_id"],
        purpose=PDF_TOKEN_PURPOSE,
        minutes=10,
        extra={"cid": str(caller.id)},
    )
    return {"token": token}


# Required query parameters (signed links and the like), built for the calling company.
QUERIES: dict[tuple[str, str], Query] = {
    ("GET", "/api/v1/purchase-orders/{order_id}/document"): _po_link_token,
}


def _merge_domain_registries() -> None:
    """Entries kept next to a domain's own tests, in tests/<domain>/isolation.py."""
    root = Path(__file__).parent
    for path in sorted(root.glob("*/**/isolation.py")):
        module = importlib.import_module(
            ".".join(("tests", *path.relative_to(root).with_suffix("").parts))
        )
        FACTORIES.update(getattr(module, "FACTORIES", {}))
        BODIES.update(getattr(module, "BODIES", {}))
        OWNER_MAY_404.update(getattr(module, "OWNER_MAY_404", {}))
        QUERIES.update(getattr(module, "QUERIES", {}))


_merge_domain_registries()


# --- walking the routes ------------------------------------------------------------------------

_PARAM = re.compile(r"{(\w+)(?::[^}]*)?}")


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


@dataclass(frozen=True)
class IdRoute:
    method: str
    path: str
    params: tuple[str, ...]
    needs_body: bool
    required_query: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _all_query_params(dependant: Any) -> list[Any]:
    if dependant is None:
        return []
    found = list(dependant.query_params)
    for sub in dependant.dependencies:
        found.extend(_all_query_params(sub))
    return found


def _id_routes() -> list[IdRoute]:
    settings = Settings(
        environment="test",
        database_url="sqlite+aiosqlite:///:memory:",
        secret_key=SecretStr("route-walk-only-" + "x" * 32),
    )
    app = create_app(settings, check_migrations=False)
    found: list[IdRoute] = []
    for context in iter_route_contexts(app.routes):
        path = context.path
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/admin"):
            continue
        params = tuple(_PARAM.findall(path))
        if not any(_is_id(p) for p in params):
            continue
        body_field = getattr(context.route, "body_field", None)
        needs_body = body_field is not None and body_field.field_info.is_required()
        dependant = getattr(context.route, "dependant", None)
        required_query = tuple(
            q.alias for q in _all_query_params(dependant) if q.field_info.is_required()
        )
        for method in sorted((context.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append(IdRoute(method, path, params, needs_body, required_query))
    return found


ID_ROUTES = _id_routes()


def _factory_for(path: str) -> Factory:
    matches = [p for p in FACTORIES if path == p or path.startswith(p + "/")]
    if not matches:
        pytest.fail(
            f"No isolation factory covers {path}. Add an async factory that creates company A's "
            "row and returns the path parameters to FACTORIES in tests/test_tenant_isolation.py "
            "(or in tests/<domain>/isolation.py).",
            pytrace=False,
        )
    return FACTORIES[max(matches, key=len)]


@pytest.fixture
async def world(client: httpx.AsyncClient, db_session: AsyncSession, settings: Settings) -> World:
    a = await create_company(db_session)
    a_admin = await create_user(db_session, company=a, role=Role.COMPANY_ADMIN)
    b = await create_company(db_session)
    b_admin = await create_user(db_session, company=b, role=Role.COMPANY_ADMIN)
    return World(
        client=client,
        session=db_session,
        settings=settings,
        a=a,
        a_admin=a_admin,
        a_headers=auth_headers(settings, a_admin),
        b=b,
        b_headers=auth_headers(settings, b_admin),
    )


def test_the_walk_finds_id_routes() -> None:
    walked = {str(r) for r in ID_ROUTES}
    assert "PATCH /api/v1/users/{user_id}" in walked
    assert "GET /api/v1/company/documents/{document_id}/download" in walked
    assert not any(r.path.startswith("/api/v1/admin") for r in ID_ROUTES)


def test_registry_has_no_stale_entries() -> None:
    paths = {r.path for r in ID_ROUTES}
    stale = [p for p in FACTORIES if not any(q == p or q.startswith(p + "/") for q in paths)]
    stale += [f"{m} {p}" for m, p in (*BODIES, *QUERIES, *OWNER_MAY_404) if p not in paths]
    assert not stale, f"registry entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
async def test_other_companys_id_is_not_found(route: IdRoute, world: World) -> None:
    factory = _factory_for(route.path)
    values = await factory(world)
    missing = [p for p in route.params if p not in values]
    if missing:
        pytest.fail(f"the factory for {route} does not give {missing}", pytrace=False)
    body = BODIES.get((route.method, route.path))
    if route.needs_body and body is None:
        pytest.fail(
            f"{route} needs a request body: add a valid one to BODIES, or the call answers 422 "
            "before any lookup and proves nothing.",
            pytrace=False,
        )
    query = QUERIES.get((route.method, route.path))
    if route.required_query and query is None:
        pytest.fail(
            f"{route} needs query parameters {list(route.required_query)}: add a builder to "
            "QUERIES, or the call answers 422 before any lookup.",
            pytrace=False,
        )
    url = _PARAM.sub(lambda m: values[m.group(1)], route.path)
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}

    as_b = await world.client.request(
        route.method,
        url,
        headers=world.b_headers,
        params=query(world, values, world.b) if query else None,
        **kwargs,
    )
    assert as_b.status_code == 404, (
        f"{route} with company A's id, called by company B, answered {as_b.status_code}: "
        f"{as_b.text[:300]}"
    )

    if (route.method, route.path) not in OWNER_MAY_404:
        as_a = await world.client.request(
            route.method,
            url,
            headers=world.a_headers,
            params=query(world, values, world.a) if query else None,
            **kwargs,
        )
        assert as_a.status_code != 404, (
            f"the factory's row is not reachable by its own company either ({route}): "
            f"{as_a.text[:300]}; fix the factory, or the 404 above proves nothing"
        )


# --- the second wall: PostgreSQL row-level security ---------------------------------------------


@pytest.fixture
def rls_hooks() -> Iterator[None]:
    added = rls.install()
    yield
    if added:  # leave them in place when the application installed them
        rls.uninstall()


@pytest.mark.postgres_only
async def test_every_table_with_company_id_has_row_level_security(db_session: AsyncSession) -> None:
    # Read from the migrated schema, so a new tenant table whose migration forgets RLS fails here.
    rows = (
        await db_session.execute(
            sa.text(
                "SELECT c.relname, c.relrowsecurity, "
                "  EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid "
                "    AND p.polcmd = '*' "
                "    AND pg_get_expr(p.polqual, p.polrelid) LIKE '%involinks.company_id%' "
                "    AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%involinks.company_id%'"
                "  ) AS has_tenant_policy "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid "
                "    AND a.attname = 'company_id' AND NOT a.attisdropped) "
                "ORDER BY c.relname"
            )
        )
    ).all()
    tables = {row.relname for row in rows}
    # Guards the query itself: these are tenant tables from different revisions.
    assert {"users", "invoices", "inward_invoices", "purchase_orders", "customers"} <= tables
    missing = [row.relname for row in rows if not row.relrowsecurity]
    assert missing == [], f"tenant tables without row-level security: {missing}"
    unguarded = [row.relname for row in rows if not row.has_tenant_policy]
    assert unguarded == [], f"tenant tables without a tenant policy (FOR ALL): {unguarded}"


@pytest.mark.postgres_only
@pytest.mark.usefixtures("rls_hooks")
async def test_raw_sql_in_company_scope_sees_only_that_company(db_session: AsyncSession) -> None:
    from involinks.audit import service as audit

    a = await create_company(db_session)
    b = await create_company(db_session)
    a_user = await create_user(db_session, company=a)
    b_user = await create_user(db_session, company=b)
    with tenancy.system_scope(db_session):
        await audit.record(db_session, "a.only", actor=None, company_id=a.id)
        await audit.record(db_session, "b.only", actor=None, company_id=b.id)

    tenancy.bind_company(db_session, a.id)
    # Raw SQL: no ORM, so the tenancy filter does not apply; only the database can refuse.
    users = (await db_session.execute(sa.text("SELECT id FROM users"))).scalars().all()
    assert a_user.id in users
    assert b_user.id not in users
    actions = (await db_session.execute(sa.text("SELECT action FROM audit_events"))).scalars().all()
    assert "a.only" in actions
    assert "b.only" not in actions
    role = (await db_session.execute(sa.text("SELECT current_user"))).scalar_one()
    assert role == rls.APP_ROLE

    # Writing a row for another company is refused by the policy's WITH CHECK.
    savepoint = await db_session.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
        await db_session.execute(
            sa.text(
                "INSERT INTO users (id, company_id, email, full_name, role, is_active, "
                "failed_login_count, token_version, mfa_email_enabled, created_at, updated_at) "
                "VALUES (:id, :company, :email, 'X', 'FINANCE_USER', true, 0, 0, false, now(), "
                "now())"
            ),
            {"id": uuid.uuid4(), "company": b.id, "email": f"{uuid.uuid4().hex}@b.ae"},
        )
    await savepoint.rollback()

    # Back in system scope the same connection sees everything again.
    with tenancy.system_scope(db_session):
        everyone = (await db_session.execute(sa.text("SELECT id FROM users"))).scalars().all()
        assert {a_user.id, b_user.id} <= set(everyone)
        assert (
            await db_session.execute(sa.text("SELECT current_user"))
        ).scalar_one() != rls.APP_ROLE


@pytest.mark.postgres_only
@pytest.mark.usefixtures("rls_hooks")
async def test_company_scope_may_queue_mail_but_not_read_the_outbox(
    db_session: AsyncSession,
) -> None:
    from involinks.jobs import queue as job_queue
    from involinks.mail.service import send_mail

    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    async with job_queue.collecting() as jobs:
        await send_mail(db_session, to="someone@a.ae", subject="Hi", text="Hello")
        jobs.discard()
    savepoint = await db_session.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
        await db_session.execute(sa.text("SELECT to_address FROM mail_outbox"))
    await savepoint.rollback()
