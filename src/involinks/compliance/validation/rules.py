"""Layer 4: InvoLinks checks where the official PINT AE 1.0.4 rules have gaps.

``il-ae-emirate-01`` — emirate code of the seller (IBT-039) and buyer (IBT-054) postal address.
The official ``ibr-128-ae`` (country AE ⇒ subdivision in AUH, DXB, SHJ, UAQ, FUJ, AJM, RAK) sits in
the same Schematron pattern after the more specific seller/buyer address rules ``ibr-143-ae`` /
``ibr-144-ae``; by first-match semantics it therefore never fires for those two addresses and an
invalid emirate there passes the official rules. We apply ``ibr-128-ae``'s test to them. An
absent or empty subdivision is left to ``ibr-143-ae`` / ``ibr-144-ae`` / ``ibr-079`` so the same
mistake is not reported twice.
"""

from __future__ import annotations

from lxml import etree

from involinks.compliance.validation.fields import field_for
from involinks.compliance.validation.paths import (
    NAMESPACES,
    element_steps,
    element_text,
    format_steps,
    source_line,
)
from involinks.compliance.validation.result import Layer, Severity, ValidationIssue

__all__ = ["EMIRATE_CODES", "EMIRATE_RULE_ID", "check_involinks_rules"]

EMIRATE_RULE_ID = "il-ae-emirate-01"
EMIRATE_CODES = ("AUH", "DXB", "SHJ", "UAQ", "FUJ", "AJM", "RAK")

_PARTIES = (
    ("AccountingSupplierParty", "Seller", "IBT-039", "IBT-040"),
    ("AccountingCustomerParty", "Buyer", "IBT-054", "IBT-055"),
)


def check_involinks_rules(root: etree._Element) -> list[ValidationIssue]:
    """Our own checks on a UBL Invoice / CreditNote root element."""
    return _check_emirates(root)


def _check_emirates(root: etree._Element) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for party_element, label, subdivision_bt, country_bt in _PARTIES:
        path = f"cac:{party_element}/cac:Party/cac:PostalAddress"
        for address in root.iterfind(path, NAMESPACES):
            # Same comparisons as ibr-128-ae: exact string equality, no trimming.
            countries = [
                element_text(code)
                for code in address.iterfind("cac:Country/cbc:IdentificationCode", NAMESPACES)
            ]
            if "AE" not in countries:
                continue
            subdivisions = address.findall("cbc:CountrySubentity", NAMESPACES)
            values = [element_text(element) for element in subdivisions]
            if not any(value.strip() for value in values):
                continue
            if any(value in EMIRATE_CODES for value in values):
                continue
            target = subdivisions[0]
            steps = element_steps(target)
            issues.append(
                ValidationIssue(
                    layer=Layer.INVOLINKS,
                    rule_id=EMIRATE_RULE_ID,
                    severity=Severity.FATAL,
                    message=(
                        f"[{EMIRATE_RULE_ID}]-{label} country subdivision ({subdivision_bt}) "
                        f"must be one of {', '.join(EMIRATE_CODES)} when the country code "
                        f"({country_bt}) is AE. InvoLinks check: the official ibr-128-ae does "
                        "not reach the seller and buyer postal addresses in PINT AE 1.0.4."
                    ),
                    location=format_steps(steps),
                    field=field_for(EMIRATE_RULE_ID, steps),
                    test=f"cbc:CountrySubentity = ({', '.join(EMIRATE_CODES)})",
                    line=source_line(target),
                )
            )
    return issues
