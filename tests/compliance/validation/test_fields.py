"""Locations and form fields: Saxon's SVRL location syntax and the rule -> field mapping."""

from __future__ import annotations

import pytest

from involinks.compliance.validation.fields import field_for
from involinks.compliance.validation.paths import format_steps, parse_svrl_location

INV = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def saxon(*steps: tuple[str, str, int]) -> str:
    """A location written the way the shipped stylesheets write it."""
    return "".join(f"/*:{name}[namespace-uri()='{ns}'][{pos}]" for name, ns, pos in steps)


def test_saxon_location_becomes_a_prefixed_xpath() -> None:
    location = saxon(("Invoice", INV, 1), ("InvoiceLine", CAC, 2), ("LineExtensionAmount", CBC, 1))

    steps = parse_svrl_location(location)

    assert format_steps(steps) == "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount[1]"


def test_attribute_step_is_kept() -> None:
    location = saxon(("Invoice", INV, 1), ("AccountingSupplierParty", CAC, 1)) + "/@schemeID"

    assert format_steps(parse_svrl_location(location)) == (
        "/Invoice/cac:AccountingSupplierParty[1]/@schemeID"
    )


@pytest.mark.parametrize(
    ("rule_id", "location", "field"),
    [
        # Context wider than the field: the table decides.
        ("ibr-134-ae", "/Invoice", "seller.trn"),
        ("ibr-co-16", "/Invoice/cac:LegalMonetaryTotal[1]", "totals.payable_amount"),
        # Relative entries hang off the line / allowance-charge on the path (0-based).
        ("ibr-022", "/Invoice/cac:InvoiceLine[3]", "lines[2].quantity"),
        ("ibr-031", "/Invoice/cac:AllowanceCharge[2]", "allowances_charges[1].amount"),
        (
            "ibr-043",
            "/Invoice/cac:InvoiceLine[2]/cac:AllowanceCharge[3]",
            "lines[1].allowances_charges[2].amount",
        ),
        (
            "aligned-ibrp-s-05",
            "/Invoice/cac:InvoiceLine[1]/cac:Item[1]/cac:ClassifiedTaxCategory[1]",
            "lines[0].vat_rate",
        ),
        # Not in the table: the location path decides.
        (
            "ibr-132-ae",
            "/Invoice/cac:AccountingCustomerParty[1]/cac:Party[1]/cac:PartyTaxScheme[1]"
            "/cbc:CompanyID[1]",
            "buyer.trn",
        ),
        (
            "ibr-cl-14",
            "/Invoice/cac:AccountingSupplierParty[1]/cac:Party[1]/cac:PostalAddress[1]"
            "/cac:Country[1]/cbc:IdentificationCode[1]",
            "seller.address.country",
        ),
        (
            "ibr-139-ae",
            "/Invoice/cac:TaxTotal[1]/cac:TaxSubtotal[2]/cac:TaxCategory[1]/cbc:ID[1]",
            "totals.vat_breakdown[1]",
        ),
        ("ibr-cl-04", "/Invoice/cbc:DocumentCurrencyCode[1]", "currency"),
        (
            "ibr-128-ae",
            "/Invoice/cac:TaxRepresentativeParty[1]/cac:PostalAddress[1]",
            "tax_representative.address.emirate",
        ),
        (
            "ibr-cl-23",
            "/Invoice/cac:InvoiceLine[1]/cac:Price[1]/cbc:BaseQuantity[1]",
            "lines[0].base_quantity",
        ),
        # Nothing fits: None rather than a guess.
        ("ibr-xyz", "/Invoice/cac:Signature[1]", None),
        ("ibr-022", "/Invoice", None),
        ("ibr-xyz", "", None),
    ],
)
def test_field_for(rule_id: str, location: str, field: str | None) -> None:
    assert field_for(rule_id, parse_svrl_location(location)) == field
