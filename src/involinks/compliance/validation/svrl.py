"""Read SVRL (Schematron Validation Report Language) output into validation issues."""

from __future__ import annotations

from lxml import etree

from involinks.compliance.validation.fields import field_for
from involinks.compliance.validation.paths import element_text, format_steps, parse_svrl_location
from involinks.compliance.validation.result import Layer, Severity, ValidationIssue

__all__ = ["SVRL_NS", "parse_svrl"]

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_FAILED = f"{{{SVRL_NS}}}failed-assert"
_REPORT = f"{{{SVRL_NS}}}successful-report"
_TEXT = f"{{{SVRL_NS}}}text"


def parse_svrl(svrl: str, layer: Layer) -> list[ValidationIssue]:
    """Every ``svrl:failed-assert`` and ``svrl:successful-report``, in document order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(svrl.encode("utf-8"), parser)
    issues: list[ValidationIssue] = []
    for element in root.iter(_FAILED, _REPORT):
        rule_id = element.get("id") or "unknown"
        steps = parse_svrl_location(element.get("location"))
        is_assert = element.tag == _FAILED
        flag = element.get("flag") or element.get("role")
        # An unflagged failed assert is an error; an unflagged report only informs.
        if flag:
            severity = Severity.from_flag(flag)
        else:
            severity = Severity.FATAL if is_assert else Severity.WARNING
        text_element = element.find(_TEXT)
        text = element_text(text_element) if text_element is not None else ""
        issues.append(
            ValidationIssue(
                layer=layer,
                rule_id=rule_id,
                severity=severity,
                message=" ".join(text.split()),
                location=format_steps(steps),
                field=field_for(rule_id, steps),
                test=element.get("test"),
                kind="assert" if is_assert else "report",
            )
        )
    return issues
