"""POST /api/v1/imports with customers and suppliers: formats, errors, all-or-nothing,
skip_invalid, idempotent re-uploads, error report, limits and permissions."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit import service as audit
from involinks.audit.models import AuditEvent
from involinks.auth.permissions import Role
from involinks.config import Settings
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.payables.suppliers.models import Supplier
from tests.factories import auth_headers, create_user
from tests.imports.conftest import URL, Tenant, body, make_tenant, upload
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row, uae_trn, xlsx_bytes


async def customers(session: AsyncSession, tenant: Tenant) -> dict[str | None, Customer]:
    tenancy.bind_company(session, tenant.company.id)
    rows = (await session.execute(sa.select(Customer))).scalars().all()
    return {row.trn: row for row in rows}


def error_cells(result: dict[str, object]) -> set[tuple[int, str | None]]:
    return {(e["row"], e["column"]) for e in result["errors"]}  # type: ignore[attr-defined]


class TestFormats:
    async def test_csv_with_bom_and_semicolons(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        rows = [
            customer_row(1, legal_name="Al Noor Trading LLC"),
            customer_row(2, emirate="Abu Dhabi"),
        ]
        data = csv_bytes(CUSTOMER_HEADER, rows, delimiter=";", bom=True)
        result = body(await upload(client, tenant, "customers", data), 201)
        assert result["status"] == "succeeded"
        assert (result["rows_total"], result["rows_done"], result["created_count"]) == (2, 2, 2)
        assert result["file_format"] == "csv"
        stored = await customers(db_session, tenant)
        assert stored[rows[0]["trn"]].legal_name == "Al Noor Trading LLC"
        assert stored[rows[1]["trn"]].emirate == "AUH"
        # The customers service applied its rules: default Peppol id 0235:<TIN>.
        assert stored[rows[0]["trn"]].peppol_id == f"0235:{rows[0]['trn'][:10]}"

    async def test_xlsx_with_numbers_typed_as_numbers(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = uae_trn()
        row = ["Excel Buyer LLC", int(trn), "ap@excel.ae", "Office 5", "Sharjah", "SHJ", "AE"]
        data = xlsx_bytes(CUSTOMER_HEADER, [row])
        # Named .csv on purpose: the type comes from the content.
        result = body(await upload(client, tenant, "customers", data, filename="x.csv"), 201)
        assert result["status"] == "succeeded", result["errors"]
        assert result["file_format"] == "xlsx"
        assert (await customers(db_session, tenant))[trn].city == "Sharjah"


class TestErrors:
    @pytest.fixture
    def three_bad_rows(self) -> bytes:
        rows = [customer_row(n) for n in range(10)]
        rows[2]["trn"] = "10012345"  # row 4
        rows[5]["email"] = "accounts at buyer"  # row 7
        rows[8]["country"] = "XX"  # row 10
        rows[8]["emirate"] = ""
        return csv_bytes(CUSTOMER_HEADER, rows)

    async def test_exactly_the_three_bad_rows_and_nothing_written(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        three_bad_rows: bytes,
    ) -> None:
        result = body(await upload(client, tenant, "customers", three_bad_rows), 201)
        assert result["status"] == "failed"
        assert error_cells(result) == {(4, "trn"), (7, "email"), (10, "country")}
        assert {e["value"] for e in result["errors"]} == {"10012345", "accounts at buyer", "XX"}
        assert (result["error_count"], result["invalid_count"], result["created_count"]) == (
            3,
            3,
            0,
        )
        assert "nothing was imported" in result["message"]
        assert await customers(db_session, tenant) == {}

    async def test_skip_invalid_imports_the_valid_rows(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        three_bad_rows: bytes,
    ) -> None:
        result = body(
            await upload(client, tenant, "customers", three_bad_rows, skip_invalid=True), 201
        )
        assert result["status"] == "partial"
        assert result["created_count"] == 7
        assert error_cells(result) == {(4, "trn"), (7, "email"), (10, "country")}
        stored = await customers(db_session, tenant)
        assert len(stored) == 7
        # Each customer the service created is audited, chained after the pass, before the
        # import's own closing event; the chain verifies.
        events = (
            await db_session.execute(
                sa.select(AuditEvent.action, AuditEvent.subject_id).order_by(AuditEvent.seq)
            )
        ).all()
        created = [subject for action, subject in events if action == "customer.created"]
        assert sorted(created) == sorted(str(c.id) for c in stored.values())
        assert events[-1].action == "import.finished"
        assert (await audit.verify_chain(db_session, tenant.company.id)).ok

    async def test_dry_run_writes_nothing_but_reports(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1), customer_row(2)])
        result = body(await upload(client, tenant, "customers", data, dry_run=True), 201)
        assert (result["status"], result["dry_run"], result["created_count"]) == (
            "succeeded",
            True,
            2,
        )
        assert "nothing was written" in result["message"]
        assert await customers(db_session, tenant) == {}
        assert not (
            await db_session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "customer.created")
            )
        ).all()
        # A dry run does not count as imported: the real upload of the same file runs.
        real = body(await upload(client, tenant, "customers", data), 201)
        assert real["id"] != result["id"]
        assert len(await customers(db_session, tenant)) == 2

    async def test_error_report_escapes_formulas(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        rows = [
            customer_row(1, trn="=1+2"),
            customer_row(2, email="@SUM(A1)"),
            customer_row(3, emirate="-DXB"),
        ]
        result = body(
            await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows)), 201
        )
        response = await client.get(f"{URL}/{result['id']}/errors.csv", headers=tenant.headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert lines[0] == ["row", "column", "value", "message"]
        values = {(line[0], line[1]): line[2] for line in lines[1:]}
        assert values == {
            ("2", "trn"): "'=1+2",
            ("3", "email"): "'@SUM(A1)",
            ("4", "emirate"): "'-DXB",
        }


class TestIdempotency:
    async def test_same_file_again_answers_with_the_earlier_import(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1), customer_row(2)])
        first = body(await upload(client, tenant, "customers", data), 201)
        again = body(await upload(client, tenant, "customers", data), 200)
        assert again["id"] == first["id"]
        assert len(await customers(db_session, tenant)) == 2
        listed = body(await client.get(URL, headers=tenant.headers), 200)
        assert listed["total"] == 1

    async def test_a_failed_import_can_be_uploaded_again(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1, trn="1")])
        first = body(await upload(client, tenant, "customers", data), 201)
        second = body(await upload(client, tenant, "customers", data), 201)
        assert first["status"] == second["status"] == "failed"
        assert first["id"] != second["id"]

    async def test_overlapping_file_updates_or_keeps_never_duplicates(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        rows = [customer_row(1), customer_row(2), customer_row(3)]
        body(await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows)), 201)
        changed = dict(rows[1], email="new-ap@buyer2.ae")
        second_file = [rows[0], changed, customer_row(4)]
        result = body(
            await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, second_file)), 201
        )
        assert result["status"] == "succeeded"
        assert (result["created_count"], result["updated_count"], result["unchanged_count"]) == (
            1,
            1,
            1,
        )
        assert sorted((r["row"], r["key"], r["action"]) for r in result["results"]) == [
            (2, rows[0]["trn"], "unchanged"),
            (3, rows[1]["trn"], "updated"),
        ]
        assert "email" in next(r for r in result["results"] if r["row"] == 3)["message"]
        stored = await customers(db_session, tenant)
        assert len(stored) == 4
        assert stored[rows[1]["trn"]].email == "new-ap@buyer2.ae"

    async def test_customers_without_trn_match_by_name_and_email(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        row = customer_row(1, trn="", country="GB", emirate="", city="London")
        header_rows = csv_bytes(CUSTOMER_HEADER, [row])
        body(await upload(client, tenant, "customers", header_rows), 201)
        renamed = csv_bytes(
            CUSTOMER_HEADER,
            [dict(row, legal_name=row["legal_name"].upper(), address_line1="New street 1")],
        )
        result = body(await upload(client, tenant, "customers", renamed), 201)
        assert result["updated_count"] == 1
        assert len(await customers(db_session, tenant)) == 1


class TestFileProblems:
    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"%PDF-1.4 not a spreadsheet", "PDF"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Excel 97-2003"),
            (b"PK\x03\x04" + b"\0" * 64, "damaged"),
            (b"", "empty"),
            (b"name,colour\nA,red\n", "missing required columns"),
            (",,\nA,B,C\n", "header"),
        ],
    )
    async def test_unreadable_files_get_422_saying_what_to_fix(
        self, client: httpx.AsyncClient, tenant: Tenant, data: bytes | str, words: str
    ) -> None:
        raw = data.encode() if isinstance(data, str) else data
        response = await upload(client, tenant, "customers", raw)
        assert response.status_code == 422, response.text
        assert words in response.json()["error"]["message"]
        assert body(await client.get(URL, headers=tenant.headers), 200)["total"] == 0

    async def test_zip_that_is_not_a_workbook(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        response = await upload(client, tenant, "customers", buffer.getvalue(), filename="a.xlsx")
        assert response.status_code == 422
        assert "not an Excel workbook" in response.json()["error"]["message"]

    async def test_not_utf8_names_byte_and_line(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        rows = [customer_row(1), customer_row(2), customer_row(3, legal_name="Société Générale")]
        data = csv_bytes(CUSTOMER_HEADER, rows, encoding="latin-1")
        response = await upload(client, tenant, "customers", data)
        assert response.status_code == 422
        assert "not UTF-8: byte 0xE9 at line 4" in response.json()["error"]["message"]

    async def test_unknown_kind(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        response = await upload(client, tenant, "employees", b"a,b\n1,2\n")
        assert response.status_code == 422
        assert "customers" in response.json()["error"]["message"]


class TestLimits:
    @pytest.fixture
    async def small_limit(self, app: FastAPI) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        app.state.settings = settings.model_copy(update={"max_upload_bytes": 2048})
        yield
        app.state.settings = settings

    async def test_413_from_content_length_before_reading(
        self, client: httpx.AsyncClient, tenant: Tenant, small_limit: None
    ) -> None:
        rows = [customer_row(n) for n in range(200)]
        response = await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows))
        assert response.status_code == 413
        assert body(await client.get(URL, headers=tenant.headers), 200)["total"] == 0

    async def test_413_when_streamed_without_length(
        self, client: httpx.AsyncClient, tenant: Tenant, small_limit: None
    ) -> None:
        boundary = "involinks-test-boundary"
        payload = csv_bytes(CUSTOMER_HEADER, [customer_row(n) for n in range(2000)])
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncustomers\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        async def chunks() -> AsyncIterator[bytes]:
            yield head
            for start in range(0, len(payload), 4096):
                yield payload[start : start + 4096]
            yield tail

        response = await client.post(
            URL,
            headers={**tenant.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=chunks(),
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413


class TestAccess:
    async def test_finance_users_cannot_import(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        finance = await create_user(db_session, company=tenant.company, role=Role.FINANCE_USER)
        response = await client.post(
            URL,
            headers=auth_headers(settings, finance),
            data={"kind": "customers"},
            files={"file": ("a.csv", csv_bytes(CUSTOMER_HEADER, [customer_row(1)]))},
        )
        assert response.status_code == 403
        assert "import:run" in response.json()["error"]["message"]

    async def test_another_companys_import_is_not_found(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        result = body(
            await upload(
                client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, [customer_row(1)])
            ),
            201,
        )
        other = await make_tenant(db_session, settings)
        for path in (f"{URL}/{result['id']}", f"{URL}/{result['id']}/errors.csv"):
            assert (await client.get(path, headers=other.headers)).status_code == 404
        assert body(await client.get(URL, headers=other.headers), 200)["total"] == 0
        # The same file in another company is imported there, not answered with ours.
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1)])
        body(await upload(client, tenant, "customers", data), 201)
        assert (await upload(client, other, "customers", data)).status_code == 201

    async def test_templates(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        response = await client.get(f"{URL}/templates/customers", headers=tenant.headers)
        assert response.status_code == 200
        assert response.content.decode("utf-8-sig").startswith(
            "legal_name,trn,email,address_line1,city,emirate,country,"
        )
        response = await client.get(
            f"{URL}/templates/purchase_orders", params={"format": "xlsx"}, headers=tenant.headers
        )
        assert response.status_code == 200
        assert response.content.startswith(b"PK\x03\x04")
        assert (
            await client.get(f"{URL}/templates/employees", headers=tenant.headers)
        ).status_code == 422


class TestSuppliers:
    HEADER = ("legal_name", "trn", "email", "payment_terms_days", "peppol_id", "country")

    async def test_import_and_reimport(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = uae_trn()
        rows = [
            {
                "legal_name": "Desert Paper LLC",
                "trn": trn,
                "email": "orders@dp.ae",
                "payment_terms_days": "30",
            },
            {
                "legal_name": "Overseas Ltd",
                "trn": "",
                "email": "sales@overseas.co.uk",
                "country": "GB",
            },
            {
                "legal_name": "Bad Terms LLC",
                "trn": uae_trn(),
                "email": "a@b.ae",
                "payment_terms_days": "400",
            },
        ]
        result = body(
            await upload(
                client, tenant, "suppliers", csv_bytes(self.HEADER, rows), skip_invalid=True
            ),
            201,
        )
        assert result["status"] == "partial"
        assert error_cells(result) == {(4, "payment_terms_days")}
        again = [dict(rows[0], payment_terms_days="45"), rows[1]]
        second = body(await upload(client, tenant, "suppliers", csv_bytes(self.HEADER, again)), 201)
        assert (second["created_count"], second["updated_count"], second["unchanged_count"]) == (
            0,
            1,
            1,
        )
        tenancy.bind_company(db_session, tenant.company.id)
        stored = (await db_session.execute(sa.select(Supplier))).scalars().all()
        assert sorted(s.name for s in stored) == ["Desert Paper LLC", "Overseas Ltd"]
        assert next(s for s in stored if s.trn == trn).payment_terms_days == 45
