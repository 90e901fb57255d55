"""The canonical byte form of an issued invoice / credit note: what the hash chain commits to.

Seed section 4.3: ``prev_invoice_hash`` of document N+1 = SHA-256 of document N's data. "Data" is
made precise here: deterministic JSON of the business content that must never change after issue

* identity: series, kind, customization, number (IBT-001), UUID (BTAE-07), type code (IBT-003);
* dates: issue date and time (IBT-002 / IBT-168), due date (IBT-009), tax point date (IBT-007),
  invoicing period (IBG-14);
* parties: seller and buyer TRN (IBT-031 / IBT-048), TIN, legal and trading names, endpoint;
* currency (IBT-005), tax currency (IBT-006) and exchange rate;
* preceding-invoice references (IBG-03: what a credit note corrects);
* every line (quantity, unit, item, price, allowances/charges, VAT category and rate, amounts),
  every document-level allowance/charge, the VAT breakdown and every total (IBG-22, IBT-111);
* ``xml_sha256``: the SHA-256 of the issued UBL XML, so the exact transmitted bytes are covered;
* ``previous_hash``: the hash of the preceding document of the same company and series.

Encoding rules (version 1, field ``"v"``): UTF-8 JSON, keys sorted, no whitespace, non-ASCII kept
as is; an absent optional value is ``null`` (absent and zero stay distinct); amounts are decimal
strings with trailing zeros removed and no exponent (``"10.50"`` and ``"10.5"`` are the same
amount, so a value that went through a ``NUMERIC(18, 2)`` column hashes the same); text is kept
byte for byte. A new field or rule means a new version: documents keep the version they were
hashed with, and :func:`canonical_document` can still produce every older version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal
from typing import Any, Final

from involinks.invoicing.document import (
    AllowanceCharge,
    Document,
    DocumentLine,
    Identifier,
    Party,
    TaxCategory,
)

__all__ = [
    "CANONICAL_VERSION",
    "SUPPORTED_VERSIONS",
    "canonical_document",
    "is_sha256_hex",
]

#: Version written by default into ``"v"``.
CANONICAL_VERSION: Final = 1
SUPPORTED_VERSIONS: Final = frozenset({1})

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

Json = dict[str, Any]


def is_sha256_hex(value: object) -> bool:
    """True for a lowercase 64-character hex string (how every hash here is written)."""
    return isinstance(value, str) and _SHA256_HEX.fullmatch(value) is not None


def _amount(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not value.is_finite():
        raise ValueError(f"cannot hash a non-finite number: {value}")
    if value.is_zero():
        return "0"  # also folds -0 and 0.00
    return format(value.normalize(), "f")


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: time | None) -> str | None:
    return None if value is None else value.isoformat()


def _identifier(value: Identifier | None) -> Json | None:
    if value is None:
        return None
    return {"value": value.value, "scheme": value.scheme_id}


def _party(party: Party) -> Json:
    return {
        "trn": party.trn,
        "tin": party.tin,
        "legal_name": party.registration_name,
        "trade_name": party.name,
        "endpoint": _identifier(party.endpoint),
        "legal_registration": (
            None if party.legal_registration is None else party.legal_registration.value
        ),
    }


def _category(category: TaxCategory | None) -> Json | None:
    if category is None:
        return None
    return {
        "code": category.code,
        "rate": _amount(category.percent),
        "exemption_code": category.exemption_reason_code,
        "exemption_reason": category.exemption_reason,
    }


def _allowances_charges(items: Iterable[AllowanceCharge]) -> list[Json]:
    return [
        {
            "charge": item.charge_indicator,
            "amount": _amount(item.amount),
            "base_amount": _amount(item.base_amount),
            "percent": _amount(item.multiplier_factor),
            "reason_code": item.reason_code,
            "reason": item.reason,
            "category": _category(item.tax_category),
        }
        for item in items
    ]


def _line(line: DocumentLine) -> Json:
    return {
        "id": line.id,
        "quantity": _amount(line.quantity),
        "unit": line.unit_code,
        "item": {
            "name": line.item.name,
            "description": line.item.description,
            "sellers_id": line.item.sellers_item_id,
            "standard_id": _identifier(line.item.standard_item_id),
            "type": line.item.item_type,
        },
        "price": {
            "net": _amount(line.price.amount),
            "base_quantity": _amount(line.price.base_quantity),
            "base_quantity_unit": line.price.base_quantity_unit_code,
            "discount": _amount(line.price.discount_amount),
            "gross": _amount(line.price.gross_amount),
        },
        "allowances_charges": _allowances_charges(line.allowances_charges),
        "vat": _category(line.item.classified_tax_category),
        "net_amount": _amount(line.line_extension_amount),
        "vat_amount": _amount(line.vat_line_amount),
        "amount_with_vat": _amount(line.amount_with_vat),
        "tax_amount": _amount(line.tax_amount),
    }


def _v1(document: Document, *, series: str, xml_sha256: str, previous_hash: str) -> Json:
    totals = document.totals
    rate = document.tax_exchange_rate
    period = document.invoice_period
    return {
        "v": 1,
        "series": series,
        "kind": document.kind.value,
        "customization": document.customization.value,
        "number": document.id,
        "uuid": document.uuid,
        "type_code": document.type_code,
        "transaction_type": (
            None if document.transaction_type is None else document.transaction_type.to_code()
        ),
        "issue_date": _date(document.issue_date),
        "issue_time": _time(document.issue_time),
        "due_date": _date(document.due_date),
        "tax_point_date": _date(document.tax_point_date),
        "period": None
        if period is None
        else {"start": _date(period.start_date), "end": _date(period.end_date)},
        "currency": document.currency_code,
        "tax_currency": document.tax_currency_code,
        "exchange_rate": None
        if rate is None
        else {
            "from": rate.source_currency_code,
            "to": rate.target_currency_code,
            "rate": _amount(rate.calculation_rate),
        },
        "seller": _party(document.seller),
        "buyer": _party(document.buyer),
        "preceding_invoices": [
            {"id": ref.id, "issue_date": _date(ref.issue_date)}
            for ref in document.billing_references
        ],
        "lines": [_line(line) for line in document.lines],
        "allowances_charges": _allowances_charges(document.allowances_charges),
        "tax": {
            "amount": _amount(document.tax_total.tax_amount),
            "breakdown": [
                {
                    "category": _category(sub.category),
                    "taxable_amount": _amount(sub.taxable_amount),
                    "tax_amount": _amount(sub.tax_amount),
                }
                for sub in document.tax_total.subtotals
            ],
            "amount_in_tax_currency": _amount(document.tax_currency_tax_amount),
        },
        "totals": {
            "line_extension": _amount(totals.line_extension_amount),
            "allowances": _amount(totals.allowance_total_amount),
            "charges": _amount(totals.charge_total_amount),
            "tax_exclusive": _amount(totals.tax_exclusive_amount),
            "tax_inclusive": _amount(totals.tax_inclusive_amount),
            "prepaid": _amount(totals.prepaid_amount),
            "rounding": _amount(totals.payable_rounding_amount),
            "payable": _amount(totals.payable_amount),
        },
        "xml_sha256": xml_sha256,
        "previous_hash": previous_hash,
    }


def canonical_document(
    document: Document,
    *,
    series: str,
    xml_sha256: str,
    previous_hash: str,
    version: int = CANONICAL_VERSION,
) -> bytes:
    """The canonical bytes of an issued document (see the module docstring).

    ``series`` names the numbering series (one chain per company and series), ``xml_sha256`` is
    the SHA-256 hex of the issued UBL XML, ``previous_hash`` the value from
    :func:`involinks.compliance.chain.link` (the genesis value for the first document).
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unknown canonical form version {version}")
    if not is_sha256_hex(xml_sha256):
        raise ValueError("xml_sha256 must be a lowercase SHA-256 hex string")
    if not is_sha256_hex(previous_hash):
        raise ValueError("previous_hash must be a lowercase SHA-256 hex string")
    if not series:
        raise ValueError("series must not be empty")
    payload = _v1(document, series=series, xml_sha256=xml_sha256, previous_hash=previous_hash)
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
