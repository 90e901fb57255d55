"""The validation engine against the official PINT AE 1.0.4 examples and mutations of them.

Expected rule ids come from the rule texts in shared/reference/pint-ae/schematron (``.sch``),
chosen by hand for each mutation.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from involinks.compliance.validation import (
    EMIRATE_RULE_ID,
    Layer,
    ValidationResult,
    schematron,
    validate,
    validate_tdd,
    validate_ubl,
    warm_up,
)
from tests.compliance.validation.golden import (
    EXAMPLES,
    NS,
    example,
    mutated,
    tdd_examples,
    ubl_examples,
)

STANDARD = "billing/invoice/Standard tax invoice.xml"
EXTENSIVE = "billing/invoice/Standard.invoice.-.Extensive.xml"
CREDIT_NOTE = "billing/creditnote/Standard tax credit Note.xml"
VOLUME_DISCOUNT = "billing/creditnote/Volume-discount-credit-note.xml"
SELF_BILLING = "selfbilling/invoice/Self Billing.xml"


def _one(tree: etree._ElementTree, path: str) -> etree._Element:
    found = tree.getroot().findall(path, NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


def _remove(tree: etree._ElementTree, path: str) -> None:
    element = _one(tree, path)
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def _set(tree: etree._ElementTree, path: str, value: str) -> None:
    _one(tree, path).text = value


def _errors(result: ValidationResult) -> list[tuple[str, str]]:
    return [(issue.layer.value, issue.rule_id) for issue in result.errors]


def _by_rule(result: ValidationResult, rule_id: str) -> list[tuple[str, str | None]]:
    return [(i.layer.value, i.field) for i in result.errors if i.rule_id == rule_id]


UBL_EXAMPLES = [p for p in ubl_examples() if p.name != Path(VOLUME_DISCOUNT).name]


@pytest.mark.parametrize("path", UBL_EXAMPLES, ids=lambda p: p.name)
def test_official_example_passes_every_layer(path: Path) -> None:
    result = validate_ubl(path.read_bytes())

    assert result.errors == ()
    assert result.warnings == ()
    assert result.valid
    assert result.layers == (Layer.XML, Layer.XSD, Layer.PINT, Layer.AE, Layer.INVOLINKS)
    expected_rules = "selfbilling" if "selfbilling" in path.parts else "billing"
    assert result.rule_set == expected_rules
    assert result.document_type == ("CreditNote" if "creditnote" in path.parts else "Invoice")


def test_volume_discount_credit_note_fails_only_on_the_documented_xsd_defect() -> None:
    # README upstream defect: cac:OrderLineReference after cac:DiscrepancyResponse.
    result = validate_ubl(example(VOLUME_DISCOUNT).read_bytes())

    assert not result.valid
    assert len(result.errors) == 1
    (issue,) = result.errors
    assert issue.layer is Layer.XSD
    assert issue.location == "/CreditNote/cac:CreditNoteLine[1]/cac:OrderLineReference[1]"
    assert "cac:OrderLineReference" in issue.message
    assert "not expected" in issue.message
    assert issue.field == "lines[0].order_line"
    assert issue.line is not None


@pytest.mark.parametrize("path", tdd_examples(), ids=lambda p: p.name)
def test_official_tdd_example_passes(path: Path) -> None:
    result = validate_tdd(path.read_bytes())

    assert result.errors == ()
    assert result.rule_set == "tdd"
    assert result.document_type == "TaxData"
    assert validate(path.read_bytes()).rule_set == "tdd"


def test_missing_seller_trn_is_reported_on_the_seller_trn_field() -> None:
    xml = mutated(
        STANDARD, lambda t: _remove(t, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
    )

    result = validate_ubl(xml)

    assert not result.valid
    # ibr-134-ae: Seller VAT identifier (IBT-031) MUST be there for a 380 invoice.
    assert _by_rule(result, "ibr-134-ae") == [("ae", "seller.trn")]
    assert not result.errors_in(Layer.XSD)


def test_changed_payable_amount_breaks_ibr_co_16() -> None:
    xml = mutated(
        STANDARD, lambda t: _set(t, "cac:LegalMonetaryTotal/cbc:PayableAmount", "11175.6")
    )

    result = validate_ubl(xml)

    assert _errors(result) == [("pint", "ibr-co-16")]
    (issue,) = result.errors
    assert issue.field == "totals.payable_amount"
    assert issue.location == "/Invoice/cac:LegalMonetaryTotal[1]"
    assert issue.message.startswith("[ibr-co-16]-Amount due for payment (ibt-115)")
    assert issue.test is not None
    assert "PayableAmount" in issue.test


def test_changed_line_net_amount_points_at_that_line() -> None:
    # Line 3 of the extensive example: 2 x 300 = 600 (ibr-147-ae), also summed in IBT-106.
    xml = mutated(EXTENSIVE, lambda t: _set(t, "cac:InvoiceLine[3]/cbc:LineExtensionAmount", "601"))

    result = validate_ubl(xml)

    assert ("ae", "lines[2].net_amount") in _by_rule(result, "ibr-147-ae")
    assert _by_rule(result, "ibr-co-10") == [("pint", "totals.line_extension_amount")]


def test_invalid_emirate_on_seller_address_is_caught_by_our_own_rule() -> None:
    xml = mutated(
        STANDARD,
        lambda t: _set(
            t, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity", "XXX"
        ),
    )

    result = validate_ubl(xml)

    # The official layers accept it (README: ibr-128-ae never fires there) ...
    assert not result.errors_in(Layer.XSD)
    assert not result.errors_in(Layer.PINT)
    assert not result.errors_in(Layer.AE)
    # ... our rule does not.
    assert _errors(result) == [("involinks", EMIRATE_RULE_ID)]
    (issue,) = result.errors
    assert issue.field == "seller.address.emirate"
    assert issue.location == (
        "/Invoice/cac:AccountingSupplierParty[1]/cac:Party[1]/cac:PostalAddress[1]"
        "/cbc:CountrySubentity[1]"
    )
    assert "ibr-128-ae" in issue.message


def test_invalid_emirate_on_buyer_address_is_caught_by_our_own_rule() -> None:
    xml = mutated(
        STANDARD,
        lambda t: _set(
            t, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity", "dxb"
        ),
    )

    result = validate_ubl(xml)

    assert _errors(result) == [("involinks", EMIRATE_RULE_ID)]
    assert result.errors[0].field == "buyer.address.emirate"


def test_emirate_rule_ignores_foreign_addresses() -> None:
    def foreign_buyer(tree: etree._ElementTree) -> None:
        address = "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"
        _set(tree, f"{address}/cac:Country/cbc:IdentificationCode", "SA")
        _set(tree, f"{address}/cbc:CountrySubentity", "Riyadh Province")

    result = validate_ubl(mutated(STANDARD, foreign_buyer))

    assert EMIRATE_RULE_ID not in result.rule_ids


def test_invalid_emirate_on_tax_representative_is_left_to_the_official_rule() -> None:
    xml = mutated(
        EXTENSIVE,
        lambda t: _set(t, "cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CountrySubentity", "X"),
    )

    result = validate_ubl(xml)

    assert _errors(result) == [("ae", "ibr-128-ae")]
    assert result.errors[0].field == "tax_representative.address.emirate"


def test_invoice_type_code_999_is_not_in_the_ae_code_list() -> None:
    xml = mutated(STANDARD, lambda t: _set(t, "cbc:InvoiceTypeCode", "999"))

    result = validate_ubl(xml)

    assert ("pint", "type_code") in _by_rule(result, "ibr-cl-01")
    (issue,) = [i for i in result.errors if i.rule_id == "ibr-cl-01"]
    assert issue.location == "/Invoice/cbc:InvoiceTypeCode[1]"


@pytest.mark.parametrize(
    ("removed", "layer", "rule_id"),
    [
        # ibr-145-ae: each line MUST be categorized with a VAT category (IBG-30 present).
        ("cac:InvoiceLine[3]/cac:Item/cac:ClassifiedTaxCategory", "ae", "ibr-145-ae"),
        # ibr-sr-58: the category code (IBT-151) MUST be present.
        ("cac:InvoiceLine[3]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "pint", "ibr-sr-58"),
    ],
)
def test_line_without_vat_category_points_at_the_line(
    removed: str, layer: str, rule_id: str
) -> None:
    result = validate_ubl(mutated(EXTENSIVE, lambda t: _remove(t, removed)))

    assert (layer, "lines[2].vat_category") in _by_rule(result, rule_id)


def test_credit_note_without_preceding_invoice_reference() -> None:
    result = validate_ubl(mutated(CREDIT_NOTE, lambda t: _remove(t, "cac:BillingReference")))

    assert _by_rule(result, "ibr-055-ae") == [("ae", "billing_reference")]


def test_rule_set_follows_the_customization_id() -> None:
    # Self-billing type code 389 is outside the billing code list (380, 480).
    xml = mutated(
        SELF_BILLING, lambda t: _set(t, "cbc:CustomizationID", "urn:peppol:pint:billing-1@ae-1")
    )

    result = validate_ubl(xml)

    assert result.rule_set == "billing"
    assert ("pint", "type_code") in _by_rule(result, "ibr-cl-01")
    assert validate_ubl(example(SELF_BILLING).read_bytes()).rule_set == "selfbilling"


def test_schema_error_in_a_mutated_invoice() -> None:
    def swap(tree: etree._ElementTree) -> None:
        # cbc:IssueDate before cbc:ID breaks the UBL sequence.
        root = tree.getroot()
        issue_date = _one(tree, "cbc:IssueDate")
        root.remove(issue_date)
        root.insert(0, issue_date)

    result = validate_ubl(mutated(STANDARD, swap))

    xsd_errors = result.errors_in(Layer.XSD)
    assert xsd_errors
    assert xsd_errors[0].location == "/Invoice/cbc:IssueDate[1]"
    assert xsd_errors[0].field == "issue_date"


@pytest.mark.parametrize(
    ("payload", "rule_id"),
    [
        (b"<Invoice><unclosed></Invoice>", "xml-malformed"),
        (b"", "xml-malformed"),
        (b"not xml at all", "xml-malformed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
            "xml-doctype",
        ),
        (b"<Order xmlns='urn:example'/>", "xml-root"),
    ],
)
def test_unusable_input_gives_an_error_not_an_exception(payload: bytes, rule_id: str) -> None:
    result = validate_ubl(payload)

    assert not result.valid
    assert [(i.layer, i.rule_id) for i in result.errors] == [(Layer.XML, rule_id)]


def test_malformed_xml_reports_the_line() -> None:
    result = validate_ubl(b"<Invoice>\n<a>\n</b>\n</Invoice>")

    assert result.errors[0].line == 3


def test_str_input_with_non_ascii_text_is_validated() -> None:
    text = example(STANDARD).read_text(encoding="utf-8")
    text = text.replace("Supplier Legal Name", "شركة المورد ذ.م.م – Supplier")

    assert validate_ubl(text).valid


def test_tdd_schema_resolves_the_ubl_modules_locally() -> None:
    # cbc:IssueDate is a UBL type from the imported modules: an invalid date proves they load.
    xml = mutated("tdd/simple.xml", lambda t: _set(t, "cbc:IssueDate", "14.04.2025"))

    result = validate_tdd(xml)

    assert Layer.XSD in {issue.layer for issue in result.errors}


def test_tdd_rules_run() -> None:
    xml = mutated("tdd/simple.xml", lambda t: _set(t, "cbc:CustomizationID", "urn:other"))

    result = validate_tdd(xml)

    assert ("ae", "ibr-tdd-01") in _errors(result)


def test_concurrent_calls_give_the_same_results_as_sequential_ones() -> None:
    good = example(STANDARD).read_bytes()
    bad = mutated(STANDARD, lambda t: _set(t, "cac:LegalMonetaryTotal/cbc:PayableAmount", "1"))
    inputs = [good, bad] * 12
    expected = [_errors(validate_ubl(xml)) for xml in inputs[:2]] * 12

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda xml: _errors(validate_ubl(xml)), inputs))

    assert results == expected
    assert expected[0] == []
    assert expected[1]


def test_result_serializes_to_json() -> None:
    xml = mutated(STANDARD, lambda t: _set(t, "cbc:InvoiceTypeCode", "999"))

    payload = json.loads(json.dumps(validate_ubl(xml).as_dict()))

    assert payload["valid"] is False
    assert {"layer": "pint", "rule_id": "ibr-cl-01"}.items() <= payload["errors"][0].items()


def test_examples_folder_is_the_official_one() -> None:
    assert (EXAMPLES.parent / "README.md").is_file()


def test_stylesheets_are_compiled_once_per_process() -> None:
    warm_up()
    first = {path: schematron._executable(path) for path in schematron._by_path}
    warm_up()
    validate_ubl(example(STANDARD).read_bytes())

    assert {path: schematron._executable(path) for path in schematron._by_path} == first
    # billing + self-billing preprocessed, the shared (byte-identical) AE rules, the TDD rules.
    assert len(first) == 5
    assert len({id(executable) for executable in first.values()}) == 4


class _Broken:
    """Stands in for a compiled stylesheet, or for Saxon's processor, that fails when used."""

    def transform_to_string(self, **_kwargs: object) -> str:
        raise RuntimeError("stylesheet crashed")

    def parse_xml(self, **_kwargs: object) -> object:
        raise RuntimeError("cannot parse")


def test_a_layer_whose_rules_cannot_run_is_reported_and_the_next_layer_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warm_up()
    pint_path = schematron.stylesheets(schematron.RuleSet.BILLING)[0][1]
    monkeypatch.setitem(schematron._by_path, pint_path, _Broken())
    xml = mutated(
        STANDARD, lambda t: _remove(t, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
    )

    result = validate_ubl(xml)

    assert not result.valid
    assert [(i.rule_id, i.message) for i in result.errors_in(Layer.PINT)] == [
        (
            "schematron-error",
            f"The pint rules could not be run: {pint_path.name}: stylesheet crashed",
        )
    ]
    # The AE rules ran on the same parsed document all the same and still find what is wrong.
    assert _by_rule(result, "ibr-134-ae") == [("ae", "seller.trn")]


def test_a_document_saxon_cannot_read_fails_every_rule_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warm_up()
    saxon = schematron._saxon
    assert saxon is not None

    class _Stand:
        processor = _Broken()

    monkeypatch.setattr(schematron, "_saxon", _Stand())
    try:
        result = validate_ubl(example(STANDARD).read_bytes())
    finally:
        monkeypatch.setattr(schematron, "_saxon", saxon)

    assert not result.valid
    assert {("pint", "schematron-error"), ("ae", "schematron-error")} <= set(_errors(result))
