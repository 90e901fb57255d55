"""UAE Tax Data Document: valid for every official example, shaped like the official TDD example."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from involinks.compliance.tdd import (
    ReporterRole,
    TddContext,
    TddError,
    TddTypeCode,
    build_tdd,
    build_tdd_tree,
)
from involinks.compliance.ubl import ParseError
from involinks.compliance.validation import validate_tdd
from tests.invoicing.examples import EXAMPLES, example, example_id, mutated, ubl_examples

NS = {
    "pxs": "urn:peppol:schema:taxdata:1.0",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cec": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}
OFFICIAL_TDD = EXAMPLES / "tdd" / "standard-invoice-tdd.xml"
STANDARD = "billing/invoice/Standard tax invoice.xml"
# Upstream defect (reference README): this example is not valid against the UBL 2.1 XSD, and the
# TDD schema validates the embedded source document laxly.
XSD_INVALID_SOURCE = "Volume-discount-credit-note.xml"

CONTEXT = TddContext(
    issued_at=datetime(2025, 2, 6, 12, 0, tzinfo=timezone(timedelta(hours=4))),
    receiver_id="000773",
    representative_id="000000",
    transport_header_id="22222222-3333-4444-5555-666666666666",
)


def _xpath(root: etree._Element, path: str) -> list[str]:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [(e.text or "").strip() if isinstance(e, etree._Element) else str(e) for e in found]


@pytest.mark.parametrize("path", ubl_examples(), ids=example_id)
def test_tdd_of_every_official_example_is_valid(path: Path) -> None:
    tdd = build_tdd(path.read_bytes(), CONTEXT)
    result = validate_tdd(tdd)
    if path.name == XSD_INVALID_SOURCE:
        assert [e.layer.value for e in result.errors] == ["xsd"]
        assert "'cac:OrderLineReference': This element is not expected" in result.errors[0].message
        return
    assert result.errors == ()


def test_tdd_is_valid_once_the_upstream_defect_is_fixed() -> None:
    def reorder(root: etree._Element) -> None:
        for line in root.iterfind("cac:CreditNoteLine", NS):
            reference = line.find("cac:OrderLineReference", NS)
            discrepancy = line.find("cac:DiscrepancyResponse", NS)
            if reference is not None and discrepancy is not None:
                discrepancy.addprevious(reference)

    fixed = mutated(f"billing/creditnote/{XSD_INVALID_SOURCE}", reorder)
    assert validate_tdd(build_tdd(fixed, CONTEXT)).errors == ()


def _source_roots(tdd: etree._Element) -> list[str]:
    content = tdd.find("pxs:ReportedTransaction/pxs:SourceDocument/cec:ExtensionContent", NS)
    assert content is not None
    return [etree.QName(child).localname for child in content]


def _outside_source(root: etree._Element) -> list[tuple[str, str, dict[str, str]]]:
    """(element path, text, attributes) of every element except the embedded invoice's content."""
    tree = root.getroottree()
    rows: list[tuple[str, str, dict[str, str]]] = []
    for element in root.iter(etree.Element):
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "ExtensionContent":
            continue
        if any(etree.QName(a).localname == "ExtensionContent" for a in element.iterancestors()):
            continue
        attributes = {str(k): str(v) for k, v in element.attrib.items()}
        rows.append((tree.getpath(element), (element.text or "").strip(), attributes))
    return rows


def _official_context(official: etree._Element) -> TddContext:
    """The context values the official example uses (read from it, not typed in)."""
    issue_date = _xpath(official, "cbc:IssueDate")[0]
    issue_time = _xpath(official, "cbc:IssueTime")[0].removesuffix("Z")
    return TddContext(
        issued_at=datetime.fromisoformat(f"{issue_date}T{issue_time}").replace(tzinfo=UTC),
        receiver_id=_xpath(official, "pxs:ReceivingParty/cbc:EndpointID")[0],
        representative_id=_xpath(official, "pxs:ReportersRepresentative//cbc:ID")[0],
        transport_header_id=_xpath(official, "//pxs:TransportHeaderID")[0],
        type_code=TddTypeCode(_xpath(official, "pxs:DocumentTypeCode")[0]),
    )


def test_standard_invoice_matches_the_official_tdd_example() -> None:
    official = etree.parse(str(OFFICIAL_TDD)).getroot()
    ours = build_tdd_tree(example(STANDARD).read_bytes(), _official_context(official))
    assert _outside_source(ours) == _outside_source(official)
    # Both embed an Invoice as the source document.
    assert _source_roots(ours) == _source_roots(official) == ["Invoice"]


def test_source_document_is_embedded_unchanged() -> None:
    source = example(STANDARD).read_bytes()
    tdd = build_tdd_tree(source, CONTEXT)
    content = tdd.find("pxs:ReportedTransaction/pxs:SourceDocument/cec:ExtensionContent", NS)
    assert content is not None
    assert len(content) == 1
    embedded = etree.tostring(content[0], method="c14n", exclusive=True)
    assert embedded == etree.tostring(etree.fromstring(source), method="c14n", exclusive=True)


def test_issue_time_is_utc_with_zone() -> None:
    tdd = build_tdd_tree(example(STANDARD).read_bytes(), CONTEXT)
    # 12:00 in Dubai (+04:00) is 08:00 UTC.
    assert _xpath(tdd, "cbc:IssueDate") == ["2025-02-06"]
    assert _xpath(tdd, "cbc:IssueTime") == ["08:00:00Z"]


def test_foreign_currency_reports_both_tax_totals_and_may_omit_the_export_buyer() -> None:
    source = example("billing/invoice/Exports.xml")
    invoice = etree.parse(str(source)).getroot()
    tdd = build_tdd_tree(source.read_bytes(), CONTEXT)
    reported = "pxs:ReportedTransaction/pxs:ReportedDocument"
    currency = _xpath(invoice, "cbc:DocumentCurrencyCode")
    assert _xpath(tdd, f"{reported}/cbc:DocumentCurrencyCode") == currency
    assert _xpath(tdd, f"{reported}/cbc:TaxCurrencyCode") == _xpath(invoice, "cbc:TaxCurrencyCode")
    assert _xpath(tdd, f"{reported}/cac:TaxTotal/cbc:TaxAmount") == _xpath(
        invoice, "cac:TaxTotal/cbc:TaxAmount"
    )
    assert _xpath(tdd, f"{reported}/cac:TaxTotal/cbc:TaxAmount/@currencyID") == _xpath(
        invoice, "cac:TaxTotal/cbc:TaxAmount/@currencyID"
    )
    assert _xpath(tdd, f"{reported}/pxs:MonetaryTotal/cbc:TaxExclusiveAmount") == _xpath(
        invoice, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"
    )
    # Transaction type XXXXXXX1 (exports), buyer without tax identifiers: left out (ibr-tdd-33).
    assert _xpath(invoice, "cbc:ProfileExecutionID")[0].endswith("1")
    assert _xpath(tdd, f"{reported}/cac:AccountingCustomerParty") == []


def test_self_billing_is_reported_by_the_buyer_who_issues_it() -> None:
    source = example("selfbilling/invoice/Self Billing.xml")
    invoice = etree.parse(str(source)).getroot()
    tdd = build_tdd_tree(source.read_bytes(), CONTEXT)
    buyer_endpoint = "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"
    assert _xpath(tdd, "pxs:ReportingParty/cbc:EndpointID") == _xpath(invoice, buyer_endpoint)
    assert _xpath(tdd, "pxs:ReportingParty/cbc:EndpointID/@schemeID") == _xpath(
        invoice, f"{buyer_endpoint}/@schemeID"
    )
    assert _xpath(tdd, "//pxs:ReportedDocument/pxs:DocumentTypeCode") == ["389"]


def test_receiver_role_reports_with_the_buyer_endpoint() -> None:
    source = example(STANDARD)
    invoice = etree.parse(str(source)).getroot()
    context = TddContext(
        issued_at=CONTEXT.issued_at,
        receiver_id="000773",
        representative_id="000001",
        role=ReporterRole.RECEIVER,
    )
    tdd = build_tdd_tree(source.read_bytes(), context)
    assert _xpath(tdd, "pxs:ReporterRole") == ["02"]
    assert _xpath(tdd, "pxs:ReportingParty/cbc:EndpointID") == _xpath(
        invoice, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"
    )
    assert _xpath(tdd, "pxs:ReportedTransaction/pxs:TransportHeaderID") == []
    assert validate_tdd(etree.tostring(tdd)).errors == ()


def test_seller_with_trn_and_tin_reports_one_tax_scheme() -> None:
    source = example("billing/invoice/Seller-TIN-identifier.xml")
    tdd = build_tdd_tree(source.read_bytes(), CONTEXT)
    schemes = "//pxs:ReportedDocument/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
    assert _xpath(tdd, f"{schemes}/cac:TaxScheme/cbc:ID") == ["VAT"]


def test_credit_note_and_failed_transmission() -> None:
    source = example("billing/creditnote/Standard tax credit Note.xml")
    context = TddContext(
        issued_at=CONTEXT.issued_at,
        receiver_id="000773",
        representative_id="000000",
        type_code=TddTypeCode.FAILED,
    )
    tdd = build_tdd(source.read_bytes(), context)
    root = etree.fromstring(tdd)
    assert _xpath(root, "pxs:DocumentTypeCode") == ["F"]
    assert _xpath(root, "//pxs:ReportedDocument/pxs:DocumentTypeCode") == ["381"]
    assert _source_roots(root) == ["CreditNote"]
    assert validate_tdd(tdd).errors == ()


def test_document_without_uuid_is_refused() -> None:
    def drop_uuid(root: etree._Element) -> None:
        uuid = root.find("cbc:UUID", NS)
        assert uuid is not None
        root.remove(uuid)

    with pytest.raises(TddError, match="UUID"):
        build_tdd(mutated(STANDARD, drop_uuid), CONTEXT)


def test_context_is_checked() -> None:
    source = example(STANDARD).read_bytes()
    naive = TddContext(
        issued_at=datetime(2025, 2, 6, 8, 0),  # noqa: DTZ001 - the case under test
        receiver_id="000773",
        representative_id="000000",
    )
    with pytest.raises(TddError, match="timezone"):
        build_tdd(source, naive)
    blank = TddContext(issued_at=CONTEXT.issued_at, receiver_id=" ", representative_id="0")
    with pytest.raises(TddError, match="SPIS"):
        build_tdd(source, blank)


def test_doctype_input_is_refused() -> None:
    source = example(STANDARD).read_bytes()
    hostile = source.replace(
        b"<Invoice ", b'<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Invoice ', 1
    )
    with pytest.raises(ParseError):
        build_tdd(hostile, CONTEXT)
