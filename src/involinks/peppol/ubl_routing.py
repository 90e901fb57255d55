"""Routing facts read from a UBL 2.1 Invoice / CreditNote: who sends it to whom, and its number.

Peppol routes on the endpoint ids (``cac:AccountingSupplierParty/cac:Party/cbc:EndpointID`` and
the customer's, PINT ``IBT-034`` / ``IBT-049``, both mandatory), so an adapter checks them against
the ids it was asked to use before anything leaves the platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from involinks.peppol.participants import (
    InvalidParticipantIdError,
    ParticipantId,
    parse_participant_id,
)

__all__ = ["APPLICATION_RESPONSE", "RoutingInfo", "UblRoutingError", "read_routing"]

_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_ROOTS = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
    # Peppol BIS Invoice Response 3: the buyer's answer (accepted, rejected, paid, ...).
    "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2": "ApplicationResponse",
}
APPLICATION_RESPONSE = "ApplicationResponse"
# Where each document type names its two parties (an Invoice Response has no cac:Party level).
_PARTIES = {
    "Invoice": ("cac:AccountingSupplierParty/cac:Party", "cac:AccountingCustomerParty/cac:Party"),
    "CreditNote": (
        "cac:AccountingSupplierParty/cac:Party",
        "cac:AccountingCustomerParty/cac:Party",
    ),
    APPLICATION_RESPONSE: ("cac:SenderParty", "cac:ReceiverParty"),
}
_NS = {"cbc": _CBC, "cac": _CAC}


class UblRoutingError(ValueError):
    """The document cannot be routed: not a UBL Invoice, CreditNote or ApplicationResponse, or an
    endpoint id is missing."""


@dataclass(frozen=True, slots=True)
class RoutingInfo:
    document_type: str  # "Invoice", "CreditNote" or "ApplicationResponse"
    document_number: str  # cbc:ID (IBT-001)
    customization_id: str | None
    profile_id: str | None
    sender: ParticipantId
    receiver: ParticipantId
    sender_name: str | None
    receiver_name: str | None


def _parser() -> etree.XMLParser:
    # No DTDs, no entity expansion, no network: the bytes come from users and other companies.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path, _NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _endpoint(root: etree._Element, base: str) -> ParticipantId:
    party = base.split("/")[0].removeprefix("cac:")
    node = root.find(f"{base}/cbc:EndpointID", _NS)
    if node is None or not (node.text or "").strip():
        raise UblRoutingError(f"{party} has no cbc:EndpointID")
    scheme = node.get("schemeID", "").strip()
    try:
        return parse_participant_id(f"{scheme}:{(node.text or '').strip()}")
    except InvalidParticipantIdError as exc:
        raise UblRoutingError(f"{party} endpoint: {exc}") from exc


def _party_name(root: etree._Element, base: str) -> str | None:
    return _text(root, f"{base}/cac:PartyName/cbc:Name") or _text(
        root, f"{base}/cac:PartyLegalEntity/cbc:RegistrationName"
    )


def read_routing(xml: bytes) -> RoutingInfo:
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise UblRoutingError(f"not well-formed XML: {exc}") from exc
    qname = etree.QName(root)
    document_type = _ROOTS.get(qname.namespace or "")
    if document_type is None or qname.localname != document_type:
        raise UblRoutingError(
            "root element is not a UBL 2.1 Invoice, CreditNote or ApplicationResponse"
        )
    sender, receiver = _PARTIES[document_type]
    number = _text(root, "cbc:ID")
    if number is None:
        raise UblRoutingError("document has no cbc:ID")
    return RoutingInfo(
        document_type=document_type,
        document_number=number,
        customization_id=_text(root, "cbc:CustomizationID"),
        profile_id=_text(root, "cbc:ProfileID"),
        sender=_endpoint(root, sender),
        receiver=_endpoint(root, receiver),
        sender_name=_party_name(root, sender),
        receiver_name=_party_name(root, receiver),
    )
