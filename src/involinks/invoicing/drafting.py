"""From request input to stored rows: lines and allowances/charges with their VAT rates, the
totals of ``invoicing.totals`` written onto the document, and the PINT AE checks that need the
whole document before it is finalized (rule ids in the comments).

No session here: ``invoicing.service`` loads, locks and flushes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from involinks.companies.models import Company
from involinks.customers.models import Customer
from involinks.invoicing import totals
from involinks.invoicing.document import TransactionType
from involinks.invoicing.exceptions import InvalidDocument
from involinks.invoicing.models import AED, Invoice, InvoiceAllowanceCharge, InvoiceLine
from involinks.invoicing.schemas import (
    AllowanceChargeIn,
    DeliveryIn,
    DocumentInput,
    FieldIssue,
    InvoiceCreate,
    InvoiceLineIn,
    PaymentMeansIn,
    TransactionTypeIn,
    check_document_input,
    resolve_rate,
)

log = logging.getLogger(__name__)

_ONE = Decimal(1)


def line_values(line: InvoiceLineIn, position: int) -> dict[str, Any]:
    """The stored columns of an input line, amounts aside (see :func:`amount_values`).

    Shared by :func:`line_row` and the bulk import, which inserts rows without ORM objects."""
    rate, _ = resolve_rate(line.vat_category, line.vat_rate, document_level=False, field="")
    return {
        "position": position,
        "item_name": line.item_name,
        "description": line.description,
        "quantity": line.quantity,
        "unit_code": line.unit_code,
        "unit_price": line.unit_price,
        "discount_amount": line.discount_amount or None,
        "discount_reason": line.discount_reason,
        "vat_category": line.vat_category,
        "vat_rate": rate,
        "exemption_reason_code": line.exemption_reason_code,
        "exemption_reason": line.exemption_reason,
        "item_type": line.item_type,
        "classification_code": line.classification_code,
        "service_accounting_code": line.service_accounting_code,
        "standard_item_id": line.standard_item_id,
        "sellers_item_id": line.sellers_item_id,
        "rcm_goods_type": line.rcm_goods_type,
        "note": line.note,
    }


def line_row(line: InvoiceLineIn, position: int) -> InvoiceLine:
    return InvoiceLine(
        **line_values(line, position),
        line_extension_amount=Decimal(0),
        amount_with_vat=Decimal(0),
    )


def draft_values(
    data: InvoiceCreate, *, means: PaymentMeansIn, flags: TransactionTypeIn
) -> dict[str, Any]:
    """The stored document columns of a new draft from its input: everything but ids, status,
    lines and amounts. Shared by ``service.create_draft`` and the bulk import."""
    return {
        "type_code": data.type_code,
        "self_billing": data.self_billing,
        "issue_date": data.issue_date,
        "supply_date": data.supply_date,
        "due_date": data.due_date,
        "payment_terms": data.payment_terms,
        "purchase_order_reference": data.purchase_order_reference,
        "buyer_reference": data.buyer_reference,
        "period_start": data.period_start,
        "period_end": data.period_end,
        "billing_frequency": data.billing_frequency,
        "beneficiary_id": data.beneficiary_id,
        "principal_id": data.principal_id,
        "transaction_type_code": flags_code(flags),
        "notes": list(data.notes or []),
        "delivery": delivery_json(data.delivery),
        "currency": data.currency,
        "exchange_rate": data.exchange_rate if data.currency != AED else None,
        "payment_means_code": means.code,
        "payment_account_id": means.account_id,
        "payment_account_name": means.account_name,
        "payment_id": means.payment_id,
    }


def totals_exchange_rate(currency: str, exchange_rate: Decimal | None) -> Decimal | None:
    """The rate the totals are computed with: IBT-111 / BTAE-20 are stated on every invoice, so
    an AED invoice uses 1."""
    return exchange_rate if currency != AED else _ONE


def ac_row(ac: AllowanceChargeIn, position: int) -> InvoiceAllowanceCharge:
    rate, _ = resolve_rate(ac.vat_category, ac.vat_rate, document_level=True, field="")
    amount = ac.amount
    if amount is None:
        # check_allowance_charge made sure both are given
        assert ac.base_amount is not None
        assert ac.percentage is not None
        amount = totals.allowance_charge_amount(ac.base_amount, ac.percentage)
    return InvoiceAllowanceCharge(
        position=position,
        is_charge=ac.is_charge,
        amount=amount,
        base_amount=ac.base_amount,
        percentage=ac.percentage,
        reason_code=ac.reason_code,
        reason=ac.reason,
        vat_category=ac.vat_category,
        vat_rate=rate,
        exemption_reason_code=ac.exemption_reason_code,
        exemption_reason=ac.exemption_reason,
    )


def line_in(line: InvoiceLine) -> InvoiceLineIn:
    """A stored line as input (credit notes copy the invoice's lines)."""
    return InvoiceLineIn.model_validate(
        {name: getattr(line, name) for name in InvoiceLineIn.model_fields}
    )


def ac_in(ac: InvoiceAllowanceCharge) -> AllowanceChargeIn:
    return AllowanceChargeIn.model_validate(
        {name: getattr(ac, name) for name in AllowanceChargeIn.model_fields}
    )


def amount_issues(
    lines: Sequence[InvoiceLineIn] | None, acs: Sequence[AllowanceChargeIn] | None
) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    for index, ac in enumerate(acs or ()):
        if ac.amount is not None and ac.base_amount is not None and ac.percentage is not None:
            expected = totals.allowance_charge_amount(ac.base_amount, ac.percentage)
            if ac.amount != expected:
                # ibr-131-ae / ibr-146-ae
                issues.append(
                    FieldIssue(
                        f"allowances_charges.{index}.amount",
                        f"must be base_amount x percentage / 100 = {expected}",
                    )
                )
    for index, line in enumerate(lines or ()):
        if line.discount_amount:
            amounts = totals.compute_line(
                totals.LineInput(
                    quantity=line.quantity,
                    net_price=line.unit_price,
                    category=line.vat_category,
                    rate=None,
                    allowances=(line.discount_amount,),
                )
            )
            if amounts.net_amount < 0:
                issues.append(
                    FieldIssue(f"lines.{index}.discount_amount", "exceeds the line amount")
                )
    return issues


def amount_values(
    computed: totals.DocumentTotals,
    reasons: Sequence[tuple[str, str | None, str | None]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The stored amount columns of a document and of each of its lines, from the totals.

    ``reasons`` are (VAT category, exemption reason code, reason) of the lines, then of the
    document-level allowances/charges. Shared by :func:`apply_totals` and the bulk import."""
    assert computed.tax_amount_in_tax_currency is not None
    assert computed.tax_inclusive_amount_in_tax_currency is not None
    breakdown: list[dict[str, Any]] = []
    for entry in computed.breakdown:
        row: dict[str, Any] = {
            "category": entry.category,
            "rate": None if entry.rate is None else str(entry.rate),
            "taxable_amount": str(entry.taxable_amount),
            "tax_amount": str(entry.tax_amount),
        }
        # IBT-121 / IBT-120 on the breakdown: the reason of the first item of the category.
        source = next((r for r in reasons if r[0] == entry.category and r[1]), None)
        if source is not None:
            row["exemption_reason_code"] = source[1]
            row["exemption_reason"] = source[2]
        breakdown.append(row)
    document = {
        "line_extension_amount": computed.line_extension_amount,
        "allowance_total_amount": computed.allowance_total_amount,
        "charge_total_amount": computed.charge_total_amount,
        "tax_exclusive_amount": computed.tax_exclusive_amount,
        "tax_amount": computed.tax_amount,
        "tax_inclusive_amount": computed.tax_inclusive_amount,
        "payable_amount": computed.payable_amount,
        "tax_amount_aed": computed.tax_amount_in_tax_currency,
        "tax_inclusive_amount_aed": computed.tax_inclusive_amount_in_tax_currency,
        "vat_breakdown": breakdown,
    }
    lines = [
        {
            "line_extension_amount": amounts.net_amount,
            "vat_amount": amounts.vat_amount,
            "amount_with_vat": amounts.amount_with_vat,
        }
        for amounts in computed.lines
    ]
    return document, lines


def apply_totals(invoice: Invoice) -> None:
    """Compute and store every amount of ``invoice`` with invoicing.totals."""
    lines = invoice.lines
    acs = invoice.allowances_charges
    computed = totals.compute_totals(
        [
            totals.LineInput(
                quantity=line.quantity,
                net_price=line.unit_price,
                category=line.vat_category,
                rate=line.vat_rate,
                allowances=(line.discount_amount,) if line.discount_amount else (),
            )
            for line in lines
        ],
        [
            totals.AllowanceChargeInput(
                charge=ac.is_charge, amount=ac.amount, category=ac.vat_category, rate=ac.vat_rate
            )
            for ac in acs
        ],
        exchange_rate=totals_exchange_rate(invoice.currency, invoice.exchange_rate),
    )
    reasons = [
        (line.vat_category, line.exemption_reason_code, line.exemption_reason) for line in lines
    ]
    reasons += [(ac.vat_category, ac.exemption_reason_code, ac.exemption_reason) for ac in acs]
    document, per_line = amount_values(computed, reasons)
    for line, values in zip(lines, per_line, strict=True):
        for name, value in values.items():
            setattr(line, name, value)
    for name, value in document.items():
        setattr(invoice, name, value)


def replace_lines(invoice: Invoice, lines: Sequence[InvoiceLineIn]) -> None:
    invoice.lines = [line_row(line, index) for index, line in enumerate(lines, start=1)]


def replace_acs(invoice: Invoice, acs: Sequence[AllowanceChargeIn]) -> None:
    invoice.allowances_charges = [ac_row(ac, index) for index, ac in enumerate(acs, start=1)]


def categories(
    invoice: Invoice | None,
    lines: Sequence[InvoiceLineIn] | None,
    acs: Sequence[AllowanceChargeIn] | None,
) -> list[str]:
    line_categories = (
        [line.vat_category for line in lines]
        if lines is not None
        else [line.vat_category for line in (invoice.lines if invoice else [])]
    )
    ac_categories = (
        [ac.vat_category for ac in acs]
        if acs is not None
        else [ac.vat_category for ac in (invoice.allowances_charges if invoice else [])]
    )
    return line_categories + ac_categories


def validate(
    document: DocumentInput,
    lines: Sequence[InvoiceLineIn] | None = None,
    acs: Sequence[AllowanceChargeIn] | None = None,
) -> None:
    """Raise :class:`InvalidDocument` (422, every issue naming its field) on a broken rule."""
    issues = check_document_input(document)
    if not issues:
        issues = amount_issues(lines, acs)
    if issues:
        raise InvalidDocument(issues)


def default_payment_means(company: Company, *, self_billing: bool = False) -> PaymentMeansIn:
    if self_billing:
        # The supplier is paid: the company's own account is no default for it.
        return PaymentMeansIn(code="30")
    configured = (company.settings or {}).get("payment_means")
    if isinstance(configured, dict):
        try:
            return PaymentMeansIn.model_validate(configured)
        except ValueError:
            log.warning("company %s has invalid default payment means; using 30", company.id)
    return PaymentMeansIn(code="30")


def set_payment_means(invoice: Invoice, means: PaymentMeansIn) -> None:
    invoice.payment_means_code = means.code
    invoice.payment_account_id = means.account_id
    invoice.payment_account_name = means.account_name
    invoice.payment_id = means.payment_id


def flags_or_default(value: TransactionTypeIn | None) -> TransactionTypeIn:
    return value if value is not None else TransactionTypeIn()


def delivery_json(delivery: DeliveryIn | None) -> dict[str, Any] | None:
    return delivery.model_dump(mode="json") if delivery is not None else None


def flags_of(invoice: Invoice) -> TransactionTypeIn:
    current = invoice.transaction_type
    return TransactionTypeIn(
        **{name: getattr(current, name) for name in TransactionTypeIn.model_fields}
    )


def flags_code(value: TransactionTypeIn) -> str:
    return TransactionType(**value.model_dump()).to_code()


def finalize_issues(invoice: Invoice, counterparty: Customer) -> list[FieldIssue]:
    """PINT AE rules that need the complete document (and the customer record) to be checked,
    each with the official rule id it anticipates.

    ``counterparty`` is the buyer, or for a self-billed document the supplier (its seller): the
    rules about the buyer's own data then concern the company, checked in the issued XML.
    """
    issues: list[FieldIssue] = []
    flags = invoice.transaction_type
    if (
        not invoice.is_credit_note
        and invoice.payable_amount > 0
        and invoice.due_date is None
        and not flags.deemed_supply
    ):
        issues.append(
            FieldIssue("due_date", "an invoice with an amount due needs its due date", "ibr-127-ae")
        )
    if invoice.payment_means_code == "30" and not invoice.payment_account_id:
        issues.append(
            FieldIssue(
                "payment_means.account_id",
                "a credit transfer (code 30) needs the account (IBAN) to pay into",
                "ibr-192-ae",
            )
        )
    if flags.free_zone and not invoice.beneficiary_id:
        issues.append(
            FieldIssue("beneficiary_id", "a free zone supply names the beneficiary", "ibr-007-ae")
        )
    if flags.disclosed_agent and not invoice.principal_id:
        issues.append(
            FieldIssue("principal_id", "disclosed agent billing names the principal", "ibr-137-ae")
        )
    if flags.summary_invoice and not (invoice.period_start and invoice.period_end):
        issues.append(
            FieldIssue("period_start", "a summary invoice states its period", "ibr-138-ae")
        )
    delivery = invoice.delivery or {}
    if flags.exports and not (
        delivery.get("line1") and delivery.get("city") and delivery.get("country")
    ):
        issues.append(
            FieldIssue(
                "delivery",
                "an export states the delivery address (line1, city, country)",
                "ibr-152-ae",
            )
        )
    elif flags.exports and delivery.get("country") == "AE":
        issues.append(
            FieldIssue("delivery.country", "an export is delivered outside the UAE", "ibr-152-ae")
        )
    if flags.ecommerce and not (
        delivery.get("line1")
        and delivery.get("city")
        and (delivery.get("emirate") or delivery.get("subdivision"))
    ):
        issues.append(
            FieldIssue(
                "delivery",
                "an e-commerce supply states the delivery address (line1, city, emirate)",
                "ibr-142-ae",
            )
        )
    if invoice.self_billing:
        if not counterparty.peppol_id:
            issues.append(
                FieldIssue(
                    "customer_id",
                    "the supplier of a self-billed invoice needs a Peppol id (edit the customer)",
                    "ibr-062",
                )
            )
    else:
        if not counterparty.peppol_id:
            issues.append(
                FieldIssue(
                    "customer_id", "the buyer needs a Peppol id (edit the customer)", "ibr-080"
                )
            )
        if invoice.type_code in ("480", "81") and counterparty.legal_registration is None:
            issues.append(
                FieldIssue(
                    "customer_id",
                    f"type {invoice.type_code} needs the buyer's legal registration "
                    "(edit the customer)",
                    "ibr-136-ae",
                )
            )
        uses_reverse_charge = any(line.vat_category == "AE" for line in invoice.lines)
        if uses_reverse_charge and not (counterparty.vat_registered and counterparty.trn):
            issues.append(
                FieldIssue("customer_id", "reverse charge (AE) needs the buyer's TRN", "ibr-103-ae")
            )
    for index, line in enumerate(invoice.lines):
        if not line.description:
            issues.append(
                FieldIssue(f"lines.{index}.description", "is required to finalize", "ibr-125-ae")
            )
    return issues
