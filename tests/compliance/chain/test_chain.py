"""Hash chain: intact series verify; altered data, removed / swapped / inserted documents are named."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from involinks.compliance.chain import (
    GENESIS_HASH,
    BreakReason,
    ChainEntry,
    canonical_document,
    compute_hash,
    link,
    sha256_hex,
    verify_chain,
)
from involinks.compliance.ubl import parse_document
from involinks.compliance.ubl.builder import build
from involinks.invoicing.document import Document, PartyTaxScheme
from tests.invoicing.examples import example

SERIES = "INV"


def _official(name: str = "billing/invoice/Standard tax invoice.xml") -> Document:
    return parse_document(example(name).read_bytes())


@dataclasses.dataclass
class Issued:
    """What the database would hold for one issued document."""

    document: Document
    xml_sha256: str
    previous_hash: str
    document_hash: str

    def canonical_now(self) -> bytes:
        return canonical_document(
            self.document,
            series=SERIES,
            xml_sha256=self.xml_sha256,
            previous_hash=self.previous_hash,
        )

    def entry(self) -> ChainEntry:
        return ChainEntry(self.document.id, self.canonical_now(), self.document_hash)


def _issue_series(count: int = 5) -> list[Issued]:
    base = _official()
    issued: list[Issued] = []
    last: str | None = None
    for number in range(1, count + 1):
        document = dataclasses.replace(base, id=f"INV-{number:04d}")
        xml_sha256 = sha256_hex(build(document))
        previous = link(last)
        canonical = canonical_document(
            document, series=SERIES, xml_sha256=xml_sha256, previous_hash=previous
        )
        last = compute_hash(canonical)
        issued.append(Issued(document, xml_sha256, previous, last))
    return issued


def _entries(issued: list[Issued]) -> list[ChainEntry]:
    return [item.entry() for item in issued]


def test_intact_series_verifies() -> None:
    issued = _issue_series()
    report = verify_chain(_entries(issued), expected_head=issued[-1].document_hash)
    assert report.intact
    assert report.first_break is None
    assert report.checked == 5
    assert report.head_hash == issued[-1].document_hash
    assert issued[0].previous_hash == GENESIS_HASH == "0" * 64
    for before, after in itertools.pairwise(issued):
        assert after.previous_hash == before.document_hash


def test_document_hash_is_sha256_of_the_canonical_bytes() -> None:
    item = _issue_series(1)[0]
    assert item.document_hash == hashlib.sha256(item.canonical_now()).hexdigest()


def _line_quantity(doc: Document) -> Document:
    line = dataclasses.replace(doc.lines[0], quantity=doc.lines[0].quantity + 1)
    return dataclasses.replace(doc, lines=(line, *doc.lines[1:]))


def _line_price(doc: Document) -> Document:
    price = dataclasses.replace(
        doc.lines[0].price, amount=doc.lines[0].price.amount + Decimal("0.01")
    )
    line = dataclasses.replace(doc.lines[0], price=price)
    return dataclasses.replace(doc, lines=(line, *doc.lines[1:]))


def _vat_rate(doc: Document) -> Document:
    item = doc.lines[0].item
    category = dataclasses.replace(item.classified_tax_category, percent=Decimal(0))
    line = dataclasses.replace(
        doc.lines[0], item=dataclasses.replace(item, classified_tax_category=category)
    )
    return dataclasses.replace(doc, lines=(line, *doc.lines[1:]))


def _buyer_trn(doc: Document) -> Document:
    buyer = dataclasses.replace(doc.buyer, tax_schemes=(PartyTaxScheme("100000000000003"),))
    return dataclasses.replace(doc, buyer=buyer)


def _payable(doc: Document) -> Document:
    totals = dataclasses.replace(doc.totals, payable_amount=doc.totals.payable_amount - 1)
    return dataclasses.replace(doc, totals=totals)


def _vat_total(doc: Document) -> Document:
    tax_total = dataclasses.replace(doc.tax_total, tax_amount=Decimal(0))
    return dataclasses.replace(doc, tax_total=tax_total)


def _breakdown(doc: Document) -> Document:
    first = doc.tax_total.subtotals[0]
    changed = dataclasses.replace(first, taxable_amount=first.taxable_amount * 2)
    tax_total = dataclasses.replace(
        doc.tax_total, subtotals=(changed, *doc.tax_total.subtotals[1:])
    )
    return dataclasses.replace(doc, tax_total=tax_total)


def _drop_line(doc: Document) -> Document:
    return dataclasses.replace(doc, lines=doc.lines[:-1])


TAMPERING: dict[str, Callable[[Document], Document]] = {
    "number": lambda d: dataclasses.replace(d, id="INV-9999"),
    "type code": lambda d: dataclasses.replace(d, type_code="480"),
    "issue date": lambda d: dataclasses.replace(d, issue_date=d.issue_date.replace(day=1)),
    "due date": lambda d: dataclasses.replace(d, due_date=None),
    "currency": lambda d: dataclasses.replace(d, currency_code="USD"),
    "seller legal name": lambda d: dataclasses.replace(
        d, seller=dataclasses.replace(d.seller, registration_name="Someone Else LLC")
    ),
    "buyer TRN": _buyer_trn,
    "line quantity": _line_quantity,
    "line price": _line_price,
    "line VAT rate": _vat_rate,
    "line removed": _drop_line,
    "VAT total": _vat_total,
    "VAT breakdown": _breakdown,
    "payable amount": _payable,
    "prepaid absent vs zero": lambda d: dataclasses.replace(
        d,
        totals=dataclasses.replace(
            d.totals, prepaid_amount=None if d.totals.prepaid_amount is not None else Decimal(0)
        ),
    ),
}


@pytest.mark.parametrize("field", TAMPERING)
def test_tampering_with_a_field_is_detected_and_named(field: str) -> None:
    issued = _issue_series()
    target = issued[2]
    before = target.canonical_now()
    target.document = TAMPERING[field](target.document)
    assert target.canonical_now() != before, f"{field} is not covered by the canonical form"
    # The number stays the stored one in reports: label from the original row.
    entries = _entries(issued)
    entries[2] = dataclasses.replace(entries[2], label="INV-0003")
    report = verify_chain(entries)
    assert not report.intact
    first = report.first_break
    assert first is not None
    assert (first.index, first.label, first.reason) == (2, "INV-0003", BreakReason.ALTERED)
    assert "altered" in first.message
    # The next document still links to what was recorded: one break, not a cascade.
    assert len(report.breaks) == 1


def test_replacing_the_xml_is_detected() -> None:
    issued = _issue_series()
    issued[1].xml_sha256 = sha256_hex(b"<Invoice>another document</Invoice>")
    report = verify_chain(_entries(issued))
    assert report.first_break is not None
    assert (report.first_break.index, report.first_break.reason) == (1, BreakReason.ALTERED)


def test_rewriting_the_previous_hash_column_is_detected() -> None:
    issued = _issue_series()
    issued[3].previous_hash = issued[1].document_hash
    report = verify_chain(_entries(issued))
    reasons = [(b.index, b.reason) for b in report.breaks]
    assert reasons == [(3, BreakReason.ALTERED), (3, BreakReason.LINK)]


def test_deleting_a_middle_document_is_detected() -> None:
    issued = _issue_series()
    del issued[2]  # INV-0003 removed
    report = verify_chain(_entries(issued))
    first = report.first_break
    assert first is not None
    assert (first.index, first.label, first.reason) == (2, "INV-0004", BreakReason.LINK)
    assert first.expected == issued[1].document_hash
    assert "removed" in first.message
    assert len(report.breaks) == 1


def test_swapping_two_documents_is_detected() -> None:
    issued = _issue_series()
    issued[1], issued[2] = issued[2], issued[1]
    report = verify_chain(_entries(issued))
    assert [(b.index, b.label, b.reason) for b in report.breaks] == [
        (1, "INV-0003", BreakReason.LINK),
        (2, "INV-0002", BreakReason.LINK),
        (3, "INV-0004", BreakReason.LINK),
    ]


def test_inserting_a_forged_document_is_detected() -> None:
    issued = _issue_series()
    forged_doc = dataclasses.replace(issued[0].document, id="INV-0002B")
    forged_previous = issued[1].document_hash
    canonical = canonical_document(
        forged_doc, series=SERIES, xml_sha256=issued[1].xml_sha256, previous_hash=forged_previous
    )
    forged = Issued(forged_doc, issued[1].xml_sha256, forged_previous, compute_hash(canonical))
    issued.insert(2, forged)
    report = verify_chain(_entries(issued))
    first = report.first_break
    assert first is not None
    # The forgery itself links fine; the genuine successor no longer does.
    assert (first.index, first.label, first.reason) == (3, "INV-0003", BreakReason.LINK)


def test_removing_the_last_document_needs_the_recorded_head() -> None:
    issued = _issue_series()
    head = issued[-1].document_hash
    truncated = _entries(issued[:-1])
    assert verify_chain(truncated).intact  # the chain alone cannot see a missing tail
    report = verify_chain(truncated, expected_head=head)
    assert report.first_break is not None
    assert report.first_break.reason is BreakReason.LINK


def test_segment_starts_from_the_given_hash() -> None:
    issued = _issue_series()
    segment = _entries(issued[2:])
    assert not verify_chain(segment).intact
    assert verify_chain(segment, start_hash=issued[1].document_hash).intact


def test_unreadable_canonical_form_is_reported() -> None:
    issued = _issue_series(2)
    entries = _entries(issued)
    entries[0] = ChainEntry("INV-0001", b"not json", issued[0].document_hash)
    report = verify_chain(entries)
    assert report.first_break is not None
    assert report.first_break.reason is BreakReason.MALFORMED


@functools.cache
def _three_entries() -> tuple[ChainEntry, ...]:
    return tuple(_entries(_issue_series(3)))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_single_byte_change_is_detected(data: st.DataObject) -> None:
    entries = list(_three_entries())
    index = data.draw(st.integers(0, len(entries) - 1), label="entry")
    raw = bytearray(entries[index].canonical)
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    new_byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    raw[position] = new_byte
    entries[index] = dataclasses.replace(entries[index], canonical=bytes(raw))
    report = verify_chain(entries)
    assert report.first_break is not None
    assert report.first_break.index == index
    assert report.first_break.reason in {BreakReason.ALTERED, BreakReason.MALFORMED}


def test_canonical_form_carries_the_official_values() -> None:
    document = _official()
    canonical = canonical_document(
        document, series=SERIES, xml_sha256="a" * 64, previous_hash=GENESIS_HASH
    )
    payload = json.loads(canonical)
    # Values as written in "Standard tax invoice.xml".
    assert payload["v"] == 1
    assert payload["number"] == "AE-01TEST"
    assert payload["type_code"] == "380"
    assert payload["issue_date"] == "2025-02-06"
    assert payload["seller"]["trn"] == "198765432102003"
    assert payload["buyer"]["trn"] == "134567890123003"
    assert payload["currency"] == "AED"
    assert payload["totals"]["payable"] == "11175.5"
    assert payload["xml_sha256"] == "a" * 64
    assert payload["previous_hash"] == GENESIS_HASH
    assert len(payload["lines"]) == len(document.lines)
    # Deterministic: sorted keys, no whitespace.
    assert (
        canonical
        == json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


def test_amounts_hash_by_value_not_by_notation() -> None:
    document = _official()
    totals = document.totals
    padded = dataclasses.replace(
        document,
        totals=dataclasses.replace(
            totals, payable_amount=totals.payable_amount.quantize(Decimal("0.0001"))
        ),
    )
    first = canonical_document(
        document, series=SERIES, xml_sha256="b" * 64, previous_hash=GENESIS_HASH
    )
    second = canonical_document(
        padded, series=SERIES, xml_sha256="b" * 64, previous_hash=GENESIS_HASH
    )
    assert first == second


def test_series_is_part_of_the_canonical_form() -> None:
    document = _official()
    first = canonical_document(
        document, series="INV", xml_sha256="b" * 64, previous_hash=GENESIS_HASH
    )
    other = canonical_document(
        document, series="CN", xml_sha256="b" * 64, previous_hash=GENESIS_HASH
    )
    assert first != other


@pytest.mark.parametrize(
    ("xml_sha256", "previous_hash"),
    [("A" * 64, GENESIS_HASH), ("a" * 63, GENESIS_HASH), ("a" * 64, ""), ("a" * 64, "g" * 64)],
)
def test_canonical_form_refuses_malformed_hashes(xml_sha256: str, previous_hash: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        canonical_document(
            _official(), series=SERIES, xml_sha256=xml_sha256, previous_hash=previous_hash
        )


def test_link() -> None:
    assert link(None) == GENESIS_HASH
    assert link("c" * 64) == "c" * 64
    with pytest.raises(ValueError, match="SHA-256"):
        link("not a hash")
