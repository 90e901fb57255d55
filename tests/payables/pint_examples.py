"""Official PINT AE examples (shared/reference/pint-ae/examples), read as supplier documents."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from lxml import etree

REFERENCE = Path(
    os.environ.get(
        "INVOLINKS_PINT_AE_REFERENCE",
        Path(__file__).resolve().parents[2].parent / "shared/reference/pint-ae",
    )
)
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def example_bytes(relative: str) -> bytes:
    path = REFERENCE / "examples" / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"official example {path} is missing (set INVOLINKS_PINT_AE_REFERENCE)"
        )
    return path.read_bytes()


def mutated(relative: str, change: Callable[[etree._Element], None]) -> bytes:
    """The official example with `change` applied to its root element."""
    root = etree.fromstring(example_bytes(relative))
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def set_text(path: str, value: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = root.find(path, NS)
        assert element is not None, path
        element.text = value

    return change
