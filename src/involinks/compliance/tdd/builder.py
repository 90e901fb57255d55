"""UAE Tax Data Document (TDD 1.0.4): the report of an issued invoice / credit note to the FTA.

Structure (``xsd/tdd/peppol-tdd-1.0.0.xsd``, namespace ``urn:peppol:schema:taxdata:1.0``), as in
the official ``examples/tdd/standard-invoice-tdd.xml``::

    pxs:TaxData
      cbc:CustomizationID  urn:peppol:taxdata:ae-1     (ibr-tdd-01)
      cbc:ProfileID        urn:peppol:taxreporting     (ibr-tdd-02; no cbc:ID: ibr-tdd-03)
      cbc:IssueDate / cbc:IssueTime                   date without zone, time WITH zone
                                                       (ibr-tdd-04 / -05); written in UTC, "Z"
      pxs:DocumentTypeCode  S submit, R resubmit, W withdraw, F failed  (TDD-dtc.gc, ibr-tdd-06)
      pxs:DocumentScope     D domestic, IP intl. Peppol, INP intl. non-Peppol (TDD-ds.gc, -07)
      pxs:ReporterRole      01 sender, 02 receiver     (TDD-rr.gc, ibr-tdd-08)
      pxs:ReportingParty    cbc:EndpointID @schemeID (4 digits; 0235 = UAE TIN)   (-11 .. -13)
      pxs:ReceivingParty    cbc:EndpointID @schemeID=0242 (SPIS of the FTA)       (-15 .. -17)
      pxs:ReportersRepresentative  cac:PartyIdentification/cbc:ID @schemeID=0242
                                   (the reporter's Peppol service provider)       (-19 .. -21)
      pxs:ReportedTransaction (exactly one: ibr-tdd-09)
        pxs:TransportHeaderID  the SBDH instance identifier of the transmission
        pxs:ReportedDocument   key data copied from the invoice (ibr-tdd-24 .. -38):
          CustomizationID, ProfileID, ID, UUID, IssueDate, IssueTime, pxs:DocumentTypeCode,
          DocumentCurrencyCode, TaxCurrencyCode, seller (exactly one PartyTaxScheme, -42),
          buyer (PartyIdentification / PartyTaxScheme only; may be left out for exports,
          ibr-tdd-33), one TaxTotal/TaxAmount per currency (-34 .. -36: IBT-110 and IBT-111),
          pxs:MonetaryTotal/TaxExclusiveAmount in document currency (-37, -38, -52 .. -54)
        pxs:SourceDocument/cec:ExtensionContent  the complete UBL Invoice / CreditNote (-57)

The reported issue time is the invoice's wall-clock time without its UTC offset, as the official
example writes it (invoice ``07:54:00+04:00`` -> ``07:54:00``); the offset stays visible in the
embedded source document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Final

from lxml import etree

from involinks.compliance.ubl import parse_document
from involinks.invoicing.document import Customization, Document, Identifier, Party

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

PXS: Final = "urn:peppol:schema:taxdata:1.0"
CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CEC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
_NSMAP: Final = {"pxs": PXS, "cbc": CBC, "cac": CAC, "cec": CEC}

CUSTOMIZATION_ID: Final = "urn:peppol:taxdata:ae-1"
PROFILE_ID: Final = "urn:peppol:taxreporting"
#: OpenPeppol Service Provider Identification Scheme (ICD 0242): receiver and representative.
SPIS_SCHEME: Final = "0242"


class TddError(ValueError):
    """The document or the context lacks something the TDD needs."""


class TddTypeCode(StrEnum):
    """``codelists/tdd/TDD-dtc.gc``."""

    SUBMIT = "S"
    RESUBMIT = "R"
    WITHDRAW = "W"
    FAILED = "F"


class TddScope(StrEnum):
    """``codelists/tdd/TDD-ds.gc``."""

    DOMESTIC = "D"
    INTERNATIONAL_PEPPOL = "IP"
    INTERNATIONAL_NON_PEPPOL = "INP"


class ReporterRole(StrEnum):
    """``codelists/tdd/TDD-rr.gc``."""

    SENDER = "01"
    RECEIVER = "02"


@dataclass(frozen=True, slots=True)
class TddContext:
    """What the TDD needs beyond the invoice: who reports, to whom, through whom, when.

    ``receiver_id`` is the FTA's SPIS identifier and ``representative_id`` the reporter's Peppol
    service provider's (both scheme 0242; deployment settings). ``reporting_endpoint`` defaults to
    the endpoint (IBT-034 / IBT-049) of the party in ``role``: for a sender, the seller of a
    billing document and the buyer of a self-billing one (who issues it).
    """

    issued_at: datetime
    receiver_id: str
    representative_id: str
    transport_header_id: str | None = None
    type_code: TddTypeCode = TddTypeCode.SUBMIT
    scope: TddScope = TddScope.DOMESTIC
    role: ReporterRole = ReporterRole.SENDER
    reporting_endpoint: Identifier | None = None


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _amount(parent: etree._Element, name: str, value: Decimal, currency: str) -> None:
    if not value.is_finite():
        raise TddError(f"{name} is not a finite number")
    _sub(parent, CBC, name, format(value, "f")).set("currencyID", currency)


def _wall_time(value: time) -> str:
    return value.replace(tzinfo=None).isoformat()


def _reporting_endpoint(document: Document, context: TddContext) -> Identifier:
    if context.reporting_endpoint is not None:
        return context.reporting_endpoint
    issuer_is_buyer = document.customization is Customization.SELF_BILLING
    reporter_is_issuer = context.role is ReporterRole.SENDER
    party = document.buyer if issuer_is_buyer == reporter_is_issuer else document.seller
    endpoint = party.endpoint
    if endpoint is None or not endpoint.scheme_id:
        raise TddError("the reporting party has no endpoint identifier with a scheme")
    return endpoint


def _party_tax_scheme(parent: etree._Element, company_id: str, scheme: str) -> None:
    tax_scheme = _sub(parent, CAC, "PartyTaxScheme")
    _sub(tax_scheme, CBC, "CompanyID", company_id)
    _sub(_sub(tax_scheme, CAC, "TaxScheme"), CBC, "ID", scheme)


def _seller(reported: etree._Element, seller: Party) -> None:
    # Exactly one PartyTaxScheme (ibr-tdd-42): the TRN, else the TIN (IBT-031 / IBT-032).
    if seller.trn is not None:
        company_id, scheme = seller.trn, "VAT"
    elif seller.tin is not None:
        company_id, scheme = seller.tin, "TIN"
    else:
        raise TddError("the seller has neither a TRN nor a TIN")
    party = _sub(_sub(reported, CAC, "AccountingSupplierParty"), CAC, "Party")
    _party_tax_scheme(party, company_id, scheme)


def _buyer(reported: etree._Element, document: Document) -> None:
    buyer = document.buyer
    exports = document.transaction_type is not None and document.transaction_type.exports
    tax_schemes = [ts for ts in buyer.tax_schemes if ts.tax_scheme_id in {"VAT", "TIN"}][:1]
    if exports and not tax_schemes and not buyer.identifications:
        return  # ibr-tdd-33: an export may leave the (foreign) buyer out
    party = _sub(_sub(reported, CAC, "AccountingCustomerParty"), CAC, "Party")
    for identification in buyer.identifications:  # IBT-046, as in the invoice
        element = _sub(_sub(party, CAC, "PartyIdentification"), CBC, "ID", identification.value)
        if identification.scheme_id:
            element.set("schemeID", identification.scheme_id)
    for tax_scheme in tax_schemes:
        _party_tax_scheme(party, tax_scheme.company_id, tax_scheme.tax_scheme_id)


def _reported_document(transaction: etree._Element, document: Document) -> None:
    if not document.uuid:
        raise TddError("the document has no UUID (BTAE-07), which the TDD requires (ibr-tdd-27)")
    reported = _sub(transaction, PXS, "ReportedDocument")
    _sub(reported, CBC, "CustomizationID", document.customization.value)
    _sub(reported, CBC, "ProfileID", document.profile_id)
    _sub(reported, CBC, "ID", document.id)
    _sub(reported, CBC, "UUID", document.uuid)
    _sub(reported, CBC, "IssueDate", document.issue_date.isoformat())
    if document.issue_time is not None:
        _sub(reported, CBC, "IssueTime", _wall_time(document.issue_time))
    _sub(reported, PXS, "DocumentTypeCode", document.type_code)
    currency = document.currency_code
    tax_currency = document.tax_currency_code
    if tax_currency == currency:
        tax_currency = None  # ibr-tdd-31: only a different accounting currency is reported
    _sub(reported, CBC, "DocumentCurrencyCode", currency)
    if tax_currency is not None:
        _sub(reported, CBC, "TaxCurrencyCode", tax_currency)
    _seller(reported, document.seller)
    _buyer(reported, document)
    _amount(_sub(reported, CAC, "TaxTotal"), "TaxAmount", document.tax_total.tax_amount, currency)
    if tax_currency is not None:
        if document.tax_currency_tax_amount is None:
            raise TddError("the VAT total in the tax currency (IBT-111) is missing")
        _amount(
            _sub(reported, CAC, "TaxTotal"),
            "TaxAmount",
            document.tax_currency_tax_amount,
            tax_currency,
        )
    monetary = _sub(reported, PXS, "MonetaryTotal")
    _amount(monetary, "TaxExclusiveAmount", document.totals.tax_exclusive_amount, currency)


def _source_root(ubl_xml: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(ubl_xml, parser)


def build_tdd_tree(ubl_xml: bytes, context: TddContext) -> etree._Element:
    """The TDD for an issued UBL invoice / credit note (as issued: the exact bytes sent)."""
    if context.issued_at.tzinfo is None:
        raise TddError("issued_at must be timezone-aware")
    if not context.receiver_id.strip() or not context.representative_id.strip():
        raise TddError("receiver_id and representative_id (SPIS identifiers) are required")
    document = parse_document(ubl_xml)  # refuses DOCTYPEs and oversized input
    endpoint = _reporting_endpoint(document, context)
    issued = context.issued_at.astimezone(UTC).replace(microsecond=0)

    root = etree.Element(f"{{{PXS}}}TaxData", nsmap=_NSMAP)
    _sub(root, CBC, "CustomizationID", CUSTOMIZATION_ID)
    _sub(root, CBC, "ProfileID", PROFILE_ID)
    _sub(root, CBC, "IssueDate", issued.date().isoformat())
    _sub(root, CBC, "IssueTime", issued.time().isoformat() + "Z")
    _sub(root, PXS, "DocumentTypeCode", context.type_code.value)
    _sub(root, PXS, "DocumentScope", context.scope.value)
    _sub(root, PXS, "ReporterRole", context.role.value)

    reporting = _sub(_sub(root, PXS, "ReportingParty"), CBC, "EndpointID", endpoint.value)
    if endpoint.scheme_id:
        reporting.set("schemeID", endpoint.scheme_id)
    receiving = _sub(_sub(root, PXS, "ReceivingParty"), CBC, "EndpointID", context.receiver_id)
    receiving.set("schemeID", SPIS_SCHEME)
    representative = _sub(root, PXS, "ReportersRepresentative")
    _sub(
        _sub(representative, CAC, "PartyIdentification"), CBC, "ID", context.representative_id
    ).set("schemeID", SPIS_SCHEME)

    transaction = _sub(root, PXS, "ReportedTransaction")
    if context.transport_header_id:
        _sub(transaction, PXS, "TransportHeaderID", context.transport_header_id)
    _reported_document(transaction, document)
    content = _sub(_sub(transaction, PXS, "SourceDocument"), CEC, "ExtensionContent")
    content.append(_source_root(ubl_xml))
    return root


def build_tdd(ubl_xml: bytes, context: TddContext, *, pretty_print: bool = True) -> bytes:
    """The TDD as UTF-8 XML bytes with a declaration; check it with ``validate_tdd``."""
    root = build_tdd_tree(ubl_xml, context)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty_print)
