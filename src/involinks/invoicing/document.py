"""PINT AE business-document model (invoice and credit note), pure and immutable.

Each field is named after the business term of PINT AE 1.0.4 (``IBT-nnn`` / ``IBG-nn`` from the
Peppol International model, ``BTAE-nn`` for the UAE extensions); the id is given in a short comment.
The model mirrors what the UBL 2.1 syntax carries, so a builder can regenerate every official
example under ``shared/reference/pint-ae/examples`` and the parser
(``involinks.compliance.ubl.parser``) can read them back without loss:

* optional elements are ``None`` (or an empty tuple) when absent, never a default value, so that
  "absent" and "zero" stay distinguishable (e.g. ``PrepaidAmount`` 0 vs not given);
* money, quantities, rates and percentages are ``Decimal`` exactly as written in the document;
* codes stay plain ``str`` (a supplier invoice read in accounts payable may carry an invalid code;
  checking codes is the job of ``involinks.invoicing.codes`` and the Schematron validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "AdditionalDocumentReference",
    "Address",
    "AllowanceCharge",
    "BillingReference",
    "CardAccount",
    "CommodityClassification",
    "Contact",
    "ContractReference",
    "Customization",
    "Delivery",
    "DiscrepancyResponse",
    "Document",
    "DocumentKind",
    "DocumentLine",
    "FinancialAccount",
    "Identifier",
    "InvoicePeriod",
    "Item",
    "ItemProperty",
    "LegalRegistration",
    "MonetaryTotals",
    "OrderReference",
    "Party",
    "PartyTaxScheme",
    "PaymentMeans",
    "Price",
    "TaxCategory",
    "TaxExchangeRate",
    "TaxSubtotal",
    "TaxTotal",
    "TransactionType",
]


class DocumentKind(StrEnum):
    """The UBL root element: ``Invoice`` (type codes 380/480/389) or ``CreditNote`` (381/81/261)."""

    INVOICE = "Invoice"
    CREDIT_NOTE = "CreditNote"


class Customization(StrEnum):
    """IBT-024 specification identifier; decides the allowed type codes and the rule set."""

    BILLING = "urn:peppol:pint:billing-1@ae-1"
    SELF_BILLING = "urn:peppol:pint:selfbilling-1@ae-1"

    @property
    def profile_id(self) -> str:
        """IBT-023 business process type that goes with the customization."""
        if self is Customization.SELF_BILLING:
            return "urn:peppol:bis:selfbilling"
        return "urn:peppol:bis:billing"


@dataclass(frozen=True, slots=True)
class TransactionType:
    """BTAE-02 ``cbc:ProfileExecutionID``: eight 0/1 flags, position 1 first.

    Positions as in ``codelists/billing/transactiontype.gc``.
    """

    free_zone: bool = False  # position 1: supply in a designated free trade zone
    deemed_supply: bool = False  # position 2: supply without consideration
    margin_scheme: bool = False  # position 3: profit margin scheme
    summary_invoice: bool = False  # position 4: several supplies to one buyer in a month
    continuous_supply: bool = False  # position 5: recurrent supply
    disclosed_agent: bool = False  # position 6: agent billing on behalf of a principal
    ecommerce: bool = False  # position 7: supply through e-commerce
    exports: bool = False  # position 8: supply outside the UAE

    def to_code(self) -> str:
        """The eight-character flag string, e.g. ``"10001010"``."""
        return "".join("1" if flag else "0" for flag in self._flags())

    @classmethod
    def from_code(cls, code: str) -> TransactionType:
        """Parse the eight-character flag string; raises ``ValueError`` when malformed."""
        if len(code) != 8 or any(ch not in "01" for ch in code):
            raise ValueError(f"transaction type must be 8 characters of 0/1, got {code!r}")
        flags = [ch == "1" for ch in code]
        return cls(*flags)

    def _flags(self) -> tuple[bool, ...]:
        return (
            self.free_zone,
            self.deemed_supply,
            self.margin_scheme,
            self.summary_invoice,
            self.continuous_supply,
            self.disclosed_agent,
            self.ecommerce,
            self.exports,
        )


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier with its optional ``schemeID`` (endpoint ``0235``, IBAN, GTIN ``0160``)."""

    value: str
    scheme_id: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """IBG-05 / IBG-08 / IBG-12 / IBG-15 postal address."""

    street_name: str | None = None  # IBT-035 / IBT-050 / IBT-064 / IBT-075
    additional_street_name: str | None = None  # IBT-036 / IBT-051 / IBT-065 / IBT-076
    city_name: str | None = None  # IBT-037 / IBT-052 / IBT-066 / IBT-077
    postal_zone: str | None = None  # IBT-038 / IBT-053 / IBT-067 / IBT-078
    country_subentity: str | None = None  # IBT-039 / IBT-054 ...: emirate code (AUH, DXB, ...)
    address_lines: tuple[str, ...] = ()  # IBT-162 / IBT-163 / IBT-164 / IBT-165
    country_code: str | None = None  # IBT-040 / IBT-055 / IBT-069 / IBT-080 (ISO 3166-1 alpha-2)


@dataclass(frozen=True, slots=True)
class Contact:
    """IBG-06 / IBG-09 contact."""

    name: str | None = None  # IBT-041 / IBT-056
    telephone: str | None = None  # IBT-042 / IBT-057
    email: str | None = None  # IBT-043 / IBT-058


@dataclass(frozen=True, slots=True)
class PartyTaxScheme:
    """``cac:PartyTaxScheme``: ``VAT`` carries the TRN (IBT-031 / IBT-048 / IBT-063),
    ``TIN`` the tax identification number (IBT-032)."""

    company_id: str
    tax_scheme_id: str = "VAT"


@dataclass(frozen=True, slots=True)
class LegalRegistration:
    """IBT-030 / IBT-047 / IBT-061 legal registration identifier.

    ``scheme_agency_id`` is the type (BTAE-15 / BTAE-16: TL trade licence, EID, PAS passport,
    CD cabinet decision), ``scheme_agency_name`` the issuing authority (BTAE-12 / BTAE-11).
    """

    value: str
    scheme_agency_id: str | None = None
    scheme_agency_name: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A trading party (seller IBG-04, buyer IBG-07, payee IBG-10, tax representative IBG-11)."""

    endpoint: Identifier | None = None  # IBT-034 / IBT-049 (+ -1 scheme, 0235 in the UAE)
    identifications: tuple[Identifier, ...] = ()  # IBT-029 / IBT-046 / IBT-060
    name: str | None = None  # IBT-028 / IBT-045 / IBT-059 / IBT-062: trading name
    postal_address: Address | None = None  # IBG-05 / IBG-08 / IBG-12
    tax_schemes: tuple[PartyTaxScheme, ...] = ()  # IBT-031/032, IBT-048, IBT-063
    registration_name: str | None = None  # IBT-027 / IBT-044: legal name
    legal_registration: LegalRegistration | None = None  # IBT-030 / IBT-047 / IBT-061
    legal_form: str | None = None  # IBT-033
    contact: Contact | None = None  # IBG-06 / IBG-09

    @property
    def trn(self) -> str | None:
        """The VAT identifier (UAE Tax Registration Number), if any."""
        return self._tax_id("VAT")

    @property
    def tin(self) -> str | None:
        """The tax identification number (``TaxScheme/ID`` = ``TIN``), if any."""
        return self._tax_id("TIN")

    def _tax_id(self, scheme: str) -> str | None:
        for tax_scheme in self.tax_schemes:
            if tax_scheme.tax_scheme_id == scheme:
                return tax_scheme.company_id
        return None


@dataclass(frozen=True, slots=True)
class InvoicePeriod:
    """IBG-14 invoicing period (IBG-26 on a line)."""

    start_date: date | None = None  # IBT-073 / IBT-134
    end_date: date | None = None  # IBT-074 / IBT-135
    description_code: str | None = None  # BTAE-06 frequency of billing (FreqBilling list)


@dataclass(frozen=True, slots=True)
class OrderReference:
    """``cac:OrderReference``."""

    id: str  # IBT-013 purchase order reference
    sales_order_id: str | None = None  # IBT-014


@dataclass(frozen=True, slots=True)
class BillingReference:
    """IBG-03 preceding invoice reference (mandatory on credit notes, see ibr-055-ae)."""

    id: str  # IBT-025
    issue_date: date | None = None  # IBT-026


@dataclass(frozen=True, slots=True)
class DiscrepancyResponse:
    """Credit note reason (``cac:DiscrepancyResponse``): CreditReason code list, e.g. VD."""

    response_code: str | None = None  # BTAE-03 credit note reason code
    description: str | None = None  # BTAE-04 credit note reason text


@dataclass(frozen=True, slots=True)
class ContractReference:
    """``cac:ContractDocumentReference``."""

    id: str  # IBT-012
    description: str | None = None  # BTAE-05 contract value


@dataclass(frozen=True, slots=True)
class AdditionalDocumentReference:
    """IBG-24 supporting document (also BTAE-20: ``aedtotal-incl-vat`` for foreign currency)."""

    id: str  # IBT-122
    document_type_code: str | None = None  # IBT-122-1 / BTAE-20 marker
    description: str | None = None  # IBT-123
    uri: str | None = None  # IBT-124 external document location
    embedded_content: str | None = None  # IBT-125 base64 text, kept as written
    mime_code: str | None = None  # IBT-125-1
    filename: str | None = None  # IBT-125-2


@dataclass(frozen=True, slots=True)
class Delivery:
    """IBG-13 delivery information."""

    actual_delivery_date: date | None = None  # IBT-072
    location_id: Identifier | None = None  # IBT-071 (+ -1 scheme)
    address: Address | None = None  # IBG-15
    party_name: str | None = None  # IBT-070
    delivery_terms_id: Identifier | None = None  # BTAE-22 Incoterms (schemeID "Incoterms")


@dataclass(frozen=True, slots=True)
class CardAccount:
    """IBG-18 payment card information."""

    primary_account_number_id: str  # IBT-087 (masked; only the last digits are shown)
    network_id: str
    holder_name: str | None = None  # IBT-088


@dataclass(frozen=True, slots=True)
class FinancialAccount:
    """IBG-17 credit transfer: the payee's account."""

    id: str  # IBT-084 (account id, IBAN in the UAE)
    scheme_id: str | None = None  # IBT-084-1
    name: str | None = None  # IBT-085
    branch_id: str | None = None  # IBT-086 service provider identifier


@dataclass(frozen=True, slots=True)
class PaymentMeans:
    """IBG-16 payment instructions."""

    code: str  # IBT-081 UNCL4461 payment means code
    code_name: str | None = None  # IBT-082 (``name`` attribute)
    payment_id: str | None = None  # IBT-083 remittance information
    card_account: CardAccount | None = None  # IBG-18
    payee_financial_account: FinancialAccount | None = None  # IBG-17
    mandate_id: str | None = None  # IBT-089 direct debit mandate reference


@dataclass(frozen=True, slots=True)
class TaxCategory:
    """A VAT category: ``cac:TaxCategory`` / ``cac:ClassifiedTaxCategory``.

    Codes (Aligned-TaxCategoryCodes): S standard, Z zero, E exempt, O out of scope,
    AE reverse charge, N standard rate additional VAT.
    """

    code: str  # IBT-095 / IBT-102 / IBT-118 / IBT-151
    percent: Decimal | None = None  # IBT-096 / IBT-103 / IBT-119 / IBT-152
    exemption_reason_code: str | None = None  # IBT-121 / line level (exemption reason code)
    exemption_reason: str | None = None  # IBT-120 / line level (exemption reason text)
    per_unit_amount: Decimal | None = None  # ``cbc:PerUnitAmount`` (ClassifiedTaxCategory)
    tax_scheme_id: str = "VAT"  # IBT-095-1 / IBT-102-1 / IBT-118-1 / IBT-167

    @property
    def key(self) -> tuple[str, Decimal]:
        """Grouping key of the VAT breakdown: category code and rate (missing rate = 0)."""
        return (self.code, self.percent if self.percent is not None else Decimal(0))


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """Allowance or charge: document level IBG-20 / IBG-21 (with ``tax_category``),
    line level IBG-27 / IBG-28 (``tax_category`` is ``None``)."""

    charge_indicator: bool  # false = allowance, true = charge
    amount: Decimal  # IBT-092 / IBT-099 / IBT-136 / IBT-141
    base_amount: Decimal | None = None  # IBT-093 / IBT-100 / IBT-137 / IBT-142
    multiplier_factor: Decimal | None = None  # IBT-094 / IBT-101 / IBT-138 / IBT-143 (percent)
    reason_code: str | None = None  # IBT-098 / IBT-105 / IBT-140 / IBT-145
    reason: str | None = None  # IBT-097 / IBT-104 / IBT-139 / IBT-144
    tax_category: TaxCategory | None = None  # IBT-095/096, IBT-102/103 (document level only)


@dataclass(frozen=True, slots=True)
class Price:
    """IBG-29 price details."""

    amount: Decimal  # IBT-146 item net price
    base_quantity: Decimal | None = None  # IBT-149
    base_quantity_unit_code: str | None = None  # IBT-150
    discount_amount: Decimal | None = None  # IBT-147 item price discount
    gross_amount: Decimal | None = None  # IBT-148 item gross price


@dataclass(frozen=True, slots=True)
class CommodityClassification:
    """One ``cac:CommodityClassification``."""

    item_classification_code: str | None = None  # IBT-158 (e.g. HS code)
    list_id: str | None = None  # IBT-158-1 (HS, ...)
    list_version_id: str | None = None  # IBT-158-2
    commodity_code: str | None = None  # BTAE-13 item type: G goods, S services, B both
    nature_code: str | None = None  # BTAE-09 reverse-charge goods/services type (DL8.48.3.1)


@dataclass(frozen=True, slots=True)
class ItemProperty:
    """IBG-32 item attribute."""

    name: str  # IBT-160
    value: str  # IBT-161


@dataclass(frozen=True, slots=True)
class Item:
    """IBG-31 item information and IBG-30 line VAT information."""

    name: str  # IBT-153
    classified_tax_category: TaxCategory  # IBG-30: IBT-151 code, IBT-152 rate
    description: str | None = None  # IBT-154
    buyers_item_id: str | None = None  # IBT-156
    sellers_item_id: str | None = None  # IBT-155
    standard_item_id: Identifier | None = None  # IBT-157 (+ -1 scheme, e.g. 0160 GTIN)
    additional_item_ids: tuple[Identifier, ...] = ()  # BTAE-17 service accounting code (SAC)
    origin_country_code: str | None = None  # IBT-159
    classifications: tuple[CommodityClassification, ...] = ()  # IBT-158, BTAE-13
    properties: tuple[ItemProperty, ...] = ()  # IBG-32
    lot_number_id: str | None = None  # BTAE-24 (``ItemInstance/LotIdentification``)

    @property
    def item_type(self) -> str | None:
        """BTAE-13 goods/services type of the first classification that states one."""
        for classification in self.classifications:
            if classification.commodity_code is not None:
                return classification.commodity_code
        return None


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """IBG-25 invoice line (``cac:InvoiceLine``) or credit note line (``cac:CreditNoteLine``)."""

    id: str  # IBT-126
    quantity: Decimal  # IBT-129 (InvoicedQuantity / CreditedQuantity)
    unit_code: str  # IBT-130 UN/ECE Rec 20
    line_extension_amount: Decimal  # IBT-131 line net amount, as stated
    item: Item  # IBG-31
    price: Price  # IBG-29
    note: str | None = None  # IBT-127
    accounting_cost: str | None = None  # IBT-133
    period: InvoicePeriod | None = None  # IBG-26
    order_line_id: str | None = None  # IBT-132 referenced purchase order line
    order_reference_id: str | None = None  # IBT-183 purchase order of that line
    discrepancy_responses: tuple[DiscrepancyResponse, ...] = ()  # credit note line reason
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # IBG-27 / IBG-28
    tax_amount: Decimal | None = None  # ``cac:TaxTotal/cbc:TaxAmount`` on the line
    vat_line_amount: Decimal | None = None  # BTAE-08 VAT line amount (ItemPriceExtension/TaxTotal)
    amount_with_vat: Decimal | None = None  # BTAE-10 line amount payable incl. VAT (ItemPriceExt.)


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    """IBG-23 VAT breakdown entry."""

    taxable_amount: Decimal  # IBT-116
    tax_amount: Decimal  # IBT-117
    category: TaxCategory  # IBT-118 code, IBT-119 rate, IBT-120/121 exemption reason


@dataclass(frozen=True, slots=True)
class TaxTotal:
    """``cac:TaxTotal`` in document currency."""

    tax_amount: Decimal  # IBT-110
    subtotals: tuple[TaxSubtotal, ...] = ()  # IBG-23
    tax_included_indicator: bool | None = None  # IBT-200 (``cbc:TaxIncludedIndicator``)


@dataclass(frozen=True, slots=True)
class TaxExchangeRate:
    """``cac:TaxExchangeRate``: document currency to AED (foreign currency invoices)."""

    source_currency_code: str  # the document currency (IBT-005)
    target_currency_code: str  # the tax currency (IBT-006, AED)
    calculation_rate: Decimal  # BTAE-04 exchange rate (AED per document currency unit, <= 6 dp)


@dataclass(frozen=True, slots=True)
class MonetaryTotals:
    """IBG-22 document totals (``cac:LegalMonetaryTotal``)."""

    line_extension_amount: Decimal  # IBT-106 sum of line net amounts
    tax_exclusive_amount: Decimal  # IBT-109 total without VAT
    tax_inclusive_amount: Decimal  # IBT-112 total with VAT
    payable_amount: Decimal  # IBT-115 amount due for payment
    allowance_total_amount: Decimal | None = None  # IBT-107 sum of document allowances
    charge_total_amount: Decimal | None = None  # IBT-108 sum of document charges
    prepaid_amount: Decimal | None = None  # IBT-113 paid amount
    payable_rounding_amount: Decimal | None = None  # IBT-114 rounding amount


@dataclass(frozen=True, slots=True)
class Document:
    """A PINT AE invoice or credit note (billing or self-billing)."""

    kind: DocumentKind  # root element
    customization: Customization  # IBT-024 (ProfileID IBT-023 follows from it)
    id: str  # IBT-001 invoice number
    issue_date: date  # IBT-002
    type_code: str  # IBT-003: 380/480/381/81 billing; 389/480/261/81 self-billing
    currency_code: str  # IBT-005
    seller: Party  # IBG-04
    buyer: Party  # IBG-07
    tax_total: TaxTotal  # IBT-110 + IBG-23 breakdown, in document currency
    totals: MonetaryTotals  # IBG-22
    lines: tuple[DocumentLine, ...]  # IBG-25
    transaction_type: TransactionType | None = None  # BTAE-02 ProfileExecutionID
    uuid: str | None = None  # BTAE-07
    issue_time: time | None = None  # IBT-168
    due_date: date | None = None  # IBT-009
    notes: tuple[str, ...] = ()  # IBT-022
    tax_point_date: date | None = None  # IBT-007 date of supply
    tax_currency_code: str | None = None  # IBT-006 (AED when the document currency is not AED)
    accounting_cost: str | None = None  # IBT-019
    buyer_reference: str | None = None  # IBT-010
    invoice_period: InvoicePeriod | None = None  # IBG-14 (+ BTAE-06 frequency)
    discrepancy_responses: tuple[DiscrepancyResponse, ...] = ()  # credit note reason (BTAE-03)
    order_reference: OrderReference | None = None  # IBT-013 / IBT-014
    billing_references: tuple[BillingReference, ...] = ()  # IBG-03
    despatch_document_id: str | None = None  # IBT-016
    receipt_document_id: str | None = None  # IBT-015
    statement_document_id: str | None = None  # BTAE-21
    originator_document_id: str | None = None  # IBT-017 tender or lot reference
    contract_reference: ContractReference | None = None  # IBT-012 (+ BTAE-05)
    additional_document_references: tuple[AdditionalDocumentReference, ...] = ()  # IBG-24
    project_reference_id: str | None = None  # IBT-011
    payee: Party | None = None  # IBG-10
    seller_supplier_party_id: str | None = None  # principal of a disclosed agent (BTAE-14)
    buyer_customer_party_id: str | None = None  # BTAE-01 (``BuyerCustomerParty``)
    tax_representative: Party | None = None  # IBG-11
    delivery: Delivery | None = None  # IBG-13
    payment_means: tuple[PaymentMeans, ...] = ()  # IBG-16
    payment_terms: str | None = None  # IBT-020
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # IBG-20 / IBG-21
    tax_exchange_rate: TaxExchangeRate | None = None  # currency exchange to AED
    tax_currency_tax_amount: Decimal | None = None  # IBT-111 VAT total in tax currency (AED)

    @property
    def profile_id(self) -> str:
        """IBT-023."""
        return self.customization.profile_id

    @property
    def is_credit_note(self) -> bool:
        return self.kind is DocumentKind.CREDIT_NOTE

    @property
    def allowances(self) -> tuple[AllowanceCharge, ...]:
        """Document-level allowances (IBG-20)."""
        return tuple(ac for ac in self.allowances_charges if not ac.charge_indicator)

    @property
    def charges(self) -> tuple[AllowanceCharge, ...]:
        """Document-level charges (IBG-21)."""
        return tuple(ac for ac in self.allowances_charges if ac.charge_indicator)
