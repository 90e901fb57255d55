"""UAE Tax Data Document (the report to the FTA) for issued invoices and credit notes (pure)."""

from involinks.compliance.tdd.builder import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    SPIS_SCHEME,
    ReporterRole,
    TddContext,
    TddError,
    TddScope,
    TddTypeCode,
    build_tdd,
    build_tdd_tree,
)

__all__ = [
    "CUSTOMIZATION_ID",
    "PROFILE_ID",
    "SPIS_SCHEME",
    "ReporterRole",
    "TddContext",
    "TddError",
    "TddScope",
    "TddTypeCode",
    "build_tdd",
    "build_tdd_tree",
]
