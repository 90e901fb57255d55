"""Official PINT AE 1.0.4 material used as golden files (shared/reference/pint-ae).

Imported by the validation and the UBL builder tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE = Path(
    os.environ.get("INVOLINKS_PINT_AE_REFERENCE", REPO_ROOT.parent / "shared/reference/pint-ae")
)
EXAMPLES = REFERENCE / "examples"

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "pxs": "urn:peppol:schema:taxdata:1.0",
}


def example(relative: str) -> Path:
    path = EXAMPLES / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"official example {path} is missing (set INVOLINKS_PINT_AE_REFERENCE to the "
            "folder holding shared/reference/pint-ae)"
        )
    return path


def ubl_examples() -> list[Path]:
    """Every official billing and self-billing Invoice / CreditNote example."""
    found = sorted(EXAMPLES.glob("billing/*/*.xml")) + sorted(EXAMPLES.glob("selfbilling/*/*.xml"))
    if not found:
        raise FileNotFoundError(f"no official examples under {EXAMPLES}")
    return found


def tdd_examples() -> list[Path]:
    found = sorted(EXAMPLES.glob("tdd/*.xml"))
    if not found:
        raise FileNotFoundError(f"no official TDD examples under {EXAMPLES}")
    return found


def mutated(relative: str, change: Callable[[etree._ElementTree], None]) -> bytes:
    """Parse an official example, apply ``change`` to its tree, return the new bytes."""
    tree = etree.parse(str(example(relative)))
    change(tree)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
