"""Property tests of totals.py: the invariants the PINT rules state (ibr-co-*, aligned-ibrp-s-09)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from involinks.invoicing.totals import (
    AllowanceChargeInput,
    DocumentTotals,
    LineInput,
    compute_totals,
)

CENT = Decimal("0.01")

# (category, rate) pairs as the AE rules allow them on lines.
LINE_CATEGORIES = st.sampled_from(
    [("S", Decimal(5)), ("Z", Decimal(0)), ("E", None), ("O", None), ("AE", Decimal(5))]
)
# Document-level rates (aligned-ibrp-*-06/-07): S 5, Z/E/AE 0, O none.
DOC_CATEGORIES = st.sampled_from(
    [("S", Decimal(5)), ("Z", Decimal(0)), ("E", Decimal(0)), ("O", None), ("AE", Decimal(0))]
)


def money(max_value: int = 100_000) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=2)


@st.composite
def lines(draw: st.DrawFn) -> LineInput:
    category, rate = draw(LINE_CATEGORIES)
    return LineInput(
        quantity=draw(st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3)),
        net_price=draw(st.decimals(min_value=0, max_value=10_000, places=4)),
        base_quantity=draw(st.sampled_from([Decimal(1), Decimal(2), Decimal(10), Decimal(12)])),
        category=category,
        rate=rate,
        allowances=tuple(draw(st.lists(money(100), max_size=2))),
        charges=tuple(draw(st.lists(money(100), max_size=2))),
    )


@st.composite
def allowances_charges(draw: st.DrawFn) -> AllowanceChargeInput:
    category, rate = draw(DOC_CATEGORIES)
    return AllowanceChargeInput(
        charge=draw(st.booleans()), amount=draw(money(1000)), category=category, rate=rate
    )


documents = st.tuples(
    st.lists(lines(), min_size=1, max_size=6),
    st.lists(allowances_charges(), max_size=4),
    money(),
    st.decimals(min_value=Decimal("-0.99"), max_value=Decimal("0.99"), places=2),
)


def _total(
    doc: tuple[list[LineInput], list[AllowanceChargeInput], Decimal, Decimal],
) -> DocumentTotals:
    line_inputs, acs, prepaid, rounding = doc
    return compute_totals(
        line_inputs, acs, prepaid_amount=prepaid, payable_rounding_amount=rounding
    )


@settings(max_examples=200)
@given(documents)
def test_vat_per_category_is_rate_times_base_rounded_once(
    doc: tuple[list[LineInput], list[AllowanceChargeInput], Decimal, Decimal],
) -> None:
    line_inputs, acs, _, _ = doc
    totals = _total(doc)
    for entry in totals.breakdown:
        # The taxable base: Σ line nets + Σ charges − Σ allowances of the category (…-08 rules).
        expected_base = sum(
            (
                a.net_amount
                for i, a in zip(line_inputs, totals.lines, strict=True)
                if i.category == entry.category
            ),
            Decimal(0),
        ) + sum(
            (ac.amount if ac.charge else -ac.amount for ac in acs if ac.category == entry.category),
            Decimal(0),
        )
        assert entry.taxable_amount == expected_base
        if entry.category == "S":
            assert entry.rate is not None
            magnitude = (abs(entry.taxable_amount) * entry.rate / 100).quantize(CENT, ROUND_HALF_UP)
            assert entry.tax_amount == (magnitude if entry.taxable_amount >= 0 else -magnitude)
        else:
            assert entry.tax_amount == 0
    assert len({b.category for b in totals.breakdown}) == len(totals.breakdown)


@settings(max_examples=200)
@given(documents)
def test_document_totals_are_the_sum_of_their_parts(
    doc: tuple[list[LineInput], list[AllowanceChargeInput], Decimal, Decimal],
) -> None:
    _, acs, _, _ = doc
    totals = _total(doc)
    assert totals.line_extension_amount == sum((a.net_amount for a in totals.lines), Decimal(0))
    assert totals.allowance_total_amount == sum(
        (ac.amount for ac in acs if not ac.charge), Decimal(0)
    )
    assert totals.charge_total_amount == sum((ac.amount for ac in acs if ac.charge), Decimal(0))
    assert totals.tax_exclusive_amount == (
        totals.line_extension_amount - totals.allowance_total_amount + totals.charge_total_amount
    )
    assert totals.tax_amount == sum((b.tax_amount for b in totals.breakdown), Decimal(0))
    assert totals.tax_inclusive_amount == totals.tax_exclusive_amount + totals.tax_amount
    # With 2-decimal inputs the breakdown partitions the amount without VAT exactly.
    assert sum((b.taxable_amount for b in totals.breakdown), Decimal(0)) == (
        totals.tax_exclusive_amount
    )


@settings(max_examples=200)
@given(documents)
def test_payable_is_inclusive_minus_prepaid_plus_rounding(
    doc: tuple[list[LineInput], list[AllowanceChargeInput], Decimal, Decimal],
) -> None:
    _, _, prepaid, rounding = doc
    totals = _total(doc)
    assert totals.payable_amount == totals.tax_inclusive_amount - prepaid + rounding


@settings(max_examples=200)
@given(documents)
def test_amounts_have_two_decimals(
    doc: tuple[list[LineInput], list[AllowanceChargeInput], Decimal, Decimal],
) -> None:
    # ibr-091, ibr-121 … ibr-125: document totals carry at most 2 decimals.
    totals = _total(doc)
    values = [
        totals.line_extension_amount,
        totals.allowance_total_amount,
        totals.charge_total_amount,
        totals.tax_exclusive_amount,
        totals.tax_amount,
        totals.tax_inclusive_amount,
        totals.payable_amount,
        *(a.net_amount for a in totals.lines),
        *(b.taxable_amount for b in totals.breakdown),
        *(b.tax_amount for b in totals.breakdown),
    ]
    assert all(value.as_tuple().exponent == -2 for value in values)


@settings(max_examples=200)
@given(lines())
def test_line_net_is_quantity_times_unit_price_adjusted(line: LineInput) -> None:
    # ibr-147-ae: q × (p / bq) + Σ charges − Σ allowances, to the fils (half-up for ≥ 0).
    (amounts,) = compute_totals([line]).lines
    exact = (
        line.quantity * line.net_price / line.base_quantity
        + sum(line.charges)
        - sum(line.allowances)
    )
    assert abs(amounts.net_amount - exact) <= Decimal("0.005")
    if exact >= 0:
        assert amounts.net_amount == exact.quantize(CENT, ROUND_HALF_UP)
