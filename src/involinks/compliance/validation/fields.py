"""Map a failed rule to the invoice-form field it concerns.

The form vocabulary (dotted paths, list indexes 0-based like Pydantic's ``loc``):

* document: ``customization``, ``number``, ``uuid``, ``issue_date``, ``issue_time``, ``due_date``,
  ``type_code``, ``transaction_type``, ``notes``, ``tax_point_date``, ``currency``,
  ``tax_currency``, ``exchange_rate``, ``accounting_cost``, ``buyer_reference``,
  ``invoice_period`` (``.start_date``, ``.end_date``, ``.frequency``), ``purchase_order``,
  ``billing_reference``, ``credit_note_reason``, ``contract_reference``, ``project_reference``,
  ``attachments[i]``, ``principal_id``, ``beneficiary_id``, ``payment_terms``,
  ``payment_means[i]`` (``.code``, ``.account_id``, ``.card``), ``delivery`` (``.date``,
  ``.address…``, ``.incoterms``), ``allowances_charges[i]`` (``.amount``, ``.base_amount``,
  ``.percent``, ``.reason``, ``.reason_code``, ``.vat_category``, ``.vat_rate``,
  ``.exemption_reason``);
* parties ``seller``, ``buyer``, ``payee``, ``tax_representative``: ``.name`` (legal name),
  ``.trade_name``, ``.trn``, ``.tin``, ``.endpoint``, ``.identifier``, ``.legal_registration``,
  ``.legal_registration_type``, ``.legal_registration_authority``, ``.passport_country``,
  ``.legal_form``, ``.contact``, ``.address`` (``.street``, ``.additional_street``, ``.city``,
  ``.postal_code``, ``.emirate``, ``.address_line``, ``.country``);
* lines ``lines[i]``: ``.quantity``, ``.unit_code``, ``.net_amount``, ``.note``, ``.period``,
  ``.order_line``, ``.item_name``, ``.description``, ``.vat_category``, ``.vat_rate``,
  ``.exemption_reason``, ``.exemption_reason_code``, ``.unit_price``, ``.gross_price``,
  ``.price_discount``, ``.base_quantity``, ``.vat_amount`` (BTAE-08), ``.amount_with_vat``
  (BTAE-10), ``.item_type``, ``.classification_code``, ``.service_accounting_code``,
  ``.goods_service_type``, ``.standard_item_id``, ``.origin_country``, ``.item_properties``,
  ``.allowances_charges[j]…``;
* totals: ``totals.line_extension_amount``, ``.tax_exclusive_amount``, ``.tax_inclusive_amount``,
  ``.allowance_total_amount``, ``.charge_total_amount``, ``.prepaid_amount``,
  ``.rounding_amount``, ``.payable_amount``, ``.vat_amount``, ``.vat_amount_aed``,
  ``.vat_breakdown`` / ``.vat_breakdown[i]``.

Two sources, tried in order: a table of rule ids whose Schematron context is wider than the
field (e.g. ``ibr-134-ae`` fires on the root but concerns ``seller.trn``), then the location path
itself. Entries starting with ``.`` are relative to the nearest line / allowance-charge / VAT
breakdown entry of the location (``.quantity`` on ``/Invoice/cac:InvoiceLine[3]`` gives
``lines[2].quantity``). Anything else falls back to ``None``.
"""

from __future__ import annotations

from involinks.compliance.validation.paths import Step

__all__ = ["field_for"]

_PARTIES = {
    "AccountingSupplierParty": "seller",
    "AccountingCustomerParty": "buyer",
    "PayeeParty": "payee",
    "TaxRepresentativeParty": "tax_representative",
}
_LINES = frozenset({"InvoiceLine", "CreditNoteLine"})

_ADDRESS = {
    "StreetName": "street",
    "AdditionalStreetName": "additional_street",
    "CityName": "city",
    "PostalZone": "postal_code",
    "CountrySubentity": "emirate",
    "AddressLine": "address_line",
    "Country": "country",
}

_DOCUMENT = {
    "CustomizationID": "customization",
    "ProfileID": "customization",
    "ProfileExecutionID": "transaction_type",
    "ID": "number",
    "UUID": "uuid",
    "IssueDate": "issue_date",
    "IssueTime": "issue_time",
    "DueDate": "due_date",
    "InvoiceTypeCode": "type_code",
    "CreditNoteTypeCode": "type_code",
    "Note": "notes",
    "TaxPointDate": "tax_point_date",
    "DocumentCurrencyCode": "currency",
    "TaxCurrencyCode": "tax_currency",
    "AccountingCost": "accounting_cost",
    "BuyerReference": "buyer_reference",
    "OrderReference": "purchase_order",
    "BillingReference": "billing_reference",
    "DiscrepancyResponse": "credit_note_reason",
    "ContractDocumentReference": "contract_reference",
    "ProjectReference": "project_reference",
    "SellerSupplierParty": "principal_id",
    "BuyerCustomerParty": "beneficiary_id",
    "PaymentTerms": "payment_terms",
    "TaxExchangeRate": "exchange_rate",
}

_TOTALS = {
    "LineExtensionAmount": "totals.line_extension_amount",
    "TaxExclusiveAmount": "totals.tax_exclusive_amount",
    "TaxInclusiveAmount": "totals.tax_inclusive_amount",
    "AllowanceTotalAmount": "totals.allowance_total_amount",
    "ChargeTotalAmount": "totals.charge_total_amount",
    "PrepaidAmount": "totals.prepaid_amount",
    "PayableRoundingAmount": "totals.rounding_amount",
    "PayableAmount": "totals.payable_amount",
}

_ALLOWANCE_CHARGE = {
    "Amount": "amount",
    "BaseAmount": "base_amount",
    "MultiplierFactorNumeric": "percent",
    "AllowanceChargeReason": "reason",
    "AllowanceChargeReasonCode": "reason_code",
}

_TAX_CATEGORY = {
    "Percent": "vat_rate",
    "TaxExemptionReason": "exemption_reason",
    "TaxExemptionReasonCode": "exemption_reason_code",
}

# Rules whose context node is wider (or other) than the field they are about.
_RULES: dict[str, str] = {
    # document header
    "ibr-001": "customization",
    "ibr-sr-63": "customization",
    "ibr-076": "customization",
    "aligned-ibrp-001-ae": "customization",
    "aligned-ibrp-002-ae": "customization",
    "ibr-002": "number",
    "ibr-003": "issue_date",
    "ibr-004": "type_code",
    "ibr-005": "currency",
    "ibr-016": "lines",
    "ibr-097": "invoice_period",
    "ibr-sr-49": "tax_point_date",
    "ibr-sr-51": "notes",
    "ibr-094": "contract_reference",
    "ibr-095": "receipt_reference",
    "ibr-096": "despatch_reference",
    "ibr-090": "project_reference",
    "ibr-sr-39": "project_reference",
    "ibr-107": "delivery",
    "ibr-066": "payment_means",
    "ibr-067": "payment_means",
    "ibr-193-ae": "uuid",
    "ibr-154-ae": "transaction_type",
    "ibr-157-ae": "transaction_type",
    "ibr-007-ae": "beneficiary_id",
    "ibr-137-ae": "principal_id",
    "ibr-176-ae": "principal_id",
    "ibr-138-ae": "invoice_period",
    "ibr-141-ae": "tax_point_date",
    "ibr-124-ae": "tax_point_date",
    "ibr-127-ae": "due_date",
    "ibr-055-ae": "billing_reference",
    "ibr-158-ae": "credit_note_reason",
    "ibr-001-ae": "credit_note_reason",
    "ibr-160-ae": "notes",
    "ibr-140-ae": "tax_currency",
    "ibr-153-ae": "exchange_rate",
    "ibr-159-ae": "exchange_rate",
    "ibr-002-ae": "exchange_rate",
    "ibr-005-ae": "invoice_period.frequency",
    "ibr-191-ae": "payment_means",
    "ibr-192-ae": "payment_means.account_id",
    "ibr-142-ae": "delivery.address",
    "ibr-152-ae": "delivery.address",
    "ibr-196-ae": "delivery.incoterms",
    "ibr-105-ae": "lines",
    "ibr-116-ae": "lines",
    "ibr-151-ae": "lines",
    "ibr-122-ae": "allowances_charges",
    # seller
    "ibr-006": "seller.name",
    "ibr-098": "seller.name",
    "ibr-099": "seller.trade_name",
    "ibr-100": "seller.legal_registration",
    "ibr-101": "seller.legal_form",
    "ibr-008": "seller.address",
    "ibr-009": "seller.address.country",
    "ibr-143-ae": "seller.address",
    "ibr-081": "seller.endpoint",
    "ibr-062": "seller.endpoint",
    "ibr-134-ae": "seller.trn",
    "ibr-177-ae": "seller.trn",
    "aligned-ibrp-sr-12": "seller.trn",
    "ibr-178-ae": "seller.tin",
    "ibr-148-ae": "seller.tin",
    "ibr-150-ae": "seller.legal_registration",
    "ibr-173-ae": "seller.legal_registration_type",
    "ibr-181-ae": "seller.legal_registration_type",
    "ibr-172-ae": "seller.legal_registration_authority",
    "ibr-012-ae": "seller.passport_country",
    "ibr-013-ae": "seller.passport_country",
    "ibr-co-26": "seller.identifier",
    # buyer
    "ibr-007": "buyer.name",
    "ibr-102": "buyer.name",
    "ibr-112": "buyer.trade_name",
    "ibr-103": "buyer.legal_registration",
    "ibr-104": "buyer.trn",
    "ibr-sr-16": "buyer.identifier",
    "ibr-010": "buyer.address",
    "ibr-011": "buyer.address.country",
    "ibr-144-ae": "buyer.address",
    "ibr-080": "buyer.endpoint",
    "ibr-063": "buyer.endpoint",
    "ibr-135-ae": "buyer.trn",
    "ibr-179-ae": "buyer.trn",
    "ibr-103-ae": "buyer.trn",
    "ibr-136-ae": "buyer.legal_registration",
    "ibr-149-ae": "buyer.legal_registration",
    "ibr-180-ae": "buyer.legal_registration_type",
    "ibr-183-ae": "buyer.legal_registration_type",
    "ibr-101-ae": "buyer.legal_registration_authority",
    "ibr-010-ae": "buyer.passport_country",
    "ibr-011-ae": "buyer.passport_country",
    # payee / tax representative
    "ibr-017": "payee.name",
    "ibr-sr-19": "payee.name",
    "ibr-105": "payee.identifier",
    "ibr-106": "payee.legal_registration",
    "ibr-018": "tax_representative.name",
    "ibr-sr-22": "tax_representative.name",
    "ibr-019": "tax_representative.address",
    "ibr-020": "tax_representative.address.country",
    "ibr-056": "tax_representative.trn",
    "ibr-sr-23": "tax_representative.trn",
    # totals
    "ibr-012": "totals.line_extension_amount",
    "ibr-co-10": "totals.line_extension_amount",
    "ibr-013": "totals.tax_exclusive_amount",
    "ibr-123": "totals.tax_exclusive_amount",
    "ibr-co-13": "totals.tax_exclusive_amount",
    "ibr-014": "totals.tax_inclusive_amount",
    "ibr-125": "totals.tax_inclusive_amount",
    "ibr-co-15": "totals.tax_inclusive_amount",
    "ibr-015": "totals.payable_amount",
    "ibr-091": "totals.payable_amount",
    "ibr-co-16": "totals.payable_amount",
    "ibr-121": "totals.allowance_total_amount",
    "ibr-co-11": "totals.allowance_total_amount",
    "ibr-122": "totals.charge_total_amount",
    "ibr-co-12": "totals.charge_total_amount",
    "ibr-093": "totals.prepaid_amount",
    "ibr-124": "totals.vat_amount",
    "ibr-co-14": "totals.vat_amount",
    "ibr-053": "totals.vat_amount_aed",
    "ibr-084": "totals.vat_amount_aed",
    "ibr-175-ae": "totals.vat_amount_aed",
    "aligned-ibrp-s-01": "totals.vat_breakdown",
    "aligned-ibrp-z-01": "totals.vat_breakdown",
    "aligned-ibrp-e-01": "totals.vat_breakdown",
    "aligned-ibrp-o-01": "totals.vat_breakdown",
    "aligned-ibrp-ae-01-ae": "totals.vat_breakdown",
    "ibr-190-ae": "lines",
    # line level (relative to the line)
    "ibr-022": ".quantity",
    "ibr-023": ".unit_code",
    "ibr-024": ".net_amount",
    "ibr-147-ae": ".net_amount",
    "ibr-025": ".item_name",
    "ibr-026": ".unit_price",
    "ibr-027": ".unit_price",
    "aligned-ibrp-004": ".unit_price",
    "ibr-028": ".gross_price",
    "ibr-126-ae": ".gross_price",
    "ibr-087": ".base_quantity",
    "ibr-088": ".base_quantity",
    "ibr-083": ".price_discount",
    "ibr-111": ".price_discount",
    "ibr-109": ".order_line",
    "ibr-110": ".period",
    "ibr-sr-34": ".note",
    "ibr-sr-50": ".description",
    "ibr-125-ae": ".description",
    "ibr-sr-38": ".exemption_reason",
    "ibr-sr-58": ".vat_category",
    "ibr-145-ae": ".vat_category",
    "ibr-123-ae": ".vat_category",
    "ibr-111-ae": ".vat_rate",
    "aligned-ibrp-s-05": ".vat_rate",
    "aligned-ibrp-z-05": ".vat_rate",
    "aligned-ibrp-e-05": ".vat_rate",
    "aligned-ibrp-o-05": ".vat_rate",
    "aligned-ibrp-ae-05-ae": ".vat_rate",
    "ibr-167-ae": ".exemption_reason_code",
    "ibr-104-ae": ".amount_with_vat",
    "ibr-194-ae": ".amount_with_vat",
    "ibr-162-ae": ".vat_amount",
    "ibr-163-ae": ".vat_amount",
    "ibr-165-ae": ".vat_amount",
    "ibr-166-ae": ".goods_service_type",
    "ibr-006-ae": ".goods_service_type",
    "ibr-174-ae": ".standard_item_id",
    "ibr-184-ae": ".classification_code",
    "ibr-186-ae": ".classification_code",
    "ibr-187-ae": ".classification_code",
    "ibr-188-ae": ".classification_code",
    "ibr-185-ae": ".service_accounting_code",
    "ibr-189-ae": ".service_accounting_code",
    # allowance / charge (document or line level, relative to the allowance/charge)
    "ibr-031": ".amount",
    "ibr-036": ".amount",
    "ibr-041": ".amount",
    "ibr-043": ".amount",
    "ibr-131-ae": ".amount",
    "ibr-146-ae": ".amount",
    "ibr-033": ".reason",
    "ibr-038": ".reason",
    "ibr-042": ".reason",
    "ibr-044": ".reason",
    "ibr-sr-30": ".reason",
    "ibr-sr-31": ".reason",
    "aligned-ibrp-057": ".percent",
    "aligned-ibrp-058": ".percent",
    "aligned-ibrp-032": ".vat_category",
    "aligned-ibrp-037": ".vat_category",
    "ibr-114-ae": ".vat_category",
    "ibr-115-ae": ".vat_category",
    "ibr-168-ae": ".exemption_reason",
    "ibr-169-ae": ".exemption_reason",
    "aligned-ibrp-s-06": ".vat_rate",
    "aligned-ibrp-s-07": ".vat_rate",
    "aligned-ibrp-z-06": ".vat_rate",
    "aligned-ibrp-z-07": ".vat_rate",
    "aligned-ibrp-e-06": ".vat_rate",
    "aligned-ibrp-e-07": ".vat_rate",
    "aligned-ibrp-o-06": ".vat_rate",
    "aligned-ibrp-o-07": ".vat_rate",
    "aligned-ibrp-ae-06": ".vat_rate",
    "aligned-ibrp-ae-07": ".vat_rate",
}


# Rules on a whole address that are about one of its parts.
_ADDRESS_PART_RULES = {"ibr-128-ae": "emirate"}


def field_for(rule_id: str, steps: tuple[Step, ...]) -> str | None:
    """The form field for a rule failing at ``steps`` (root first), or ``None``."""
    part = _ADDRESS_PART_RULES.get(rule_id)
    if part is not None:
        container = _field_from_path(steps)
        return f"{container}.{part}" if container is not None else None
    mapped = _RULES.get(rule_id)
    if mapped is not None:
        if not mapped.startswith("."):
            return mapped
        anchor = _anchor(steps)
        return anchor + mapped if anchor is not None else None
    return _field_from_path(steps)


def _anchor(steps: tuple[Step, ...]) -> str | None:
    """The innermost list entry (line, allowance/charge, VAT breakdown) on the path."""
    anchor: str | None = None
    in_price = False
    for step in steps[1:]:
        index = (step.position or 1) - 1
        if step.local in _LINES:
            anchor = f"lines[{index}]"
        elif step.local == "Price":
            in_price = True
        elif step.local == "AllowanceCharge" and not in_price:
            prefix = f"{anchor}." if anchor is not None else ""
            anchor = f"{prefix}allowances_charges[{index}]"
        elif step.local == "TaxSubtotal" and anchor is None:
            anchor = f"totals.vat_breakdown[{index}]"
    return anchor


def _field_from_path(steps: tuple[Step, ...]) -> str | None:
    rel = [step for step in steps[1:] if not step.local.startswith("@")]
    if not rel:
        return None
    head, rest = rel[0], rel[1:]
    index = (head.position or 1) - 1
    name = head.local
    if name in _PARTIES:
        party_rest = rest[1:] if rest and rest[0].local == "Party" else rest
        return _party(_PARTIES[name], party_rest)
    if name in _LINES:
        return _line(f"lines[{index}]", rest)
    if name == "LegalMonetaryTotal":
        return _TOTALS.get(rest[0].local, "totals") if rest else "totals"
    if name == "TaxTotal":
        return _tax_total(head, rest)
    if name == "AllowanceCharge":
        return _allowance_charge(f"allowances_charges[{index}]", rest)
    if name == "PaymentMeans":
        return _payment_means(f"payment_means[{index}]", rest)
    if name == "InvoicePeriod":
        return _period("invoice_period", rest)
    if name == "Delivery":
        return _delivery(rest)
    if name == "AdditionalDocumentReference":
        return f"attachments[{index}]"
    if name == "DespatchDocumentReference":
        return "despatch_reference"
    if name == "ReceiptDocumentReference":
        return "receipt_reference"
    return _DOCUMENT.get(name)


def _party(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return prefix
    name = rest[0].local
    tail = rest[1:]
    if name == "EndpointID":
        return f"{prefix}.endpoint"
    if name == "PartyIdentification":
        return f"{prefix}.identifier"
    if name == "PartyName":
        return f"{prefix}.trade_name"
    if name == "PostalAddress":
        return _address(f"{prefix}.address", tail)
    if name == "PartyTaxScheme":
        return f"{prefix}.trn"
    if name == "PartyLegalEntity":
        sub = tail[0].local if tail else None
        if sub == "RegistrationName":
            return f"{prefix}.name"
        if sub == "CompanyLegalForm":
            return f"{prefix}.legal_form"
        return f"{prefix}.legal_registration"
    if name == "Contact":
        return f"{prefix}.contact"
    return prefix


def _address(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return prefix
    sub = _ADDRESS.get(rest[0].local)
    return f"{prefix}.{sub}" if sub else prefix


def _period(prefix: str, rest: list[Step]) -> str:
    sub = {"StartDate": "start_date", "EndDate": "end_date", "DescriptionCode": "frequency"}
    if rest and rest[0].local in sub:
        return f"{prefix}.{sub[rest[0].local]}"
    return prefix


def _delivery(rest: list[Step]) -> str:
    if not rest:
        return "delivery"
    name = rest[0].local
    if name == "ActualDeliveryDate":
        return "delivery.date"
    if name == "DeliveryLocation":
        tail = rest[1:]
        if tail and tail[0].local == "Address":
            return _address("delivery.address", tail[1:])
        return "delivery.location"
    if name == "DeliveryParty":
        return "delivery.party_name"
    return "delivery"


def _tax_total(head: Step, rest: list[Step]) -> str:
    # The second cac:TaxTotal of a foreign-currency document is the one in AED (IBT-111).
    if (head.position or 1) > 1:
        return "totals.vat_amount_aed"
    if rest and rest[0].local == "TaxSubtotal":
        return f"totals.vat_breakdown[{(rest[0].position or 1) - 1}]"
    return "totals.vat_amount"


def _allowance_charge(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return prefix
    name = rest[0].local
    if name == "TaxCategory":
        tail = rest[1:]
        if tail and tail[0].local in _TAX_CATEGORY:
            return f"{prefix}.{_TAX_CATEGORY[tail[0].local]}"
        return f"{prefix}.vat_category"
    sub = _ALLOWANCE_CHARGE.get(name)
    return f"{prefix}.{sub}" if sub else prefix


def _payment_means(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return prefix
    name = rest[0].local
    if name == "PaymentMeansCode":
        return f"{prefix}.code"
    if name == "PayeeFinancialAccount":
        return f"{prefix}.account_id"
    if name == "CardAccount":
        return f"{prefix}.card"
    return prefix


def _line(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return prefix
    head, tail = rest[0], rest[1:]
    name = head.local
    simple = {
        "InvoicedQuantity": "quantity",
        "CreditedQuantity": "quantity",
        "LineExtensionAmount": "net_amount",
        "Note": "note",
        "AccountingCost": "accounting_cost",
        "OrderLineReference": "order_line",
    }
    if name in simple:
        return f"{prefix}.{simple[name]}"
    if name == "InvoicePeriod":
        return _period(f"{prefix}.period", tail)
    if name == "AllowanceCharge":
        return _allowance_charge(f"{prefix}.allowances_charges[{(head.position or 1) - 1}]", tail)
    if name == "Item":
        return _item(prefix, tail)
    if name == "Price":
        return _price(prefix, tail)
    if name == "ItemPriceExtension":
        if tail and tail[0].local == "TaxTotal":
            return f"{prefix}.vat_amount"
        return f"{prefix}.amount_with_vat"
    return prefix


def _item(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return f"{prefix}.item_name"
    name = rest[0].local
    tail = rest[1:]
    if name == "ClassifiedTaxCategory":
        if tail and tail[0].local in _TAX_CATEGORY:
            return f"{prefix}.{_TAX_CATEGORY[tail[0].local]}"
        return f"{prefix}.vat_category"
    if name == "CommodityClassification":
        sub = tail[0].local if tail else None
        if sub == "CommodityCode":
            return f"{prefix}.item_type"
        if sub == "NatureCode":
            return f"{prefix}.goods_service_type"
        return f"{prefix}.classification_code"
    simple = {
        "Name": "item_name",
        "Description": "description",
        "StandardItemIdentification": "standard_item_id",
        "AdditionalItemIdentification": "service_accounting_code",
        "OriginCountry": "origin_country",
        "AdditionalItemProperty": "item_properties",
    }
    return f"{prefix}.{simple.get(name, 'item_name')}"


def _price(prefix: str, rest: list[Step]) -> str:
    if not rest:
        return f"{prefix}.unit_price"
    name = rest[0].local
    tail = rest[1:]
    if name == "BaseQuantity":
        return f"{prefix}.base_quantity"
    if name == "AllowanceCharge":
        if tail and tail[0].local == "BaseAmount":
            return f"{prefix}.gross_price"
        return f"{prefix}.price_discount"
    return f"{prefix}.unit_price"
