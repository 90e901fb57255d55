"""GET /api/v1/invoices: filters, sorting, paging, and a constant number of SQL statements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.customers.factories import invoice_payload, line
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant
from tests.statements import selects_sent

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"


async def _draft(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    return ok(await client.post(URL, json=payload, headers=tenant.headers), 201)


async def _list(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> dict[str, Any]:
    return ok(await client.get(URL, params=params, headers=tenant.headers))


@pytest.fixture
async def sample(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, dict[str, Any]]:
    """Three invoices (two finalized) and one credit note of known amounts and dates."""
    small = await _draft(client, tenant, issue_date="2026-01-15", lines=[line(quantity="1")])
    medium = await _draft(client, tenant, issue_date="2026-02-15", lines=[line(quantity="5")])
    large = await _draft(client, tenant, issue_date="2026-03-15", lines=[line(quantity="20")])
    for invoice in (small, large):
        ok(await client.post(f"{URL}/{invoice['id']}/finalize", headers=tenant.headers))
    credit = ok(
        await client.post(
            f"{URL}/{large['id']}/credit-notes",
            json={"reason_code": "VD", "issue_date": "2026-03-20", "lines": [line(quantity="1")]},
            headers=tenant.headers,
        ),
        201,
    )
    # Payable: small 105.00, medium 525.00, large 2100.00, credit 105.00.
    return {"small": small, "medium": medium, "large": large, "credit": credit}


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


class TestFilters:
    async def test_status_kind_and_customer(
        self, client: httpx.AsyncClient, tenant: Tenant, sample: dict[str, dict[str, Any]]
    ) -> None:
        finalized = await _list(client, tenant, status="FINALIZED")
        assert set(_ids(finalized)) == {sample["small"]["id"], sample["large"]["id"]}
        drafts_and_final = await _list(client, tenant, status=["DRAFT", "FINALIZED"])
        assert drafts_and_final["total"] == 4
        credit_notes = await _list(client, tenant, kind="credit_note")
        assert _ids(credit_notes) == [sample["credit"]["id"]]
        by_customer = await _list(client, tenant, customer_id=str(tenant.customer.id))
        assert by_customer["total"] == 4

    async def test_dates_amounts_and_number(
        self, client: httpx.AsyncClient, tenant: Tenant, sample: dict[str, dict[str, Any]]
    ) -> None:
        february_on = await _list(
            client, tenant, issue_date_from="2026-02-01", issue_date_to="2026-03-15"
        )
        assert set(_ids(february_on)) == {sample["medium"]["id"], sample["large"]["id"]}
        mid_amounts = await _list(client, tenant, amount_min="105.01", amount_max="2100.00")
        assert set(_ids(mid_amounts)) == {sample["medium"]["id"], sample["large"]["id"]}
        by_number = await _list(client, tenant, number="inv-2026-000002")
        assert _ids(by_number) == [sample["large"]["id"]]
        wildcard = await _list(client, tenant, number="%")
        assert wildcard["total"] == 0

    async def test_other_company_sees_nothing(
        self,
        client: httpx.AsyncClient,
        other_tenant: Tenant,
        sample: dict[str, dict[str, Any]],
    ) -> None:
        assert (await _list(client, other_tenant))["total"] == 0

    async def test_invalid_parameters(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        for params in (
            {"status": "SETTLED"},
            {"sort": "customer"},
            {"order": "up"},
            {"page_size": 500},
        ):
            response = await client.get(URL, params=params, headers=tenant.headers)
            assert response.status_code == 422, params


class TestSortingAndPaging:
    async def test_sorting(
        self, client: httpx.AsyncClient, tenant: Tenant, sample: dict[str, dict[str, Any]]
    ) -> None:
        by_amount = await _list(client, tenant, sort="payable_amount", order="desc", kind="invoice")
        assert _ids(by_amount) == [sample[k]["id"] for k in ("large", "medium", "small")]
        by_date = await _list(client, tenant, sort="issue_date", order="asc")
        assert _ids(by_date) == [sample[k]["id"] for k in ("small", "medium", "large", "credit")]
        by_number = await _list(client, tenant, sort="number", order="asc", kind="invoice")
        # INV-2026-000001 (small), INV-2026-000002 (large), then the unnumbered draft.
        assert _ids(by_number) == [sample[k]["id"] for k in ("small", "large", "medium")]
        newest_first = await _list(client, tenant)
        assert _ids(newest_first)[0] == sample["credit"]["id"]

    async def test_paging(
        self, client: httpx.AsyncClient, tenant: Tenant, sample: dict[str, dict[str, Any]]
    ) -> None:
        first = await _list(client, tenant, sort="issue_date", page_size=3)
        second = await _list(client, tenant, sort="issue_date", page_size=3, page=2)
        assert first["total"] == second["total"] == 4
        assert (first["page"], first["page_size"], len(first["items"])) == (1, 3, 3)
        assert len(second["items"]) == 1
        assert set(_ids(first)).isdisjoint(_ids(second))
        assert first["items"][0]["lines"][0]["item_name"] == "Consulting"
        past_the_end = await _list(client, tenant, sort="issue_date", page_size=3, page=3)
        assert (past_the_end["items"], past_the_end["total"]) == ([], 4)

    async def test_total_counts_only_the_callers_company(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        other_tenant: Tenant,
        sample: dict[str, dict[str, Any]],
    ) -> None:
        # The total comes from a subquery of the page's statement: the tenant filter must reach it.
        theirs = await _draft(client, other_tenant)
        mine = await _list(client, tenant, page_size=2)
        assert (mine["total"], len(mine["items"])) == (4, 2)
        other = await _list(client, other_tenant)
        assert (other["total"], _ids(other)) == (1, [theirs["id"]])
        filtered = await _list(client, other_tenant, status="DRAFT", page=2)
        assert (filtered["total"], filtered["items"]) == (1, [])


async def test_list_does_not_grow_queries_with_page_size(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    for _ in range(20):
        await _draft(client, tenant, lines=[line(), line(quantity="3")])
    with selects_sent(engine) as two:
        page = await _list(client, tenant, page_size=2)
    assert len(page["items"]) == 2
    with selects_sent(engine) as twenty:
        page = await _list(client, tenant, page_size=20)
    assert len(page["items"]) == 20
    assert all(len(item["lines"]) == 2 for item in page["items"])
    assert len(twenty) == len(two), twenty


async def test_authenticated_list_round_trips_are_bounded(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    """A regression guard for the hottest request: every statement of an authenticated list,
    authentication and row-level-security settings included (SAVEPOINTs of the test harness
    aside)."""
    for _ in range(3):
        await _draft(client, tenant)
    with selects_sent(engine) as statements:
        page = await _list(client, tenant, status=["DRAFT"], page_size=2)
    assert (page["total"], len(page["items"])) == (3, 2)
    rls = [q for q in statements if "set_config" in q]
    # PostgreSQL: the RLS role and settings once per transaction (none on SQLite).
    assert len(rls) == (1 if engine.dialect.name == "postgresql" else 0), rls
    # The user with their company and its plan; the page with its total and customers joined;
    # its lines; its allowances/charges.
    rest = [q for q in statements if q not in rls]
    assert len(rest) == 4, rest
    assert "JOIN companies" in rest[0]
    assert "JOIN subscription_plans" in rest[0]
    assert "count(" in rest[1]
    assert "JOIN customers" in rest[1]


class TestSummaryView:
    """``view=summary``: the list screen's fields, the same rows and totals as the full view."""

    async def test_summaries_match_the_full_invoices(
        self, client: httpx.AsyncClient, tenant: Tenant, sample: dict[str, dict[str, Any]]
    ) -> None:
        for params in (
            {},
            {"sort": "number", "order": "asc"},
            {"status": "FINALIZED", "page_size": 1, "page": 2},
            {"kind": "credit_note"},
        ):
            full = await _list(client, tenant, **params)
            summary = await _list(client, tenant, view="summary", **params)
            assert (summary["total"], summary["page"], summary["page_size"]) == (
                full["total"],
                full["page"],
                full["page_size"],
            ), params
            assert _ids(summary) == _ids(full), params
            assert (summary["view"], full["view"]) == ("summary", "full")
            for short, whole in zip(summary["items"], full["items"], strict=True):
                assert "lines" not in short
                assert "seller" not in short
                assert short == {key: whole[key] for key in short}, params
        credit = (await _list(client, tenant, view="summary", kind="credit_note"))["items"][0]
        assert credit["credited_invoice_id"] == sample["large"]["id"]
        assert credit["customer"]["legal_name"] == tenant.customer.legal_name
        assert credit["payable_amount"] == "105.00"

    async def test_only_the_callers_company(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        other_tenant: Tenant,
        sample: dict[str, dict[str, Any]],
    ) -> None:
        theirs = await _draft(client, other_tenant)
        other = await _list(client, other_tenant, view="summary")
        assert (other["total"], _ids(other)) == (1, [theirs["id"]])
        past_the_end = await _list(client, tenant, view="summary", page=2)
        assert (past_the_end["total"], past_the_end["items"]) == (4, [])

    async def test_an_unknown_view_is_refused(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        response = await client.get(URL, params={"view": "brief"}, headers=tenant.headers)
        assert response.status_code == 422
        assert "view" in response.text

    async def test_one_statement_for_the_page(
        self, client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
    ) -> None:
        for _ in range(3):
            await _draft(client, tenant, lines=[line(), line(quantity="3")])
        with selects_sent(engine) as statements:
            page = await _list(client, tenant, view="summary", page_size=2)
        assert (page["total"], len(page["items"])) == (3, 2)
        rest = [q for q in statements if "set_config" not in q]
        # The user with their company and plan, then the page with its total and customers.
        assert len(rest) == 2, rest
        assert "count(" in rest[1]
        assert "JOIN customers" in rest[1]
        assert "invoice_lines" not in rest[1]


async def test_viewing_an_invoice_reads_it_with_its_lines_in_one_statement(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    """One invoice: its lines come joined with it (a page keeps them in a query of their own)."""
    draft = await _draft(
        client, tenant, lines=[line(quantity="5"), line(quantity="3"), line(quantity="7")]
    )
    with selects_sent(engine) as statements:
        shown = ok(await client.get(f"{URL}/{draft['id']}", headers=tenant.headers))
    assert [item["quantity"] for item in shown["lines"]] == ["5", "3", "7"]
    assert len(shown["status_history"]) == 1
    reads = [q for q in statements if "set_config" not in q and "FROM users" not in q]
    # The invoice with its customer and lines; its allowances/charges; its status history.
    assert len(reads) == 3, reads
    assert "JOIN invoice_lines" in reads[0]
