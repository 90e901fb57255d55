"""Human-readable PDF of an invoice / credit note, drawn from the PINT AE document model.

The PDF is a rendering for people; the legal document is the UBL XML. It shows what the UAE tax
invoice rules ask a reader to find (title by type code, supplier and recipient with TRNs, number,
dates, lines with VAT, VAT per category, totals, AED amounts for foreign-currency documents) plus
the payment instructions, notes, optional logo and stamp, and a footer with the document hash and
the signing key id, so a printed copy can be matched to its signed record.

Output is deterministic for the same input (ReportLab invariant mode; creation and modification
dates fixed to the issue date), so the PDF itself can be hashed and stored once.

Titles (IBT-003): 380 "Tax Invoice", 381 "Tax Credit Note", 480 "Commercial Invoice" (out of
scope of VAT), 81 "Commercial Credit Note"; self-billing 389 / 261 are tax invoices / credit notes
marked "Self-billed".
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from involinks.compliance.pdf.fonts import ArabicSupport, arabic_support, markup
from involinks.invoicing import codes
from involinks.invoicing.document import (
    Address,
    AllowanceCharge,
    Customization,
    Document,
    DocumentLine,
    Party,
    PaymentMeans,
    TaxCategory,
)
from involinks.invoicing.totals import round_half_up

__all__ = ["PdfError", "PdfOptions", "document_title", "render_pdf"]

_TITLES: Final = {
    "380": "Tax Invoice",
    "389": "Tax Invoice",
    "381": "Tax Credit Note",
    "261": "Tax Credit Note",
    "480": "Commercial Invoice",
    "81": "Commercial Credit Note",
}
_AED: Final = "AED"
_AED_TOTAL_MARKER: Final = "aedtotal-incl-vat"  # BTAE-20 document type code
_PNG: Final = b"\x89PNG\r\n\x1a\n"
_JPEG: Final = b"\xff\xd8\xff"
_PAGE_MARGIN: Final = 15 * mm
_WIDTH: Final = A4[0] - 2 * _PAGE_MARGIN
_GRID: Final = colors.HexColor("#b8bec6")
_SHADE: Final = colors.HexColor("#eef1f4")
# "Exports (position 8)" -> "Exports": the position is for machines.
_FLAG_NAMES: Final = {
    flag.field: re.sub(r"\s*\(position \d\)$", "", flag.name)
    for flag in codes.transaction_type_flags()
}


class PdfError(ValueError):
    """The PDF cannot be rendered (e.g. a logo or stamp that is not a PNG or JPEG image)."""


@dataclass(frozen=True, slots=True)
class PdfOptions:
    logo: bytes | None = None  # PNG or JPEG
    stamp: bytes | None = None  # PNG or JPEG (company stamp / seal)
    document_hash: str | None = None  # hash-chain document hash, shown in the footer
    signature_key_id: str | None = None  # key id of the signing key, shown in the footer
    arabic_font: Path | None = None  # TTF with Arabic presentation forms (default: Amiri)
    arabic_bold_font: Path | None = None


def document_title(document: Document) -> str:
    """The title printed on the document, chosen by the type code (IBT-003)."""
    title = _TITLES.get(document.type_code)
    if title is None:
        title = "Credit Note" if document.is_credit_note else "Invoice"
    return title


# --- formatting ---------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    """A quantity or rate as written, without trailing zeros (``2.500`` -> ``2.5``)."""
    if value.is_zero():
        return "0"
    text = format(value.normalize(), "f")
    return text


def _money(value: Decimal | None) -> str:
    """Grouped, at least 2 decimals, more when the document states more (unit prices)."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        value = value.quantize(Decimal("0.01"))
    return format(value, ",f")


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{_number(value)}%"


def _date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _code_name(code_list: codes.CodeList, code: str) -> str:
    entry = code_list.get(code)
    return entry.name if entry is not None and entry.name else code


def _category_name(code: str) -> str:
    try:
        return codes.tax_category(code).name
    except KeyError:
        return code


class _Writer:
    """Builds the flowables; holds the styles and the Arabic font choice."""

    def __init__(self, document: Document, options: PdfOptions) -> None:
        self.document = document
        self.options = options
        self.arabic: ArabicSupport = arabic_support(options.arabic_font, options.arabic_bold_font)
        self.currency = document.currency_code
        self.title = document_title(document)
        self.body = ParagraphStyle("body", fontName="Helvetica", fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName="Helvetica-Bold")
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName="Helvetica-Bold", fontSize=9.5, leading=12
        )
        self.title_style = ParagraphStyle(
            "title", parent=self.body, fontName="Helvetica-Bold", fontSize=17, leading=21
        )
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.right_bold = ParagraphStyle("right_bold", parent=self.bold, alignment=TA_RIGHT)
        self.head_cell = ParagraphStyle("head", parent=self.small, fontName="Helvetica-Bold")
        self.head_right = ParagraphStyle("head_right", parent=self.head_cell, alignment=TA_RIGHT)

    # -- small helpers --

    def p(self, text: str, style: ParagraphStyle | None = None, *, bold: bool = False) -> Paragraph:
        return Paragraph(markup(text, self.arabic, bold=bold), style or self.body)

    def label(self, label: str, value: str, style: ParagraphStyle | None = None) -> Paragraph:
        # Labels are ours (plain ASCII); the value is document data and gets escaped.
        return Paragraph(f"<b>{label}</b> {markup(value, self.arabic)}", style or self.body)

    def table(
        self,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        header: bool = True,
        right_columns: Iterable[int] = (),
        grid: bool = True,
    ) -> Table:
        table = Table(
            [list(row) for row in rows], colWidths=list(widths), repeatRows=1 if header else 0
        )
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if grid:
            commands.append(("GRID", (0, 0), (-1, -1), 0.4, _GRID))
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), _SHADE))
        for column in right_columns:
            commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
        table.setStyle(TableStyle(commands))
        return table

    def section(self, title: str) -> Paragraph:
        return Paragraph(title, self.heading)

    def image(
        self, data: bytes | None, what: str, max_width: float, max_height: float
    ) -> Image | None:
        if data is None:
            return None
        if not (data.startswith(_PNG) or data.startswith(_JPEG)):
            raise PdfError(f"the {what} must be a PNG or JPEG image")
        try:
            width, height = ImageReader(io.BytesIO(data)).getSize()
        except Exception as exc:  # PIL raises many types for a corrupt image
            raise PdfError(f"the {what} image cannot be read") from exc
        if width <= 0 or height <= 0:
            raise PdfError(f"the {what} image is empty")
        scale = min(max_width / width, max_height / height)
        return Image(io.BytesIO(data), width=width * scale, height=height * scale)

    # -- blocks --

    def header(self) -> list[Flowable]:
        doc = self.document
        info: list[Flowable] = [Paragraph(self.title, self.title_style)]
        if doc.customization is Customization.SELF_BILLING:
            info.append(self.p("Self-billed: issued by the buyer on behalf of the supplier"))
        info.append(self.label("Number:", doc.id))
        issued = _date(doc.issue_date)
        if doc.issue_time is not None:
            issued += " " + doc.issue_time.isoformat()
        info.append(self.label("Issue date:", issued))
        if doc.due_date is not None:
            info.append(self.label("Due date:", _date(doc.due_date)))
        if doc.tax_point_date is not None:
            info.append(self.label("Date of supply:", _date(doc.tax_point_date)))
        period = doc.invoice_period
        if period is not None and (period.start_date or period.end_date):
            text = f"{_date(period.start_date)} to {_date(period.end_date)}"
            if period.description_code:
                frequency = _code_name(codes.billing_frequencies(), period.description_code)
                text += f" ({frequency})"
            info.append(self.label("Period:", text))
        currency = doc.currency_code
        if doc.tax_currency_code and doc.tax_currency_code != currency:
            currency += f" (VAT accounted in {doc.tax_currency_code})"
        info.append(self.label("Currency:", currency))
        if doc.uuid:
            info.append(self.label("UUID:", doc.uuid, self.small))
        logo = self.image(self.options.logo, "logo", 60 * mm, 28 * mm)
        seller = doc.seller.registration_name or doc.seller.name or ""
        cells: list[Any] = [logo or self.p(seller, self.heading, bold=True), info]
        table = self.table([cells], [_WIDTH * 0.45, _WIDTH * 0.55], header=False, grid=False)
        flowables: list[Flowable] = [table, Spacer(1, 3 * mm)]
        flowables += self.credit_note_block()
        flowables += self.transaction_type_block()
        return flowables

    def credit_note_block(self) -> list[Flowable]:
        doc = self.document
        rows: list[Flowable] = []
        for reference in doc.billing_references:
            text = reference.id
            if reference.issue_date is not None:
                text += f" of {_date(reference.issue_date)}"
            rows.append(self.label("Preceding invoice:", text))
        for response in doc.discrepancy_responses:
            parts = []
            if response.response_code:
                parts.append(
                    f"{response.response_code} "
                    f"({_code_name(codes.credit_reasons(), response.response_code)})"
                )
            if response.description:
                parts.append(response.description)
            if parts:
                rows.append(self.label("Reason:", " - ".join(parts)))
        return [*rows, Spacer(1, 2 * mm)] if rows else []

    def transaction_type_block(self) -> list[Flowable]:
        flags = self.document.transaction_type
        if flags is None:
            return []
        names = [
            _FLAG_NAMES.get(name, name)
            for name in _FLAG_NAMES
            if getattr(flags, name, False) is True
        ]
        if not names:
            return []
        return [self.label("Transaction type:", ", ".join(names)), Spacer(1, 2 * mm)]

    def _address_lines(self, address: Address | None) -> list[str]:
        if address is None:
            return []
        lines = [
            line
            for line in (
                address.street_name,
                address.additional_street_name,
                *address.address_lines,
            )
            if line
        ]
        city = " ".join(part for part in (address.city_name, address.postal_zone) if part)
        if city:
            lines.append(city)
        region = ", ".join(
            part
            for part in (
                address.country_subentity,
                _code_name(codes.countries(), address.country_code)
                if address.country_code
                else None,
            )
            if part
        )
        if region:
            lines.append(region)
        return lines

    def party_cell(self, heading: str, party: Party) -> list[Flowable]:
        cell: list[Flowable] = [Paragraph(heading, self.head_cell)]
        legal = party.registration_name or party.name or ""
        cell.append(self.p(legal, self.bold, bold=True))
        if party.name and party.name != legal:
            cell.append(self.p(party.name))
        for line in self._address_lines(party.postal_address):
            cell.append(self.p(line))
        if party.trn:
            cell.append(self.label("TRN:", party.trn))
        if party.tin:
            cell.append(self.label("TIN:", party.tin))
        registration = party.legal_registration
        if registration is not None:
            kind = registration.scheme_agency_id or "Registration"
            text = registration.value
            if registration.scheme_agency_name:
                text += f" ({registration.scheme_agency_name})"
            cell.append(self.label(f"{kind}:", text))
        if party.endpoint is not None:
            endpoint = party.endpoint.value
            if party.endpoint.scheme_id:
                endpoint = f"{party.endpoint.scheme_id}:{endpoint}"
            cell.append(self.label("Peppol ID:", endpoint, self.small))
        contact = party.contact
        if contact is not None:
            details = [v for v in (contact.name, contact.telephone, contact.email) if v]
            if details:
                cell.append(self.p(" / ".join(details), self.small))
        return cell

    def parties(self) -> list[Flowable]:
        doc = self.document
        seller_heading = "SUPPLIER"
        buyer_heading = "CUSTOMER"
        row = [
            self.party_cell(seller_heading, doc.seller),
            self.party_cell(buyer_heading, doc.buyer),
        ]
        rows: list[list[Any]] = [row]
        extra: list[Any] = []
        if doc.payee is not None:
            extra.append(self.party_cell("PAYEE", doc.payee))
        if doc.tax_representative is not None:
            extra.append(self.party_cell("SELLER TAX REPRESENTATIVE", doc.tax_representative))
        if extra:
            rows.append(extra + [""] * (2 - len(extra)))
        return [self.table(rows, [_WIDTH / 2, _WIDTH / 2], header=False), Spacer(1, 3 * mm)]

    def references(self) -> list[Flowable]:
        doc = self.document
        items: list[tuple[str, str]] = []
        if doc.buyer_reference:
            items.append(("Buyer reference:", doc.buyer_reference))
        if doc.order_reference is not None:
            order = doc.order_reference.id
            if doc.order_reference.sales_order_id:
                order += f" (sales order {doc.order_reference.sales_order_id})"
            items.append(("Purchase order:", order))
        if doc.contract_reference is not None:
            items.append(("Contract:", doc.contract_reference.id))
        if doc.project_reference_id:
            items.append(("Project:", doc.project_reference_id))
        if doc.despatch_document_id:
            items.append(("Despatch advice:", doc.despatch_document_id))
        if doc.receipt_document_id:
            items.append(("Receipt advice:", doc.receipt_document_id))
        if doc.originator_document_id:
            items.append(("Tender / lot:", doc.originator_document_id))
        if doc.accounting_cost:
            items.append(("Accounting cost:", doc.accounting_cost))
        delivery = doc.delivery
        if delivery is not None:
            if delivery.actual_delivery_date is not None:
                items.append(("Delivery date:", _date(delivery.actual_delivery_date)))
            where = [delivery.party_name or "", *self._address_lines(delivery.address)]
            where_text = ", ".join(part for part in where if part)
            if where_text:
                items.append(("Deliver to:", where_text))
            if delivery.delivery_terms_id is not None:
                items.append(("Incoterms:", delivery.delivery_terms_id.value))
        if not items:
            return []
        half = (len(items) + 1) // 2
        left = [self.label(k, v) for k, v in items[:half]]
        right = [self.label(k, v) for k, v in items[half:]]
        table = self.table([[left, right]], [_WIDTH / 2, _WIDTH / 2], header=False, grid=False)
        return [table, Spacer(1, 3 * mm)]

    def _item_cell(self, line: DocumentLine) -> list[Flowable]:
        item = line.item
        cell: list[Flowable] = [self.p(item.name, self.bold, bold=True)]
        if item.description:
            cell.append(self.p(item.description, self.small))
        details: list[str] = []
        if item.sellers_item_id:
            details.append(f"Item no. {item.sellers_item_id}")
        if item.standard_item_id is not None:
            details.append(f"ID {item.standard_item_id.value}")
        price = line.price
        if price.gross_amount is not None:
            details.append(f"Gross price {_money(price.gross_amount)}")
        if price.discount_amount is not None:
            details.append(f"Price discount {_money(price.discount_amount)}")
        if price.base_quantity is not None and price.base_quantity != 1:
            details.append(f"Price per {_number(price.base_quantity)}")
        if line.period is not None and (line.period.start_date or line.period.end_date):
            details.append(
                f"Period {_date(line.period.start_date)} to {_date(line.period.end_date)}"
            )
        for charge in line.allowances_charges:
            if charge.charge_indicator:
                details.append(f"Charge {_money(charge.amount)} {charge.reason or ''}".strip())
        exemption = item.classified_tax_category.exemption_reason
        if exemption:
            details.append(exemption)
        if line.note:
            details.append(line.note)
        if details:
            cell.append(self.p(" · ".join(details), self.small))
        return cell

    def lines(self) -> list[Flowable]:
        widths = [8, 52, 16, 14, 20, 16, 16, 18, 20]
        scale = _WIDTH / (sum(widths) * mm)
        columns = [w * mm * scale for w in widths]
        header = [
            Paragraph("#", self.head_cell),
            Paragraph("Item", self.head_cell),
            Paragraph("Qty", self.head_right),
            Paragraph("Unit", self.head_cell),
            Paragraph(f"Unit price ({self.currency})", self.head_right),
            Paragraph("Discount", self.head_right),
            Paragraph("VAT", self.head_right),
            Paragraph("VAT amount", self.head_right),
            Paragraph(f"Line total excl. VAT ({self.currency})", self.head_right),
        ]
        rows: list[list[Any]] = [header]
        units = codes.unit_codes()
        for line in self.document.lines:
            category = line.item.classified_tax_category
            discount = sum(
                (ac.amount for ac in line.allowances_charges if not ac.charge_indicator), Decimal(0)
            )
            has_discount = any(not ac.charge_indicator for ac in line.allowances_charges)
            vat = f"{category.code} {_percent(category.percent)}".strip()
            rows.append(
                [
                    self.p(line.id, self.small),
                    self._item_cell(line),
                    self.p(_number(line.quantity), self.right),
                    self.p(_code_name(units, line.unit_code), self.small),
                    self.p(_money(line.price.amount), self.right),
                    self.p(_money(discount) if has_discount else "", self.right),
                    self.p(vat, self.right),
                    self.p(_money(line.vat_line_amount), self.right),
                    self.p(_money(line.line_extension_amount), self.right),
                ]
            )
        return [self.section("Lines"), self.table(rows, columns), Spacer(1, 3 * mm)]

    def _reason(self, charge: AllowanceCharge) -> str:
        parts = [charge.reason_code or "", charge.reason or ""]
        return " ".join(part for part in parts if part)

    def allowances_charges(self) -> list[Flowable]:
        items = self.document.allowances_charges
        if not items:
            return []
        header = [
            Paragraph(text, style)
            for text, style in (
                ("Type", self.head_cell),
                ("Reason", self.head_cell),
                ("Base amount", self.head_right),
                ("Percent", self.head_right),
                ("VAT", self.head_right),
                (f"Amount ({self.currency})", self.head_right),
            )
        ]
        rows: list[list[Any]] = [header]
        for item in items:
            category: TaxCategory | None = item.tax_category
            vat = (
                "" if category is None else f"{category.code} {_percent(category.percent)}".strip()
            )
            rows.append(
                [
                    self.p("Charge" if item.charge_indicator else "Allowance"),
                    self.p(self._reason(item)),
                    self.p(_money(item.base_amount), self.right),
                    self.p(_percent(item.multiplier_factor), self.right),
                    self.p(vat, self.right),
                    self.p(_money(item.amount), self.right),
                ]
            )
        widths = [0.14, 0.36, 0.14, 0.1, 0.1, 0.16]
        return [
            self.section("Document allowances and charges"),
            self.table(rows, [w * _WIDTH for w in widths]),
            Spacer(1, 3 * mm),
        ]

    def vat_breakdown(self) -> list[Flowable]:
        subtotals = self.document.tax_total.subtotals
        if not subtotals:
            return []
        header = [
            Paragraph(text, style)
            for text, style in (
                ("VAT category", self.head_cell),
                ("Rate", self.head_right),
                (f"Taxable amount ({self.currency})", self.head_right),
                (f"VAT amount ({self.currency})", self.head_right),
                ("Exemption reason", self.head_cell),
            )
        ]
        rows: list[list[Any]] = [header]
        for subtotal in subtotals:
            category = subtotal.category
            reason = " ".join(
                part for part in (category.exemption_reason_code, category.exemption_reason) if part
            )
            rows.append(
                [
                    self.p(f"{category.code} - {_category_name(category.code)}"),
                    self.p(_percent(category.percent), self.right),
                    self.p(_money(subtotal.taxable_amount), self.right),
                    self.p(_money(subtotal.tax_amount), self.right),
                    self.p(reason, self.small),
                ]
            )
        widths = [0.3, 0.1, 0.18, 0.18, 0.24]
        return [
            self.section("VAT breakdown"),
            self.table(rows, [w * _WIDTH for w in widths]),
            Spacer(1, 3 * mm),
        ]

    def totals(self) -> list[Flowable]:
        doc = self.document
        totals = doc.totals
        cur = self.currency
        rows: list[tuple[str, Decimal | None, bool]] = [
            ("Sum of line amounts", totals.line_extension_amount, False),
        ]
        if totals.allowance_total_amount is not None:
            rows.append(("Allowances", totals.allowance_total_amount, False))
        if totals.charge_total_amount is not None:
            rows.append(("Charges", totals.charge_total_amount, False))
        rows += [
            ("Total excl. VAT", totals.tax_exclusive_amount, False),
            ("VAT", doc.tax_total.tax_amount, False),
            ("Total incl. VAT", totals.tax_inclusive_amount, True),
        ]
        if totals.prepaid_amount is not None:
            rows.append(("Paid", totals.prepaid_amount, False))
        if totals.payable_rounding_amount is not None:
            rows.append(("Rounding", totals.payable_rounding_amount, False))
        due_label = "Amount to be credited" if doc.is_credit_note else "Amount due"
        rows.append((due_label, totals.payable_amount, True))
        cells = [
            [
                Paragraph(f"{label} ({cur})", self.right_bold if strong else self.right),
                Paragraph(_money(value), self.right_bold if strong else self.right),
            ]
            for label, value, strong in rows
        ]
        table = self.table(cells, [_WIDTH * 0.3, _WIDTH * 0.2], header=False)
        table.setStyle(TableStyle([("BACKGROUND", (0, len(cells) - 1), (-1, -1), _SHADE)]))
        stamp = self.image(self.options.stamp, "stamp", 45 * mm, 30 * mm)
        layout = self.table(
            [[stamp or "", table]], [_WIDTH * 0.5, _WIDTH * 0.5], header=False, grid=False
        )
        flowables: list[Flowable] = [KeepTogether([layout]), Spacer(1, 3 * mm)]
        flowables += self.aed_block()
        return flowables

    def aed_block(self) -> list[Flowable]:
        doc = self.document
        if doc.currency_code == _AED:
            return []
        lines: list[Flowable] = []
        rate = doc.tax_exchange_rate
        if rate is not None:
            lines.append(
                self.label(
                    "Exchange rate:",
                    f"1 {rate.source_currency_code} = {_number(rate.calculation_rate)} "
                    f"{rate.target_currency_code}",
                )
            )
        if doc.tax_currency_tax_amount is not None:
            lines.append(self.label("VAT total in AED:", _money(doc.tax_currency_tax_amount)))
        stated = next(
            (
                ref.description
                for ref in doc.additional_document_references
                if ref.document_type_code == _AED_TOTAL_MARKER and ref.description
            ),
            None,
        )
        if stated is not None:
            lines.append(self.label("Total incl. VAT in AED:", stated))
        elif rate is not None:
            computed = round_half_up(doc.totals.tax_inclusive_amount * rate.calculation_rate)
            lines.append(
                self.label("Total incl. VAT in AED (at the rate above):", _money(computed))
            )
        if not lines:
            return []
        return [self.section("Amounts in AED"), *lines, Spacer(1, 3 * mm)]

    def _payment_means(self, means: PaymentMeans) -> list[Flowable]:
        name = means.code_name or _code_name(codes.payment_means_codes(), means.code)
        rows: list[Flowable] = [self.label("Payment means:", f"{name} ({means.code})")]
        account = means.payee_financial_account
        if account is not None:
            rows.append(self.label("Account:", account.id))
            if account.name:
                rows.append(self.label("Account name:", account.name))
            if account.branch_id:
                rows.append(self.label("Bank / branch:", account.branch_id))
        card = means.card_account
        if card is not None:
            digits = "".join(ch for ch in card.primary_account_number_id if ch.isdigit())
            rows.append(self.label("Card:", f"{card.network_id} ending {digits[-4:]}"))
        if means.payment_id:
            rows.append(self.label("Payment reference:", means.payment_id))
        if means.mandate_id:
            rows.append(self.label("Mandate:", means.mandate_id))
        return rows

    def payment(self) -> list[Flowable]:
        doc = self.document
        rows: list[Flowable] = []
        if doc.payment_terms:
            rows.append(self.label("Payment terms:", doc.payment_terms))
        for means in doc.payment_means:
            rows += self._payment_means(means)
        if not rows:
            return []
        return [self.section("Payment"), *rows, Spacer(1, 3 * mm)]

    def notes(self) -> list[Flowable]:
        if not self.document.notes:
            return []
        notes = [self.p(note) for note in self.document.notes]
        return [self.section("Notes"), *notes, Spacer(1, 3 * mm)]

    def story(self) -> list[Flowable]:
        return [
            *self.header(),
            *self.parties(),
            *self.references(),
            *self.notes(),
            *self.lines(),
            *self.allowances_charges(),
            *self.vat_breakdown(),
            *self.totals(),
            *self.payment(),
        ]

    # -- page decoration --

    def creation_date(self) -> str:
        issue = self.document.issue_date
        return f"D:{issue:%Y%m%d}000000+00'00'"

    def on_page(self, canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        fixed = self.creation_date()
        canvas.setDateFormatter(lambda *_args: fixed)
        canvas.saveState()
        canvas.setStrokeColor(_GRID)
        canvas.setLineWidth(0.4)
        top = 16 * mm
        canvas.line(_PAGE_MARGIN, top, A4[0] - _PAGE_MARGIN, top)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            _PAGE_MARGIN,
            top - 9,
            f"{self.title} {_ascii(self.document.id)} - page {canvas.getPageNumber()}",
        )
        canvas.setFont("Courier", 6.5)
        if self.options.document_hash:
            canvas.drawString(
                _PAGE_MARGIN,
                top - 18,
                f"Document hash (SHA-256): {_ascii(self.options.document_hash)}",
            )
        if self.options.signature_key_id:
            canvas.drawString(
                _PAGE_MARGIN, top - 26, f"Signing key id: {_ascii(self.options.signature_key_id)}"
            )
        canvas.restoreState()


def _ascii(text: str) -> str:
    # The footer is drawn with a standard font: keep it to printable ASCII.
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)


def render_pdf(document: Document, options: PdfOptions | None = None) -> bytes:
    """The PDF of ``document`` (A4), deterministic for the same document and options."""
    writer = _Writer(document, options or PdfOptions())
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_PAGE_MARGIN,
        rightMargin=_PAGE_MARGIN,
        topMargin=_PAGE_MARGIN,
        bottomMargin=24 * mm,
        title=f"{writer.title} {document.id}",
        author=document.seller.registration_name or document.seller.name or "",
        subject=f"{writer.title} {document.id}",
        creator="InvoLinks",
        producer="InvoLinks",
        invariant=1,
    )
    template.build(writer.story(), onFirstPage=writer.on_page, onLaterPages=writer.on_page)
    return buffer.getvalue()
