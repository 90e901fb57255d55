"""Every kind of document the API can produce finalizes and passes all three official validation
layers (UBL 2.1 XSD, PINT rules, AE rules): each VAT category of the official code list, document
allowances and charges, a foreign currency, each BTAE-02 transaction flag on its own with the data
it needs, a credit note for each official CreditReason code, and self-billing.

Code lists are read from the official genericode files, not from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from involinks.compliance.validation import validate_ubl
from involinks.compliance.validation.result import Layer
from involinks.jobs import queue as job_queue
from tests.customers.factories import invoice_payload, line
from tests.customers.fixtures import Tenant, ok, tenant

__all__ = ["tenant"]

URL = "/api/v1/invoices"
CODELISTS = Path("/work/shared/reference/pint-ae/codelists/billing")
_GC = {"gc": "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"}
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SELF_BILLING_ID = "urn:peppol:pint:selfbilling-1@ae-1"


def official_codes(name: str) -> list[str]:
    tree = etree.parse(str(CODELISTS / name))
    path = ".//gc:Row/gc:Value[@ColumnRef='id']/gc:SimpleValue"
    values = [str(node.text) for node in tree.iterfind(path, _GC)]
    # Upstream defect (reference README): "N" is spelt with a Greek capital Nu in this file.
    return [value.strip().replace("\u039d", "N") for value in values]


CATEGORIES = official_codes("Aligned-TaxCategoryCodes.gc")
CREDIT_REASONS = official_codes("CreditReason.gc")


@pytest.fixture(autouse=True)
def _no_jobs() -> Iterator[None]:
    job_queue.set_dispatcher(lambda _name, _kwargs: None)
    yield
    job_queue.set_dispatcher(None)


GOODS_TYPES = official_codes("GoodsType.gc")


def _category_line(category: str) -> dict[str, Any]:
    """A line of ``category`` with what that category needs (exemption reason for E, a rate
    for AE and N)."""
    extra: dict[str, Any] = {}
    if category == "E":
        extra = {"exemption_reason_code": "DL8.46.2", "exemption_reason": "Residential lease"}
    elif category == "AE":
        # Reverse charge names the goods type and the item's GTIN (checked by hand: 4006381333931).
        extra = {
            "vat_rate": "5",
            "rcm_goods_type": GOODS_TYPES[0],
            "standard_item_id": "4006381333931",
        }
    elif category == "N":
        extra = {"vat_rate": "5"}
    return line(item_name=f"Item {category}", vat_category=category, **extra)


def _category_case(category: str) -> dict[str, Any]:
    if category == "N":
        # N (additional VAT) is the margin-scheme category and only there (ibr-116-ae).
        return {"lines": [_category_line("N")], "transaction_type": {"margin_scheme": True}}
    if category in ("E", "O"):
        # A 380 cannot carry only E / O lines (ibr-151-ae): one standard line beside it.
        return {"lines": [line(), _category_line(category)]}
    return {"lines": [_category_line(category)]}


DELIVERY_AE = {"line1": "Villa 7", "city": "Dubai", "emirate": "DXB", "country": "AE"}
FLAG_CASES: dict[str, dict[str, Any]] = {
    "free_zone": {"beneficiary_id": "FZ-BEN-001"},
    "deemed_supply": {},
    "margin_scheme": {"lines": [_category_line("N")]},
    "summary_invoice": {"period_start": "2026-02-01", "period_end": "2026-02-28"},
    "continuous_supply": {
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "billing_frequency": "MTH",
    },
    "disclosed_agent": {"principal_id": "PRINCIPAL-42"},
    "ecommerce": {"delivery": DELIVERY_AE},
    "exports": {
        "lines": [_category_line("Z")],
        "delivery": {
            "line1": "12 Harbour Rd",
            "city": "Mumbai",
            "subdivision": "Maharashtra",
            "country": "IN",
        },
    },
}


def _cases() -> list[Any]:
    cases: list[Any] = [
        pytest.param(_category_case(category), id=f"category-{category}") for category in CATEGORIES
    ]
    cases.append(
        pytest.param(
            {
                "type_code": "480",
                "lines": [_category_line("E"), _category_line("O"), _category_line("Z")],
            },
            id="out-of-scope-480",
        )
    )
    cases.append(
        pytest.param(
            {
                "allowances_charges": [
                    {
                        "is_charge": False,
                        "amount": "15.00",
                        "reason": "Loyalty discount",
                        "reason_code": "95",
                        "vat_category": "S",
                    },
                    {
                        "is_charge": True,
                        "base_amount": "200.00",
                        "percentage": "2.5",
                        "reason": "Freight",
                        "reason_code": "FC",
                        "vat_category": "S",
                    },
                ]
            },
            id="allowance-and-charge",
        )
    )
    cases.append(pytest.param({"currency": "USD", "exchange_rate": "3.6725"}, id="currency-USD"))
    cases += [
        pytest.param({**data, "transaction_type": {flag: True}}, id=f"flag-{flag}")
        for flag, data in FLAG_CASES.items()
    ]
    return cases


async def _finalize(client: httpx.AsyncClient, tenant: Tenant, draft_id: str) -> dict[str, Any]:
    return ok(await client.post(f"{URL}/{draft_id}/finalize", headers=tenant.headers))


async def _issued_xml(client: httpx.AsyncClient, tenant: Tenant, invoice_id: str) -> bytes:
    response = await client.get(f"{URL}/{invoice_id}/xml", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.content


def _assert_valid(xml: bytes) -> etree._Element:
    result = validate_ubl(xml)
    assert result.errors == (), [f"{e.rule_id}: {e.message}" for e in result.errors]
    assert {Layer.XSD, Layer.PINT, Layer.AE} <= set(result.layers)
    return etree.fromstring(xml)


def _text(root: etree._Element, name: str) -> str:
    return str(root.findtext(f"{{{_CBC}}}{name}"))


@pytest.mark.parametrize("overrides", _cases())
async def test_invoice_variants_finalize_valid(
    client: httpx.AsyncClient, tenant: Tenant, overrides: dict[str, Any]
) -> None:
    payload = invoice_payload(tenant.customer, **overrides)
    draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
    issued = await _finalize(client, tenant, draft["id"])
    assert issued["status"] == "FINALIZED"
    root = _assert_valid(await _issued_xml(client, tenant, issued["id"]))
    assert _text(root, "DocumentCurrencyCode") == payload["currency"]
    assert _text(root, "InvoiceTypeCode") == payload.get("type_code", "380")


async def test_credit_note_for_every_official_reason(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for reason in CREDIT_REASONS:
        draft = ok(
            await client.post(URL, json=invoice_payload(tenant.customer), headers=tenant.headers),
            201,
        )
        invoice = await _finalize(client, tenant, draft["id"])
        note = ok(
            await client.post(
                f"{URL}/{invoice['id']}/credit-notes",
                json={"reason_code": reason, "reason": f"Reason {reason}"},
                headers=tenant.headers,
            ),
            201,
        )
        issued = await _finalize(client, tenant, note["id"])
        root = _assert_valid(await _issued_xml(client, tenant, issued["id"]))
        assert etree.QName(root).localname == "CreditNote"
        assert _text(root, "CreditNoteTypeCode") == "381"


async def test_self_billing_invoice_and_credit_note(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    payload = invoice_payload(tenant.customer, self_billing=True)
    draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
    invoice = await _finalize(client, tenant, draft["id"])
    root = _assert_valid(await _issued_xml(client, tenant, invoice["id"]))
    assert (_text(root, "CustomizationID"), _text(root, "InvoiceTypeCode")) == (
        SELF_BILLING_ID,
        "389",
    )
    note = ok(
        await client.post(
            f"{URL}/{invoice['id']}/credit-notes",
            json={"reason_code": CREDIT_REASONS[0], "reason": "Cancelled"},
            headers=tenant.headers,
        ),
        201,
    )
    issued = await _finalize(client, tenant, note["id"])
    root = _assert_valid(await _issued_xml(client, tenant, issued["id"]))
    assert (_text(root, "CustomizationID"), _text(root, "CreditNoteTypeCode")) == (
        SELF_BILLING_ID,
        "261",
    )
