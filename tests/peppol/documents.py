"""UBL documents for the Peppol tests, taken from the official PINT AE 1.0.4 examples."""

from __future__ import annotations

import os
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

STANDARD_INVOICE = "billing/invoice/Standard tax invoice.xml"
STANDARD_CREDIT_NOTE = "billing/creditnote/Standard tax credit Note.xml"
# Read from the official example by hand: cbc:ID and the two cbc:EndpointID (scheme 0235).
STANDARD_NUMBER = "AE-01TEST"
SELLER = "0235:1987654321"
BUYER = "0235:1345678901"


def example_bytes(relative: str) -> bytes:
    path = EXAMPLES / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"official example {path} is missing (set INVOLINKS_PINT_AE_REFERENCE)"
        )
    return path.read_bytes()


def invoice(
    number: str = STANDARD_NUMBER,
    *,
    receiver_tin: str | None = None,
    sender_tin: str | None = None,
    relative: str = STANDARD_INVOICE,
) -> bytes:
    """The official example with another number and, optionally, other endpoint ids."""
    root = etree.fromstring(example_bytes(relative))
    id_node = root.find("cbc:ID", NS)
    assert id_node is not None
    id_node.text = number
    for party, tin in (
        ("AccountingSupplierParty", sender_tin),
        ("AccountingCustomerParty", receiver_tin),
    ):
        if tin is not None:
            endpoint = root.find(f"cac:{party}/cac:Party/cbc:EndpointID", NS)
            assert endpoint is not None
            endpoint.text = tin
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
