"""Purchase order PDF (reportlab), the document e-mailed to the supplier."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from involinks.companies.models import Company
from involinks.payables.purchase_orders.models import PurchaseOrder


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _para(text: str | None, style: object) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def render_purchase_order(order: PurchaseOrder, *, buyer: Company) -> bytes:
    """`order` with its `supplier` and `lines` loaded."""
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Normal"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Purchase order {order.number}",
        author=buyer.legal_name,
        invariant=True,  # same input, same bytes (no timestamp or random id in the file)
    )
    supplier = order.supplier
    story: list[object] = [
        Paragraph(f"Purchase order {escape(order.number)}", styles["Title"]),
        Table(
            [
                [
                    _para(
                        f"{buyer.legal_name}\n{buyer.address_line1}\n{buyer.city}, "
                        f"{buyer.emirate}, {buyer.country}\nTRN {buyer.trn}",
                        body,
                    ),
                    _para(
                        f"Supplier: {supplier.name}\n"
                        + (f"TRN {supplier.trn}\n" if supplier.trn else "")
                        + (f"{supplier.address_line1}\n" if supplier.address_line1 else "")
                        + (supplier.city or ""),
                        body,
                    ),
                ]
            ],
            colWidths=[90 * mm, 90 * mm],
        ),
        Spacer(1, 4 * mm),
        _para(
            f"Order date: {order.order_date.isoformat()}"
            + (
                f"\nExpected delivery: {order.expected_delivery_date.isoformat()}"
                if order.expected_delivery_date
                else ""
            )
            + f"\nCurrency: {order.currency}"
            + (f"\nPayment terms: {order.payment_terms}" if order.payment_terms else "")
            + (f"\nDeliver to: {order.delivery_address}" if order.delivery_address else ""),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[object]] = [
        ["Line", "Item", "Quantity", "Unit price", "VAT", "Net amount"],
    ]
    for line in order.lines:
        item = line.item_name + (f" ({line.item_code})" if line.item_code else "")
        rows.append(
            [
                str(line.line_no),
                _para(item, small),
                f"{_qty(line.quantity)} {line.unit_code}",
                _qty(line.unit_price),
                f"{line.vat_category} {_qty(line.vat_rate)}%",
                _money(line.net_amount),
            ]
        )
    rows += [
        ["", "", "", "", "Net", _money(order.net_amount)],
        ["", "", "", "", "VAT", _money(order.tax_amount)],
        ["", "", "", "", "Total", f"{order.currency} {_money(order.total_amount)}"],
    ]
    table = Table(rows, colWidths=[12 * mm, 68 * mm, 28 * mm, 24 * mm, 20 * mm, 28 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                ("GRID", (0, 0), (-1, len(order.lines)), 0.25, colors.grey),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (4, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    story.append(table)
    if order.notes:
        story += [Spacer(1, 4 * mm), _para(order.notes, body)]
    story += [
        Spacer(1, 6 * mm),
        _para(
            f"Please quote {order.number} and the line numbers on your invoice "
            "(order reference and order line reference).",
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
