"""totals.py against the official examples (their stated amounts are the oracle) and by hand."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from involinks.compliance.ubl.parser import parse_document
from involinks.invoicing.document import AllowanceCharge, Document
from involinks.invoicing.totals import (
    AllowanceChargeInput,
    LineInput,
    allowance_charge_amount,
    allowance_charge_input_from,
    compute_document_totals,
    compute_line,
    compute_totals,
    round_amount,
)
from tests.invoicing.examples import example_id, fils, ubl_examples

D = Decimal
EXAMPLES = ubl_examples()


def _parse(path: Path) -> Document:
    return parse_document(path.read_bytes())


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
class TestOfficialExamples:
    """Recompute every official example from its lines and allowances/charges."""

    def test_lines(self, path: Path) -> None:
        document = _parse(path)
        computed = compute_document_totals(document).lines
        for line, amounts in zip(document.lines, computed, strict=True):
            assert amounts.net_amount == fils(line.line_extension_amount), line.id
            if line.vat_line_amount is None:  # only exempt lines omit BTAE-08 (ibr-163-ae)
                assert amounts.vat_amount is None, line.id
            else:
                assert amounts.vat_amount == fils(line.vat_line_amount), line.id
            if line.tax_amount is not None:
                assert amounts.vat_amount == fils(line.tax_amount), line.id
            assert line.amount_with_vat is not None
            assert amounts.amount_with_vat == fils(line.amount_with_vat), line.id

    def test_vat_breakdown(self, path: Path) -> None:
        document = _parse(path)
        stated = {
            (s.category.code, s.category.percent): (fils(s.taxable_amount), fils(s.tax_amount))
            for s in document.tax_total.subtotals
        }
        computed = {
            (b.category, b.rate): (b.taxable_amount, b.tax_amount)
            for b in compute_document_totals(document).breakdown
        }
        assert computed == stated

    def test_document_totals(self, path: Path) -> None:
        document = _parse(path)
        stated = document.totals
        totals = compute_document_totals(document)
        assert totals.line_extension_amount == fils(stated.line_extension_amount)
        assert totals.tax_exclusive_amount == fils(stated.tax_exclusive_amount)
        assert totals.tax_amount == fils(document.tax_total.tax_amount)
        assert totals.tax_inclusive_amount == fils(stated.tax_inclusive_amount)
        assert totals.payable_amount == fils(stated.payable_amount)
        assert totals.allowance_total_amount == fils(stated.allowance_total_amount or D(0))
        assert totals.charge_total_amount == fils(stated.charge_total_amount or D(0))
        assert totals.prepaid_amount == fils(stated.prepaid_amount or D(0))
        assert totals.payable_rounding_amount == fils(stated.payable_rounding_amount or D(0))
        # ibr-co-11 / ibr-co-12: a total is absent only when there is nothing to add up.
        if stated.allowance_total_amount is None:
            assert not document.allowances
        if stated.charge_total_amount is None:
            assert not document.charges

    def test_amounts_in_tax_currency(self, path: Path) -> None:
        document = _parse(path)
        totals = compute_document_totals(document)
        if document.tax_exchange_rate is None:
            assert totals.tax_amount_in_tax_currency is None
            return
        assert document.tax_currency_tax_amount is not None
        assert totals.tax_amount_in_tax_currency == fils(document.tax_currency_tax_amount)
        # BTAE-20: "AED <amount>" in the aedtotal-incl-vat document reference (ibr-175-ae).
        (reference,) = [
            r
            for r in document.additional_document_references
            if r.document_type_code == "aedtotal-incl-vat"
        ]
        assert reference.description is not None
        match = re.fullmatch(r"AED\s*([0-9.]+)", reference.description)
        assert match is not None
        assert totals.tax_inclusive_amount_in_tax_currency == fils(D(match.group(1)))


def test_every_example_is_covered() -> None:
    # 18 billing invoices, 2 billing credit notes, 1 self-billing invoice (shared/reference).
    assert len(EXAMPLES) == 21


class TestLine:
    def test_net_amount_uses_the_base_quantity(self) -> None:
        # 3 × (10 / 2) = 15
        line = LineInput(
            quantity=D(3), net_price=D(10), base_quantity=D(2), category="S", rate=D(5)
        )
        assert compute_line(line).net_amount == D("15.00")

    def test_net_amount_adds_charges_and_subtracts_allowances(self) -> None:
        # 4 × 2.50 + 0.25 − 1.50 = 8.75; VAT 5 % = 0.4375 → 0.44; with VAT 9.1875 → 9.19
        line = LineInput(
            quantity=D(4),
            net_price=D("2.50"),
            category="S",
            rate=D(5),
            allowances=(D("1.50"),),
            charges=(D("0.25"),),
        )
        amounts = compute_line(line)
        assert amounts.net_amount == D("8.75")
        assert amounts.vat_amount == D("0.44")
        assert amounts.amount_with_vat == D("9.19")

    def test_net_amount_rounds_half_up_to_the_fils(self) -> None:
        # 3 × 0.335 = 1.005 → 1.01 (XPath round() of ibr-147-ae, not banker's 1.00)
        line = LineInput(quantity=D(3), net_price=D("0.335"), category="Z", rate=D(0))
        assert compute_line(line).net_amount == D("1.01")

    def test_exempt_line_has_no_vat_amount(self) -> None:
        line = LineInput(quantity=D(1), net_price=D(100), category="E", rate=None)
        amounts = compute_line(line)
        assert amounts.vat_amount is None
        assert amounts.amount_with_vat == D("100.00")

    @pytest.mark.parametrize(("category", "rate"), [("Z", D(0)), ("AE", D(5)), ("O", None)])
    def test_lines_without_vat_charged_carry_zero(
        self, category: str, rate: Decimal | None
    ) -> None:
        line = LineInput(quantity=D(2), net_price=D(50), category=category, rate=rate)
        amounts = compute_line(line)
        assert amounts.vat_amount == D("0.00")
        assert amounts.amount_with_vat == D("100.00")


class TestBreakdown:
    def test_vat_is_rounded_once_per_breakdown_not_per_line(self) -> None:
        # Three lines of 0.10 at 5 %: each line VAT 0.005 → 0.01, but the breakdown is
        # 0.30 × 5 % = 0.015 → 0.02 (aligned-ibrp-s-09), not 3 × 0.01.
        lines = [LineInput(quantity=D(1), net_price=D("0.10"), category="S", rate=D(5))] * 3
        totals = compute_totals(lines)
        assert [a.vat_amount for a in totals.lines] == [D("0.01")] * 3
        (breakdown,) = totals.breakdown
        assert (breakdown.taxable_amount, breakdown.tax_amount) == (D("0.30"), D("0.02"))
        assert totals.tax_amount == D("0.02")

    def test_document_allowance_lowers_the_taxable_amount_of_its_category(self) -> None:
        # 1000 (S) + 200 (Z) lines; allowance 100 on S, charge 10 on Z.
        totals = compute_totals(
            [
                LineInput(quantity=D(10), net_price=D(100), category="S", rate=D(5)),
                LineInput(quantity=D(1), net_price=D(200), category="Z", rate=D(0)),
            ],
            [
                AllowanceChargeInput(charge=False, amount=D(100), category="S", rate=D(5)),
                AllowanceChargeInput(charge=True, amount=D(10), category="Z", rate=D(0)),
            ],
        )
        assert [(b.category, b.rate, b.taxable_amount, b.tax_amount) for b in totals.breakdown] == [
            ("S", D(5), D("900.00"), D("45.00")),
            ("Z", D(0), D("210.00"), D("0.00")),
        ]
        assert totals.tax_exclusive_amount == D("1110.00")
        assert totals.tax_inclusive_amount == D("1155.00")

    def test_reverse_charge_allowance_at_rate_zero_joins_the_line_group(self) -> None:
        # Lines AE 5 %, document allowance AE 0 % (aligned-ibrp-ae-06): one AE breakdown.
        totals = compute_totals(
            [LineInput(quantity=D(10), net_price=D(100), category="AE", rate=D(5))],
            [AllowanceChargeInput(charge=False, amount=D(100), category="AE", rate=D(0))],
        )
        assert [(b.category, b.rate, b.taxable_amount, b.tax_amount) for b in totals.breakdown] == [
            ("AE", D(5), D("900.00"), D("0.00"))
        ]

    def test_exempt_and_out_of_scope_carry_no_rate(self) -> None:
        totals = compute_totals(
            [
                LineInput(quantity=D(1), net_price=D(10), category="E", rate=None),
                LineInput(quantity=D(1), net_price=D(20), category="O", rate=None),
            ],
            # aligned-ibrp-e-06: a document-level E allowance states rate 0.
            [AllowanceChargeInput(charge=False, amount=D(1), category="E", rate=D(0))],
        )
        assert [(b.category, b.rate, b.taxable_amount) for b in totals.breakdown] == [
            ("E", None, D("9.00")),
            ("O", None, D("20.00")),
        ]

    def test_margin_scheme_breakdown_vat_is_zero(self) -> None:
        # ibr-108-ae: the "N" breakdown VAT amount must be 0.
        totals = compute_totals(
            [LineInput(quantity=D(1), net_price=D(1000), category="N", rate=D(5))]
        )
        (breakdown,) = totals.breakdown
        assert (breakdown.taxable_amount, breakdown.tax_amount) == (D("1000.00"), D("0.00"))

    def test_standard_rate_groups_split_by_rate(self) -> None:
        totals = compute_totals(
            [
                LineInput(quantity=D(1), net_price=D(100), category="S", rate=D(5)),
                LineInput(quantity=D(1), net_price=D(100), category="S", rate=D("5.00")),
                LineInput(quantity=D(1), net_price=D(100), category="S", rate=D(10)),
            ]
        )
        assert [(b.rate, b.taxable_amount, b.tax_amount) for b in totals.breakdown] == [
            (D(5), D("200.00"), D("10.00")),
            (D(10), D("100.00"), D("10.00")),
        ]


class TestDocumentTotals:
    def test_prepaid_and_rounding(self) -> None:
        # Standard.invoice.-.Extensive.xml, by hand: 15777.20 − 10000 + 0.30 = 5777.50
        totals = compute_totals(
            [LineInput(quantity=D(1), net_price=D("15025.90"), category="S", rate=D(5))],
            prepaid_amount=D(10000),
            payable_rounding_amount=D("0.30"),
        )
        assert totals.tax_amount == D("751.30")  # 15025.90 × 5 % = 751.295 → 751.30
        assert totals.tax_inclusive_amount == D("15777.20")
        assert totals.payable_amount == D("5777.50")

    def test_no_allowances_gives_zero_totals(self) -> None:
        totals = compute_totals([LineInput(quantity=D(1), net_price=D(1), category="Z", rate=D(0))])
        assert totals.allowance_total_amount == D("0.00")
        assert totals.charge_total_amount == D("0.00")

    def test_foreign_currency_amounts_in_aed(self) -> None:
        # 1000 USD + 5 % = 1050 USD at 3.6725 AED/USD: VAT 50 × 3.6725 = 183.625 → 183.63,
        # total 1050 × 3.6725 = 3856.125 → 3856.13
        totals = compute_totals(
            [LineInput(quantity=D(1), net_price=D(1000), category="S", rate=D(5))],
            exchange_rate=D("3.6725"),
        )
        assert totals.tax_amount_in_tax_currency == D("183.63")
        assert totals.tax_inclusive_amount_in_tax_currency == D("3856.13")

    def test_every_total_has_two_decimals(self) -> None:
        totals = compute_totals([LineInput(quantity=D(7), net_price=D(1), category="S", rate=D(5))])
        for value in (
            totals.line_extension_amount,
            totals.tax_exclusive_amount,
            totals.tax_amount,
            totals.tax_inclusive_amount,
            totals.payable_amount,
        ):
            assert value.as_tuple().exponent == -2


class TestHelpers:
    def test_round_amount_follows_xpath_round(self) -> None:
        # fn:round rounds a tie towards positive infinity.
        assert round_amount(D("2.345")) == D("2.35")
        assert round_amount(D("-2.345")) == D("-2.34")
        assert round_amount(D("532.1645")) == D("532.16")

    def test_percentage_allowance_amount(self) -> None:
        # Extensive example: 1.5 % of 18250 = 273.75; 2.5 % of 975 = 24.375 → 24.38
        assert allowance_charge_amount(D(18250), D("1.5")) == D("273.75")
        assert allowance_charge_amount(D(975), D("2.5")) == D("24.38")

    def test_document_allowance_needs_a_vat_category(self) -> None:
        with pytest.raises(ValueError, match="VAT category"):
            allowance_charge_input_from(AllowanceCharge(charge_indicator=False, amount=D(1)))
