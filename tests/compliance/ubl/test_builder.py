"""UBL builder: official examples survive parse -> build -> validate -> parse, hand-made documents
validate, and UBL element order follows the 2.1 schema."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from involinks.compliance.ubl.builder import BuildError, build, build_tree
from involinks.compliance.ubl.parser import parse_document
from involinks.compliance.validation import Layer, validate_ubl
from involinks.invoicing.document import (
    AdditionalDocumentReference,
    Address,
    BillingReference,
    CommodityClassification,
    Customization,
    DiscrepancyResponse,
    Document,
    DocumentKind,
    DocumentLine,
    FinancialAccount,
    Identifier,
    Item,
    LegalRegistration,
    MonetaryTotals,
    Party,
    PartyTaxScheme,
    PaymentMeans,
    Price,
    TaxCategory,
    TaxExchangeRate,
    TaxSubtotal,
    TaxTotal,
    TransactionType,
)
from tests.compliance.validation.golden import NS, example, ubl_examples

XSI_SCHEMA_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
VOLUME_DISCOUNT = "billing/creditnote/Volume-discount-credit-note.xml"
CREDIT_NOTE = "billing/creditnote/Standard tax credit Note.xml"
STANDARD = "billing/invoice/Standard tax invoice.xml"


def _content(root: etree._Element) -> Counter[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Every element as (path of local names, leaf text, attributes), with multiplicity."""
    found: Counter[tuple[str, str, tuple[tuple[str, str], ...]]] = Counter()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        names = [etree.QName(a).localname for a in reversed(list(element.iterancestors()))]
        names.append(etree.QName(element).localname)
        text = (element.text or "").strip() if len(element) == 0 else ""
        attrs = tuple(
            sorted((str(k), str(v)) for k, v in element.attrib.items() if k != XSI_SCHEMA_LOCATION)
        )
        found["/".join(names), text, attrs] += 1
    return found


@pytest.mark.parametrize("path", ubl_examples(), ids=lambda p: p.name)
def test_official_example_round_trips_and_validates(path: Path) -> None:
    original = path.read_bytes()
    document = parse_document(original)

    rebuilt = build(document)

    result = validate_ubl(rebuilt)
    assert result.errors == ()
    assert result.warnings == ()
    assert parse_document(rebuilt) == document
    # Nothing of the official file is lost or invented (comments and xsi:schemaLocation aside).
    parser = etree.XMLParser(remove_comments=True)
    assert _content(etree.fromstring(rebuilt)) == _content(etree.fromstring(original, parser))


def test_volume_discount_credit_note_is_written_in_schema_order() -> None:
    # The official file has cac:OrderLineReference after cac:DiscrepancyResponse (XSD defect).
    document = parse_document(example(VOLUME_DISCOUNT).read_bytes())

    line = build_tree(document).find("cac:CreditNoteLine", NS)

    assert line is not None
    names = [etree.QName(child).localname for child in line]
    assert names.index("OrderLineReference") < names.index("DiscrepancyResponse")
    assert validate_ubl(build(document)).errors_in(Layer.XSD) == ()


def test_output_is_utf8_with_declaration_and_ubl_namespaces() -> None:
    xml = build(parse_document(example(STANDARD).read_bytes()))

    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(xml)
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert root.nsmap["cac"] == NS["cac"]
    assert root.nsmap["cbc"] == NS["cbc"]


# --- hand-made documents ------------------------------------------------------------------------

AED = "AED"
VAT_5 = TaxCategory(code="S", percent=Decimal("5"))


def _party(*, tin: str, trn: str, name: str, emirate: str, licence: str) -> Party:
    return Party(
        endpoint=Identifier(tin, "0235"),
        postal_address=Address(
            street_name="Sheikh Zayed Road",
            city_name="Dubai" if emirate == "DXB" else "Abu Dhabi",
            country_subentity=emirate,
            country_code="AE",
        ),
        tax_schemes=(PartyTaxScheme(company_id=trn),),
        registration_name=name,
        legal_registration=LegalRegistration(
            value=licence, scheme_agency_id="TL", scheme_agency_name="Department of Economy"
        ),
    )


SELLER = _party(
    tin="1357902468",
    trn="135790246801003",
    name="Falcon Trading LLC",
    emirate="DXB",
    licence="112345678900003",
)
BUYER = _party(
    tin="1345678901",
    trn="134567890123003",
    name="Noor Electronics LLC",
    emirate="AUH",
    licence="112345679000001",
)


def _line(currency_rate: Decimal = Decimal(1)) -> DocumentLine:
    # 2 x 100.00 (gross 105, discount 5 per unit) = 200.00 net, 5 % VAT = 10.00, 210.00 with VAT.
    return DocumentLine(
        id="1",
        quantity=Decimal("2"),
        unit_code="H87",
        line_extension_amount=Decimal("200.00"),
        item=Item(
            name="Laptop stand",
            description="Aluminium laptop stand",
            classified_tax_category=VAT_5,
            classifications=(
                CommodityClassification(
                    item_classification_code="847330", list_id="HS", commodity_code="G"
                ),
            ),
        ),
        price=Price(
            amount=Decimal("100.00"),
            base_quantity=Decimal("1"),
            base_quantity_unit_code="H87",
            discount_amount=Decimal("5.00"),
            gross_amount=Decimal("105.00"),
        ),
        vat_line_amount=Decimal("10.00"),
        amount_with_vat=Decimal("210.00"),
    )


def _invoice(**changes: object) -> Document:
    document = Document(
        kind=DocumentKind.INVOICE,
        customization=Customization.BILLING,
        id="INV-2025-0001",
        uuid="7d0c1f8e-4b7a-4c1e-9a55-2f4f1f0a9b10",
        issue_date=date(2025, 3, 3),
        issue_time=time(9, 30, tzinfo=timezone(timedelta(hours=4))),
        due_date=date(2025, 4, 2),
        type_code="380",
        transaction_type=TransactionType(),
        currency_code=AED,
        seller=SELLER,
        buyer=BUYER,
        payment_means=(
            PaymentMeans(
                code="30",
                code_name="Credit transfer",
                payee_financial_account=FinancialAccount(
                    id="AE070331234567890123456", scheme_id="IBAN"
                ),
            ),
        ),
        payment_terms="Net 30 days",
        tax_total=TaxTotal(
            tax_amount=Decimal("10.00"),
            subtotals=(
                TaxSubtotal(
                    taxable_amount=Decimal("200.00"), tax_amount=Decimal("10.00"), category=VAT_5
                ),
            ),
        ),
        totals=MonetaryTotals(
            line_extension_amount=Decimal("200.00"),
            tax_exclusive_amount=Decimal("200.00"),
            tax_inclusive_amount=Decimal("210.00"),
            payable_amount=Decimal("210.00"),
        ),
        lines=(_line(),),
    )
    return dataclasses.replace(document, **changes)  # type: ignore[arg-type]


def _errors(document: Document) -> list[tuple[str, str]]:
    return [(i.layer.value, i.rule_id) for i in validate_ubl(build(document)).errors]


def test_hand_made_tax_invoice_is_compliant() -> None:
    document = _invoice()

    assert _errors(document) == []
    assert parse_document(build(document)) == document


def test_hand_made_foreign_currency_invoice_carries_aed_totals() -> None:
    # USD document at 3.67 AED: VAT 10.00 USD = 36.70 AED, total 210.00 USD = 770.70 AED.
    document = _invoice(
        currency_code="USD",
        tax_currency_code=AED,
        tax_exchange_rate=TaxExchangeRate(
            source_currency_code="USD", target_currency_code=AED, calculation_rate=Decimal("3.67")
        ),
        tax_currency_tax_amount=Decimal("36.70"),
        additional_document_references=(
            AdditionalDocumentReference(
                id="AED", document_type_code="aedtotal-incl-vat", description="AED 770.70"
            ),
        ),
    )

    assert _errors(document) == []
    root = build_tree(document)
    totals = root.findall("cac:TaxTotal/cbc:TaxAmount", NS)
    assert [(t.text, t.get("currencyID")) for t in totals] == [("10.00", "USD"), ("36.70", AED)]
    payable = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    assert payable is not None
    assert payable.get("currencyID") == "USD"


def test_hand_made_credit_note_with_reason_and_billing_reference() -> None:
    document = _invoice(
        kind=DocumentKind.CREDIT_NOTE,
        id="CN-2025-0001",
        type_code="381",
        due_date=None,
        discrepancy_responses=(DiscrepancyResponse(response_code="DL8.61.1.A"),),
        billing_references=(BillingReference(id="INV-2025-0001", issue_date=date(2025, 3, 3)),),
    )

    assert _errors(document) == []
    assert parse_document(build(document)) == document


def test_missing_mandatory_terms_are_left_to_the_validation() -> None:
    document = _invoice(uuid=None, transaction_type=None)

    errors = _errors(document)

    assert ("ae", "ibr-193-ae") in errors  # BTAE-07 unique identifier
    assert ("ae", "ibr-154-ae") in errors  # BTAE-02 transaction type


def test_transaction_type_flags_become_profile_execution_id() -> None:
    document = _invoice(transaction_type=TransactionType(free_zone=True, ecommerce=True))

    assert build_tree(document).findtext("cbc:ProfileExecutionID", namespaces=NS) == "10000010"


def test_credit_note_order_of_tax_point_date_and_due_date() -> None:
    # CreditNote puts TaxPointDate before the type code and the due date in PaymentMeans.
    document = _invoice(
        kind=DocumentKind.CREDIT_NOTE,
        type_code="381",
        tax_point_date=date(2025, 3, 1),
        discrepancy_responses=(DiscrepancyResponse(response_code="DL8.61.1.A"),),
        billing_references=(BillingReference(id="INV-2025-0001"),),
        project_reference_id="PRJ-7",
    )

    root = build_tree(document)

    names = [etree.QName(child).localname for child in root]
    assert names.index("TaxPointDate") < names.index("CreditNoteTypeCode")
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2025-04-02"
    project = root.find("cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']", NS)
    assert project is not None
    assert project.findtext("cbc:ID", namespaces=NS) == "PRJ-7"
    assert validate_ubl(build(document)).errors_in(Layer.XSD) == ()


def test_decimals_are_written_without_exponent() -> None:
    document = _invoice(payment_terms=None)
    line = dataclasses.replace(document.lines[0], quantity=Decimal("2E+0"))

    root = build_tree(dataclasses.replace(document, lines=(line,)))

    assert root.findtext("cac:InvoiceLine/cbc:InvoicedQuantity", namespaces=NS) == "2"


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            _invoice(discrepancy_responses=(DiscrepancyResponse(response_code="VD"),)),
            id="credit-note-reason-on-invoice",
        ),
        pytest.param(
            _invoice(
                lines=(
                    dataclasses.replace(
                        _line(), price=Price(amount=Decimal(1), gross_amount=Decimal(1))
                    ),
                )
            ),
            id="gross-price-without-discount",
        ),
        pytest.param(_invoice(notes=("bell \x07",)), id="control-character"),
        pytest.param(_invoice(lines=()), id="no-lines"),
        pytest.param(
            _invoice(kind=DocumentKind.CREDIT_NOTE, type_code="381", payment_means=()),
            id="credit-note-due-date-without-payment-means",
        ),
    ],
)
def test_what_ubl_cannot_express_raises_build_error(document: Document) -> None:
    with pytest.raises(BuildError):
        build(document)


def test_credit_note_official_example_keeps_credit_note_specific_parts() -> None:
    document = parse_document(example(CREDIT_NOTE).read_bytes())

    root = build_tree(document)

    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
    assert root.find("cac:DiscrepancyResponse/cbc:ResponseCode", NS) is not None
    assert root.find("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", NS) is not None
    assert root.find("cac:CreditNoteLine/cbc:CreditedQuantity", NS) is not None
