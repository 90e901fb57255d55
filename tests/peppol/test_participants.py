from __future__ import annotations

import pytest
from lxml import etree

from involinks.peppol.participants import (
    InvalidParticipantIdError,
    ParticipantId,
    parse_participant_id,
    participant_id_from_trn,
)
from involinks.peppol.ubl_routing import UblRoutingError, read_routing

from .documents import (
    BUYER,
    EXAMPLES,
    NS,
    SELLER,
    STANDARD_CREDIT_NOTE,
    STANDARD_NUMBER,
    example_bytes,
    invoice,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0235:1234567890", ParticipantId("0235", "1234567890")),
        (" iso6523-actorid-upis::0235:1234567890 ", ParticipantId("0235", "1234567890")),
        ("0088:AbC123", ParticipantId("0088", "abc123")),
        ("0235:112345678900003", ParticipantId("0235", "112345678900003")),
    ],
)
def test_parse_participant_id(text: str, expected: ParticipantId) -> None:
    assert parse_participant_id(text) == expected


@pytest.mark.parametrize(
    "text", ["", "0235", "235:1234567890", "0235-1234567890", "0235:", "0235:12345 67890", "ab:cd"]
)
def test_malformed_participant_ids_are_refused(text: str) -> None:
    with pytest.raises(InvalidParticipantIdError):
        parse_participant_id(text)


def test_tin_form_follows_ibr_135_ae() -> None:
    assert parse_participant_id("0235:1987654321").is_uae_tin
    assert not parse_participant_id("0235:9900000098").is_uae_tin  # predefined endpoint
    assert not parse_participant_id("0235:112345678900003").is_uae_tin
    assert not parse_participant_id("0088:1987654321").is_uae_tin


def test_participant_id_from_trn_takes_the_first_ten_digits() -> None:
    assert str(participant_id_from_trn("198765432102003")) == "0235:1987654321"
    with pytest.raises(InvalidParticipantIdError):
        participant_id_from_trn("19876543210200")  # 14 digits


def test_official_examples_derive_tin_endpoints_from_the_trn() -> None:
    """Where an official example gives a party a TIN endpoint and a VAT id, the endpoint is the
    first 10 digits of that TRN."""
    checked = 0
    for path in sorted(EXAMPLES.glob("billing/*/*.xml")):
        root = etree.parse(str(path)).getroot()
        for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
            endpoint = root.find(f"cac:{party}/cac:Party/cbc:EndpointID", NS)
            vat = root.find(f"cac:{party}/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", NS)
            if endpoint is None or vat is None or vat.text is None:
                continue
            pid = parse_participant_id(f"{endpoint.get('schemeID')}:{endpoint.text}")
            if pid.is_uae_tin and vat.text.startswith(pid.value):
                assert participant_id_from_trn(vat.text) == pid
                checked += 1
    assert checked >= 10


def test_read_routing_of_the_official_invoice() -> None:
    routing = read_routing(invoice())
    assert routing.document_type == "Invoice"
    assert routing.document_number == STANDARD_NUMBER
    assert str(routing.sender) == SELLER
    assert str(routing.receiver) == BUYER
    assert routing.customization_id == "urn:peppol:pint:billing-1@ae-1"


def test_read_routing_of_a_credit_note() -> None:
    routing = read_routing(example_bytes(STANDARD_CREDIT_NOTE))
    assert routing.document_type == "CreditNote"
    assert str(routing.receiver) == BUYER


@pytest.mark.parametrize(
    "xml",
    [
        b"not xml",
        b"<Invoice/>",  # no UBL namespace
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&e;</Invoice>',
    ],
)
def test_read_routing_refuses_non_ubl(xml: bytes) -> None:
    with pytest.raises(UblRoutingError):
        read_routing(xml)


def test_read_routing_needs_both_endpoints() -> None:
    root = etree.fromstring(invoice())
    endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint is not None
    endpoint.getparent().remove(endpoint)  # type: ignore[union-attr]
    with pytest.raises(UblRoutingError, match="AccountingCustomerParty"):
        read_routing(etree.tostring(root))
