"""Peppol BIS Invoice Response 3 (UBL 2.1 ApplicationResponse): build the buyer's answer to an
invoice, and read one received.

Status codes (UNCL4343 subset, ``cbc:ResponseCode``) used here: AP accepted, RE rejected (the
data must change: the supplier credits and reissues), PD paid. A rejection carries a reason code
(OPStatusReason, default OTH) and a text. Received documents are parsed with the same safe parser
as invoices (no DTD, no entities, no network; size is limited by the caller); a document that declares a
DTD is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from lxml import etree

from involinks.peppol.participants import ParticipantId
from involinks.peppol.ubl_routing import APPLICATION_RESPONSE, UblRoutingError, read_routing

__all__ = [
    "CUSTOMIZATION_ID",
    "PROFILE_ID",
    "InvoiceResponseError",
    "ParsedResponse",
    "ResponseCode",
    "build_response",
    "parse_response",
]

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3"
_NS_ROOT = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_NS = {"cbc": _CBC, "cac": _CAC}


class ResponseCode(StrEnum):
    ACCEPTED = "AP"
    REJECTED = "RE"
    PAID = "PD"
    # Received but not acted on: acknowledged, in process, under query, conditionally accepted.
    ACKNOWLEDGED = "AB"
    IN_PROCESS = "IP"
    UNDER_QUERY = "UQ"
    CONDITIONALLY_ACCEPTED = "CA"


class InvoiceResponseError(ValueError):
    """Not a usable Invoice Response (what is wrong is in the message)."""


@dataclass(frozen=True, slots=True)
class ParsedResponse:
    response_id: str
    issue_date: date | None
    code: ResponseCode
    reason: str | None
    reason_code: str | None
    invoice_number: str  # cac:DocumentReference/cbc:ID
    document_type_code: str | None
    sender: ParticipantId
    receiver: ParticipantId


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        node.text = text
    return node


def _party(root: etree._Element, tag: str, participant: ParticipantId, name: str | None) -> None:
    party = _sub(root, _CAC, tag)
    endpoint = _sub(party, _CBC, "EndpointID", participant.value)
    endpoint.set("schemeID", participant.scheme)
    if name:
        entity = _sub(party, _CAC, "PartyLegalEntity")
        _sub(entity, _CBC, "RegistrationName", name)


def build_response(
    *,
    response_id: str,
    issue_date: date,
    code: ResponseCode,
    invoice_number: str,
    document_type_code: str | None,
    sender: ParticipantId,
    sender_name: str | None,
    receiver: ParticipantId,
    receiver_name: str | None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> bytes:
    """The ApplicationResponse answering ``invoice_number`` (sender: the buyer)."""
    if code is ResponseCode.REJECTED and not reason:
        raise InvoiceResponseError("a rejection needs a reason")
    namespaces: Any = {None: _NS_ROOT, **_NS}  # None: the default namespace (lxml's spelling)
    root = etree.Element(f"{{{_NS_ROOT}}}ApplicationResponse", nsmap=namespaces)
    _sub(root, _CBC, "CustomizationID", CUSTOMIZATION_ID)
    _sub(root, _CBC, "ProfileID", PROFILE_ID)
    _sub(root, _CBC, "ID", response_id)
    _sub(root, _CBC, "IssueDate", issue_date.isoformat())
    _party(root, "SenderParty", sender, sender_name)
    _party(root, "ReceiverParty", receiver, receiver_name)
    document = _sub(root, _CAC, "DocumentResponse")
    response = _sub(document, _CAC, "Response")
    _sub(response, _CBC, "ResponseCode", code.value).set("listID", "UNCL4343OpSubset")
    if reason or reason_code or code is ResponseCode.REJECTED:
        status = _sub(response, _CAC, "Status")
        if reason_code or code is ResponseCode.REJECTED:
            _sub(status, _CBC, "StatusReasonCode", reason_code or "OTH").set(
                "listID", "OPStatusReason"
            )
        if reason:
            _sub(status, _CBC, "StatusReason", reason)
    reference = _sub(document, _CAC, "DocumentReference")
    _sub(reference, _CBC, "ID", invoice_number)
    if document_type_code:
        _sub(reference, _CBC, "DocumentTypeCode", document_type_code).set("listID", "UNCL1001")
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return xml


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path, _NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def parse_response(xml: bytes) -> ParsedResponse:
    """Read an Invoice Response; ``InvoiceResponseError`` when it is not one we can use."""
    try:
        routing = read_routing(xml)  # safe parse, root and both endpoints
    except UblRoutingError as exc:
        raise InvoiceResponseError(str(exc)) from exc
    if routing.document_type != APPLICATION_RESPONSE:
        raise InvoiceResponseError("not an ApplicationResponse")
    root = etree.fromstring(
        xml,
        etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False),
    )
    # A business document has no use for a DTD; one is refused rather than half-read (its
    # entities are never expanded, but their text would silently be missing).
    if root.getroottree().docinfo.internalDTD is not None:
        raise InvoiceResponseError("a document type declaration (DTD) is not allowed")
    raw_code = _text(root, "cac:DocumentResponse/cac:Response/cbc:ResponseCode")
    try:
        code = ResponseCode(raw_code or "")
    except ValueError as exc:
        raise InvoiceResponseError(f"unknown response code {raw_code!r}") from exc
    number = _text(root, "cac:DocumentResponse/cac:DocumentReference/cbc:ID")
    if number is None:
        raise InvoiceResponseError("no cac:DocumentReference/cbc:ID (the invoice answered)")
    issued = _text(root, "cbc:IssueDate")
    try:
        issue_date = date.fromisoformat(issued) if issued else None
    except ValueError as exc:
        raise InvoiceResponseError(f"cbc:IssueDate {issued!r} is not a date") from exc
    status = "cac:DocumentResponse/cac:Response/cac:Status"
    reason = _text(root, f"{status}/cbc:StatusReason")
    reason_code = _text(root, f"{status}/cbc:StatusReasonCode")
    if code is ResponseCode.REJECTED and not (reason or reason_code):
        raise InvoiceResponseError("a rejection carries no reason")
    return ParsedResponse(
        response_id=routing.document_number,
        issue_date=issue_date,
        code=code,
        reason=reason[:2000] if reason else None,
        reason_code=reason_code[:16] if reason_code else None,
        invoice_number=number,
        document_type_code=_text(
            root, "cac:DocumentResponse/cac:DocumentReference/cbc:DocumentTypeCode"
        ),
        sender=routing.sender,
        receiver=routing.receiver,
    )
