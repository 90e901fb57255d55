"""codes.py: the packaged code lists, the rule facts per VAT category, the examples' codes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from involinks.invoicing import codes
from involinks.invoicing.document import Customization, DocumentKind, TransactionType
from tests.invoicing.examples import NS, REFERENCE, example_id, ubl_examples

EXAMPLES = ubl_examples()
# Doc-level-charge-E-category.xml uses an exemption code that is not in
# Aligned-TaxExemptionCodes.gc; no official rule checks the code against the list, so it passes.
UNLISTED_EXEMPTION_CODES = {"VATEX-AE-EDU"}


class TestTaxCategories:
    def test_codes_are_the_six_ae_categories_with_a_latin_n(self) -> None:
        assert list(codes.tax_categories()) == ["S", "E", "O", "AE", "Z", "N"]
        assert "\u039d" not in codes.tax_categories()

    def test_the_shipped_file_still_has_the_greek_nu(self) -> None:
        # The upstream defect we normalise: if it is ever fixed, the mapping can go.
        raw = (REFERENCE / "codelists/billing/Aligned-TaxCategoryCodes.gc").read_text("utf-8")
        assert "<gc:SimpleValue>\u039d</gc:SimpleValue>" in raw

    def test_standard_rate_is_five_percent(self) -> None:
        standard = codes.tax_category("S")
        assert standard.line_rate == Decimal(5)  # ibr-190-ae
        assert standard.vat_charged
        assert not standard.exemption_reason_required

    def test_exempt_needs_a_reason_and_no_rate(self) -> None:
        exempt = codes.tax_category("E")
        assert exempt.exemption_reason_required  # ibr-167-ae
        assert exempt.line_rate is None
        assert not exempt.rate_required  # aligned-ibrp-e-05
        assert exempt.document_level_rate == Decimal(0)  # aligned-ibrp-e-06

    def test_only_standard_rate_charges_vat(self) -> None:
        charged = {c.code for c in codes.tax_categories().values() if c.vat_charged}
        assert charged == {"S"}

    def test_margin_scheme_is_not_allowed_at_document_level(self) -> None:
        assert not codes.tax_category("N").allowed_at_document_level  # ibr-114/115-ae
        assert codes.tax_category("N").name == "Standard rate additional VAT"

    def test_unknown_category(self) -> None:
        with pytest.raises(codes.UnknownCodeError, match="'X'"):
            codes.tax_category("X")


class TestTypeCodes:
    @pytest.mark.parametrize(
        ("customization", "kind", "expected"),
        [
            (Customization.BILLING, DocumentKind.INVOICE, {"380", "480"}),
            (Customization.BILLING, DocumentKind.CREDIT_NOTE, {"381", "81"}),
            (Customization.SELF_BILLING, DocumentKind.INVOICE, {"389", "480"}),
            (Customization.SELF_BILLING, DocumentKind.CREDIT_NOTE, {"261", "81"}),
        ],
    )
    def test_per_customization(
        self, customization: Customization, kind: DocumentKind, expected: set[str]
    ) -> None:
        # The identifiers table of the reference README.
        assert codes.type_codes(customization, kind) == expected


class TestLists:
    def test_sizes_match_the_files(self) -> None:
        for name, loaded in [
            ("UNECERec20.gc", codes.unit_codes()),
            ("ISO4217.gc", codes.currencies()),
            ("ISO3166.gc", codes.countries()),
        ]:
            raw = (REFERENCE / "codelists/billing" / name).read_text("utf-8")
            assert len(loaded) == raw.count("<gc:Row>"), name

    def test_lookups(self) -> None:
        assert codes.currencies()["AED"].name == "UAE Dirham"
        assert "AE" in codes.countries()
        assert "H87" in codes.unit_codes()
        assert "0235" in codes.endpoint_schemes()
        assert "DL8.46.2" in codes.exemption_reasons()
        assert "VD" in codes.credit_reasons()
        assert "MTH" in codes.billing_frequencies()
        assert set(codes.item_types().codes) == {"G", "S", "B"}
        assert "DL8.48.3.1" in codes.rcm_goods_types()
        assert "30" in codes.payment_means_codes()
        assert "95" in codes.allowance_reason_codes()
        assert "AAC" in codes.charge_reason_codes()
        assert "application/pdf" in codes.mime_codes()

    def test_unknown_code_is_a_key_error_naming_the_list(self) -> None:
        with pytest.raises(KeyError) as info:
            codes.currencies()["XYZ"]
        assert "Currency codes" in str(info.value)
        assert codes.currencies().get("XYZ") is None

    def test_parsed_once(self) -> None:
        assert codes.load_code_list("ISO4217.gc") is codes.load_code_list("ISO4217.gc")


class TestTransactionType:
    def test_flags_follow_the_code_list_positions(self) -> None:
        flags = codes.transaction_type_flags()
        assert [f.position for f in flags] == list(range(1, 9))
        assert [f.field for f in flags] == [
            "free_zone",
            "deemed_supply",
            "margin_scheme",
            "summary_invoice",
            "continuous_supply",
            "disclosed_agent",
            "ecommerce",
            "exports",
        ]
        assert flags[5].pattern == "XXXXX1XX"
        assert flags[5].name.startswith("Agent billing")

    def test_code_round_trip(self) -> None:
        # Standard.invoice.-.Extensive.xml: free zone, continuous supply, e-commerce.
        flags = TransactionType.from_code("10001010")
        assert flags == TransactionType(free_zone=True, continuous_supply=True, ecommerce=True)
        assert flags.to_code() == "10001010"
        assert TransactionType().to_code() == "00000000"

    @pytest.mark.parametrize("bad", ["", "1000000", "100000000", "1000000a", "10000002"])
    def test_malformed_code(self, bad: str) -> None:
        with pytest.raises(ValueError, match="8 characters"):
            TransactionType.from_code(bad)


class TestEmirates:
    def test_the_seven_codes_of_ibr_128_ae(self) -> None:
        assert {e.value for e in codes.Emirate} == {"AUH", "DXB", "SHJ", "UAQ", "FUJ", "AJM", "RAK"}

    @pytest.mark.parametrize(
        ("code", "valid"),
        [("DXB", True), ("RAK", True), ("dxb", False), ("DUB", False), ("WA", False), ("", False)],
    )
    def test_is_emirate(self, code: str, valid: bool) -> None:
        assert codes.is_emirate(code) is valid


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_every_code_in_the_examples_is_known(path: Path) -> None:
    root = etree.parse(str(path)).getroot()

    def values(xpath: str) -> list[str]:
        found = root.xpath(xpath, namespaces=NS)
        assert isinstance(found, list)
        return [
            (v.text or "").strip() if isinstance(v, etree._Element) else str(v).strip()
            for v in found
        ]

    customization = (
        Customization.SELF_BILLING
        if "selfbilling" in values("cbc:CustomizationID")[0]
        else Customization.BILLING
    )
    kind = DocumentKind.INVOICE if root.tag.endswith("}Invoice") else DocumentKind.CREDIT_NOTE
    for type_code in values("cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode"):
        assert type_code in codes.type_codes(customization, kind)
    for unit in values("//@unitCode"):
        assert unit in codes.unit_codes()
    for currency in values("//@currencyID | cbc:DocumentCurrencyCode | cbc:TaxCurrencyCode"):
        assert currency in codes.currencies()
    for country in values("//cac:Country/cbc:IdentificationCode"):
        assert country in codes.countries()
    for category in values("//cac:TaxCategory/cbc:ID | //cac:ClassifiedTaxCategory/cbc:ID"):
        codes.tax_category(category)
    for reason in values("//cbc:TaxExemptionReasonCode"):
        if reason in UNLISTED_EXEMPTION_CODES:
            assert reason not in codes.exemption_reasons()
        else:
            assert reason in codes.exemption_reasons()
    for reason in values("cac:DiscrepancyResponse/cbc:ResponseCode"):
        assert reason in codes.credit_reasons()
    for scheme in values("//cbc:EndpointID/@schemeID"):
        assert scheme in codes.endpoint_schemes()
    for subdivision in values(
        "//cac:Address[cac:Country/cbc:IdentificationCode='AE']"
        "/cbc:CountrySubentity | //cac:PostalAddress[cac:Country/"
        "cbc:IdentificationCode='AE']/cbc:CountrySubentity"
    ):
        assert codes.is_emirate(subdivision)
    for flags in values("cbc:ProfileExecutionID"):
        TransactionType.from_code(flags)
