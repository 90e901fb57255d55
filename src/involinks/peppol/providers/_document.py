"""Pre-flight check shared by adapters: the UBL must say what the caller says it sends."""

from __future__ import annotations

from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id
from involinks.peppol.providers.errors import InvalidDocumentError
from involinks.peppol.ubl_routing import RoutingInfo, UblRoutingError, read_routing

__all__ = ["check_document"]


def check_document(
    provider: str, xml: bytes, invoice_number: str, sender_id: str, receiver_id: str
) -> RoutingInfo:
    """Routing of ``xml``; ``InvalidDocumentError`` when it is unreadable or disagrees with the
    invoice number or participant ids requested (a mismatch would deliver to the wrong party)."""
    try:
        routing = read_routing(xml)
        sender = parse_participant_id(sender_id)
        receiver = parse_participant_id(receiver_id)
    except (UblRoutingError, InvalidParticipantIdError) as exc:
        raise InvalidDocumentError(str(exc), provider=provider) from exc
    if routing.document_number != invoice_number:
        raise InvalidDocumentError(
            "invoice number differs from the document's cbc:ID", provider=provider
        )
    if routing.sender != sender:
        raise InvalidDocumentError(
            "sender id differs from the supplier EndpointID", provider=provider
        )
    if routing.receiver != receiver:
        raise InvalidDocumentError(
            "receiver id differs from the customer EndpointID", provider=provider
        )
    return routing
