"""Write a PINT AE business document (:class:`~involinks.invoicing.document.Document`) as UBL 2.1.

The builder is a faithful serializer: every element comes from the model, in the order the UBL 2.1
schema requires (``Invoice`` and ``CreditNote`` differ, e.g. ``TaxPointDate`` precedes the type code
in a credit note and line ``TaxTotal`` precedes line allowances in a ``CreditNoteLine``). It adds
nothing the model does not say, apart from what follows from the model itself:

* ``cbc:ProfileID`` (IBT-023) from the customization;
* ``currencyID`` on amounts: the document currency (IBT-005), except the second ``cac:TaxTotal``
  which carries the VAT total in the tax currency (IBT-111, AED on foreign-currency invoices);
* ``cac:TaxScheme/cbc:ID`` of each VAT category (``VAT`` unless the model says otherwise).

Business rules (mandatory terms, arithmetic, code lists) are checked afterwards by
:mod:`involinks.compliance.validation`; the builder only refuses what UBL cannot express
(:class:`BuildError`).

Numbers are written as plain decimals exactly as held (``Decimal("10486")`` → ``10486``,
``Decimal("1E+2")`` → ``100``), dates as ``YYYY-MM-DD``, times with their UTC offset when set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal
from typing import Any

from lxml import etree

from involinks.compliance.ubl.namespaces import CAC, CBC, CREDIT_NOTE, INVOICE
from involinks.invoicing.document import (
    AdditionalDocumentReference,
    Address,
    AllowanceCharge,
    Contact,
    Delivery,
    DiscrepancyResponse,
    Document,
    DocumentKind,
    DocumentLine,
    Identifier,
    InvoicePeriod,
    Item,
    Party,
    PaymentMeans,
    Price,
    TaxCategory,
    TaxTotal,
)

__all__ = ["BuildError", "build", "build_tree"]

# PINT uses a document reference with this type code for the project reference (IBT-011) on a
# credit note, whose UBL schema has no cac:ProjectReference (UNTDID 1001 code 50).
_PROJECT_REFERENCE_TYPE_CODE = "50"


class BuildError(ValueError):
    """The model holds something UBL 2.1 cannot express (or a character XML cannot carry)."""


def build(document: Document, *, pretty_print: bool = True) -> bytes:
    """The UBL 2.1 ``Invoice`` / ``CreditNote`` as UTF-8 bytes with an XML declaration."""
    root = build_tree(document)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty_print)


def build_tree(document: Document) -> etree._Element:
    """The UBL 2.1 document as an lxml element tree (root element)."""
    try:
        return _DocumentWriter(document).write()
    except ValueError as exc:
        if isinstance(exc, BuildError):
            raise
        # lxml refuses control characters and the like in text / attribute values.
        raise BuildError(str(exc)) from exc


def _cac(name: str) -> str:
    return f"{{{CAC}}}{name}"


def _cbc(name: str) -> str:
    return f"{{{CBC}}}{name}"


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise BuildError(f"{value} is not a finite number")
    return format(value, "f")


def _date(value: date) -> str:
    return value.isoformat()


def _time(value: time) -> str:
    return value.isoformat()


def _bool(value: bool) -> str:
    return "true" if value else "false"


class _DocumentWriter:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.is_credit_note = document.kind is DocumentKind.CREDIT_NOTE
        self.currency = document.currency_code

    # --- primitives -------------------------------------------------------------------------

    @staticmethod
    def el(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str | None
    ) -> etree._Element:
        element = etree.SubElement(parent, tag)
        for name, value in attrs.items():
            if value is not None:
                element.set(name, value)
        if text is not None:
            element.text = text
        return element

    def text(self, parent: etree._Element, name: str, value: str | None) -> None:
        if value is not None:
            self.el(parent, _cbc(name), value)

    def dated(self, parent: etree._Element, name: str, value: date | None) -> None:
        if value is not None:
            self.el(parent, _cbc(name), _date(value))

    def amount(
        self, parent: etree._Element, name: str, value: Decimal | None, currency: str | None = None
    ) -> None:
        if value is not None:
            self.el(parent, _cbc(name), _decimal(value), currencyID=currency or self.currency)

    def number(self, parent: etree._Element, name: str, value: Decimal | None) -> None:
        if value is not None:
            self.el(parent, _cbc(name), _decimal(value))

    def identifier(self, parent: etree._Element, name: str, value: Identifier | None) -> None:
        if value is not None:
            self.el(parent, _cbc(name), value.value, schemeID=value.scheme_id)

    def id_wrapper(self, parent: etree._Element, wrapper: str, value: str | None) -> None:
        """``<cac:wrapper><cbc:ID>value</cbc:ID></cac:wrapper>`` when ``value`` is set."""
        if value is not None:
            self.el(self.el(parent, _cac(wrapper)), _cbc("ID"), value)

    # --- document ---------------------------------------------------------------------------

    def write(self) -> etree._Element:
        doc = self.doc
        namespace = CREDIT_NOTE if self.is_credit_note else INVOICE
        # The root namespace is the default one, as in the official examples.
        nsmap: Any = {None: namespace, "cac": CAC, "cbc": CBC}
        root = etree.Element(f"{{{namespace}}}{doc.kind.value}", nsmap=nsmap)
        if not self.is_credit_note and doc.discrepancy_responses:
            raise BuildError("an Invoice cannot carry cac:DiscrepancyResponse (credit notes only)")

        self.text(root, "CustomizationID", doc.customization.value)
        self.text(root, "ProfileID", doc.profile_id)
        self.text(
            root,
            "ProfileExecutionID",
            doc.transaction_type.to_code() if doc.transaction_type is not None else None,
        )
        self.text(root, "ID", doc.id)
        self.text(root, "UUID", doc.uuid)
        self.dated(root, "IssueDate", doc.issue_date)
        if doc.issue_time is not None:
            self.el(root, _cbc("IssueTime"), _time(doc.issue_time))
        if self.is_credit_note:
            # CreditNote: TaxPointDate before the type code; no root DueDate (see payment means).
            self.dated(root, "TaxPointDate", doc.tax_point_date)
            self.text(root, "CreditNoteTypeCode", doc.type_code)
            for note in doc.notes:
                self.text(root, "Note", note)
        else:
            self.dated(root, "DueDate", doc.due_date)
            self.text(root, "InvoiceTypeCode", doc.type_code)
            for note in doc.notes:
                self.text(root, "Note", note)
            self.dated(root, "TaxPointDate", doc.tax_point_date)
        self.text(root, "DocumentCurrencyCode", doc.currency_code)
        self.text(root, "TaxCurrencyCode", doc.tax_currency_code)
        self.text(root, "AccountingCost", doc.accounting_cost)
        self.text(root, "BuyerReference", doc.buyer_reference)
        if doc.invoice_period is not None:
            self.period(root, doc.invoice_period)
        for response in doc.discrepancy_responses:
            self.discrepancy(root, response)
        if doc.order_reference is not None:
            order = self.el(root, _cac("OrderReference"))
            self.text(order, "ID", doc.order_reference.id)
            self.text(order, "SalesOrderID", doc.order_reference.sales_order_id)
        for billing in doc.billing_references:
            reference = self.el(
                self.el(root, _cac("BillingReference")), _cac("InvoiceDocumentReference")
            )
            self.text(reference, "ID", billing.id)
            self.dated(reference, "IssueDate", billing.issue_date)
        self.id_wrapper(root, "DespatchDocumentReference", doc.despatch_document_id)
        self.id_wrapper(root, "ReceiptDocumentReference", doc.receipt_document_id)
        if self.is_credit_note:
            self.contract(root)
            self.additional_references(root)
            self.id_wrapper(root, "StatementDocumentReference", doc.statement_document_id)
            self.id_wrapper(root, "OriginatorDocumentReference", doc.originator_document_id)
        else:
            self.id_wrapper(root, "StatementDocumentReference", doc.statement_document_id)
            self.id_wrapper(root, "OriginatorDocumentReference", doc.originator_document_id)
            self.contract(root)
            self.additional_references(root)
            self.id_wrapper(root, "ProjectReference", doc.project_reference_id)

        self.party(self.el(root, _cac("AccountingSupplierParty")), doc.seller)
        self.party(self.el(root, _cac("AccountingCustomerParty")), doc.buyer)
        if doc.payee is not None:
            self.party_content(self.el(root, _cac("PayeeParty")), doc.payee)
        self.party_id_only(root, "BuyerCustomerParty", doc.buyer_customer_party_id)
        self.party_id_only(root, "SellerSupplierParty", doc.seller_supplier_party_id)
        if doc.tax_representative is not None:
            self.party_content(
                self.el(root, _cac("TaxRepresentativeParty")), doc.tax_representative
            )
        if doc.delivery is not None:
            self.delivery(root, doc.delivery)
        for index, means in enumerate(doc.payment_means):
            # A credit note states its due date (IBT-009) in the payment instructions.
            due = doc.due_date if self.is_credit_note and index == 0 else None
            self.payment_means(root, means, due)
        if self.is_credit_note and doc.due_date is not None and not doc.payment_means:
            raise BuildError(
                "a CreditNote carries the due date (IBT-009) in cac:PaymentMeans/"
                "cbc:PaymentDueDate: add payment means or drop the due date"
            )
        if doc.payment_terms is not None:
            self.text(self.el(root, _cac("PaymentTerms")), "Note", doc.payment_terms)
        if self.is_credit_note:
            self.exchange_rate(root)
            for charge in doc.allowances_charges:
                self.allowance_charge(root, charge)
        else:
            for charge in doc.allowances_charges:
                self.allowance_charge(root, charge)
            self.exchange_rate(root)
        self.tax_total(root, doc.tax_total)
        if doc.tax_currency_tax_amount is not None:
            if doc.tax_currency_code is None:
                raise BuildError(
                    "a VAT total in tax currency (IBT-111) needs the tax currency (IBT-006)"
                )
            tax_currency_total = self.el(root, _cac("TaxTotal"))
            self.amount(
                tax_currency_total, "TaxAmount", doc.tax_currency_tax_amount, doc.tax_currency_code
            )
        self.monetary_totals(root)
        if not doc.lines:
            raise BuildError("a document needs at least one line (IBG-25)")
        for line in doc.lines:
            self.line(root, line)
        return root

    # --- header parts -----------------------------------------------------------------------

    def period(self, parent: etree._Element, period: InvoicePeriod) -> None:
        element = self.el(parent, _cac("InvoicePeriod"))
        self.dated(element, "StartDate", period.start_date)
        self.dated(element, "EndDate", period.end_date)
        self.text(element, "DescriptionCode", period.description_code)

    def discrepancy(self, parent: etree._Element, response: DiscrepancyResponse) -> None:
        element = self.el(parent, _cac("DiscrepancyResponse"))
        self.text(element, "ResponseCode", response.response_code)
        self.text(element, "Description", response.description)

    def contract(self, root: etree._Element) -> None:
        contract = self.doc.contract_reference
        if contract is not None:
            element = self.el(root, _cac("ContractDocumentReference"))
            self.text(element, "ID", contract.id)
            self.text(element, "DocumentDescription", contract.description)

    def additional_references(self, root: etree._Element) -> None:
        references: Iterable[AdditionalDocumentReference] = self.doc.additional_document_references
        if self.is_credit_note and self.doc.project_reference_id is not None:
            references = (
                *references,
                AdditionalDocumentReference(
                    id=self.doc.project_reference_id,
                    document_type_code=_PROJECT_REFERENCE_TYPE_CODE,
                ),
            )
        for reference in references:
            element = self.el(root, _cac("AdditionalDocumentReference"))
            self.text(element, "ID", reference.id)
            self.text(element, "DocumentTypeCode", reference.document_type_code)
            self.text(element, "DocumentDescription", reference.description)
            if reference.embedded_content is not None or reference.uri is not None:
                attachment = self.el(element, _cac("Attachment"))
                if reference.embedded_content is not None:
                    self.el(
                        attachment,
                        _cbc("EmbeddedDocumentBinaryObject"),
                        reference.embedded_content,
                        mimeCode=reference.mime_code,
                        filename=reference.filename,
                    )
                if reference.uri is not None:
                    self.text(self.el(attachment, _cac("ExternalReference")), "URI", reference.uri)

    # --- parties ----------------------------------------------------------------------------

    def party(self, wrapper: etree._Element, party: Party) -> None:
        self.party_content(self.el(wrapper, _cac("Party")), party)

    def party_content(self, element: etree._Element, party: Party) -> None:
        self.identifier(element, "EndpointID", party.endpoint)
        for identification in party.identifications:
            self.identifier(self.el(element, _cac("PartyIdentification")), "ID", identification)
        if party.name is not None:
            self.text(self.el(element, _cac("PartyName")), "Name", party.name)
        if party.postal_address is not None:
            self.address(element, "PostalAddress", party.postal_address)
        for tax_scheme in party.tax_schemes:
            scheme = self.el(element, _cac("PartyTaxScheme"))
            self.text(scheme, "CompanyID", tax_scheme.company_id)
            self.id_wrapper(scheme, "TaxScheme", tax_scheme.tax_scheme_id)
        if (
            party.registration_name is not None
            or party.legal_registration is not None
            or party.legal_form is not None
        ):
            legal = self.el(element, _cac("PartyLegalEntity"))
            self.text(legal, "RegistrationName", party.registration_name)
            registration = party.legal_registration
            if registration is not None:
                self.el(
                    legal,
                    _cbc("CompanyID"),
                    registration.value,
                    schemeAgencyID=registration.scheme_agency_id,
                    schemeAgencyName=registration.scheme_agency_name,
                )
            self.text(legal, "CompanyLegalForm", party.legal_form)
        if party.contact is not None:
            self.contact(element, party.contact)

    def party_id_only(self, root: etree._Element, wrapper: str, value: str | None) -> None:
        """``BuyerCustomerParty`` (BTAE-01) / ``SellerSupplierParty`` (BTAE-14): only an ID."""
        if value is not None:
            party = self.el(self.el(root, _cac(wrapper)), _cac("Party"))
            self.id_wrapper(party, "PartyIdentification", value)

    def address(self, parent: etree._Element, name: str, address: Address) -> None:
        element = self.el(parent, _cac(name))
        self.text(element, "StreetName", address.street_name)
        self.text(element, "AdditionalStreetName", address.additional_street_name)
        self.text(element, "CityName", address.city_name)
        self.text(element, "PostalZone", address.postal_zone)
        self.text(element, "CountrySubentity", address.country_subentity)
        for line in address.address_lines:
            self.text(self.el(element, _cac("AddressLine")), "Line", line)
        if address.country_code is not None:
            self.text(self.el(element, _cac("Country")), "IdentificationCode", address.country_code)

    def contact(self, parent: etree._Element, contact: Contact) -> None:
        element = self.el(parent, _cac("Contact"))
        self.text(element, "Name", contact.name)
        self.text(element, "Telephone", contact.telephone)
        self.text(element, "ElectronicMail", contact.email)

    def delivery(self, root: etree._Element, delivery: Delivery) -> None:
        element = self.el(root, _cac("Delivery"))
        self.dated(element, "ActualDeliveryDate", delivery.actual_delivery_date)
        if delivery.location_id is not None or delivery.address is not None:
            location = self.el(element, _cac("DeliveryLocation"))
            self.identifier(location, "ID", delivery.location_id)
            if delivery.address is not None:
                self.address(location, "Address", delivery.address)
        if delivery.party_name is not None:
            party = self.el(element, _cac("DeliveryParty"))
            self.text(self.el(party, _cac("PartyName")), "Name", delivery.party_name)
        if delivery.delivery_terms_id is not None:
            self.identifier(
                self.el(element, _cac("DeliveryTerms")), "ID", delivery.delivery_terms_id
            )

    # --- payment, allowances, taxes ---------------------------------------------------------

    def payment_means(self, root: etree._Element, means: PaymentMeans, due: date | None) -> None:
        element = self.el(root, _cac("PaymentMeans"))
        self.el(element, _cbc("PaymentMeansCode"), means.code, name=means.code_name)
        self.dated(element, "PaymentDueDate", due)
        self.text(element, "PaymentID", means.payment_id)
        card = means.card_account
        if card is not None:
            card_element = self.el(element, _cac("CardAccount"))
            self.text(card_element, "PrimaryAccountNumberID", card.primary_account_number_id)
            self.text(card_element, "NetworkID", card.network_id)
            self.text(card_element, "HolderName", card.holder_name)
        account = means.payee_financial_account
        if account is not None:
            account_element = self.el(element, _cac("PayeeFinancialAccount"))
            self.el(account_element, _cbc("ID"), account.id, schemeID=account.scheme_id)
            self.text(account_element, "Name", account.name)
            self.id_wrapper(account_element, "FinancialInstitutionBranch", account.branch_id)
        self.id_wrapper(element, "PaymentMandate", means.mandate_id)

    def allowance_charge(self, parent: etree._Element, charge: AllowanceCharge) -> None:
        element = self.el(parent, _cac("AllowanceCharge"))
        self.text(element, "ChargeIndicator", _bool(charge.charge_indicator))
        self.text(element, "AllowanceChargeReasonCode", charge.reason_code)
        self.text(element, "AllowanceChargeReason", charge.reason)
        self.number(element, "MultiplierFactorNumeric", charge.multiplier_factor)
        self.amount(element, "Amount", charge.amount)
        self.amount(element, "BaseAmount", charge.base_amount)
        if charge.tax_category is not None:
            self.tax_category(element, "TaxCategory", charge.tax_category)

    def tax_category(self, parent: etree._Element, name: str, category: TaxCategory) -> None:
        element = self.el(parent, _cac(name))
        self.text(element, "ID", category.code)
        self.number(element, "Percent", category.percent)
        self.amount(element, "PerUnitAmount", category.per_unit_amount)
        self.text(element, "TaxExemptionReasonCode", category.exemption_reason_code)
        self.text(element, "TaxExemptionReason", category.exemption_reason)
        self.id_wrapper(element, "TaxScheme", category.tax_scheme_id)

    def exchange_rate(self, root: etree._Element) -> None:
        rate = self.doc.tax_exchange_rate
        if rate is not None:
            element = self.el(root, _cac("TaxExchangeRate"))
            self.text(element, "SourceCurrencyCode", rate.source_currency_code)
            self.text(element, "TargetCurrencyCode", rate.target_currency_code)
            self.number(element, "CalculationRate", rate.calculation_rate)

    def tax_total(self, root: etree._Element, total: TaxTotal) -> None:
        element = self.el(root, _cac("TaxTotal"))
        self.amount(element, "TaxAmount", total.tax_amount)
        if total.tax_included_indicator is not None:
            self.text(element, "TaxIncludedIndicator", _bool(total.tax_included_indicator))
        for subtotal in total.subtotals:
            sub = self.el(element, _cac("TaxSubtotal"))
            self.amount(sub, "TaxableAmount", subtotal.taxable_amount)
            self.amount(sub, "TaxAmount", subtotal.tax_amount)
            self.tax_category(sub, "TaxCategory", subtotal.category)

    def monetary_totals(self, root: etree._Element) -> None:
        totals = self.doc.totals
        element = self.el(root, _cac("LegalMonetaryTotal"))
        self.amount(element, "LineExtensionAmount", totals.line_extension_amount)
        self.amount(element, "TaxExclusiveAmount", totals.tax_exclusive_amount)
        self.amount(element, "TaxInclusiveAmount", totals.tax_inclusive_amount)
        self.amount(element, "AllowanceTotalAmount", totals.allowance_total_amount)
        self.amount(element, "ChargeTotalAmount", totals.charge_total_amount)
        self.amount(element, "PrepaidAmount", totals.prepaid_amount)
        self.amount(element, "PayableRoundingAmount", totals.payable_rounding_amount)
        self.amount(element, "PayableAmount", totals.payable_amount)

    # --- lines ------------------------------------------------------------------------------

    def line(self, root: etree._Element, line: DocumentLine) -> None:
        credit = self.is_credit_note
        if not credit and line.discrepancy_responses:
            raise BuildError(f"invoice line {line.id}: cac:DiscrepancyResponse is credit-note only")
        element = self.el(root, _cac("CreditNoteLine" if credit else "InvoiceLine"))
        self.text(element, "ID", line.id)
        self.text(element, "Note", line.note)
        self.el(
            element,
            _cbc("CreditedQuantity" if credit else "InvoicedQuantity"),
            _decimal(line.quantity),
            unitCode=line.unit_code,
        )
        self.amount(element, "LineExtensionAmount", line.line_extension_amount)
        self.text(element, "AccountingCost", line.accounting_cost)
        if line.period is not None:
            self.period(element, line.period)
        if line.order_line_id is not None:
            reference = self.el(element, _cac("OrderLineReference"))
            self.text(reference, "LineID", line.order_line_id)
            self.id_wrapper(reference, "OrderReference", line.order_reference_id)
        elif line.order_reference_id is not None:
            raise BuildError(
                f"line {line.id}: a purchase order reference (IBT-183) needs the order line "
                "id (IBT-132): cac:OrderLineReference requires cbc:LineID"
            )
        for response in line.discrepancy_responses:
            self.discrepancy(element, response)
        if credit:
            self.line_tax_total(element, line)
            for charge in line.allowances_charges:
                self.allowance_charge(element, charge)
        else:
            for charge in line.allowances_charges:
                self.allowance_charge(element, charge)
            self.line_tax_total(element, line)
        self.item(element, line.item)
        self.price(element, line.price)
        if line.amount_with_vat is not None or line.vat_line_amount is not None:
            extension = self.el(element, _cac("ItemPriceExtension"))
            if line.amount_with_vat is None:
                raise BuildError(
                    f"line {line.id}: the VAT line amount (BTAE-08) goes with the line amount "
                    "including VAT (BTAE-10), which cac:ItemPriceExtension requires"
                )
            self.amount(extension, "Amount", line.amount_with_vat)
            if line.vat_line_amount is not None:
                self.amount(self.el(extension, _cac("TaxTotal")), "TaxAmount", line.vat_line_amount)

    def line_tax_total(self, element: etree._Element, line: DocumentLine) -> None:
        if line.tax_amount is not None:
            self.amount(self.el(element, _cac("TaxTotal")), "TaxAmount", line.tax_amount)

    def item(self, parent: etree._Element, item: Item) -> None:
        element = self.el(parent, _cac("Item"))
        self.text(element, "Description", item.description)
        self.text(element, "Name", item.name)
        self.id_wrapper(element, "BuyersItemIdentification", item.buyers_item_id)
        self.id_wrapper(element, "SellersItemIdentification", item.sellers_item_id)
        if item.standard_item_id is not None:
            wrapper = self.el(element, _cac("StandardItemIdentification"))
            self.identifier(wrapper, "ID", item.standard_item_id)
        for additional in item.additional_item_ids:
            wrapper = self.el(element, _cac("AdditionalItemIdentification"))
            self.identifier(wrapper, "ID", additional)
        if item.origin_country_code is not None:
            country = self.el(element, _cac("OriginCountry"))
            self.text(country, "IdentificationCode", item.origin_country_code)
        for classification in item.classifications:
            wrapper = self.el(element, _cac("CommodityClassification"))
            self.text(wrapper, "NatureCode", classification.nature_code)
            self.text(wrapper, "CommodityCode", classification.commodity_code)
            if classification.item_classification_code is not None:
                self.el(
                    wrapper,
                    _cbc("ItemClassificationCode"),
                    classification.item_classification_code,
                    listID=classification.list_id,
                    listVersionID=classification.list_version_id,
                )
        self.tax_category(element, "ClassifiedTaxCategory", item.classified_tax_category)
        for prop in item.properties:
            wrapper = self.el(element, _cac("AdditionalItemProperty"))
            self.text(wrapper, "Name", prop.name)
            self.text(wrapper, "Value", prop.value)
        if item.lot_number_id is not None:
            instance = self.el(element, _cac("ItemInstance"))
            lot = self.el(instance, _cac("LotIdentification"))
            self.text(lot, "LotNumberID", item.lot_number_id)

    def price(self, parent: etree._Element, price: Price) -> None:
        element = self.el(parent, _cac("Price"))
        self.amount(element, "PriceAmount", price.amount)
        if price.base_quantity is not None:
            self.el(
                element,
                _cbc("BaseQuantity"),
                _decimal(price.base_quantity),
                unitCode=price.base_quantity_unit_code,
            )
        if price.discount_amount is not None or price.gross_amount is not None:
            if price.discount_amount is None:
                raise BuildError(
                    "a gross price (IBT-148) is written with its price discount (IBT-147), "
                    "which cac:Price/cac:AllowanceCharge requires (use 0 for none)"
                )
            charge = self.el(element, _cac("AllowanceCharge"))
            self.text(charge, "ChargeIndicator", "false")
            self.amount(charge, "Amount", price.discount_amount)
            self.amount(charge, "BaseAmount", price.gross_amount)
