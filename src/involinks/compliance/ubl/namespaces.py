"""UBL 2.1 namespace URIs and helpers for Clark-notation tag names (``{uri}local``)."""

from __future__ import annotations

from typing import Final

__all__ = [
    "CAC",
    "CBC",
    "CREDIT_NOTE",
    "EXT",
    "INVOICE",
    "NSMAP",
    "cac",
    "cbc",
]

INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"

#: Prefixes for XPath and for serialising (the root namespace is added per document kind).
NSMAP: Final[dict[str, str]] = {"cac": CAC, "cbc": CBC}


def cac(local_name: str) -> str:
    """Clark name of a ``cac:`` element, e.g. ``cac("Party")``."""
    return f"{{{CAC}}}{local_name}"


def cbc(local_name: str) -> str:
    """Clark name of a ``cbc:`` element, e.g. ``cbc("ID")``."""
    return f"{{{CBC}}}{local_name}"
