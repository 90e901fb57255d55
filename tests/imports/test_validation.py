"""Row-level validation, without a database: every error at once, named by row and column."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest

from involinks.imports.common import FileProblem, ImportKind
from involinks.imports.parsers import detect_format, open_table
from involinks.imports.templates import TEMPLATES
from involinks.imports.validation import (
    InvoiceRecord,
    Lookups,
    PurchaseOrderRecord,
    Unit,
    map_header,
    parse_date,
    parse_decimal,
    validate_table,
)
from tests.imports.helpers import CUSTOMER_HEADER, csv_bytes, customer_row, uae_trn

CUSTOMER_TRN = "100123456700003"
SUPPLIER_TRN = "100987654300003"
LOOKUPS = Lookups(
    customers_by_trn={CUSTOMER_TRN: uuid.uuid4()}, suppliers_by_trn={SUPPLIER_TRN: uuid.uuid4()}
)


def units(kind: ImportKind, data: bytes, lookups: Lookups = LOOKUPS) -> list[Unit]:
    with open_table(
        io.BytesIO(data), detect_format(data[:16]), known_columns=TEMPLATES[kind].known
    ) as table:
        return list(validate_table(kind, table, lookups))


def cells(found: list[Unit]) -> set[tuple[int, str | None]]:
    return {(error.row, error.column) for unit in found for error in unit.errors}


class TestValues:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-01-31", date(2026, 1, 31)),
            ("31/01/2026", date(2026, 1, 31)),
            ("1/2/2026", date(2026, 2, 1)),
        ],
    )
    def test_iso_and_day_month_year(self, text: str, expected: date) -> None:
        assert parse_date(text) == expected

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("2026-02-30", "read as YYYY-MM-DD"),
            ("31/02/2026", "read as DD/MM/YYYY"),
            ("12/31/2026", "looks like MM/DD/YYYY"),
            ("Jan 5 2026", "use YYYY-MM-DD (2026-01-31) or DD/MM/YYYY (31/01/2026)"),
            ("2026-01-05 10:30", "time of day"),
        ],
    )
    def test_date_errors_say_which_format(self, text: str, words: str) -> None:
        with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            parse_date(text)

    def test_numbers(self) -> None:
        assert parse_decimal("1234.50", places=2) == Decimal("1234.50")
        assert parse_decimal("-3", places=2) == Decimal(-3)
        assert parse_decimal("2.500000", places=2) == Decimal("2.5")
        with pytest.raises(ValueError, match="thousands"):
            parse_decimal("1,234.50", places=2)
        with pytest.raises(ValueError, match="3 decimals"):
            parse_decimal("1.234", places=2)
        with pytest.raises(ValueError, match="not a number"):
            parse_decimal("12abc", places=2)


class TestHeader:
    def test_missing_and_unknown_columns_are_named_together(self) -> None:
        with pytest.raises(FileProblem) as info:
            map_header(ImportKind.CUSTOMERS, ("legal_name", "Email", "colour", None, "city"))
        message = info.value.message
        assert "unknown column 'colour' (column C)" in message
        assert "column D has no name" in message
        assert "missing required columns: trn, address_line1, emirate, country" in message
        assert "Download the template" in message

    def test_names_are_case_and_space_insensitive(self) -> None:
        header = map_header(
            ImportKind.CUSTOMERS,
            ("Legal Name", "TRN", "email", "Address Line1", "city", "emirate", "Country", None),
        )
        assert header.positions["address_line1"] == 3

    def test_duplicate_column(self) -> None:
        with pytest.raises(FileProblem, match="'trn' appears twice"):
            map_header(ImportKind.CUSTOMERS, (*CUSTOMER_HEADER, "trn"))


class TestCustomers:
    def test_exactly_the_bad_rows_and_columns(self) -> None:
        rows = [customer_row(n) for n in range(8)]
        rows[1]["trn"] = "12345"  # row 3
        rows[3]["email"] = "not-an-email"  # row 5
        rows[5]["emirate"] = "Gotham"  # row 7
        found = units(ImportKind.CUSTOMERS, csv_bytes(CUSTOMER_HEADER, rows))
        assert len(found) == 8
        assert cells(found) == {(3, "trn"), (5, "email"), (7, "emirate")}
        by_row = {e.row: e for unit in found for e in unit.errors}
        assert by_row[3].value == "12345"
        assert "15 digits" in by_row[3].message
        assert by_row[7].value == "Gotham"
        assert [u.ok for u in found] == [True, False, True, False, True, False, True, True]

    def test_every_error_of_a_row_at_once(self) -> None:
        row = customer_row(1, trn="123", email="x", country="ZZ", city="")
        found = units(ImportKind.CUSTOMERS, csv_bytes(CUSTOMER_HEADER, [row]))
        assert cells(found) == {(2, "trn"), (2, "email"), (2, "country"), (2, "city")}

    def test_uae_trn_rule_ibr_132_ae(self) -> None:
        row = customer_row(1, trn="100123456700001")  # 15 digits, not ending with 03
        [unit] = units(ImportKind.CUSTOMERS, csv_bytes(CUSTOMER_HEADER, [row]))
        assert "ibr-132-ae" in unit.errors[0].message

    def test_emirate_names_and_foreign_addresses(self) -> None:
        rows = [
            customer_row(1, emirate="Ras Al Khaimah"),
            customer_row(2, trn="", emirate="", country="GB", city="London"),
            customer_row(3, emirate="DXB", country="GB"),
            customer_row(4, emirate=""),
        ]
        found = units(ImportKind.CUSTOMERS, csv_bytes(CUSTOMER_HEADER, rows))
        assert found[0].ok
        assert found[0].record.create.address.emirate == "RAK"  # type: ignore[union-attr]
        assert found[1].ok
        assert cells(found[2:]) == {(4, "emirate"), (5, "emirate")}

    def test_duplicates_within_the_file(self) -> None:
        trn = uae_trn()
        rows = [customer_row(1, trn=trn), customer_row(2), customer_row(3, trn=trn)]
        found = units(ImportKind.CUSTOMERS, csv_bytes(CUSTOMER_HEADER, rows))
        assert cells(found) == {(4, "trn")}
        assert "already on row 2" in found[2].errors[0].message

    def test_value_without_header(self) -> None:
        data = csv_bytes(CUSTOMER_HEADER, [[*customer_row(1).values(), "stray"]])
        [unit] = units(ImportKind.CUSTOMERS, data)
        assert [(e.column, e.value) for e in unit.errors] == [(None, "stray")]
        assert "column H" in unit.errors[0].message


INVOICE_HEADER = (
    "invoice_ref",
    "customer_trn",
    "issue_date",
    "due_date",
    "currency",
    "exchange_rate",
    "item_name",
    "quantity",
    "unit_price",
    "vat_category",
    "exemption_reason_code",
    "discount_amount",
    "line_total",
    "invoice_total",
)


def line(
    ref: str, item: str, quantity: str, price: str, category: str = "S", **extra: str
) -> dict[str, str]:
    row = {
        "invoice_ref": ref,
        "customer_trn": CUSTOMER_TRN,
        "issue_date": "15/01/2026",
        "currency": "AED",
        "item_name": item,
        "quantity": quantity,
        "unit_price": price,
        "vat_category": category,
    }
    row.update(extra)
    return row


class TestInvoices:
    def test_rows_group_into_invoices_with_totals(self) -> None:
        # 3 x 100.00 at 5 % + 2 x 12.50 zero-rated: net 325.00, VAT 15.00, total 340.00.
        rows = [
            line("INV-1", "Consulting", "3", "100.00", line_total="300.00", invoice_total="340.00"),
            line("INV-1", "Books", "2", "12.50", "Z", line_total="25.00"),
            line("INV-2", "Support", "1", "50", invoice_total="52.50"),
        ]
        found = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert [(u.key, u.rows, u.ok) for u in found] == [
            ("INV-1", (2, 3), True),
            ("INV-2", (4,), True),
        ]
        record = found[0].record
        assert isinstance(record, InvoiceRecord)
        assert record.tax_inclusive_amount == Decimal("340.00")
        assert record.create.issue_date == date(2026, 1, 15)
        assert [item.vat_category for item in record.create.lines] == ["S", "Z"]

    def test_totals_that_do_not_add_up(self) -> None:
        rows = [
            line("INV-1", "Consulting", "3", "100.00", invoice_total="341.00"),
            line("INV-1", "Books", "2", "12.50", "Z", line_total="26.00"),
        ]
        [unit] = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        messages = {(e.row, e.column): e.message for e in unit.errors}
        assert set(messages) == {(3, "line_total"), (2, "invoice_total")}
        assert "2 x unit_price 12.50 = 25.00" in messages[(3, "line_total")]
        assert "325.00 + VAT 15.00 = 340.00" in messages[(2, "invoice_total")]

    def test_discount_in_line_total(self) -> None:
        # 4 x 25.00 - 10.00 = 90.00; VAT 4.50; total 94.50.
        rows = [
            line(
                "INV-1",
                "Paper",
                "4",
                "25.00",
                discount_amount="10.00",
                line_total="90.00",
                invoice_total="94.50",
            )
        ]
        [unit] = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert unit.ok, unit.errors

    def test_line_and_document_errors(self) -> None:
        rows = [
            line("INV-1", "A", "0", "10", due_date="01/01/2026"),
            line("INV-1", "B", "-2", "10", "X"),
            line("INV-1", "C", "1", "10", "E"),
            line("INV-2", "D", "1", "10", currency="USD"),
            line("INV-3", "E", "1", "10", customer_trn="100000000000103"),
            line("INV-4", "F", "1", "10", issue_date="2026-13-01"),
        ]
        found = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert cells(found) == {
            (2, "quantity"),  # zero
            (2, "due_date"),  # before the issue date
            (3, "quantity"),  # negative
            (3, "vat_category"),  # not a category
            (4, "vat_category"),  # E needs an exemption reason (ibr-167-ae)
            (5, "exchange_rate"),  # USD without rate (ibr-159-ae)
            (6, "customer_trn"),  # unknown customer
            (7, "issue_date"),
        }
        messages = {(e.row, e.column): e.message for u in found for e in u.errors}
        assert "greater than 0" in messages[(2, "quantity")]
        assert "S, E, O, AE, Z, N" in messages[(3, "vat_category")]
        assert "no customer with TRN 100000000000103" in messages[(6, "customer_trn")]

    def test_rows_of_one_invoice_must_agree(self) -> None:
        rows = [
            line("INV-1", "A", "1", "10"),
            line("INV-1", "B", "1", "10", issue_date="16/01/2026"),
            line("INV-1", "C", "1", "10", issue_date="", customer_trn=""),
        ]
        [unit] = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert cells([unit]) == {(3, "issue_date")}
        assert "row 2 has 15/01/2026" in unit.errors[0].message

    def test_a_reference_repeated_later_is_a_duplicate(self) -> None:
        rows = [
            line("INV-1", "A", "1", "10"),
            line("INV-2", "B", "1", "10"),
            line("INV-1", "A", "1", "10"),
        ]
        found = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert [u.ok for u in found] == [True, True, False]
        assert "already appeared on row 2" in found[2].errors[0].message

    def test_foreign_currency_with_rate(self) -> None:
        rows = [line("INV-1", "A", "1", "100", currency="usd", exchange_rate="3.6725")]
        [unit] = units(ImportKind.INVOICES, csv_bytes(INVOICE_HEADER, rows))
        assert unit.ok, unit.errors
        assert unit.record.create.currency == "USD"  # type: ignore[union-attr]


PO_HEADER = (
    "po_ref",
    "supplier_trn",
    "order_date",
    "item_name",
    "quantity",
    "unit_price",
    "vat_category",
    "line_total",
    "po_total",
)


class TestPurchaseOrders:
    def test_group_and_totals(self) -> None:
        # 10 x 7.25 = 72.50 (S) + 1 x 20 (E): net 92.50, VAT 3.63 (72.50 x 5 % = 3.625), 96.13.
        rows = [
            {
                "po_ref": "PO-9",
                "supplier_trn": SUPPLIER_TRN,
                "order_date": "2026-01-10",
                "item_name": "Pens",
                "quantity": "10",
                "unit_price": "7.25",
                "vat_category": "S",
                "line_total": "72.50",
                "po_total": "96.13",
            },
            {
                "po_ref": "PO-9",
                "item_name": "Training",
                "quantity": "1",
                "unit_price": "20",
                "vat_category": "E",
            },
        ]
        [unit] = units(ImportKind.PURCHASE_ORDERS, csv_bytes(PO_HEADER, rows))
        assert unit.ok, unit.errors
        record = unit.record
        assert isinstance(record, PurchaseOrderRecord)
        assert record.total_amount == Decimal("96.13")
        assert [item.vat_rate for item in record.create.lines] == [Decimal(5), Decimal(0)]

    def test_unknown_supplier(self) -> None:
        rows = [
            {
                "po_ref": "PO-1",
                "supplier_trn": "100000000000203",
                "order_date": "2026-01-10",
                "item_name": "Pens",
                "quantity": "1",
                "unit_price": "1",
                "vat_category": "S",
            }
        ]
        [unit] = units(ImportKind.PURCHASE_ORDERS, csv_bytes(PO_HEADER, rows))
        assert cells([unit]) == {(2, "supplier_trn")}


class TestTemplates:
    @pytest.mark.parametrize("kind", list(ImportKind))
    def test_template_examples_are_valid_imports(self, kind: ImportKind) -> None:
        from involinks.imports.common import FileFormat
        from involinks.imports.templates import render_template

        for file_format in FileFormat:
            found = units(kind, render_template(kind, file_format))
            assert found, kind
            assert all(unit.ok for unit in found), [unit.errors for unit in found]
