"""Reading CSV and .xlsx files: format by content, encodings, separators, row numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from involinks.imports.common import FileFormat, FileProblem
from involinks.imports.parsers import SheetRow, detect_format, open_table
from tests.imports.helpers import xlsx_bytes

KNOWN = frozenset({"legal_name", "trn", "email", "city"})


def read(data: bytes) -> tuple[tuple[str | None, ...], list[SheetRow]]:
    with open_table(io.BytesIO(data), detect_format(data[:16]), known_columns=KNOWN) as table:
        return table.header, list(table.rows())


class TestDetectFormat:
    def test_zip_magic_is_xlsx_whatever_the_name(self) -> None:
        assert detect_format(b"PK\x03\x04rest") is FileFormat.XLSX

    def test_text_is_csv(self) -> None:
        assert detect_format(b"legal_name,trn") is FileFormat.CSV

    @pytest.mark.parametrize(
        ("head", "words"),
        [
            (b"", "empty"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Excel 97-2003"),
            (b"%PDF-1.7\n", "PDF"),
            (b"\xff\xfel\x00e\x00", "UTF-16"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ],
    )
    def test_other_files_are_refused_with_what_to_do(self, head: bytes, words: str) -> None:
        with pytest.raises(FileProblem, match=words):
            detect_format(head)


class TestCsv:
    def test_bom_and_semicolons(self) -> None:
        data = "\ufefflegal_name;trn;city\r\nAl Noor LLC;100000000000003;Dubai\r\n".encode()
        header, rows = read(data)
        assert header == ("legal_name", "trn", "city")
        assert rows == [SheetRow(2, ("Al Noor LLC", "100000000000003", "Dubai"))]

    def test_comma_without_bom_and_quoted_separators(self) -> None:
        data = b'legal_name,city\n"Gulf Trading, LLC",Dubai\n'
        header, rows = read(data)
        assert header == ("legal_name", "city")
        assert rows[0].values == ("Gulf Trading, LLC", "Dubai")

    def test_semicolon_file_with_commas_inside_values(self) -> None:
        # The separator is the one that splits the header into known column names.
        data = b"legal_name;email;city\nA, B and C LLC;a@b.ae;Abu Dhabi, Musaffah\n"
        header, rows = read(data)
        assert header == ("legal_name", "email", "city")
        assert rows[0].values == ("A, B and C LLC", "a@b.ae", "Abu Dhabi, Musaffah")

    def test_row_numbers_are_spreadsheet_rows(self) -> None:
        # A blank line is a row of its own; a quoted line break stays inside one row.
        data = b'legal_name,city\nA,Dubai\n\n"B\nBranch",Sharjah\nC,Ajman\n'
        _, rows = read(data)
        numbered = [(row.number, row.values) for row in rows if not row.is_blank]
        assert numbered == [
            (2, ("A", "Dubai")),
            (4, ("B\nBranch", "Sharjah")),
            (5, ("C", "Ajman")),
        ]

    def test_cells_are_stripped_and_empty_cells_are_none(self) -> None:
        _, rows = read(b"legal_name,trn,city\n  Noor LLC , ,Dubai\n")
        assert rows[0].values == ("Noor LLC", None, "Dubai")

    def test_latin1_names_the_byte_and_line(self) -> None:
        text = "legal_name,city\nA,Dubai\nB,Sharjah\nCafé Noor,Dubai\n"
        with pytest.raises(FileProblem, match=r"not UTF-8: byte 0xE9 at line 4") as info:
            read(text.encode("latin-1"))
        assert "CSV UTF-8" in info.value.message

    def test_empty_first_row_is_no_header(self) -> None:
        with pytest.raises(FileProblem, match="header"):
            read(b"\n\nlegal_name\nA\n")


class TestXlsx:
    def test_values_come_back_as_text(self) -> None:
        data = xlsx_bytes(
            ["legal_name", "trn", "quantity", "price", "issue_date", "flag"],
            [["Noor LLC", 100123456700003, 2, 0.1, date(2026, 1, 31), True]],
        )
        header, rows = read(data)
        assert header == ("legal_name", "trn", "quantity", "price", "issue_date", "flag")
        assert rows[0].values == ("Noor LLC", "100123456700003", "2", "0.1", "2026-01-31", "true")

    def test_date_cells_and_blank_rows_keep_their_numbers(self) -> None:
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet["A1"] = "issue_date"
        sheet["A2"] = date(2026, 2, 1)
        sheet["A5"] = "2026-03-01"
        buffer = io.BytesIO()
        workbook.save(buffer)
        _, rows = read(buffer.getvalue())
        numbered = [(row.number, row.values) for row in rows if not row.is_blank]
        assert numbered == [(2, ("2026-02-01",)), (5, ("2026-03-01",))]

    def test_formulas_are_refused_not_evaluated(self) -> None:
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.append(["legal_name", "quantity"])
        sheet.append(["Noor LLC", "=1+1"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        _, rows = read(buffer.getvalue())
        assert rows[0].values == ("Noor LLC", None)
        [bad] = rows[0].bad_cells
        assert bad.index == 1
        assert bad.value == "=1+1"
        assert "formula" in bad.message

    def test_only_the_first_sheet_is_read(self) -> None:
        workbook = Workbook()
        workbook.worksheets[0].append(["legal_name"])
        workbook.worksheets[0].append(["First"])
        workbook.create_sheet("other").append(["Second"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        _, rows = read(buffer.getvalue())
        assert [row.values for row in rows] == [("First",)]

    def test_truncated_workbook_is_a_broken_zip(self) -> None:
        data = xlsx_bytes(["legal_name"], [["A"]])
        with pytest.raises(FileProblem, match="damaged or cut short") as info:
            read(data[: len(data) // 2])
        assert info.value.code == "broken_xlsx"

    def test_zip_that_is_not_a_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        with pytest.raises(FileProblem, match="not an Excel workbook"):
            read(buffer.getvalue())

    def test_zip_bomb_is_refused_before_unpacking(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
        data = buffer.getvalue()
        with (
            pytest.raises(FileProblem, match="unpack") as info,
            open_table(io.BytesIO(data), FileFormat.XLSX, max_unpacked_bytes=1024 * 1024),
        ):
            pass
        assert info.value.code == "too_large"

    def test_empty_header_row(self) -> None:
        workbook = Workbook()
        workbook.worksheets[0]["A2"] = "data without header"
        buffer = io.BytesIO()
        workbook.save(buffer)
        with pytest.raises(FileProblem, match="header"):
            read(buffer.getvalue())
