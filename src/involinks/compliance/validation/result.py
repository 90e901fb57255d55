"""Result objects of the compliance validation: one issue per failed rule, grouped in a result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Layer", "Severity", "ValidationIssue", "ValidationResult"]


class Layer(StrEnum):
    """Which validation layer produced an issue, in the order the layers run."""

    XML = "xml"  # well-formedness and safety of the input (no DOCTYPE, parsable, known root)
    XSD = "xsd"  # OASIS UBL 2.1 (or Peppol TDD) XML Schema
    PINT = "pint"  # PINT-UBL-validation-preprocessed.xslt (shared PINT rules, AE code lists)
    AE = "ae"  # PINT-jurisdiction-aligned-rules.xslt (UAE rules) or the TDD rules
    INVOLINKS = "involinks"  # our own checks where the official 1.0.4 rules have gaps


class Severity(StrEnum):
    """Schematron ``flag`` values; ``fatal`` and ``error`` make a document invalid."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def blocks(self) -> bool:
        return self in (Severity.FATAL, Severity.ERROR)

    @classmethod
    def from_flag(cls, flag: str | None) -> Severity:
        """Map a Schematron ``flag``/``role`` to a severity; unknown or missing means fatal."""
        normalized = (flag or "").strip().lower()
        if normalized in ("warning", "warn"):
            return cls.WARNING
        if normalized in ("info", "information"):
            return cls.INFO
        if normalized == "error":
            return cls.ERROR
        return cls.FATAL


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One finding.

    ``location`` is an XPath with prefixes (``/Invoice/cac:InvoiceLine[2]/cbc:ID[1]``),
    ``field`` the invoice-form field it concerns (``"lines[1].vat_category"``, 0-based line index),
    or ``None`` when no form field fits. ``kind`` is ``"assert"`` (a failed assert / schema error)
    or ``"report"`` (a Schematron successful-report).
    """

    layer: Layer
    rule_id: str
    severity: Severity
    message: str
    location: str | None = None
    field: str | None = None
    test: str | None = None
    line: int | None = None
    kind: str = "assert"

    @property
    def blocking(self) -> bool:
        return self.severity.blocks

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer.value,
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "field": self.field,
            "test": self.test,
            "line": self.line,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """All issues of one validation run.

    ``errors`` block compliance (``valid`` is ``not errors``); ``warnings`` hold non-blocking
    asserts and every Schematron successful-report that is not flagged fatal/error.
    ``document_type`` is the root element name (``Invoice``, ``CreditNote``, ``TaxData``) or
    ``None`` when the input could not be parsed; ``rule_set`` says which official rules ran
    (``billing``, ``selfbilling``, ``tdd``) and ``layers`` which layers ran.
    """

    errors: tuple[ValidationIssue, ...] = ()
    warnings: tuple[ValidationIssue, ...] = ()
    document_type: str | None = None
    customization_id: str | None = None
    rule_set: str | None = None
    layers: tuple[Layer, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def rule_ids(self) -> frozenset[str]:
        """Rule ids of the blocking errors (handy for callers and tests)."""
        return frozenset(issue.rule_id for issue in self.errors)

    def errors_in(self, layer: Layer) -> tuple[ValidationIssue, ...]:
        return tuple(issue for issue in self.errors if issue.layer is layer)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "document_type": self.document_type,
            "customization_id": self.customization_id,
            "rule_set": self.rule_set,
            "layers": [layer.value for layer in self.layers],
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }
