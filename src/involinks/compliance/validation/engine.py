"""Validate a PINT AE document the way the official rules run it, plus our own gap checks.

Order, for a UBL 2.1 ``Invoice`` / ``CreditNote``:

1. ``xml`` — the input must parse (no DOCTYPE: UBL has none, and it shuts out entity tricks);
2. ``xsd`` — OASIS UBL 2.1 schema chosen by the root element;
3. ``pint`` — ``PINT-UBL-validation-preprocessed.xslt`` (shared PINT rules, AE code lists);
4. ``ae`` — ``PINT-jurisdiction-aligned-rules.xslt`` (UAE rules);
5. ``involinks`` — our checks for gaps in 1.0.4 (see ``rules.py``).

The rule set (billing or self-billing) is picked by ``cbc:CustomizationID``; anything that is
not the self-billing identifier runs the billing rules, which then report the bad identifier
(``aligned-ibrp-001-ae``). Layers 3–5 run even when the schema fails, so one call shows every
problem (the official examples include one, ``Volume-discount-credit-note.xml``, that fails only
the schema).

A UAE Tax Data Document (``pxs:TaxData``) runs ``xml``, ``xsd`` (Peppol TDD 1.0.0 schema) and the
TDD Schematron (``peppol-ae-tdd.xslt``, reported as layer ``ae``).
"""

from __future__ import annotations

from lxml import etree

from involinks.compliance.validation import schematron, xsd
from involinks.compliance.validation.paths import NAMESPACES, element_text
from involinks.compliance.validation.result import (
    Layer,
    Severity,
    ValidationIssue,
    ValidationResult,
)
from involinks.compliance.validation.rules import check_involinks_rules
from involinks.compliance.validation.schematron import RuleSet, SchematronError
from involinks.compliance.validation.svrl import parse_svrl

__all__ = ["validate", "validate_tdd", "validate_ubl", "warm_up"]

SELF_BILLING_CUSTOMIZATION = "urn:peppol:pint:selfbilling-1@ae-1"
TDD_ROOT = f"{{{NAMESPACES['pxs']}}}TaxData"
_UBL_ROOTS = frozenset({f"{{{NAMESPACES['inv']}}}Invoice", f"{{{NAMESPACES['cn']}}}CreditNote"})


def warm_up() -> None:
    """Load the schemas and compile the stylesheets now (about 1 s), e.g. at worker start."""
    xsd.load_all()
    schematron.compile_all()


def validate(xml: bytes | str) -> ValidationResult:
    """Validate a UBL invoice / credit note or a TDD, whichever the root element says."""
    parsed = _parse(xml)
    if isinstance(parsed, ValidationIssue):
        return _result([parsed], layers=(Layer.XML,))
    if parsed.getroot().tag == TDD_ROOT:
        return _validate_tdd_tree(parsed)
    return _validate_ubl_tree(parsed)


def validate_ubl(xml: bytes | str) -> ValidationResult:
    """Validate a PINT AE billing / self-billing ``Invoice`` or ``CreditNote``."""
    parsed = _parse(xml)
    if isinstance(parsed, ValidationIssue):
        return _result([parsed], layers=(Layer.XML,))
    return _validate_ubl_tree(parsed)


def validate_tdd(xml: bytes | str) -> ValidationResult:
    """Validate a UAE Tax Data Document (``urn:peppol:schema:taxdata:1.0`` ``TaxData``)."""
    parsed = _parse(xml)
    if isinstance(parsed, ValidationIssue):
        return _result([parsed], layers=(Layer.XML,))
    return _validate_tdd_tree(parsed)


def _validate_ubl_tree(tree: etree._ElementTree) -> ValidationResult:
    root = tree.getroot()
    if root.tag not in _UBL_ROOTS:
        issue = _xml_issue(
            "xml-root",
            f"Expected a UBL 2.1 Invoice or CreditNote root element, found {_display(root.tag)}.",
        )
        return _result([issue], layers=(Layer.XML,), document_type=_display(root.tag))
    customization = _text(root.find("cbc:CustomizationID", NAMESPACES))
    rule_set = (
        RuleSet.SELF_BILLING
        if customization is not None and customization.startswith(SELF_BILLING_CUSTOMIZATION)
        else RuleSet.BILLING
    )
    issues: list[ValidationIssue] = xsd.validate_schema(tree)
    issues += _run_schematron(rule_set, root)
    issues += check_involinks_rules(root)
    return _result(
        issues,
        layers=(Layer.XML, Layer.XSD, Layer.PINT, Layer.AE, Layer.INVOLINKS),
        document_type=xsd.schema_for_root(root.tag),
        customization_id=customization,
        rule_set=rule_set.value,
    )


def _validate_tdd_tree(tree: etree._ElementTree) -> ValidationResult:
    root = tree.getroot()
    if root.tag != TDD_ROOT:
        issue = _xml_issue(
            "xml-root", f"Expected a Tax Data Document (pxs:TaxData), found {_display(root.tag)}."
        )
        return _result([issue], layers=(Layer.XML,), document_type=_display(root.tag))
    issues: list[ValidationIssue] = xsd.validate_schema(tree)
    issues += _run_schematron(RuleSet.TDD, root)
    return _result(
        issues,
        layers=(Layer.XML, Layer.XSD, Layer.AE),
        document_type="TaxData",
        customization_id=_text(root.find("cbc:CustomizationID", NAMESPACES)),
        rule_set=RuleSet.TDD.value,
    )


def _run_schematron(rule_set: RuleSet, root: etree._Element) -> list[ValidationIssue]:
    # Serialized from the parsed tree: whatever the input encoding, Saxon gets Unicode text.
    text = etree.tostring(root, encoding="unicode")
    issues: list[ValidationIssue] = []
    for layer, outcome in schematron.run_rule_set(rule_set, text):
        try:
            if isinstance(outcome, SchematronError):
                raise outcome
            issues += parse_svrl(outcome, layer)
        except (SchematronError, etree.XMLSyntaxError) as exc:
            issues.append(
                ValidationIssue(
                    layer=layer,
                    rule_id="schematron-error",
                    severity=Severity.FATAL,
                    message=f"The {layer.value} rules could not be run: {exc}",
                )
            )
    return issues


def _parse(xml: bytes | str) -> etree._ElementTree | ValidationIssue:
    if isinstance(xml, str):
        # A str is already decoded: ignore whatever encoding its declaration names.
        data = xml.encode("utf-8")
        encoding: str | None = "utf-8"
    else:
        data = xml
        encoding = None
    if not data.strip():
        return _xml_issue("xml-malformed", "The document is empty.")
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        return _xml_issue("xml-malformed", f"The document is not well-formed XML: {exc.msg}", line)
    except ValueError as exc:
        return _xml_issue("xml-malformed", f"The document cannot be read as XML: {exc}")
    if getattr(tree.docinfo, "doctype", ""):
        return _xml_issue("xml-doctype", "A DOCTYPE declaration is not allowed in the document.")
    return tree


def _xml_issue(rule_id: str, message: str, line: int | None = None) -> ValidationIssue:
    return ValidationIssue(
        layer=Layer.XML, rule_id=rule_id, severity=Severity.FATAL, message=message, line=line
    )


def _result(
    issues: list[ValidationIssue],
    *,
    layers: tuple[Layer, ...],
    document_type: str | None = None,
    customization_id: str | None = None,
    rule_set: str | None = None,
) -> ValidationResult:
    return ValidationResult(
        errors=tuple(issue for issue in issues if issue.blocking),
        warnings=tuple(issue for issue in issues if not issue.blocking),
        document_type=document_type,
        customization_id=customization_id,
        rule_set=rule_set,
        layers=layers,
    )


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return element_text(element).strip() or None


def _display(tag: str) -> str:
    qname = etree.QName(tag)
    return f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
