"""The columns of each import kind, and the downloadable templates (CSV and .xlsx).

A template holds the header and example rows. Every cell written goes through
:func:`involinks.imports.report.escape_cell`, like every other export of this package.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.report import escape_cell

__all__ = [
    "TEMPLATES",
    "Column",
    "TemplateSpec",
    "render_spec",
    "render_template",
    "template_filename",
]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool  # the header must name it (and its cells must hold a value, unless said)
    description: str


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    kind: ImportKind
    columns: tuple[Column, ...]
    examples: tuple[Mapping[str, str], ...]
    key_column: str  # natural key: a re-import matches existing rows by it
    group_column: str | None = None  # rows with the same value form one document

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.names)


_EMPTY_KEEPS = "An empty cell keeps the stored value when a row updates an existing record."

_CUSTOMERS = TemplateSpec(
    kind=ImportKind.CUSTOMERS,
    key_column="trn",
    columns=(
        Column("legal_name", True, "Registered legal name of the buyer (IBT-044)."),
        Column(
            "trn",
            True,
            "15-digit UAE TRN, starting with 1 and ending with 03 (ibr-132-ae). Identifies the "
            "customer: importing the same TRN again updates it. May be empty for a buyer not "
            "registered for VAT (then legal_name + email identify it).",
        ),
        Column("email", True, "E-mail address for invoices."),
        Column("address_line1", True, "Street address (IBT-050)."),
        Column("city", True, "City (IBT-052)."),
        Column(
            "emirate",
            True,
            "For a UAE address: AUH, DXB, SHJ, UAQ, FUJ, AJM or RAK (or the emirate's name); "
            "empty for an address abroad (ibr-128-ae).",
        ),
        Column("country", True, "ISO 3166-1 alpha-2 country code, e.g. AE."),
        Column(
            "peppol_id", False, "Peppol participant id, e.g. 0235:1001234567 (default from TRN)."
        ),
        Column("phone", False, "Phone number."),
        Column(
            "vat_registered",
            False,
            "true/false (also yes/no, 1/0); default: true when a TRN is given.",
        ),
        Column("trade_name", False, "Trade name, if different from the legal name."),
        Column("contact_name", False, "Contact person."),
        Column("address_line2", False, "Second address line."),
        Column("postal_code", False, "Postal code / P.O. box."),
    ),
    examples=(
        {
            "legal_name": "Gulf Trading LLC",
            "trn": "100123456700003",
            "email": "accounts@gulftrading.ae",
            "address_line1": "Office 1204, Al Saqr Business Tower",
            "city": "Dubai",
            "emirate": "DXB",
            "country": "AE",
            "peppol_id": "0235:1001234567",
            "phone": "04 123 4567",
            "vat_registered": "true",
        },
    ),
)

_SUPPLIERS = TemplateSpec(
    kind=ImportKind.SUPPLIERS,
    key_column="trn",
    columns=(
        Column("legal_name", True, "Registered legal name of the supplier."),
        Column(
            "trn",
            True,
            "15-digit UAE TRN of the supplier, starting with 1 and ending with 03 (ibr-132-ae). "
            "Identifies the supplier: importing the same TRN again updates it. May be empty for a "
            "supplier abroad (then legal_name identifies it).",
        ),
        Column("email", True, "E-mail address for purchase orders."),
        Column("payment_terms_days", False, "Payment terms in days (0-365), e.g. 30."),
        Column("peppol_id", False, "Peppol participant id, e.g. 0235:1009876543."),
        Column("phone", False, "Phone number."),
        Column("address_line1", False, "Street address."),
        Column("city", False, "City."),
        Column("country", False, "ISO 3166-1 alpha-2 country code; default AE."),
        Column("currency", False, "ISO 4217 currency the supplier invoices in; default AED."),
        Column("payment_terms", False, "Payment terms as text."),
        Column("notes", False, "Internal notes."),
    ),
    examples=(
        {
            "legal_name": "Emirates Office Supplies LLC",
            "trn": "100987654300003",
            "email": "orders@eos.ae",
            "payment_terms_days": "30",
            "peppol_id": "0235:1009876543",
            "phone": "02 555 0100",
            "address_line1": "Warehouse 7, Mussafah Industrial Area",
            "city": "Abu Dhabi",
            "country": "AE",
            "currency": "AED",
        },
    ),
)

_INVOICES = TemplateSpec(
    kind=ImportKind.INVOICES,
    key_column="invoice_ref",
    group_column="invoice_ref",
    columns=(
        Column(
            "invoice_ref",
            True,
            "Your reference of the invoice. One row per invoice line: rows with the same "
            "invoice_ref (one after the other) form one invoice. Stored as the invoice's external "
            "reference, so importing it again does not create a second invoice.",
        ),
        Column("customer_trn", True, "TRN of an existing customer of your company."),
        Column("issue_date", True, "Issue date: YYYY-MM-DD or DD/MM/YYYY."),
        Column("due_date", False, "Payment due date: YYYY-MM-DD or DD/MM/YYYY."),
        Column("currency", True, "ISO 4217 code of the invoice currency, e.g. AED."),
        Column("exchange_rate", False, "AED per unit of the currency; required when not AED."),
        Column("item_name", True, "Item name (IBT-153)."),
        Column("description", False, "Item description."),
        Column("quantity", True, "Quantity, greater than 0 (up to 6 decimals)."),
        Column("unit_code", False, "UN/ECE Rec 20 unit code, e.g. C62 (one, default), HUR, KGM."),
        Column("unit_price", True, "Net price per unit without VAT (up to 6 decimals)."),
        Column("vat_category", True, "VAT category: S, Z, E, O, AE or N."),
        Column(
            "exemption_reason_code",
            False,
            "Exemption reason code; required for category E (ibr-167-ae).",
        ),
        Column("exemption_reason", False, "Exemption reason text."),
        Column("vat_rate", False, "VAT rate in %, only for category N (the others imply it)."),
        Column("discount_amount", False, "Line discount amount (IBT-136)."),
        Column("type_code", False, "380 tax invoice (default) or 480 (out of scope of tax)."),
        Column("supply_date", False, "Date of supply, if not the issue date."),
        Column("purchase_order_reference", False, "The buyer's purchase order number."),
        Column("buyer_reference", False, "The buyer's reference."),
        Column("payment_terms", False, "Payment terms as text."),
        Column("item_type", False, "G goods, S services, B both (BTAE-13)."),
        Column("classification_code", False, "HS code; required for goods (ibr-184-ae)."),
        Column("service_accounting_code", False, "SAC code; required for services."),
        Column("standard_item_id", False, "GTIN; required with category AE (ibr-174-ae)."),
        Column("rcm_goods_type", False, "Reverse charge goods type; required with category AE."),
        Column(
            "line_total",
            False,
            "Optional check: the line net amount without VAT (quantity x unit_price - "
            "discount_amount). A different figure is reported, never imported.",
        ),
        Column(
            "invoice_total",
            False,
            "Optional check: the invoice total with VAT. Recomputed with the PINT AE rules; a "
            "different figure is reported, never imported.",
        ),
    ),
    examples=(
        {
            "invoice_ref": "INV-2026-0001",
            "customer_trn": "100123456700003",
            "issue_date": "2026-01-15",
            "due_date": "2026-02-14",
            "currency": "AED",
            "item_name": "Consulting services",
            "description": "January retainer",
            "quantity": "10",
            "unit_code": "HUR",
            "unit_price": "250.00",
            "vat_category": "S",
            "line_total": "2500.00",
            "invoice_total": "2940.00",
        },
        {
            "invoice_ref": "INV-2026-0001",
            "customer_trn": "100123456700003",
            "issue_date": "2026-01-15",
            "due_date": "2026-02-14",
            "currency": "AED",
            "item_name": "Travel expenses",
            "quantity": "1",
            "unit_code": "C62",
            "unit_price": "300.00",
            "vat_category": "S",
            "line_total": "300.00",
            "invoice_total": "2940.00",
        },
    ),
)

_PURCHASE_ORDERS = TemplateSpec(
    kind=ImportKind.PURCHASE_ORDERS,
    key_column="po_ref",
    group_column="po_ref",
    columns=(
        Column(
            "po_ref",
            True,
            "Your purchase order number. One row per order line: rows with the same po_ref (one "
            "after the other) form one order. Importing it again does not create a second order.",
        ),
        Column("supplier_trn", True, "TRN of an existing supplier of your company."),
        Column("order_date", True, "Order date: YYYY-MM-DD or DD/MM/YYYY."),
        Column("item_name", True, "Item name."),
        Column("quantity", True, "Quantity ordered, greater than 0 (up to 6 decimals)."),
        Column("unit_price", True, "Net price per unit without VAT (up to 6 decimals)."),
        Column("vat_category", True, "VAT category: S, Z, E, O, AE or N."),
        Column("expected_delivery_date", False, "YYYY-MM-DD or DD/MM/YYYY."),
        Column("currency", False, "ISO 4217 currency code; default AED."),
        Column("item_code", False, "Your or the supplier's item code."),
        Column("description", False, "Item description."),
        Column("unit_code", False, "UN/ECE Rec 20 unit code, e.g. H87 (piece, default), KGM."),
        Column("vat_rate", False, "VAT rate in %, only for category N (the others imply it)."),
        Column("delivery_address", False, "Delivery address."),
        Column("payment_terms", False, "Payment terms as text."),
        Column("notes", False, "Notes."),
        Column("line_total", False, "Optional check: quantity x unit_price (without VAT)."),
        Column("po_total", False, "Optional check: the order total with VAT."),
    ),
    examples=(
        {
            "po_ref": "PO-2026-0042",
            "supplier_trn": "100987654300003",
            "order_date": "2026-01-10",
            "item_name": "A4 copier paper, 80 g",
            "quantity": "50",
            "unit_price": "18.50",
            "vat_category": "S",
            "expected_delivery_date": "2026-01-20",
            "currency": "AED",
            "item_code": "PAP-A4-80",
            "unit_code": "H87",
            "line_total": "925.00",
            "po_total": "1076.25",
        },
        {
            "po_ref": "PO-2026-0042",
            "supplier_trn": "100987654300003",
            "order_date": "2026-01-10",
            "item_name": "Toner cartridge",
            "quantity": "2",
            "unit_price": "50.00",
            "vat_category": "S",
            "expected_delivery_date": "2026-01-20",
            "currency": "AED",
            "item_code": "TON-BK",
            "unit_code": "H87",
            "line_total": "100.00",
            "po_total": "1076.25",
        },
    ),
)

TEMPLATES: Mapping[ImportKind, TemplateSpec] = MappingProxyType(
    {
        ImportKind.CUSTOMERS: _CUSTOMERS,
        ImportKind.SUPPLIERS: _SUPPLIERS,
        ImportKind.INVOICES: _INVOICES,
        ImportKind.PURCHASE_ORDERS: _PURCHASE_ORDERS,
    }
)


def template_filename(kind: ImportKind, file_format: FileFormat) -> str:
    return f"involinks-{kind.value.replace('_', '-')}-template.{file_format.value}"


def _rows(spec: TemplateSpec) -> list[list[str]]:
    rows = [list(spec.names)]
    rows += [[example.get(name, "") for name in spec.names] for example in spec.examples]
    return [[escape_cell(cell) for cell in row] for row in rows]


def render_template(kind: ImportKind, file_format: FileFormat) -> bytes:
    return render_spec(TEMPLATES[kind], file_format)


def render_spec(spec: TemplateSpec, file_format: FileFormat) -> bytes:
    """The header and example rows of ``spec``: CSV (UTF-8 with BOM) or .xlsx."""
    if file_format is FileFormat.CSV:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerows(_rows(spec))
        # The byte-order mark makes Excel open the file as UTF-8; the import accepts it.
        return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
    return _render_xlsx(spec)


def _render_xlsx(spec: TemplateSpec) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = spec.kind.value
    _write_sheet(sheet, _rows(spec))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(spec.names, start=1):
        width = max(len(name), *(len(example.get(name, "")) for example in spec.examples))
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 50)
    sheet.freeze_panes = "A2"
    # Only the first worksheet is imported; the second documents the columns.
    guide = workbook.create_sheet("columns")
    guide_rows = [["column", "required", "description"]] + [
        [column.name, "yes" if column.required else "no", column.description]
        for column in spec.columns
    ]
    _write_sheet(guide, [[escape_cell(cell) for cell in row] for row in guide_rows])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["C"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, rows: Sequence[Sequence[str]]) -> None:
    # openpyxl stores a string starting with "=" as a formula: the cells are escaped already.
    for row in rows:
        sheet.append([cell or None for cell in row])
