"""parser.py: every official example reads into the model; bad input raises a clear ParseError."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from involinks.compliance.ubl import ParseError, parse_document
from involinks.invoicing.document import (
    Customization,
    Document,
    DocumentKind,
    Identifier,
    LegalRegistration,
    PartyTaxScheme,
    TransactionType,
)
from tests.invoicing.examples import NS, example, example_id, mutated, ubl_examples

D = Decimal
EXAMPLES = ubl_examples()


def _parse(relative: str) -> Document:
    return parse_document(example(relative).read_bytes())


def _xpath_text(root: etree._Element, xpath: str) -> list[str]:
    found = root.xpath(xpath, namespaces=NS)
    assert isinstance(found, list)
    return [(e.text or "").strip() for e in found if isinstance(e, etree._Element)]


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_every_official_example_parses(path: Path) -> None:
    data = path.read_bytes()
    document = parse_document(data)
    root = etree.fromstring(data)
    line_tag = "InvoiceLine" if document.kind is DocumentKind.INVOICE else "CreditNoteLine"
    assert root.tag.endswith("}" + document.kind.value)
    assert [document.id] == _xpath_text(root, "cbc:ID")
    assert [document.customization.value] == _xpath_text(root, "cbc:CustomizationID")
    assert [document.profile_id] == _xpath_text(root, "cbc:ProfileID")
    assert [line.id for line in document.lines] == _xpath_text(root, f"cac:{line_tag}/cbc:ID")
    assert [str(line.line_extension_amount) for line in document.lines] == _xpath_text(
        root, f"cac:{line_tag}/cbc:LineExtensionAmount"
    )
    assert [str(s.taxable_amount) for s in document.tax_total.subtotals] == _xpath_text(
        root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount"
    )
    assert [str(document.totals.payable_amount)] == _xpath_text(
        root, "cac:LegalMonetaryTotal/cbc:PayableAmount"
    )
    assert document.seller.registration_name
    assert document.buyer.registration_name


class TestFields:
    def test_extensive_invoice(self) -> None:
        document = _parse("billing/invoice/Standard.invoice.-.Extensive.xml")
        assert document.kind is DocumentKind.INVOICE
        assert document.customization is Customization.BILLING
        assert document.type_code == "380"
        assert document.transaction_type == TransactionType(
            free_zone=True, continuous_supply=True, ecommerce=True
        )
        assert document.uuid == "4b6000ca-0128-4bdc-99a6-406f2909247f"
        assert document.issue_date == date(2025, 1, 30)
        assert document.issue_time == time(18, 24, 10, tzinfo=timezone(timedelta(hours=4)))
        assert document.due_date == date(2025, 2, 13)
        assert document.tax_point_date == date(2025, 1, 29)
        assert document.notes == ("Tax invoice",)
        assert document.invoice_period is not None
        assert document.invoice_period.description_code == "OTH"
        assert document.billing_references[0].id == "INV-1001/2022"
        assert document.contract_reference is not None
        assert document.contract_reference.description == "AED200000"
        attachment = document.additional_document_references[1]
        assert (attachment.mime_code, attachment.filename) == (
            "application/pdf",
            "Sample_invoice.pdf",
        )
        assert document.buyer_customer_party_id == "189098765401003"

        seller = document.seller
        assert seller.endpoint == Identifier("112345678900003", "0235")
        assert seller.trn == "112345678900003"
        assert seller.tin is None
        assert seller.legal_registration == LegalRegistration(
            "112345678900003", "TL", "Trade License issuing Authority"
        )
        assert seller.postal_address is not None
        assert seller.postal_address.country_subentity == "AUH"
        assert seller.postal_address.address_lines == ("Additional Address line",)
        assert seller.contact is not None
        assert seller.contact.email == "Email Address"

        assert document.payee is not None
        assert document.payee.identifications == (Identifier("132345679670003", "0060"),)
        assert document.tax_representative is not None
        assert document.tax_representative.trn == "123349792700003"
        assert document.delivery is not None
        assert document.delivery.location_id == Identifier("112345679000003", "0060")
        means = document.payment_means[0]
        assert (means.code, means.code_name) == ("55", "Debit Card")
        assert means.card_account is not None
        assert means.payee_financial_account is not None
        assert means.payee_financial_account.scheme_id == "IBAN"
        assert document.payment_terms == "15 days"

        first, *_ = document.allowances_charges
        assert first.multiplier_factor == D("1.5")
        assert first.tax_category is not None
        assert (first.tax_category.code, first.tax_category.percent) == ("S", D(5))
        assert [ac.charge_indicator for ac in document.allowances_charges] == [False, False, True]
        assert document.totals.prepaid_amount == D(10000)
        assert document.totals.payable_rounding_amount == D("0.30")

        line2 = document.lines[1]
        assert line2.price.base_quantity == D(5)
        assert (line2.price.discount_amount, line2.price.gross_amount) == (D(20), D(2000))
        category = line2.item.classified_tax_category
        assert (category.code, category.percent) == ("E", None)
        assert category.exemption_reason_code == "DL8.46.2"
        assert line2.vat_line_amount is None
        assert line2.amount_with_vat == D(3900)
        line4 = document.lines[3]
        assert line4.item.standard_item_id == Identifier("04012345123456", "0160")
        assert line4.item.classifications[0].nature_code == "DL8.48.3.1"
        assert line4.item.item_type == "G"
        assert line4.order_line_id == "st-nar-1"
        assert line4.order_reference_id == "PO-001/23"

    def test_foreign_currency(self) -> None:
        document = _parse("billing/invoice/Exports.xml")
        assert (document.currency_code, document.tax_currency_code) == ("USD", "AED")
        assert document.tax_exchange_rate is not None
        assert document.tax_exchange_rate.calculation_rate == D("3.67285")
        assert document.tax_total.tax_amount == 0
        assert document.tax_currency_tax_amount == 0
        assert document.statement_document_id == "EXP010101234"
        assert document.delivery is not None
        assert document.delivery.delivery_terms_id == Identifier("CIF", "Incoterms")
        assert document.lines[0].tax_amount == 0
        assert document.lines[0].item.lot_number_id == "Lot 1"

    def test_credit_note(self) -> None:
        document = _parse("billing/creditnote/Volume-discount-credit-note.xml")
        assert document.kind is DocumentKind.CREDIT_NOTE
        assert document.is_credit_note
        assert document.type_code == "381"
        assert [r.response_code for r in document.discrepancy_responses] == ["VD", "DL8.61.1.E"]
        assert document.discrepancy_responses[0].description == "Volume discount"
        assert document.lines[0].discrepancy_responses[0].response_code == "VD"
        assert document.lines[0].quantity == D(2000)

    def test_self_billing(self) -> None:
        document = _parse("selfbilling/invoice/Self Billing.xml")
        assert document.customization is Customization.SELF_BILLING
        assert document.profile_id == "urn:peppol:bis:selfbilling"
        assert document.type_code == "389"

    def test_seller_tin_and_buyer_passport(self) -> None:
        seller = _parse("billing/invoice/Seller-TIN-identifier.xml").seller
        assert seller.tax_schemes == (
            PartyTaxScheme("198765432102003", "VAT"),
            PartyTaxScheme("1234567890", "TIN"),
        )
        assert seller.tin == "1234567890"
        buyer = _parse("billing/invoice/Buyer-PAS-identifier.xml").buyer
        assert buyer.legal_registration == LegalRegistration("P1234567890", "PAS", "IN")

    def test_disclosed_agent(self) -> None:
        document = _parse("billing/invoice/Disclosed.agent.billing.xml")
        assert document.transaction_type is not None
        assert document.transaction_type.disclosed_agent
        assert document.seller_supplier_party_id == "155667745601003"
        assert document.lines[0].line_extension_amount == D("999.375")

    def test_model_is_immutable(self) -> None:
        document = _parse("billing/invoice/Standard tax invoice.xml")
        with pytest.raises(dataclasses.FrozenInstanceError):
            document.id = "other"  # type: ignore[misc]


INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
STANDARD = "billing/invoice/Standard tax invoice.xml"


def _remove(xpath: str) -> bytes:
    def change(root: etree._Element) -> None:
        found = root.xpath(xpath, namespaces=NS)
        assert isinstance(found, list)
        assert found
        for element in found:
            assert isinstance(element, etree._Element)
            parent = element.getparent()
            assert parent is not None
            parent.remove(element)

    return mutated(STANDARD, change)


def _set_text(xpath: str, text: str) -> bytes:
    def change(root: etree._Element) -> None:
        found = root.xpath(xpath, namespaces=NS)
        assert isinstance(found, list)
        assert found
        element = found[0]
        assert isinstance(element, etree._Element)
        element.text = text

    return mutated(STANDARD, change)


class TestMalformed:
    def test_empty_input(self) -> None:
        with pytest.raises(ParseError, match="empty document"):
            parse_document(b"  \n")

    def test_not_well_formed(self) -> None:
        with pytest.raises(ParseError, match="not well-formed XML") as info:
            parse_document(b'<?xml version="1.0"?>\n<Invoice xmlns="x">\n<cbc:ID>1</Invoice>')
        assert info.value.line is not None
        assert info.value.__cause__ is None  # no lxml exception chained into the message

    def test_not_xml_at_all(self) -> None:
        with pytest.raises(ParseError, match="not well-formed XML"):
            parse_document(b"%PDF-1.7 this is a PDF")

    def test_wrong_root(self) -> None:
        order = b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
        with pytest.raises(
            ParseError, match=r"root element is .*Order.*expected a UBL 2\.1 Invoice"
        ):
            parse_document(order)

    def test_invoice_without_namespace(self) -> None:
        with pytest.raises(ParseError, match="root element is Invoice;"):
            parse_document(b"<Invoice><ID>1</ID></Invoice>")

    def test_credit_note_element_in_invoice_namespace(self) -> None:
        with pytest.raises(ParseError, match="root element"):
            parse_document(f'<CreditNote xmlns="{INVOICE_NS}"/>'.encode())

    def test_too_large(self) -> None:
        data = example(STANDARD).read_bytes()
        with pytest.raises(ParseError, match="more than the 100 allowed"):
            parse_document(data, max_bytes=100)

    def test_text_instead_of_bytes(self) -> None:
        with pytest.raises(TypeError):
            parse_document("<Invoice/>")  # type: ignore[arg-type]

    def test_missing_mandatory_element_names_path_and_term(self) -> None:
        with pytest.raises(ParseError) as info:
            parse_document(_remove("cbc:IssueDate"))
        assert "missing cbc:IssueDate" in str(info.value)
        assert "IBT-002" in str(info.value)

    def test_missing_nested_element(self) -> None:
        with pytest.raises(ParseError) as info:
            parse_document(_remove("cac:LegalMonetaryTotal/cbc:PayableAmount"))
        assert "cbc:PayableAmount (IBT-115)" in str(info.value)
        assert info.value.path == "cac:LegalMonetaryTotal"

    def test_bad_amount(self) -> None:
        with pytest.raises(ParseError) as info:
            parse_document(_set_text("cac:LegalMonetaryTotal/cbc:PayableAmount", "11,175.50"))
        assert "'11,175.50' is not a decimal number" in str(info.value)
        assert info.value.path == "cac:LegalMonetaryTotal/cbc:PayableAmount"
        assert info.value.line is not None

    @pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e3", "", "0x10"])
    def test_amount_must_be_a_plain_decimal(self, bad: str) -> None:
        with pytest.raises(ParseError, match="is not a decimal number"):
            parse_document(_set_text("cac:InvoiceLine/cbc:InvoicedQuantity", bad))

    @pytest.mark.parametrize("bad", ["2025-13-01", "06/02/2025", "2025-02-30"])
    def test_bad_date(self, bad: str) -> None:
        with pytest.raises(ParseError, match="date") as info:
            parse_document(_set_text("cbc:IssueDate", bad))
        assert info.value.path == "cbc:IssueDate"

    def test_bad_transaction_type(self) -> None:
        with pytest.raises(ParseError, match="BTAE-02"):
            parse_document(_set_text("cbc:ProfileExecutionID", "0000"))

    def test_bad_charge_indicator(self) -> None:
        with pytest.raises(ParseError, match="'yes' is not true/false"):
            parse_document(_set_text("cac:AllowanceCharge/cbc:ChargeIndicator", "yes"))

    def test_unsupported_customization(self) -> None:
        bis3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
        with pytest.raises(ParseError, match="unsupported CustomizationID"):
            parse_document(_set_text("cbc:CustomizationID", bis3))

    def test_no_lines(self) -> None:
        with pytest.raises(ParseError, match="at least one line"):
            parse_document(_remove("cac:InvoiceLine"))

    def test_line_without_unit_code(self) -> None:
        def change(root: etree._Element) -> None:
            found = root.xpath("cac:InvoiceLine/cbc:InvoicedQuantity", namespaces=NS)
            assert isinstance(found, list)
            element = found[0]
            assert isinstance(element, etree._Element)
            del element.attrib["unitCode"]

        with pytest.raises(ParseError, match=r"unitCode \(IBT-130\)"):
            parse_document(mutated(STANDARD, change))

    def test_missing_tax_total(self) -> None:
        with pytest.raises(ParseError, match="IBT-110"):
            parse_document(_remove("cac:TaxTotal"))

    def test_parse_error_is_a_value_error(self) -> None:
        assert issubclass(ParseError, ValueError)
        assert not issubclass(ParseError, etree.LxmlError)


class TestHostileInput:
    def test_external_entity_is_refused_and_not_resolved(self, tmp_path: Path) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET-CONTENT")
        xxe = (
            f'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
            f'<Invoice xmlns="{INVOICE_NS}" '
            'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
            "<cbc:ID>&xxe;</cbc:ID></Invoice>"
        ).encode()
        with pytest.raises(ParseError, match="DOCTYPE") as info:
            parse_document(xxe)
        assert "TOP-SECRET" not in str(info.value)

    def test_external_dtd_is_refused(self) -> None:
        data = (
            '<?xml version="1.0"?>\n'
            '<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
            f'<Invoice xmlns="{INVOICE_NS}"/>'
        ).encode()
        with pytest.raises(ParseError, match="DOCTYPE"):
            parse_document(data)

    def test_entity_expansion_bomb_is_refused(self) -> None:
        entities = "".join(
            f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
        )
        bomb = (
            f'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY e0 "lol">{entities}]>\n'
            f'<Invoice xmlns="{INVOICE_NS}">&e9;</Invoice>'
        ).encode()
        with pytest.raises(ParseError):
            parse_document(bomb)

    def test_doctype_in_an_official_example_is_refused(self) -> None:
        data = (
            example(STANDARD)
            .read_bytes()
            .replace(b"<Invoice ", b"<!DOCTYPE Invoice>\n<Invoice ", 1)
        )
        with pytest.raises(ParseError, match="DOCTYPE"):
            parse_document(data)
