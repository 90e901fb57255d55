"""Read a UBL 2.1 ``Invoice`` / ``CreditNote`` (PINT AE) into the business-document model.

Used for our own documents and for supplier invoices uploaded in accounts payable, so the input is
untrusted:

* the XML parser never touches the network, never loads a DTD, never expands entities and keeps
  libxml2's size limits (``huge_tree`` off); any ``<!DOCTYPE>`` is refused outright (UBL has no
  DTD, so one is either a mistake or an XXE / entity-expansion attempt);
* every problem (not XML, wrong root, missing mandatory element, a number or date that does not
  parse) raises :class:`ParseError` naming the element path and the business term, never a bare
  lxml or ``decimal`` exception.

The parser checks structure only: business rules (codes, arithmetic, conditional presence) are the
job of the Schematron validation and of :mod:`involinks.invoicing.totals`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import TypeVar

from lxml import etree

from involinks.compliance.ubl.namespaces import CAC, CBC, CREDIT_NOTE, INVOICE
from involinks.invoicing.document import (
    AdditionalDocumentReference,
    Address,
    AllowanceCharge,
    BillingReference,
    CardAccount,
    CommodityClassification,
    Contact,
    ContractReference,
    Customization,
    Delivery,
    DiscrepancyResponse,
    Document,
    DocumentKind,
    DocumentLine,
    FinancialAccount,
    Identifier,
    InvoicePeriod,
    Item,
    ItemProperty,
    LegalRegistration,
    MonetaryTotals,
    OrderReference,
    Party,
    PartyTaxScheme,
    PaymentMeans,
    Price,
    TaxCategory,
    TaxExchangeRate,
    TaxSubtotal,
    TaxTotal,
    TransactionType,
)

__all__ = ["DEFAULT_MAX_BYTES", "ParseError", "parse_document"]

#: Upper bound on the input size; embedded attachments make real invoices a few MB at most.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_PREFIXES = {CAC: "cac", CBC: "cbc", INVOICE: "", CREDIT_NOTE: ""}
_DECIMAL_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_T = TypeVar("_T")


class ParseError(ValueError):
    """The input is not a readable UBL 2.1 Invoice / CreditNote.

    ``path`` is the element path (``cac:LegalMonetaryTotal/cbc:PayableAmount``) when known and
    ``line`` the source line number.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = ""
        if path:
            where = f" at {path}"
        if line:
            where += f" (line {line})"
        super().__init__(f"{message}{where}")


def _label(tag: str) -> str:
    qname = etree.QName(tag)
    prefix = _PREFIXES.get(qname.namespace or "")
    if prefix is None:
        return f"{{{qname.namespace}}}{qname.localname}"
    return f"{prefix}:{qname.localname}" if prefix is not None else qname.localname


def _path_of(element: etree._Element) -> str:
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        same = [sibling for sibling in parent if sibling.tag == node.tag]
        label = _label(str(node.tag))
        if len(same) > 1:
            label += f"[{same.index(node) + 1}]"
        parts.append(label)
        node = parent
    return "/".join(reversed(parts))


class _Node:
    """An element plus helpers that turn missing or malformed content into ``ParseError``."""

    __slots__ = ("el",)

    def __init__(self, element: etree._Element) -> None:
        self.el = element

    # navigation -----------------------------------------------------------------------------
    def child(self, *names: str) -> _Node | None:
        element: etree._Element | None = self.el
        for name in names:
            assert element is not None
            element = element.find(name)
            if element is None:
                return None
        assert element is not None
        return _Node(element)

    def children(self, *names: str) -> list[_Node]:
        *head, last = names
        parent = self.child(*head) if head is not None else self
        if parent is None:
            return []
        return [_Node(element) for element in parent.el.findall(last)]

    def req_child(self, *names: str, term: str) -> _Node:
        node = self.child(*names)
        if node is None:
            raise self._missing(names, term)
        return node

    # values ----------------------------------------------------------------------------------
    @property
    def value(self) -> str:
        return (self.el.text or "").strip()

    def attr(self, name: str) -> str | None:
        value = self.el.get(name)
        return value.strip() if value is not None else None

    def text(self, *names: str) -> str | None:
        node = self.child(*names)
        if node is None:
            return None
        return node.value

    def req_text(self, *names: str, term: str) -> str:
        node = self.req_child(*names, term=term)
        if not node.value:
            raise node.error(f"empty {_label(str(node.el.tag))} ({term})")
        return node.value

    def decimal(self, *names: str) -> Decimal | None:
        node = self.child(*names)
        return None if node is None else node.as_decimal()

    def req_decimal(self, *names: str, term: str) -> Decimal:
        return self.req_child(*names, term=term).as_decimal()

    def opt_date(self, *names: str) -> date | None:
        node = self.child(*names)
        return None if node is None else node.as_date()

    def as_decimal(self) -> Decimal:
        if not _DECIMAL_RE.match(self.value):
            raise self.error(f"{self.value!r} is not a decimal number")
        return Decimal(self.value)

    def as_date(self) -> date:
        if not _DATE_RE.match(self.value):
            raise self.error(f"{self.value!r} is not a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(self.value)
        except ValueError:
            raise self.error(f"{self.value!r} is not a valid date") from None

    def as_time(self) -> time:
        try:
            return time.fromisoformat(self.value)
        except ValueError:
            raise self.error(f"{self.value!r} is not a time (hh:mm:ss)") from None

    def as_bool(self) -> bool:
        if self.value in ("true", "1"):
            return True
        if self.value in ("false", "0"):
            return False
        raise self.error(f"{self.value!r} is not true/false")

    def identifier(self) -> Identifier:
        if not self.value:
            raise self.error(f"empty {_label(str(self.el.tag))}")
        return Identifier(self.value, self.attr("schemeID"))

    # errors ----------------------------------------------------------------------------------
    def error(self, message: str) -> ParseError:
        path = _path_of(self.el) or _label(str(self.el.tag))
        line = self.el.sourceline
        return ParseError(message, path=path, line=line if isinstance(line, int) else None)

    def _missing(self, names: tuple[str, ...], term: str) -> ParseError:
        wanted = "/".join(_label(name) for name in names)
        return self.error(f"missing {wanted} ({term})")


def _opt(node: _Node | None, read: Callable[[_Node], _T]) -> _T | None:
    return None if node is None else read(node)


def _cac(name: str) -> str:
    return f"{{{CAC}}}{name}"


def _cbc(name: str) -> str:
    return f"{{{CBC}}}{name}"


# --- XML loading -----------------------------------------------------------------------------


def _load(data: bytes, max_bytes: int) -> etree._Element:
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_document expects the raw XML bytes")
    if not data.strip():
        raise ParseError("empty document")
    if len(data) > max_bytes:
        raise ParseError(f"document is {len(data)} bytes, more than the {max_bytes} allowed")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise ParseError(f"not well-formed XML: {exc.msg}", line=line) from None
    if root is None:
        raise ParseError("no root element")
    docinfo = root.getroottree().docinfo
    # lxml-stubs lacks DocInfo.doctype; internalDTD alone misses an external-only DOCTYPE.
    doctype: str = getattr(docinfo, "doctype", "")
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ParseError("a DOCTYPE declaration is not allowed in a UBL document")
    return root


# --- parts -----------------------------------------------------------------------------------


def _address(node: _Node) -> Address:
    return Address(
        street_name=node.text(_cbc("StreetName")),
        additional_street_name=node.text(_cbc("AdditionalStreetName")),
        city_name=node.text(_cbc("CityName")),
        postal_zone=node.text(_cbc("PostalZone")),
        country_subentity=node.text(_cbc("CountrySubentity")),
        address_lines=tuple(
            line.value for line in node.children(_cac("AddressLine"), _cbc("Line"))
        ),
        country_code=node.text(_cac("Country"), _cbc("IdentificationCode")),
    )


def _contact(node: _Node) -> Contact:
    return Contact(
        name=node.text(_cbc("Name")),
        telephone=node.text(_cbc("Telephone")),
        email=node.text(_cbc("ElectronicMail")),
    )


def _party_tax_scheme(node: _Node) -> PartyTaxScheme:
    return PartyTaxScheme(
        company_id=node.req_text(_cbc("CompanyID"), term="IBT-031 / IBT-048 / IBT-063"),
        tax_scheme_id=node.text(_cac("TaxScheme"), _cbc("ID")) or "VAT",
    )


def _legal_registration(node: _Node) -> LegalRegistration:
    if not node.value:
        raise node.error("empty cbc:CompanyID (IBT-030 / IBT-047 / IBT-061)")
    return LegalRegistration(
        value=node.value,
        scheme_agency_id=node.attr("schemeAgencyID"),
        scheme_agency_name=node.attr("schemeAgencyName"),
    )


def _party(node: _Node) -> Party:
    legal = node.child(_cac("PartyLegalEntity"))
    return Party(
        endpoint=_opt(node.child(_cbc("EndpointID")), _Node.identifier),
        identifications=tuple(
            n.identifier() for n in node.children(_cac("PartyIdentification"), _cbc("ID"))
        ),
        name=node.text(_cac("PartyName"), _cbc("Name")),
        postal_address=_opt(node.child(_cac("PostalAddress")), _address),
        tax_schemes=tuple(_party_tax_scheme(n) for n in node.children(_cac("PartyTaxScheme"))),
        registration_name=legal.text(_cbc("RegistrationName")) if legal is not None else None,
        legal_registration=(
            _opt(legal.child(_cbc("CompanyID")), _legal_registration) if legal is not None else None
        ),
        legal_form=legal.text(_cbc("CompanyLegalForm")) if legal is not None else None,
        contact=_opt(node.child(_cac("Contact")), _contact),
    )


def _period(node: _Node) -> InvoicePeriod:
    return InvoicePeriod(
        start_date=node.opt_date(_cbc("StartDate")),
        end_date=node.opt_date(_cbc("EndDate")),
        description_code=node.text(_cbc("DescriptionCode")),
    )


def _discrepancy(node: _Node) -> DiscrepancyResponse:
    return DiscrepancyResponse(
        response_code=node.text(_cbc("ResponseCode")),
        description=node.text(_cbc("Description")),
    )


def _tax_category(node: _Node) -> TaxCategory:
    return TaxCategory(
        code=node.req_text(_cbc("ID"), term="VAT category code IBT-095/102/118/151"),
        percent=node.decimal(_cbc("Percent")),
        exemption_reason_code=node.text(_cbc("TaxExemptionReasonCode")),
        exemption_reason=node.text(_cbc("TaxExemptionReason")),
        per_unit_amount=node.decimal(_cbc("PerUnitAmount")),
        tax_scheme_id=node.text(_cac("TaxScheme"), _cbc("ID")) or "VAT",
    )


def _allowance_charge(node: _Node) -> AllowanceCharge:
    return AllowanceCharge(
        charge_indicator=node.req_child(_cbc("ChargeIndicator"), term="charge indicator").as_bool(),
        amount=node.req_decimal(_cbc("Amount"), term="IBT-092 / IBT-099 / IBT-136 / IBT-141"),
        base_amount=node.decimal(_cbc("BaseAmount")),
        multiplier_factor=node.decimal(_cbc("MultiplierFactorNumeric")),
        reason_code=node.text(_cbc("AllowanceChargeReasonCode")),
        reason=node.text(_cbc("AllowanceChargeReason")),
        tax_category=_opt(node.child(_cac("TaxCategory")), _tax_category),
    )


def _additional_reference(node: _Node) -> AdditionalDocumentReference:
    embedded = node.child(_cac("Attachment"), _cbc("EmbeddedDocumentBinaryObject"))
    return AdditionalDocumentReference(
        id=node.req_text(_cbc("ID"), term="IBT-122"),
        document_type_code=node.text(_cbc("DocumentTypeCode")),
        description=node.text(_cbc("DocumentDescription")),
        uri=node.text(_cac("Attachment"), _cac("ExternalReference"), _cbc("URI")),
        embedded_content=embedded.value if embedded is not None else None,
        mime_code=embedded.attr("mimeCode") if embedded is not None else None,
        filename=embedded.attr("filename") if embedded is not None else None,
    )


def _delivery(node: _Node) -> Delivery:
    return Delivery(
        actual_delivery_date=node.opt_date(_cbc("ActualDeliveryDate")),
        location_id=_opt(node.child(_cac("DeliveryLocation"), _cbc("ID")), _Node.identifier),
        address=_opt(node.child(_cac("DeliveryLocation"), _cac("Address")), _address),
        party_name=node.text(_cac("DeliveryParty"), _cac("PartyName"), _cbc("Name")),
        delivery_terms_id=_opt(node.child(_cac("DeliveryTerms"), _cbc("ID")), _Node.identifier),
    )


def _card(node: _Node) -> CardAccount:
    return CardAccount(
        primary_account_number_id=node.req_text(_cbc("PrimaryAccountNumberID"), term="IBT-087"),
        network_id=node.req_text(_cbc("NetworkID"), term="card network"),
        holder_name=node.text(_cbc("HolderName")),
    )


def _financial_account(node: _Node) -> FinancialAccount:
    account = node.req_child(_cbc("ID"), term="IBT-084")
    return FinancialAccount(
        id=account.identifier().value,
        scheme_id=account.attr("schemeID"),
        name=node.text(_cbc("Name")),
        branch_id=node.text(_cac("FinancialInstitutionBranch"), _cbc("ID")),
    )


def _payment_means(node: _Node) -> PaymentMeans:
    code = node.req_child(_cbc("PaymentMeansCode"), term="IBT-081")
    return PaymentMeans(
        code=node.req_text(_cbc("PaymentMeansCode"), term="IBT-081"),
        code_name=code.attr("name"),
        payment_id=node.text(_cbc("PaymentID")),
        card_account=_opt(node.child(_cac("CardAccount")), _card),
        payee_financial_account=_opt(node.child(_cac("PayeeFinancialAccount")), _financial_account),
        mandate_id=node.text(_cac("PaymentMandate"), _cbc("ID")),
    )


def _classification(node: _Node) -> CommodityClassification:
    code = node.child(_cbc("ItemClassificationCode"))
    return CommodityClassification(
        item_classification_code=code.value if code is not None else None,
        list_id=code.attr("listID") if code is not None else None,
        list_version_id=code.attr("listVersionID") if code is not None else None,
        commodity_code=node.text(_cbc("CommodityCode")),
        nature_code=node.text(_cbc("NatureCode")),
    )


def _property(node: _Node) -> ItemProperty:
    return ItemProperty(
        name=node.req_text(_cbc("Name"), term="IBT-160"),
        value=node.req_text(_cbc("Value"), term="IBT-161"),
    )


def _item(node: _Node) -> Item:
    return Item(
        name=node.req_text(_cbc("Name"), term="item name IBT-153"),
        classified_tax_category=_tax_category(
            node.req_child(_cac("ClassifiedTaxCategory"), term="line VAT information IBG-30")
        ),
        description=node.text(_cbc("Description")),
        buyers_item_id=node.text(_cac("BuyersItemIdentification"), _cbc("ID")),
        sellers_item_id=node.text(_cac("SellersItemIdentification"), _cbc("ID")),
        standard_item_id=_opt(
            node.child(_cac("StandardItemIdentification"), _cbc("ID")), _Node.identifier
        ),
        additional_item_ids=tuple(
            n.identifier() for n in node.children(_cac("AdditionalItemIdentification"), _cbc("ID"))
        ),
        origin_country_code=node.text(_cac("OriginCountry"), _cbc("IdentificationCode")),
        classifications=tuple(
            _classification(n) for n in node.children(_cac("CommodityClassification"))
        ),
        properties=tuple(_property(n) for n in node.children(_cac("AdditionalItemProperty"))),
        lot_number_id=node.text(
            _cac("ItemInstance"), _cac("LotIdentification"), _cbc("LotNumberID")
        ),
    )


def _price(node: _Node) -> Price:
    base_quantity = node.child(_cbc("BaseQuantity"))
    return Price(
        amount=node.req_decimal(_cbc("PriceAmount"), term="item net price IBT-146"),
        base_quantity=base_quantity.as_decimal() if base_quantity is not None else None,
        base_quantity_unit_code=base_quantity.attr("unitCode")
        if base_quantity is not None
        else None,
        discount_amount=node.decimal(_cac("AllowanceCharge"), _cbc("Amount")),
        gross_amount=node.decimal(_cac("AllowanceCharge"), _cbc("BaseAmount")),
    )


def _line(node: _Node, kind: DocumentKind) -> DocumentLine:
    quantity_name = "InvoicedQuantity" if kind is DocumentKind.INVOICE else "CreditedQuantity"
    quantity = node.req_child(_cbc(quantity_name), term="quantity IBT-129")
    unit_code = quantity.attr("unitCode")
    if not unit_code:
        raise quantity.error("missing unitCode (IBT-130)")
    extension = node.child(_cac("ItemPriceExtension"))
    return DocumentLine(
        id=node.req_text(_cbc("ID"), term="line identifier IBT-126"),
        quantity=quantity.as_decimal(),
        unit_code=unit_code,
        line_extension_amount=node.req_decimal(
            _cbc("LineExtensionAmount"), term="line net amount IBT-131"
        ),
        item=_item(node.req_child(_cac("Item"), term="item information IBG-31")),
        price=_price(node.req_child(_cac("Price"), term="price details IBG-29")),
        note=node.text(_cbc("Note")),
        accounting_cost=node.text(_cbc("AccountingCost")),
        period=_opt(node.child(_cac("InvoicePeriod")), _period),
        order_line_id=node.text(_cac("OrderLineReference"), _cbc("LineID")),
        order_reference_id=node.text(
            _cac("OrderLineReference"), _cac("OrderReference"), _cbc("ID")
        ),
        discrepancy_responses=tuple(
            _discrepancy(n) for n in node.children(_cac("DiscrepancyResponse"))
        ),
        allowances_charges=tuple(
            _allowance_charge(n) for n in node.children(_cac("AllowanceCharge"))
        ),
        tax_amount=node.decimal(_cac("TaxTotal"), _cbc("TaxAmount")),
        vat_line_amount=(
            extension.decimal(_cac("TaxTotal"), _cbc("TaxAmount"))
            if extension is not None
            else None
        ),
        amount_with_vat=extension.decimal(_cbc("Amount")) if extension is not None else None,
    )


def _tax_subtotal(node: _Node) -> TaxSubtotal:
    return TaxSubtotal(
        taxable_amount=node.req_decimal(_cbc("TaxableAmount"), term="IBT-116"),
        tax_amount=node.req_decimal(_cbc("TaxAmount"), term="IBT-117"),
        category=_tax_category(node.req_child(_cac("TaxCategory"), term="IBT-118")),
    )


def _tax_totals(
    root: _Node, currency_code: str, tax_currency_code: str | None
) -> tuple[TaxTotal, Decimal | None]:
    document_total: TaxTotal | None = None
    tax_currency_amount: Decimal | None = None
    for node in root.children(_cac("TaxTotal")):
        amount = node.req_child(_cbc("TaxAmount"), term="total VAT amount IBT-110 / IBT-111")
        currency = amount.attr("currencyID")
        if document_total is None and currency in (None, currency_code):
            indicator = node.child(_cbc("TaxIncludedIndicator"))
            document_total = TaxTotal(
                tax_amount=amount.as_decimal(),
                subtotals=tuple(_tax_subtotal(n) for n in node.children(_cac("TaxSubtotal"))),
                tax_included_indicator=indicator.as_bool() if indicator is not None else None,
            )
        elif tax_currency_code is not None and currency == tax_currency_code:
            if tax_currency_amount is not None:
                raise node.error("more than one VAT total in tax currency")
            tax_currency_amount = amount.as_decimal()
        else:
            raise node.error(
                f"unexpected cac:TaxTotal in currency {currency!r} (document currency "
                f"{currency_code!r}, tax currency {tax_currency_code!r})"
            )
    if document_total is None:
        raise ParseError(f"missing cac:TaxTotal in the document currency {currency_code} (IBT-110)")
    return document_total, tax_currency_amount


def _monetary_totals(node: _Node) -> MonetaryTotals:
    return MonetaryTotals(
        line_extension_amount=node.req_decimal(_cbc("LineExtensionAmount"), term="IBT-106"),
        tax_exclusive_amount=node.req_decimal(_cbc("TaxExclusiveAmount"), term="IBT-109"),
        tax_inclusive_amount=node.req_decimal(_cbc("TaxInclusiveAmount"), term="IBT-112"),
        payable_amount=node.req_decimal(_cbc("PayableAmount"), term="IBT-115"),
        allowance_total_amount=node.decimal(_cbc("AllowanceTotalAmount")),
        charge_total_amount=node.decimal(_cbc("ChargeTotalAmount")),
        prepaid_amount=node.decimal(_cbc("PrepaidAmount")),
        payable_rounding_amount=node.decimal(_cbc("PayableRoundingAmount")),
    )


def _customization(root: _Node) -> Customization:
    value = root.req_text(_cbc("CustomizationID"), term="specification identifier IBT-024")
    # aligned-ibrp-001-ae: the identifier MUST *start with* one of the two AE identifiers.
    for customization in (Customization.SELF_BILLING, Customization.BILLING):
        if value.startswith(customization.value):
            return customization
    raise ParseError(f"unsupported CustomizationID {value!r}: not PINT AE billing or self-billing")


def _transaction_type(node: _Node) -> TransactionType:
    try:
        return TransactionType.from_code(node.value)
    except ValueError as exc:
        raise node.error(f"{exc} (BTAE-02)") from None


def _reference_id(root: _Node, element: str) -> str | None:
    return root.text(_cac(element), _cbc("ID"))


def _root_kind(element: etree._Element) -> DocumentKind:
    qname = etree.QName(element)
    if qname.namespace == INVOICE and qname.localname == "Invoice":
        return DocumentKind.INVOICE
    if qname.namespace == CREDIT_NOTE and qname.localname == "CreditNote":
        return DocumentKind.CREDIT_NOTE
    found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
    raise ParseError(
        f"root element is {found}; expected a UBL 2.1 Invoice ({INVOICE}) "
        f"or CreditNote ({CREDIT_NOTE})"
    )


def parse_document(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse UBL 2.1 Invoice / CreditNote bytes into a :class:`Document`.

    Raises :class:`ParseError` for anything that is not a structurally readable PINT AE document.
    """
    element = _load(data, max_bytes)
    kind = _root_kind(element)
    root = _Node(element)
    customization = _customization(root)
    type_name = "InvoiceTypeCode" if kind is DocumentKind.INVOICE else "CreditNoteTypeCode"
    line_name = "InvoiceLine" if kind is DocumentKind.INVOICE else "CreditNoteLine"
    currency_code = root.req_text(_cbc("DocumentCurrencyCode"), term="currency IBT-005")
    tax_currency_code = root.text(_cbc("TaxCurrencyCode"))
    tax_total, tax_currency_amount = _tax_totals(root, currency_code, tax_currency_code)
    lines = root.children(_cac(line_name))
    if not lines:
        raise ParseError(f"no cac:{line_name} (IBG-25): a document needs at least one line")
    issue_time = root.child(_cbc("IssueTime"))
    exchange = root.child(_cac("TaxExchangeRate"))
    contract = root.child(_cac("ContractDocumentReference"))
    order = root.child(_cac("OrderReference"))
    return Document(
        kind=kind,
        customization=customization,
        id=root.req_text(_cbc("ID"), term="invoice number IBT-001"),
        issue_date=root.req_child(_cbc("IssueDate"), term="issue date IBT-002").as_date(),
        type_code=root.req_text(_cbc(type_name), term="type code IBT-003"),
        currency_code=currency_code,
        seller=_party(
            root.req_child(_cac("AccountingSupplierParty"), _cac("Party"), term="seller IBG-04")
        ),
        buyer=_party(
            root.req_child(_cac("AccountingCustomerParty"), _cac("Party"), term="buyer IBG-07")
        ),
        tax_total=tax_total,
        totals=_monetary_totals(
            root.req_child(_cac("LegalMonetaryTotal"), term="document totals IBG-22")
        ),
        lines=tuple(_line(n, kind) for n in lines),
        transaction_type=_opt(root.child(_cbc("ProfileExecutionID")), _transaction_type),
        uuid=root.text(_cbc("UUID")),
        issue_time=issue_time.as_time() if issue_time is not None else None,
        due_date=root.opt_date(_cbc("DueDate")),
        notes=tuple(n.value for n in root.children(_cbc("Note"))),
        tax_point_date=root.opt_date(_cbc("TaxPointDate")),
        tax_currency_code=tax_currency_code,
        accounting_cost=root.text(_cbc("AccountingCost")),
        buyer_reference=root.text(_cbc("BuyerReference")),
        invoice_period=_opt(root.child(_cac("InvoicePeriod")), _period),
        discrepancy_responses=tuple(
            _discrepancy(n) for n in root.children(_cac("DiscrepancyResponse"))
        ),
        order_reference=(
            OrderReference(
                id=order.req_text(_cbc("ID"), term="purchase order reference IBT-013"),
                sales_order_id=order.text(_cbc("SalesOrderID")),
            )
            if order is not None
            else None
        ),
        billing_references=tuple(
            BillingReference(
                id=n.req_text(_cbc("ID"), term="preceding invoice number IBT-025"),
                issue_date=n.opt_date(_cbc("IssueDate")),
            )
            for n in root.children(_cac("BillingReference"), _cac("InvoiceDocumentReference"))
        ),
        despatch_document_id=_reference_id(root, "DespatchDocumentReference"),
        receipt_document_id=_reference_id(root, "ReceiptDocumentReference"),
        statement_document_id=_reference_id(root, "StatementDocumentReference"),
        originator_document_id=_reference_id(root, "OriginatorDocumentReference"),
        contract_reference=(
            ContractReference(
                id=contract.req_text(_cbc("ID"), term="contract reference IBT-012"),
                description=contract.text(_cbc("DocumentDescription")),
            )
            if contract is not None
            else None
        ),
        additional_document_references=tuple(
            _additional_reference(n) for n in root.children(_cac("AdditionalDocumentReference"))
        ),
        project_reference_id=_reference_id(root, "ProjectReference"),
        payee=_opt(root.child(_cac("PayeeParty")), _party),
        seller_supplier_party_id=root.text(
            _cac("SellerSupplierParty"), _cac("Party"), _cac("PartyIdentification"), _cbc("ID")
        ),
        buyer_customer_party_id=root.text(
            _cac("BuyerCustomerParty"), _cac("Party"), _cac("PartyIdentification"), _cbc("ID")
        ),
        tax_representative=_opt(root.child(_cac("TaxRepresentativeParty")), _party),
        delivery=_opt(root.child(_cac("Delivery")), _delivery),
        payment_means=tuple(_payment_means(n) for n in root.children(_cac("PaymentMeans"))),
        payment_terms=root.text(_cac("PaymentTerms"), _cbc("Note")),
        allowances_charges=tuple(
            _allowance_charge(n) for n in root.children(_cac("AllowanceCharge"))
        ),
        tax_exchange_rate=(
            TaxExchangeRate(
                source_currency_code=exchange.req_text(
                    _cbc("SourceCurrencyCode"), term="exchange source currency"
                ),
                target_currency_code=exchange.req_text(
                    _cbc("TargetCurrencyCode"), term="exchange target currency"
                ),
                calculation_rate=exchange.req_decimal(
                    _cbc("CalculationRate"), term="exchange rate BTAE-04"
                ),
            )
            if exchange is not None
            else None
        ),
        tax_currency_tax_amount=tax_currency_amount,
    )
