"""ORM <-> PINT AE document model.

:func:`invoice_to_document` turns a stored invoice or credit note into the pure
:class:`~involinks.invoicing.document.Document` that the UBL builder writes. It reads only what is
stored: the party snapshots, the lines and allowances/charges, and the totals computed by
``invoicing.totals`` at save time (no arithmetic here).

Party snapshots are plain JSON dicts (:func:`seller_snapshot`, :func:`buyer_snapshot`) copied at
finalize, so a finalized document renders the same for ever.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from involinks.companies.models import Company
from involinks.core.types import UAE_TIME
from involinks.customers.models import UAE, UAE_ENDPOINT_SCHEME, Customer
from involinks.invoicing.document import (
    AdditionalDocumentReference,
    Address,
    AllowanceCharge,
    BillingReference,
    CommodityClassification,
    Contact,
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
from involinks.invoicing.models import AED, Invoice, InvoiceAllowanceCharge, InvoiceLine

PartySnapshot = dict[str, Any]

_ONE = Decimal(1)
_NO_DISCOUNT = Decimal("0.00")
LINE_DISCOUNT_REASON_CODE = "95"  # UNCL 5189: Discount
AED_TOTAL_MARKER = "aedtotal-incl-vat"  # BTAE-20 document type code
VOLUME_DISCOUNT = "VD"  # CreditReason code


# --- snapshots -------------------------------------------------------------------------------


def seller_snapshot(company: Company) -> PartySnapshot:
    """The seller party (IBG-04) as it stands now."""
    return {
        "legal_name": company.legal_name,
        "trade_name": None,
        "trn": company.trn,
        "vat_registered": True,
        "peppol_id": company.peppol_id or f"{UAE_ENDPOINT_SCHEME}:{company.tin}",
        "email": company.email,
        "phone": company.phone,
        "contact_name": None,
        "address": {
            "line1": company.address_line1,
            "line2": company.address_line2,
            "city": company.city,
            "postal_code": None,
            "emirate": company.emirate,
            "subdivision": None,
            "country": company.country,
        },
        "legal_registration": {
            "type": company.legal_registration_type,
            "id": company.legal_registration_id,
            "authority": company.legal_registration_authority,
            "issuing_country": None,
        },
    }


def buyer_snapshot(customer: Customer) -> PartySnapshot:
    """The buyer party (IBG-07) as it stands now."""
    registration = customer.legal_registration
    return {
        "customer_id": str(customer.id),
        "legal_name": customer.legal_name,
        "trade_name": customer.trade_name,
        "trn": customer.trn if customer.vat_registered else None,
        "vat_registered": customer.vat_registered,
        "peppol_id": customer.peppol_id,
        "email": customer.email,
        "phone": customer.phone,
        "contact_name": customer.contact_name,
        "address": {
            "line1": customer.address_line1,
            "line2": customer.address_line2,
            "city": customer.city,
            "postal_code": customer.postal_code,
            "emirate": customer.emirate,
            "subdivision": customer.subdivision,
            "country": customer.country,
        },
        "legal_registration": (
            {
                "type": registration.type,
                "id": registration.id,
                "authority": registration.authority,
                "issuing_country": registration.issuing_country,
            }
            if registration
            else None
        ),
    }


def _endpoint(peppol_id: str | None) -> Identifier | None:
    if not peppol_id or ":" not in peppol_id:
        return None
    scheme, value = peppol_id.split(":", 1)
    return Identifier(value=value, scheme_id=scheme)


def _address(data: Mapping[str, Any]) -> Address:
    country = data.get("country")
    return Address(
        street_name=data.get("line1"),
        additional_street_name=data.get("line2"),
        city_name=data.get("city"),
        postal_zone=data.get("postal_code"),
        country_subentity=data.get("emirate") if country == UAE else data.get("subdivision"),
        country_code=country,
    )


def _legal_registration(data: Mapping[str, Any] | None) -> LegalRegistration | None:
    if not data or not data.get("id"):
        return None
    # A passport names its issuing country where other types name the authority
    # (official example Buyer-PAS-identifier.xml: schemeAgencyID="PAS" schemeAgencyName="IN").
    agency_name = (
        data.get("issuing_country") if data.get("type") == "PAS" else data.get("authority")
    )
    return LegalRegistration(
        value=data["id"], scheme_agency_id=data.get("type"), scheme_agency_name=agency_name
    )


def party_from_snapshot(snapshot: Mapping[str, Any]) -> Party:
    contact_fields = (snapshot.get("contact_name"), snapshot.get("phone"), snapshot.get("email"))
    trn = snapshot.get("trn")
    return Party(
        endpoint=_endpoint(snapshot.get("peppol_id")),
        name=snapshot.get("trade_name"),
        postal_address=_address(snapshot.get("address") or {}),
        tax_schemes=(PartyTaxScheme(company_id=trn),) if trn else (),
        registration_name=snapshot.get("legal_name"),
        legal_registration=_legal_registration(snapshot.get("legal_registration")),
        contact=Contact(*contact_fields) if any(contact_fields) else None,
    )


# --- document ----------------------------------------------------------------------------------


def _line(line: InvoiceLine) -> DocumentLine:
    classifications: list[CommodityClassification] = []
    if line.item_type or line.classification_code:
        classifications.append(
            CommodityClassification(
                item_classification_code=line.classification_code,
                list_id="HS" if line.classification_code else None,  # ibr-188-ae
                commodity_code=line.item_type,
            )
        )
    if line.rcm_goods_type:
        classifications.append(CommodityClassification(nature_code=line.rcm_goods_type))
    allowances: tuple[AllowanceCharge, ...] = ()
    if line.discount_amount:
        allowances = (
            AllowanceCharge(
                charge_indicator=False,
                amount=line.discount_amount,
                reason=line.discount_reason or "Discount",
                reason_code=LINE_DISCOUNT_REASON_CODE,
            ),
        )
    return DocumentLine(
        id=str(line.position),
        quantity=line.quantity,
        unit_code=line.unit_code,
        line_extension_amount=line.line_extension_amount,
        item=Item(
            name=line.item_name,
            classified_tax_category=TaxCategory(
                code=line.vat_category,
                percent=line.vat_rate,
                exemption_reason_code=line.exemption_reason_code,
                exemption_reason=line.exemption_reason,
            ),
            description=line.description,
            sellers_item_id=line.sellers_item_id,
            standard_item_id=(
                Identifier(line.standard_item_id, "0160") if line.standard_item_id else None
            ),
            additional_item_ids=(
                (Identifier(line.service_accounting_code, "SAC"),)  # ibr-189-ae
                if line.service_accounting_code
                else ()
            ),
            classifications=tuple(classifications),
        ),
        # ibr-126-ae: base quantity and gross price are always stated; the gross price goes
        # with a price discount (cac:Price/cac:AllowanceCharge), 0 here: the net price is given.
        price=Price(
            amount=line.unit_price,
            base_quantity=_ONE,
            base_quantity_unit_code=line.unit_code,
            discount_amount=_NO_DISCOUNT,
            gross_amount=line.unit_price,
        ),
        note=line.note,
        allowances_charges=allowances,
        vat_line_amount=line.vat_amount,
        amount_with_vat=line.amount_with_vat,
    )


def _allowance_charge(ac: InvoiceAllowanceCharge) -> AllowanceCharge:
    return AllowanceCharge(
        charge_indicator=ac.is_charge,
        amount=ac.amount,
        base_amount=ac.base_amount,
        multiplier_factor=ac.percentage,
        reason_code=ac.reason_code,
        reason=ac.reason,
        tax_category=TaxCategory(
            code=ac.vat_category,
            percent=ac.vat_rate,
            exemption_reason_code=ac.exemption_reason_code,
            exemption_reason=ac.exemption_reason,
        ),
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _tax_total(invoice: Invoice) -> TaxTotal:
    subtotals = []
    for entry in invoice.vat_breakdown:
        subtotals.append(
            TaxSubtotal(
                taxable_amount=Decimal(entry["taxable_amount"]),
                tax_amount=Decimal(entry["tax_amount"]),
                category=TaxCategory(
                    code=entry["category"],
                    percent=_decimal(entry.get("rate")),
                    exemption_reason_code=entry.get("exemption_reason_code"),
                    exemption_reason=entry.get("exemption_reason"),
                ),
            )
        )
    return TaxTotal(tax_amount=invoice.tax_amount, subtotals=tuple(subtotals))


def _delivery(data: Mapping[str, Any] | None) -> Delivery | None:
    if not data:
        return None
    has_address = any(data.get(key) for key in ("line1", "city", "country"))
    delivered = data.get("delivery_date")
    incoterms = data.get("incoterms")
    return Delivery(
        actual_delivery_date=date.fromisoformat(delivered) if delivered else None,
        address=_address(data) if has_address else None,
        delivery_terms_id=Identifier(incoterms, "Incoterms") if incoterms else None,
    )


def invoice_to_document(
    invoice: Invoice,
    *,
    seller: Mapping[str, Any] | None = None,
    buyer: Mapping[str, Any] | None = None,
) -> Document:
    """The PINT AE document of a stored invoice or credit note.

    Needs ``invoice.lines`` and ``invoice.allowances_charges`` loaded (``repository.get`` does).
    The parties come from the snapshots taken at finalize; for a draft pass ``seller`` / ``buyer``
    snapshots (``invoicing.service.to_document`` does), else :class:`ValueError`.
    """
    seller_data = seller if seller is not None else invoice.seller_snapshot
    buyer_data = buyer if buyer is not None else invoice.buyer_snapshot
    if seller_data is None or buyer_data is None:
        raise ValueError("a draft has no party snapshots: pass seller and buyer")
    foreign = invoice.currency != AED
    issue_time = None
    if invoice.finalized_at is not None:
        local = invoice.finalized_at.astimezone(UAE_TIME)
        issue_time = time(local.hour, local.minute, local.second, tzinfo=UAE_TIME)
    period = None
    if invoice.period_start or invoice.period_end or invoice.billing_frequency:
        period = InvoicePeriod(
            start_date=invoice.period_start,
            end_date=invoice.period_end,
            description_code=invoice.billing_frequency,
        )
    billing_references: tuple[BillingReference, ...] = ()
    # ibr-055-ae as coded refuses the preceding-invoice reference on a volume discount (VD)
    # credit note (upstream defect, see the reference README): leave it out there.
    if invoice.credited_invoice_number and invoice.credit_reason_code != VOLUME_DISCOUNT:
        billing_references = (
            BillingReference(
                id=invoice.credited_invoice_number, issue_date=invoice.credited_invoice_issue_date
            ),
        )
    additional: tuple[AdditionalDocumentReference, ...] = ()
    if foreign:
        # BTAE-20, as in the official Exports.xml: "AED 913621.44".
        additional = (
            AdditionalDocumentReference(
                id=AED,
                document_type_code=AED_TOTAL_MARKER,
                description=f"{AED} {invoice.tax_inclusive_amount_aed}",
            ),
        )
    account = None
    if invoice.payment_account_id:
        account = FinancialAccount(id=invoice.payment_account_id, name=invoice.payment_account_name)
    has_allowances = any(not ac.is_charge for ac in invoice.allowances_charges)
    has_charges = any(ac.is_charge for ac in invoice.allowances_charges)
    return Document(
        kind=DocumentKind.CREDIT_NOTE if invoice.is_credit_note else DocumentKind.INVOICE,
        customization=Customization.BILLING,
        id=invoice.number or f"DRAFT-{invoice.id.hex[:8].upper()}",
        issue_date=invoice.issue_date,
        type_code=invoice.type_code,
        currency_code=invoice.currency,
        seller=party_from_snapshot(seller_data),
        buyer=party_from_snapshot(buyer_data),
        tax_total=_tax_total(invoice),
        totals=MonetaryTotals(
            line_extension_amount=invoice.line_extension_amount,
            tax_exclusive_amount=invoice.tax_exclusive_amount,
            tax_inclusive_amount=invoice.tax_inclusive_amount,
            payable_amount=invoice.payable_amount,
            allowance_total_amount=invoice.allowance_total_amount if has_allowances else None,
            charge_total_amount=invoice.charge_total_amount if has_charges else None,
        ),
        lines=tuple(_line(line) for line in invoice.lines),
        transaction_type=TransactionType.from_code(invoice.transaction_type_code),
        uuid=str(invoice.id),
        issue_time=issue_time,
        due_date=invoice.due_date,
        notes=tuple(invoice.notes or ()),
        tax_point_date=invoice.supply_date,
        tax_currency_code=AED if foreign else None,
        buyer_reference=invoice.buyer_reference,
        invoice_period=period,
        discrepancy_responses=(
            (DiscrepancyResponse(invoice.credit_reason_code, invoice.credit_reason),)
            if invoice.is_credit_note and invoice.credit_reason_code
            else ()
        ),
        order_reference=(
            OrderReference(id=invoice.purchase_order_reference)
            if invoice.purchase_order_reference
            else None
        ),
        billing_references=billing_references,
        additional_document_references=additional,
        seller_supplier_party_id=invoice.principal_id,
        buyer_customer_party_id=invoice.beneficiary_id,
        delivery=_delivery(invoice.delivery),
        payment_means=(
            PaymentMeans(
                code=invoice.payment_means_code,
                payment_id=invoice.payment_id,
                payee_financial_account=account,
            ),
        ),
        payment_terms=invoice.payment_terms,
        allowances_charges=tuple(_allowance_charge(ac) for ac in invoice.allowances_charges),
        tax_exchange_rate=(
            TaxExchangeRate(invoice.currency, AED, invoice.exchange_rate)
            if foreign and invoice.exchange_rate is not None
            else None
        ),
        tax_currency_tax_amount=invoice.tax_amount_aed if foreign else None,
    )
