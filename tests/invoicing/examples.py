"""The official PINT AE 1.0.4 examples (shared/reference/pint-ae) as golden files."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(
    os.environ.get("INVOLINKS_PINT_AE_REFERENCE", REPO_ROOT.parent / "shared/reference/pint-ae")
)
EXAMPLES = REFERENCE / "examples"

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def ubl_examples() -> list[Path]:
    """Every official billing and self-billing Invoice / CreditNote example."""
    found = sorted(EXAMPLES.glob("billing/*/*.xml")) + sorted(EXAMPLES.glob("selfbilling/*/*.xml"))
    if not found:
        raise FileNotFoundError(
            f"no official examples under {EXAMPLES} (set INVOLINKS_PINT_AE_REFERENCE to the "
            "folder holding shared/reference/pint-ae)"
        )
    return found


def example(relative: str) -> Path:
    path = EXAMPLES / relative
    if not path.is_file():
        raise FileNotFoundError(f"official example {path} is missing")
    return path


def example_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


def fils(value: Decimal) -> Decimal:
    """A stated amount to the fils (2 decimals, half-up: stated values are non-negative)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mutated(relative: str, change: Callable[[etree._Element], None]) -> bytes:
    """An official example with ``change`` applied to its root element, as bytes."""
    root = etree.parse(str(example(relative))).getroot()
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
