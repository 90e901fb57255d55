"""Malformed import files: each is refused with a message saying what to fix, and nothing is written.

File-level problems (encoding, header, empty, junk, size) are answered 4xx before a run is
recorded. Row-level problems (formula cells, dates, duplicate references) fail the run as a
whole (all or nothing): the run and its error list are kept, no record is.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.imports.common import FileProblem, ImportKind
from involinks.imports.service import count_rows
from involinks.invoicing.models import Invoice
from tests.imports.conftest import URL, Tenant, body, upload
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row, uae_trn, xlsx_bytes

MiB = 1024 * 1024
INVOICE_HEADER = (
    "invoice_ref",
    "customer_trn",
    "issue_date",
    "currency",
    "item_name",
    "quantity",
    "unit_price",
    "vat_category",
)


async def imports_total(client: httpx.AsyncClient, tenant: Tenant) -> int:
    total: int = body(await client.get(URL, headers=tenant.headers), 200)["total"]
    return total


async def count_of(session: AsyncSession, tenant: Tenant, model: type[Customer | Invoice]) -> int:
    tenancy.bind_company(session, tenant.company.id)
    return int((await session.execute(sa.select(sa.func.count(model.id)))).scalar_one())


async def refused(
    client: httpx.AsyncClient, tenant: Tenant, kind: str, data: bytes, status: int = 422
) -> str:
    """Upload, expect a refusal, check no run was recorded; the message."""
    response = await upload(client, tenant, kind, data)
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    assert await imports_total(client, tenant) == 0
    return message


class TestEncoding:
    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
    async def test_utf16_with_bom(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession, encoding: str
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1)], encoding=encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        message = await refused(client, tenant, "customers", data)
        assert "UTF-16" in message
        assert "CSV UTF-8" in message
        assert await count_of(db_session, tenant, Customer) == 0

    async def test_utf16_without_bom_is_not_text(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [customer_row(1)], encoding="utf-16-le")
        message = await refused(client, tenant, "customers", data)
        assert "CSV UTF-8" in message

    async def test_windows_1252_is_named(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        # A curly apostrophe is byte 0x92 in Windows-1252 and invalid as UTF-8; row 2 is line 2.
        rows = [customer_row(1, legal_name="Ali’s Trading LLC")]
        data = csv_bytes(CUSTOMER_HEADER, rows, encoding="cp1252")
        message = await refused(client, tenant, "customers", data)
        assert "byte 0x92 at line 2" in message
        assert "Windows-1252" in message


class TestColumns:
    async def test_missing_column_is_named(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        header = tuple(name for name in CUSTOMER_HEADER if name not in {"email", "city"})
        message = await refused(
            client, tenant, "customers", csv_bytes(header, [customer_row(1), customer_row(2)])
        )
        assert "missing required columns: email, city" in message
        assert "Download the template" in message
        assert await count_of(db_session, tenant, Customer) == 0

    async def test_extra_column_is_named_with_its_letter(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        header = (*CUSTOMER_HEADER, "favourite_colour")
        rows = [{**customer_row(1), "favourite_colour": "blue"}]
        message = await refused(client, tenant, "customers", csv_bytes(header, rows))
        # CUSTOMER_HEADER has 7 columns, so the extra one is column H.
        assert "unknown column 'favourite_colour' (column H)" in message
        assert await count_of(db_session, tenant, Customer) == 0

    async def test_value_beyond_the_header(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        row = [customer_row(1)[name] for name in CUSTOMER_HEADER]
        data = csv_bytes(CUSTOMER_HEADER, [[*row, "stray"]])
        result = body(await upload(client, tenant, "customers", data), 201)
        assert result["status"] == "failed"
        [error] = result["errors"]
        assert (error["row"], error["value"]) == (2, "stray")
        assert "column H has a value but no name" in error["message"]
        assert await count_of(db_session, tenant, Customer) == 0


class TestEmpty:
    async def test_zero_bytes(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        assert "empty" in await refused(client, tenant, "customers", b"")

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    async def test_header_only(
        self, client: httpx.AsyncClient, tenant: Tenant, file_format: str
    ) -> None:
        data = (
            csv_bytes(CUSTOMER_HEADER, [])
            if file_format == "csv"
            else xlsx_bytes(CUSTOMER_HEADER, [])
        )
        message = await refused(client, tenant, "customers", data)
        assert "no data rows" in message

    async def test_blank_lines_only_below_the_header(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [[""] * len(CUSTOMER_HEADER)] * 3)
        assert "no data rows" in await refused(client, tenant, "customers", data)


def _multipart_head(boundary: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncustomers\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="junk.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()


class TestJunk:
    LIMIT = 1 * MiB
    JUNK = 50 * MiB
    CHUNK = 64 * 1024

    @pytest.fixture
    def limit(self, app: FastAPI) -> Iterator[None]:
        original: Settings = app.state.settings
        app.state.settings = original.model_copy(update={"max_upload_bytes": self.LIMIT})
        yield
        app.state.settings = original

    @pytest.mark.parametrize("declare_length", [True, False])
    async def test_50_mb_of_random_bytes_is_cut_off(
        self, client: httpx.AsyncClient, tenant: Tenant, limit: None, declare_length: bool
    ) -> None:
        boundary = "junk-boundary"
        head, tail = _multipart_head(boundary), f"\r\n--{boundary}--\r\n".encode()
        sent = 0
        generator = random.Random(50)

        async def body_chunks() -> AsyncIterator[bytes]:
            # Generated lazily, so what the server pulled is what was sent.
            nonlocal sent
            yield head
            for _ in range(self.JUNK // self.CHUNK):
                chunk = generator.randbytes(self.CHUNK)
                sent += len(chunk)
                yield chunk
            yield tail

        headers = {**tenant.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        if declare_length:
            headers["Content-Length"] = str(len(head) + self.JUNK + len(tail))
        response = await client.post(URL, headers=headers, content=body_chunks())
        assert response.status_code == 413, response.text
        assert "limit is 1 MB" in response.json()["error"]["message"]
        # Refused before (declared length) or soon after (streamed) the limit: never all 50 MB.
        assert sent <= self.LIMIT + 64 * 1024 + 2 * self.CHUNK
        if declare_length:
            assert sent <= self.CHUNK
        assert await imports_total(client, tenant) == 0

    @pytest.mark.parametrize(
        ("seed", "prefix"),
        [(1, b""), (2, b""), (3, b""), (4, b"PK\x03\x04"), (5, b"\xd0\xcf\x11\xe0")],
    )
    async def test_junk_under_the_limit_is_422_not_500(
        self, client: httpx.AsyncClient, tenant: Tenant, limit: None, seed: int, prefix: bytes
    ) -> None:
        data = prefix + random.Random(seed).randbytes(256 * 1024)
        message = await refused(client, tenant, "customers", data)
        assert len(message) > 20

    async def test_printable_junk_gets_the_header_explained(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        generator = random.Random(7)
        text = "".join(generator.choice("abcdefgh ;,\t\n\"'xyz0123") for _ in range(20_000))
        message = await refused(client, tenant, "invoices", text.encode())
        assert "header" in message.lower() or "CSV" in message

    @hyp_settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        data=st.one_of(
            st.binary(max_size=2048),
            st.binary(max_size=512).map(lambda junk: b"PK\x03\x04" + junk),
            st.text(max_size=512).map(lambda text: ("legal_name,trn\n" + text).encode()),
        )
    )
    @example(data=b"\r\x01")  # a bare carriage return inside the header line
    def test_any_bytes_give_a_file_problem_or_rows(self, settings: Settings, data: bytes) -> None:
        # The whole-file check may refuse (FileProblem: 422) or count rows; nothing else escapes.
        message = "counted"
        try:
            count_rows(data, ImportKind.CUSTOMERS, settings)
        except FileProblem as problem:
            message = problem.message
        assert message


def _xlsx_with_formula(trn: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(CUSTOMER_HEADER))
    sheet.append(["=1+1", trn, "ap@f.ae", "Office 1", "Dubai", "DXB", "AE"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestFormulas:
    async def test_xlsx_formula_cell_is_refused_not_evaluated(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        data = _xlsx_with_formula(uae_trn())
        result = body(await upload(client, tenant, "customers", data, filename="f.xlsx"), 201)
        assert result["status"] == "failed"
        [error] = result["errors"]
        assert (error["row"], error["column"], error["value"]) == (2, "legal_name", "=1+1")
        assert "formulas are not evaluated: enter the value itself" in error["message"]
        assert await count_of(db_session, tenant, Customer) == 0
        report = await client.get(f"{URL}/{result['id']}/errors.csv", headers=tenant.headers)
        lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
        assert lines[1][:3] == ["2", "legal_name", "'=1+1"]

    @pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+971 Trading", "@Home LLC"])
    async def test_csv_formula_text_stays_text(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession, text: str
    ) -> None:
        # CSV has no formulas: the cell is kept as the literal text typed, never computed.
        row = customer_row(1, legal_name=text)
        result = body(
            await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, [row])), 201
        )
        assert result["status"] == "succeeded", result["errors"]
        tenancy.bind_company(db_session, tenant.company.id)
        stored = (await db_session.execute(sa.select(Customer.legal_name))).scalar_one()
        assert stored == text

    async def test_every_formula_start_is_escaped_in_the_error_report(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        # Invalid TRNs starting with each formula character; the report must neutralise them.
        starts = ["=2+3", "+2+3", "-2+3", "@SUM(A1)"]
        rows = [customer_row(n, trn=value) for n, value in enumerate(starts)]
        result = body(
            await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows)), 201
        )
        report = await client.get(f"{URL}/{result['id']}/errors.csv", headers=tenant.headers)
        lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
        trn_values = sorted(line[2] for line in lines[1:] if line[1] == "trn")
        assert trn_values == sorted("'" + value for value in starts)


def _invoice(ref: str, trn: str, issue_date: str) -> dict[str, str]:
    return {
        "invoice_ref": ref,
        "customer_trn": trn,
        "issue_date": issue_date,
        "currency": "AED",
        "item_name": "Service",
        "quantity": "1",
        "unit_price": "100.00",
        "vat_category": "S",
    }


async def _customer(client: httpx.AsyncClient, tenant: Tenant) -> str:
    trn = uae_trn()
    data = csv_bytes(CUSTOMER_HEADER, [customer_row(1, trn=trn)])
    assert body(await upload(client, tenant, "customers", data), 201)["status"] == "succeeded"
    return trn


class TestDates:
    async def test_iso_and_day_month_year(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await _customer(client, tenant)
        rows = [
            _invoice("D-1", trn, "2026-03-05"),
            _invoice("D-2", trn, "05/03/2026"),  # 5 March, day first
            _invoice("D-3", trn, "7/3/2026"),
        ]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201
        )
        assert result["status"] == "succeeded", result["errors"]
        tenancy.bind_company(db_session, tenant.company.id)
        dates = (await db_session.execute(sa.select(Invoice.issue_date))).scalars().all()
        assert sorted(dates) == [date(2026, 3, 5), date(2026, 3, 5), date(2026, 3, 7)]

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("03/25/2026", "read as DD/MM/YYYY, day/month/year; it looks like MM/DD/YYYY"),
            ("2026-13-01", "read as YYYY-MM-DD"),
            ("5 March 2026", "use YYYY-MM-DD (2026-01-31) or DD/MM/YYYY (31/01/2026)"),
            ("05.03.26", "use YYYY-MM-DD (2026-01-31) or DD/MM/YYYY (31/01/2026)"),
        ],
    )
    async def test_bad_date_names_the_expected_format_and_writes_nothing(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        text: str,
        words: str,
    ) -> None:
        trn = await _customer(client, tenant)
        rows = [_invoice("OK-1", trn, "2026-03-05"), _invoice("BAD-1", trn, text)]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201
        )
        assert result["status"] == "failed"
        [error] = result["errors"]
        assert (error["row"], error["column"], error["value"]) == (3, "issue_date", text)
        assert words in error["message"]
        assert "nothing was imported" in result["message"]
        assert await count_of(db_session, tenant, Invoice) == 0


class TestDuplicates:
    async def test_invoice_reference_repeated_after_another(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = await _customer(client, tenant)
        rows = [
            _invoice("R-1", trn, "2026-03-05"),
            _invoice("R-2", trn, "2026-03-05"),
            _invoice("R-1", trn, "2026-03-06"),
        ]
        result = body(
            await upload(client, tenant, "invoices", csv_bytes(INVOICE_HEADER, rows)), 201
        )
        assert result["status"] == "failed"
        [error] = result["errors"]
        assert error["row"] == 4
        assert "R-1 already appeared on row 2" in error["message"]
        assert await count_of(db_session, tenant, Invoice) == 0

    async def test_customer_trn_twice(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        trn = uae_trn()
        rows = [customer_row(1, trn=trn), customer_row(2), customer_row(3, trn=trn)]
        result = body(
            await upload(client, tenant, "customers", csv_bytes(CUSTOMER_HEADER, rows)), 201
        )
        assert result["status"] == "failed"
        [error] = result["errors"]
        assert (error["row"], error["column"]) == (4, "trn")
        assert f"duplicate: TRN {trn} is already on row 2" in error["message"]
        assert await count_of(db_session, tenant, Customer) == 0
