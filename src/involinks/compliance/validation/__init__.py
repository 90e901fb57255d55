"""PINT AE compliance validation: UBL 2.1 XSD, the official PINT AE Schematron, our gap checks.

Pure code (no database, no web framework). Entry points::

    from involinks.compliance.validation import validate_ubl
    result = validate_ubl(xml_bytes)
    if not result.valid:
        for issue in result.errors:
            issue.layer, issue.rule_id, issue.message, issue.location, issue.field
"""

from involinks.compliance.validation.engine import validate, validate_tdd, validate_ubl, warm_up
from involinks.compliance.validation.result import (
    Layer,
    Severity,
    ValidationIssue,
    ValidationResult,
)
from involinks.compliance.validation.rules import EMIRATE_CODES, EMIRATE_RULE_ID

__all__ = [
    "EMIRATE_CODES",
    "EMIRATE_RULE_ID",
    "Layer",
    "Severity",
    "ValidationIssue",
    "ValidationResult",
    "validate",
    "validate_tdd",
    "validate_ubl",
    "warm_up",
]
