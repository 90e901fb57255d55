"""Exports never carry a cell a spreadsheet would evaluate (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.report import error_report_csv, escape_cell
from involinks.imports.templates import (
    TEMPLATES,
    Column,
    TemplateSpec,
    render_spec,
    render_template,
)

DANGEROUS = ['=HYPERLINK("http://x")', "+971 4 1234567", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_prefixed(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Noor LLC", "100123456700003", "12.50", "", "a=b"])
def test_other_cells_are_unchanged(value: str) -> None:
    assert escape_cell(value) == value


def test_error_report_escapes_every_cell() -> None:
    data = error_report_csv(
        [
            {"row": 3, "column": "legal_name", "value": "=cmd|'/c calc'!A1", "message": "x"},
            {"row": 4, "column": "quantity", "value": "-5", "message": "must be greater than 0"},
        ]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode())))
    assert rows == [
        ["row", "column", "value", "message"],
        ["3", "legal_name", "'=cmd|'/c calc'!A1", "x"],
        ["4", "quantity", "'-5", "must be greater than 0"],
    ]


def _spec_with(value: str) -> TemplateSpec:
    return TemplateSpec(
        kind=ImportKind.CUSTOMERS,
        columns=(Column("legal_name", True, "name"),),
        examples=({"legal_name": value},),
        key_column="legal_name",
    )


@pytest.mark.parametrize("value", DANGEROUS[:4])
def test_templates_escape_cells_in_csv_and_xlsx(value: str) -> None:
    text = render_spec(_spec_with(value), FileFormat.CSV)[3:].decode()
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + value]
    workbook = load_workbook(io.BytesIO(render_spec(_spec_with(value), FileFormat.XLSX)))
    cell = workbook.worksheets[0]["A2"]
    assert cell.data_type == "s"  # text, never a formula
    assert cell.value == "'" + value


@pytest.mark.parametrize("kind", list(ImportKind))
def test_templates_have_the_columns_and_an_example(kind: ImportKind) -> None:
    spec = TEMPLATES[kind]
    text = render_template(kind, FileFormat.CSV)[3:].decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == spec.names
    assert len(rows) >= 2
    workbook = load_workbook(io.BytesIO(render_template(kind, FileFormat.XLSX)))
    first = [cell.value for cell in workbook.worksheets[0][1]]
    assert tuple(first) == spec.names


def test_customer_template_columns_of_the_issue() -> None:
    names = TEMPLATES[ImportKind.CUSTOMERS].names
    assert names[:7] == (
        "legal_name",
        "trn",
        "email",
        "address_line1",
        "city",
        "emirate",
        "country",
    )
    assert {"peppol_id", "phone", "vat_registered"} <= set(names[7:])
    assert TEMPLATES[ImportKind.CUSTOMERS].required == names[:7]
