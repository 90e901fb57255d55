"""3-way matching engine: hand-computed scenarios and properties.

Expected figures are worked out by hand in the comments next to each scenario.
Standard order PO-100 (AED, all 5 % standard rated):
    L1 A4 paper        code PAP-A4  10 x  25.00 =   250.00
    L2 Toner cartridge code TON-1    4 x 300.00 = 1,200.00
    L3 Stapler         code STP-1    2 x  45.50 =    91.00
                                              net 1,541.00, VAT 5 % = 77.05
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from involinks.payables.matching.engine import (
    GoodsReceipt,
    GoodsReceiptLine,
    InvoiceLine,
    LineFinding,
    MatchingInputError,
    MatchResult,
    MatchStatus,
    MatchTolerances,
    PairingMethod,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderState,
    SupplierInvoice,
    choose_purchase_order,
    match_invoice_to_po,
    normalize_item_name,
    open_quantities,
    open_received_value,
)

D = Decimal
TRN = "100000000000003"
OTHER_TRN = "100000000000099"
CENT = D("0.01")


def po_line(
    line_id: str,
    name: str,
    qty: str,
    price: str,
    code: str | None = None,
    category: str = "S",
    rate: str = "5",
) -> PurchaseOrderLine:
    return PurchaseOrderLine(line_id, name, D(qty), D(price), code, category, D(rate))


def standard_order(number: str = "PO-100", currency: str = "AED") -> PurchaseOrder:
    return PurchaseOrder(
        number=number,
        supplier_trn=TRN,
        currency=currency,
        lines=(
            po_line("L1", "A4 paper", "10", "25.00", "PAP-A4"),
            po_line("L2", "Toner cartridge", "4", "300.00", "TON-1"),
            po_line("L3", "Stapler", "2", "45.50", "STP-1"),
        ),
    )


def grn(number: str, *lines: tuple[str, str, str], order: str = "PO-100") -> GoodsReceipt:
    return GoodsReceipt(
        number, order, tuple(GoodsReceiptLine(lid, D(rec), D(rej)) for lid, rec, rej in lines)
    )


FULL_DELIVERY = grn("GRN-1", ("L1", "10", "0"), ("L2", "4", "0"), ("L3", "2", "0"))


def state(
    *receipts: GoodsReceipt,
    order: PurchaseOrder | None = None,
    previously: dict[str, str] | None = None,
) -> PurchaseOrderState:
    return PurchaseOrderState(
        order=order or standard_order(),
        receipts=receipts,
        previously_invoiced={k: D(v) for k, v in (previously or {}).items()},
    )


def line(
    line_id: str,
    name: str,
    qty: str,
    price: str,
    net: str,
    *,
    code: str | None = None,
    ref: str | None = None,
    category: str | None = None,
    rate: str | None = None,
) -> InvoiceLine:
    return InvoiceLine(
        line_id,
        name,
        D(qty),
        D(price),
        D(net),
        code,
        ref,
        category,
        None if rate is None else D(rate),
    )


def invoice(
    *lines: InvoiceLine,
    net: str,
    tax: str,
    currency: str = "AED",
    trn: str = TRN,
    ref: str | None = "PO-100",
) -> SupplierInvoice:
    payable = str(D(net) + D(tax))
    return SupplierInvoice("INV-1", trn, currency, D(net), D(tax), D(payable), lines, ref)


def perfect_lines() -> tuple[InvoiceLine, ...]:
    return (
        line("1", "A4 paper", "10", "25.00", "250.00", code="PAP-A4"),
        line("2", "Toner cartridge", "4", "300.00", "1200.00", code="TON-1"),
        line("3", "Stapler", "2", "45.50", "91.00", code="STP-1"),
    )


def finding(result: MatchResult, invoice_line_id: str) -> LineFinding:
    return next(f for f in result.lines if f.invoice_line_id == invoice_line_id)


# --------------------------------------------------------------------------- statuses


def test_full_match_of_everything_received() -> None:
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="77.05"), state(FULL_DELIVERY)
    )
    assert result.status is MatchStatus.FULL_MATCH
    assert result.expected_net == D("1541.00")
    assert result.invoiced_net == D("1541.00")
    assert result.variance_amount == D("0.00")
    assert result.variance_percent == D("0.00")
    assert result.expected_tax == D("77.05")
    assert result.tax_variance == D("0.00")
    assert result.consumption == {"L1": D(10), "L2": D(4), "L3": D(2)}
    assert result.unmatched_invoice_lines == ()
    assert result.uninvoiced_order_lines == ()
    assert all(
        f.is_clean and f.reason == "matches the order and the receipts" for f in result.lines
    )


def test_not_matched_without_purchase_order() -> None:
    result = match_invoice_to_po(invoice(*perfect_lines(), net="1541.00", tax="77.05"), None)
    assert result.status is MatchStatus.NOT_MATCHED
    assert result.order_number is None
    assert result.variance_amount is None
    assert result.consumption == {}
    assert [u.invoice_line_id for u in result.unmatched_invoice_lines] == ["1", "2", "3"]
    assert "no purchase order" in result.issues[0]


def test_not_matched_when_po_belongs_to_another_supplier() -> None:
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="77.05", trn=OTHER_TRN),
        state(FULL_DELIVERY),
    )
    assert result.status is MatchStatus.NOT_MATCHED
    assert result.consumption == {}
    assert "TRN" in result.issues[0]
    assert TRN not in result.issues[0]  # no TRN in user-facing text that may reach logs


def test_trn_formatting_is_ignored() -> None:
    spaced = "100 000 000 000 003"
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="77.05", trn=spaced), state(FULL_DELIVERY)
    )
    assert result.status is MatchStatus.FULL_MATCH


def test_price_variance_is_variance_detected() -> None:
    # L2 invoiced at 310.00: 4 x 310 = 1,240.00; net 250 + 1240 + 91 = 1,581.00.
    # Variance 40.00; 40 / 1541 = 2.5957 % -> 2.60 %. Price +10.00 = +3.33 % of 300.
    lines = list(perfect_lines())
    lines[1] = line("2", "Toner cartridge", "4", "310.00", "1240.00", code="TON-1")
    result = match_invoice_to_po(invoice(*lines, net="1581.00", tax="79.05"), state(FULL_DELIVERY))
    assert result.status is MatchStatus.VARIANCE_DETECTED
    assert result.variance_amount == D("40.00")
    assert result.net_difference == D("40.00")
    assert result.variance_percent == D("2.60")
    assert result.tax_variance == D("2.00")  # 79.05 - 77.05
    toner = finding(result, "2")
    assert toner.price_variance == D("10.00")
    assert toner.quantity_variance == 0
    assert toner.amount_variance == D("40.00")
    assert not toner.is_clean
    assert "unit price 310.00 vs ordered 300.00 (+3.33%)" in toner.reason
    assert "amount 1240.00 vs expected 1200.00 (+40.00)" in toner.reason
    assert finding(result, "1").is_clean


def test_exactly_five_percent_is_partial_match() -> None:
    # L1 at 32.705 x 10 = 327.05 (+77.05); net 1,618.05; 77.05 / 1541 = exactly 5 %.
    lines = list(perfect_lines())
    lines[0] = line("1", "A4 paper", "10", "32.705", "327.05", code="PAP-A4")
    result = match_invoice_to_po(invoice(*lines, net="1618.05", tax="80.90"), state(FULL_DELIVERY))
    assert result.variance_amount == D("77.05")
    assert result.variance_percent == D("5.00")
    assert result.status is MatchStatus.PARTIAL_MATCH


def test_just_under_five_percent_is_variance_detected() -> None:
    # 327.04 instead of 250.00: variance 77.04 < 77.05 (5 % of 1,541.00).
    lines = list(perfect_lines())
    lines[0] = line("1", "A4 paper", "10", "32.704", "327.04", code="PAP-A4")
    result = match_invoice_to_po(invoice(*lines, net="1618.04", tax="80.90"), state(FULL_DELIVERY))
    assert result.variance_amount == D("77.04")
    assert result.status is MatchStatus.VARIANCE_DETECTED


def test_one_fils_is_variance_detected_unless_tolerance_is_raised() -> None:
    # Stapler 2 x 45.505 = 91.01: variance 0.01, which is not < 0.01.
    lines = list(perfect_lines())
    lines[2] = line("3", "Stapler", "2", "45.505", "91.01", code="STP-1")
    inv = invoice(*lines, net="1541.01", tax="77.05")
    assert match_invoice_to_po(inv, state(FULL_DELIVERY)).status is MatchStatus.VARIANCE_DETECTED
    lenient = MatchTolerances(full_match_amount=D("0.02"))
    assert match_invoice_to_po(inv, state(FULL_DELIVERY), lenient).status is MatchStatus.FULL_MATCH


def test_one_fils_header_charge_with_clean_lines_is_not_a_full_match() -> None:
    # Every line is exact, but the header net carries a 0.01 document-level charge.
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.01", tax="77.05"), state(FULL_DELIVERY)
    )
    assert all(f.is_clean for f in result.lines)
    assert result.variance_amount == D("0.01")
    assert result.status is MatchStatus.VARIANCE_DETECTED


def test_company_variance_percent_override() -> None:
    lines = list(perfect_lines())
    lines[1] = line("2", "Toner cartridge", "4", "310.00", "1240.00", code="TON-1")
    inv = invoice(*lines, net="1581.00", tax="79.05")  # 2.60 % as above
    strict = MatchTolerances(variance_percent=D("2"))
    assert match_invoice_to_po(inv, state(FULL_DELIVERY), strict).status is (
        MatchStatus.PARTIAL_MATCH
    )


def test_tolerances_reject_negative_values() -> None:
    with pytest.raises(ValueError, match="negative"):
        MatchTolerances(full_match_amount=D("-0.01"))


# --------------------------------------------------------------------------- quantities


def test_partial_deliveries_add_up_and_excess_is_explained() -> None:
    # Two deliveries of A4 paper: 4 + 2 = 6 received; invoice claims all 10.
    # Expected 6 x 25 = 150.00; invoiced 250.00; variance 100.00 = 66.67 % of 150.
    receipts = (grn("GRN-1", ("L1", "4", "0")), grn("GRN-2", ("L1", "2", "0")))
    inv = invoice(
        line("1", "A4 paper", "10", "25.00", "250.00", code="PAP-A4"), net="250.00", tax="12.50"
    )
    result = match_invoice_to_po(inv, state(*receipts))
    assert result.status is MatchStatus.PARTIAL_MATCH
    assert result.expected_net == D("150.00")
    assert result.variance_amount == D("100.00")
    assert result.variance_percent == D("66.67")
    paper = finding(result, "1")
    assert paper.received_quantity == 6
    assert paper.available_quantity == 6
    assert paper.matched_quantity == 6
    assert paper.quantity_variance == 4
    assert "invoiced 10 but only 6 received and not yet invoiced" in paper.reason
    assert result.consumption == {"L1": D(6)}
    assert {u.order_line_id for u in result.uninvoiced_order_lines} == {"L2", "L3"}


def test_invoicing_exactly_what_arrived_so_far_is_full_match() -> None:
    # 6 of 10 received; invoice for 6 x 25 = 150.00, VAT 7.50.
    receipts = (grn("GRN-1", ("L1", "4", "0")), grn("GRN-2", ("L1", "2", "0")))
    inv = invoice(
        line("1", "A4 paper", "6", "25.00", "150.00", code="PAP-A4"), net="150.00", tax="7.50"
    )
    result = match_invoice_to_po(inv, state(*receipts))
    assert result.status is MatchStatus.FULL_MATCH
    assert result.consumption == {"L1": D(6)}
    uninvoiced = {u.order_line_id: u for u in result.uninvoiced_order_lines}
    assert set(uninvoiced) == {"L2", "L3"}
    assert uninvoiced["L2"].open_quantity == 0  # nothing received yet


def test_rejected_quantity_is_not_payable() -> None:
    # 4 toners received, 1 rejected: 3 accepted. Invoice for 4: expected 900.00, invoiced
    # 1,200.00; variance 300.00 = 33.33 %.
    receipts = (grn("GRN-1", ("L2", "4", "1")),)
    inv = invoice(
        line("2", "Toner cartridge", "4", "300.00", "1200.00", code="TON-1"),
        net="1200.00",
        tax="60.00",
    )
    result = match_invoice_to_po(inv, state(*receipts))
    assert result.status is MatchStatus.PARTIAL_MATCH
    assert result.expected_net == D("900.00")
    assert result.variance_percent == D("33.33")
    toner = finding(result, "2")
    assert toner.rejected_quantity == 1
    assert toner.matched_quantity == 3
    assert toner.quantity_variance == 1
    assert toner.price_variance == 0
    assert toner.reason.startswith(
        "invoiced 4 but only 3 received and not yet invoiced "
        "(ordered 4, received 4, rejected 1, previously invoiced 0)"
    )
    assert result.consumption == {"L2": D(3)}


def test_over_delivery_is_capped_at_the_ordered_quantity() -> None:
    # 12 reams received against 10 ordered; invoice for 12: payable 10 x 25 = 250.00,
    # invoiced 300.00, variance 50.00 = 20 %.
    inv = invoice(
        line("1", "A4 paper", "12", "25.00", "300.00", code="PAP-A4"), net="300.00", tax="15.00"
    )
    result = match_invoice_to_po(inv, state(grn("GRN-1", ("L1", "12", "0"))))
    assert result.status is MatchStatus.PARTIAL_MATCH
    assert result.expected_net == D("250.00")
    assert result.variance_percent == D("20.00")
    assert result.consumption == {"L1": D(10)}
    assert "only 10 received and not yet invoiced" in finding(result, "1").reason


def test_double_matching_is_prevented_by_consumed_quantities() -> None:
    receipts = (grn("GRN-1", ("L1", "6", "0")),)
    first = invoice(
        line("1", "A4 paper", "6", "25.00", "150.00", code="PAP-A4"), net="150.00", tax="7.50"
    )
    result1 = match_invoice_to_po(first, state(*receipts))
    assert result1.status is MatchStatus.FULL_MATCH
    consumed = {k: str(v) for k, v in result1.consumption.items()}

    # The same invoice again (a duplicate) finds nothing left: expected 0, invoiced 150.
    result2 = match_invoice_to_po(first, state(*receipts, previously=consumed))
    assert result2.status is MatchStatus.PARTIAL_MATCH
    assert result2.expected_net == D("0.00")
    assert result2.variance_amount == D("150.00")
    assert result2.variance_percent is None
    assert result2.consumption == {}
    paper = finding(result2, "1")
    assert paper.previously_invoiced_quantity == 6
    assert "invoiced 6 but nothing is received and not yet invoiced" in paper.reason

    # After 4 more arrive, an invoice for those 4 (100.00) matches fully.
    later = invoice(
        line("1", "A4 paper", "4", "25.00", "100.00", code="PAP-A4"), net="100.00", tax="5.00"
    )
    more = (*receipts, grn("GRN-2", ("L1", "4", "0")))
    result3 = match_invoice_to_po(later, state(*more, previously=consumed))
    assert result3.status is MatchStatus.FULL_MATCH
    assert result3.consumption == {"L1": D(4)}


def test_split_lines_share_the_open_quantity() -> None:
    # 6 received; two invoice lines of 4 each. Line 1 takes 4, line 2 only the 2 left.
    # Expected 150.00, invoiced 200.00, variance 50.00 = 33.33 %.
    inv = invoice(
        line("1", "A4 paper", "4", "25.00", "100.00", code="PAP-A4"),
        line("2", "A4 paper", "4", "25.00", "100.00", code="PAP-A4"),
        net="200.00",
        tax="10.00",
    )
    result = match_invoice_to_po(inv, state(grn("GRN-1", ("L1", "6", "0"))))
    assert result.status is MatchStatus.PARTIAL_MATCH
    first, second = result.lines
    assert (first.matched_quantity, second.matched_quantity) == (D(4), D(2))
    assert second.available_quantity == 2
    assert "4 on earlier lines of this invoice" in second.reason
    assert result.consumption == {"L1": D(6)}
    assert result.variance_percent == D("33.33")


# --------------------------------------------------------------------------- amounts, VAT


def test_currency_mismatch_cannot_be_a_match() -> None:
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="77.05", currency="USD"),
        state(FULL_DELIVERY),
    )
    assert result.status is MatchStatus.PARTIAL_MATCH
    assert result.variance_amount is None
    assert result.variance_percent is None
    assert all(f.amount_variance is None and f.price_variance is None for f in result.lines)
    assert any("USD" in issue and "AED" in issue for issue in result.issues)


def test_offsetting_line_differences_are_not_a_full_match() -> None:
    # Paper 10 x 26.00 = 260.00 (+10), toner 4 x 297.50 = 1,190.00 (-10): total still 1,541.00.
    lines = list(perfect_lines())
    lines[0] = line("1", "A4 paper", "10", "26.00", "260.00", code="PAP-A4")
    lines[1] = line("2", "Toner cartridge", "4", "297.50", "1190.00", code="TON-1")
    result = match_invoice_to_po(invoice(*lines, net="1541.00", tax="77.05"), state(FULL_DELIVERY))
    assert result.variance_amount == D("0.00")
    assert result.status is MatchStatus.VARIANCE_DETECTED
    assert "totals agree but 2 line(s) differ" in result.issues


def test_wrong_vat_total_is_not_a_full_match() -> None:
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="0.00"), state(FULL_DELIVERY)
    )
    assert result.status is MatchStatus.VARIANCE_DETECTED
    assert result.tax_variance == D("-77.05")


def test_expected_vat_per_rate_group_and_line_vat_mismatch() -> None:
    # Stapler zero rated: VAT = 5 % of (250 + 1200) = 72.50.
    order = PurchaseOrder(
        "PO-100",
        TRN,
        "AED",
        (
            po_line("L1", "A4 paper", "10", "25.00", "PAP-A4"),
            po_line("L2", "Toner cartridge", "4", "300.00", "TON-1"),
            po_line("L3", "Stapler", "2", "45.50", "STP-1", category="Z", rate="0"),
        ),
    )
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1541.00", tax="72.50"), state(FULL_DELIVERY, order=order)
    )
    assert result.expected_tax == D("72.50")
    assert result.status is MatchStatus.FULL_MATCH

    lines = list(perfect_lines())
    lines[2] = line("3", "Stapler", "2", "45.50", "91.00", code="STP-1", category="S", rate="5")
    result = match_invoice_to_po(
        invoice(*lines, net="1541.00", tax="72.50"), state(FULL_DELIVERY, order=order)
    )
    assert result.status is MatchStatus.VARIANCE_DETECTED
    assert "VAT S 5% vs ordered Z 0%" in finding(result, "3").reason


def test_rounding_is_half_up() -> None:
    # 1 x 2.345 = 2.345 -> 2.35 half up (half-even would give 2.34). VAT 5 % of 2.35 = 0.1175
    # -> 0.12.
    order = PurchaseOrder("PO-7", TRN, "AED", (po_line("A", "Bolt", "1", "2.345"),))
    inv = SupplierInvoice(
        "INV-7",
        TRN,
        "AED",
        D("2.35"),
        D("0.12"),
        D("2.47"),
        (line("1", "Bolt", "1", "2.345", "2.35"),),
        "PO-7",
    )
    result = match_invoice_to_po(
        inv, PurchaseOrderState(order, (grn("G", ("A", "1", "0"), order="PO-7"),))
    )
    assert result.expected_net == D("2.35")
    assert result.expected_tax == D("0.12")
    assert result.status is MatchStatus.FULL_MATCH


def test_document_level_charge_is_reported() -> None:
    # Lines total 1,541.00 but the header net is 1,591.00 (a 50.00 freight charge).
    result = match_invoice_to_po(
        invoice(*perfect_lines(), net="1591.00", tax="79.55"), state(FULL_DELIVERY)
    )
    assert result.variance_amount == D("50.00")
    assert result.status is MatchStatus.VARIANCE_DETECTED  # 3.24 %
    assert result.variance_percent == D("3.24")
    assert any("differs from the sum of the line nets 1541.00" in i for i in result.issues)


def test_line_net_not_equal_to_quantity_times_price_is_explained() -> None:
    lines = list(perfect_lines())
    lines[0] = line("1", "A4 paper", "10", "25.00", "240.00", code="PAP-A4")  # line discount
    result = match_invoice_to_po(invoice(*lines, net="1531.00", tax="76.55"), state(FULL_DELIVERY))
    paper = finding(result, "1")
    assert "line net 240.00 differs from 10 x 25.00 = 250.00" in paper.reason
    assert paper.amount_variance == D("-10.00")
    assert result.net_difference == D("-10.00")
    assert result.variance_amount == D("10.00")


# --------------------------------------------------------------------------- pairing


def test_pairing_by_reference_then_code_then_name() -> None:
    inv = invoice(
        line("a", "Something else", "2", "45.50", "91.00", code="XYZ", ref="L3"),
        line("b", "Black toner", "4", "300.00", "1200.00", code=" ton-1 "),
        line("c", "a4  PAPER!", "10", "25.00", "250.00"),
        net="1541.00",
        tax="77.05",
    )
    result = match_invoice_to_po(inv, state(FULL_DELIVERY))
    pairs = {f.invoice_line_id: (f.order_line_id, f.pairing) for f in result.lines}
    assert pairs == {
        "a": ("L3", PairingMethod.ORDER_LINE_REFERENCE),
        "b": ("L2", PairingMethod.ITEM_CODE),
        "c": ("L1", PairingMethod.ITEM_NAME),
    }
    assert result.status is MatchStatus.FULL_MATCH


def test_unknown_line_reference_falls_back_and_says_so() -> None:
    inv = invoice(
        line("1", "A4 paper", "10", "25.00", "250.00", code="PAP-A4", ref="L9"),
        net="250.00",
        tax="12.50",
    )
    result = match_invoice_to_po(inv, state(FULL_DELIVERY))
    paper = result.lines[0]
    assert (paper.order_line_id, paper.pairing) == ("L1", PairingMethod.ITEM_CODE)
    assert "order line reference 'L9' is not on purchase order PO-100" in paper.reason


def test_position_is_the_last_resort_and_unpaired_lines_are_listed() -> None:
    order = PurchaseOrder(
        "PO-100",
        TRN,
        "AED",
        (
            po_line("L1", "A4 paper", "10", "25.00"),
            po_line("L2", "Toner cartridge", "4", "300.00"),
        ),
    )
    inv = invoice(
        line("1", "Copy paper 80gsm", "10", "25.00", "250.00"),
        line("2", "Toner", "4", "300.00", "1200.00", ref="L2"),
        line("3", "Delivery fee", "1", "50.00", "50.00"),
        net="1500.00",
        tax="75.00",
    )
    receipts = (grn("GRN-1", ("L1", "10", "0"), ("L2", "4", "0")),)
    result = match_invoice_to_po(inv, state(*receipts, order=order))
    paper = finding(result, "1")
    assert (paper.order_line_id, paper.pairing) == ("L1", PairingMethod.POSITION)
    assert "paired by position only" in paper.reason
    assert [u.invoice_line_id for u in result.unmatched_invoice_lines] == ["3"]
    assert result.unmatched_invoice_lines[0].net_amount == D("50.00")
    # Unpaired 50.00 on 1,450.00 expected: 3.45 %, and an unpaired line is never a full match.
    assert result.variance_percent == D("3.45")
    assert result.status is MatchStatus.VARIANCE_DETECTED


def test_position_never_takes_a_po_line_paired_by_a_stronger_rule() -> None:
    order = PurchaseOrder(
        "PO-100",
        TRN,
        "AED",
        (po_line("L1", "A4 paper", "10", "25.00"), po_line("L2", "Toner", "4", "300.00", "T")),
    )
    inv = invoice(
        line("1", "Toner", "4", "300.00", "1200.00", code="T"),
        line("2", "Mystery item", "1", "10.00", "10.00"),
        net="1210.00",
        tax="60.50",
    )
    result = match_invoice_to_po(inv, state(grn("G", ("L2", "4", "0")), order=order))
    assert [u.invoice_line_id for u in result.unmatched_invoice_lines] == ["2"]
    assert [u.order_line_id for u in result.uninvoiced_order_lines] == ["L1"]


def test_duplicate_item_codes_go_to_distinct_po_lines_first() -> None:
    order = PurchaseOrder(
        "PO-100",
        TRN,
        "AED",
        (po_line("L1", "Cable", "5", "10.00", "C"), po_line("L2", "Cable", "5", "10.00", "C")),
    )
    inv = invoice(
        line("1", "Cable", "5", "10.00", "50.00", code="C"),
        line("2", "Cable", "5", "10.00", "50.00", code="C"),
        net="100.00",
        tax="5.00",
    )
    result = match_invoice_to_po(
        inv, state(grn("G", ("L1", "5", "0"), ("L2", "5", "0")), order=order)
    )
    assert [f.order_line_id for f in result.lines] == ["L1", "L2"]
    assert result.status is MatchStatus.FULL_MATCH


def test_normalize_item_name() -> None:
    assert normalize_item_name("  Café  Crème, 1kg ") == normalize_item_name("CAFE creme 1KG")
    assert normalize_item_name("!!!") == ""


# --------------------------------------------------------------------------- input checks


@pytest.mark.parametrize(
    ("receipts", "previously", "message"),
    [
        ((grn("G", ("L1", "1", "0"), order="PO-999"),), {}, "belongs to order PO-999"),
        ((grn("G", ("L7", "1", "0")),), {}, "unknown PO line L7"),
        ((grn("G", ("L1", "1", "2")),), {}, "rejected quantity"),
        ((), {"L7": "1"}, "unknown PO line L7"),
        ((), {"L1": "-1"}, "negative consumed"),
    ],
)
def test_inconsistent_inputs_are_rejected(
    receipts: tuple[GoodsReceipt, ...], previously: dict[str, str], message: str
) -> None:
    inv = invoice(*perfect_lines(), net="1541.00", tax="77.05")
    with pytest.raises(MatchingInputError, match=message):
        match_invoice_to_po(inv, state(*receipts, previously=previously))


# --------------------------------------------------------------------------- choosing the PO


def candidate(
    number: str, received: str, trn: str = TRN, currency: str = "AED"
) -> PurchaseOrderState:
    order = PurchaseOrder(number, trn, currency, (po_line("L1", "A4 paper", "100", "25.00"),))
    return PurchaseOrderState(order, (grn("G", ("L1", received, "0"), order=number),))


def test_open_quantities_and_value() -> None:
    st_ = state(grn("G", ("L1", "8", "1"), ("L2", "2", "0")), previously={"L1": "3"})
    assert open_quantities(st_) == {"L1": D(4), "L2": D(2), "L3": D(0)}
    assert open_received_value(st_) == D("700.00")  # 4 x 25 + 2 x 300


def test_choose_by_order_reference_first() -> None:
    far = candidate("PO-1", "100")  # open value 2,500.00
    near = candidate("PO-2", "10")  # open value 250.00
    inv = invoice(*perfect_lines()[:1], net="250.00", tax="12.50", ref=" po-1 ")
    assert choose_purchase_order(inv, [near, far]) is far


def test_choose_closest_open_received_value_without_reference() -> None:
    big, small, empty = candidate("PO-1", "100"), candidate("PO-2", "11"), candidate("PO-3", "0")
    inv = invoice(*perfect_lines()[:1], net="250.00", tax="12.50", ref=None)
    assert choose_purchase_order(inv, [big, empty, small]) is small  # |275 - 250| is least
    # An unknown reference falls back to the value rule too.
    inv_ref = invoice(*perfect_lines()[:1], net="250.00", tax="12.50", ref="PO-404")
    assert choose_purchase_order(inv_ref, [big, empty, small]) is small


def test_choose_ignores_other_suppliers_and_currencies() -> None:
    foreign = candidate("PO-1", "10", trn=OTHER_TRN)
    usd = candidate("PO-2", "10", currency="USD")
    inv = invoice(*perfect_lines()[:1], net="250.00", tax="12.50", ref="PO-1")
    assert choose_purchase_order(inv, [foreign, usd]) is None
    assert choose_purchase_order(inv, []) is None


def test_choose_tie_goes_to_the_first_candidate() -> None:
    a, b = candidate("PO-1", "10"), candidate("PO-2", "10")
    inv = invoice(*perfect_lines()[:1], net="250.00", tax="12.50", ref=None)
    assert choose_purchase_order(inv, [a, b]) is a
    assert choose_purchase_order(inv, [b, a]) is b


# --------------------------------------------------------------------------- properties


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


quantities = st.decimals(min_value=D("0.001"), max_value=D("500"), places=3)
prices = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=4)


@st.composite
def order_states(draw: st.DrawFn) -> tuple[PurchaseOrderState, dict[str, Decimal]]:
    """A PO with random deliveries, rejections and earlier invoices, and its open quantities."""
    count = draw(st.integers(1, 5))
    lines = tuple(
        PurchaseOrderLine(f"L{i}", f"Item {i}", draw(quantities), draw(prices), f"C{i}")
        for i in range(count)
    )
    receipts: list[GoodsReceipt] = []
    accepted = dict.fromkeys((po.line_id for po in lines), D(0))
    for n in range(draw(st.integers(0, 3))):
        grn_lines = []
        for po in lines:
            if draw(st.booleans()):
                received = draw(quantities)
                rejected = draw(st.decimals(min_value=0, max_value=received, places=3))
                grn_lines.append(GoodsReceiptLine(po.line_id, received, rejected))
                accepted[po.line_id] += received - rejected
        receipts.append(GoodsReceipt(f"GRN-{n}", "PO-P", tuple(grn_lines)))
    previously: dict[str, Decimal] = {}
    open_qty: dict[str, Decimal] = {}
    for po in lines:
        payable = min(po.quantity, accepted[po.line_id])  # never more than ordered
        previously[po.line_id] = draw(st.decimals(min_value=0, max_value=payable, places=3))
        open_qty[po.line_id] = payable - previously[po.line_id]
    order = PurchaseOrder("PO-P", TRN, "AED", lines)
    return PurchaseOrderState(order, tuple(receipts), previously), open_qty


def _perfect_invoice(state_: PurchaseOrderState, open_qty: dict[str, Decimal]) -> SupplierInvoice:
    lines = tuple(
        InvoiceLine(
            f"i{po.line_id}",
            po.item_name,
            open_qty[po.line_id],
            po.unit_price,
            _half_up(open_qty[po.line_id] * po.unit_price),
            item_code=po.item_code,
        )
        for po in state_.order.lines
        if open_qty[po.line_id] > 0
    )
    net = sum((x.net_amount for x in lines), D(0))
    tax = _half_up(net * D("0.05"))
    return SupplierInvoice("INV-P", TRN, "AED", net, tax, net + tax, lines, "PO-P")


@settings(max_examples=150, deadline=None)
@given(order_states())
def test_perfect_invoice_of_open_quantities_is_full_match_and_cannot_match_twice(
    drawn: tuple[PurchaseOrderState, dict[str, Decimal]],
) -> None:
    state_, open_qty = drawn
    inv = _perfect_invoice(state_, open_qty)
    result = match_invoice_to_po(inv, state_)
    assert result.status is MatchStatus.FULL_MATCH
    assert result.consumption == {k: v for k, v in open_qty.items() if v > 0}

    if inv.lines:
        consumed = {
            k: v + result.consumption.get(k, D(0)) for k, v in state_.previously_invoiced.items()
        }
        again = PurchaseOrderState(state_.order, state_.receipts, consumed)
        second = match_invoice_to_po(inv, again)
        assert second.status is MatchStatus.PARTIAL_MATCH
        assert second.consumption == {}


# Every line is worth at least 20.00, so with p >= 0.001 each line moves by >= 0.02 - 0.005
# (half-up rounding) and with p <= 0.049 the total stays below 5 % (0.001 x 20 > 0.005).
whole_lines = st.lists(
    st.tuples(st.integers(1, 50), st.decimals(min_value=D("20.00"), max_value=D("5000"), places=2)),
    min_size=1,
    max_size=5,
)


def _scaled(
    specs: list[tuple[int, Decimal]], factor: Decimal, rounding: str
) -> tuple[PurchaseOrderState, SupplierInvoice]:
    po_lines = tuple(
        PurchaseOrderLine(f"L{i}", f"Item {i}", D(q), price) for i, (q, price) in enumerate(specs)
    )
    order = PurchaseOrder("PO-S", TRN, "AED", po_lines)
    receipt = GoodsReceipt(
        "G", "PO-S", tuple(GoodsReceiptLine(p.line_id, p.quantity) for p in po_lines)
    )
    inv_lines = tuple(
        InvoiceLine(
            f"i{i}",
            p.item_name,
            p.quantity,
            p.unit_price * factor,
            (p.quantity * p.unit_price * factor).quantize(CENT, rounding=rounding),
            order_line_reference=p.line_id,
        )
        for i, p in enumerate(po_lines)
    )
    net = sum((x.net_amount for x in inv_lines), D(0))
    tax = _half_up(net * D("0.05"))
    inv = SupplierInvoice("INV-S", TRN, "AED", net, tax, net + tax, inv_lines, "PO-S")
    return PurchaseOrderState(order, (receipt,)), inv


@settings(max_examples=150, deadline=None)
@given(whole_lines, st.decimals(min_value=D("0.001"), max_value=D("0.049"), places=3))
def test_price_up_by_less_than_five_percent_is_variance_detected(
    specs: list[tuple[int, Decimal]], p: Decimal
) -> None:
    state_, inv = _scaled(specs, 1 + p, ROUND_HALF_UP)
    assert match_invoice_to_po(inv, state_).status is MatchStatus.VARIANCE_DETECTED


@settings(max_examples=150, deadline=None)
@given(whole_lines, st.decimals(min_value=D("0.05"), max_value=D("3"), places=3))
def test_price_up_by_five_percent_or_more_is_partial_match(
    specs: list[tuple[int, Decimal]], p: Decimal
) -> None:
    # The supplier rounds its line nets up here, so each line is >= (1 + p) x the ordered value.
    state_, inv = _scaled(specs, 1 + p, ROUND_UP)
    assert match_invoice_to_po(inv, state_).status is MatchStatus.PARTIAL_MATCH
