"""The three doors of inward invoices (upload, Peppol, manual) and duplicate detection.

Uploads use the official PINT AE example "Standard invoice Mandatory fields.xml": seller TRN
135790246801003, one line of 100 x "Item Name" at 10 AED (net 1000, VAT 50, total 1050).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.config import Settings
from involinks.core import tenancy
from involinks.payables.inward_invoices import service
from involinks.payables.inward_invoices.models import InwardInvoice
from tests.payables.conftest import Api, MemoryStore, error, make_tenant, ok, po_line
from tests.payables.pint_examples import example_bytes, mutated, set_text

URL = "/api/v1/inward-invoices"
EXAMPLE = "billing/invoice/Standard invoice Mandatory fields.xml"
SELLER_TRN = "135790246801003"


async def _upload(api: Api, data: bytes, name: str = "invoice.xml") -> httpx.Response:
    return await api.client.post(
        f"{URL}/upload",
        files={"file": (name, data, "application/xml")},
        headers=api.tenant.headers,
    )


async def _matching_order(api: Api) -> dict[str, Any]:
    supplier = await api.supplier(trn=SELLER_TRN)
    order = await api.order(supplier["id"], [po_line("Item Name", "100", "10")])
    await api.send(order["id"])
    ok(await api.receive(order["id"], [{"line_no": 1, "quantity_received": "100"}]), 201)
    return order


async def test_upload_of_the_official_example_is_stored_and_matched(
    api: Api, store: MemoryStore
) -> None:
    order = await _matching_order(api)
    xml = example_bytes(EXAMPLE)
    body = ok(await _upload(api, xml, "AE001.xml"), 201)
    assert body["source"] == "UPLOAD"
    assert body["invoice_number"] == "AE001-Test"
    assert body["supplier_trn"] == SELLER_TRN
    assert body["supplier_name"] == "Supplier Legal Name"
    assert body["buyer_trn"] == "134567890123003"
    assert body["issue_date"] == "2025-01-30"
    assert body["due_date"] == "2025-02-06"
    assert (body["net_amount"], body["tax_amount"], body["total_amount"]) == (
        "1000.00",
        "50.00",
        "1050.00",
    )
    line = body["lines"][0]
    assert (line["item_name"], line["quantity"], line["unit_price"]) == ("Item Name", "100", "10")
    assert (line["vat_category"], line["vat_rate"]) == ("S", "5")
    # No order reference in the file: the supplier's open order is found by its TRN.
    assert body["matching_status"] == "FULL_MATCH"
    assert body["status"] == "READY_TO_PAY"
    assert body["purchase_order_id"] == order["id"]
    assert body["has_original_xml"] is True

    stored = [v for k, v in store.items.items() if k.startswith("payables-inward/")]
    assert stored == [("application/xml", xml)]
    original = await api.client.get(f"{URL}/{body['id']}/xml", headers=api.tenant.finance_headers)
    assert original.status_code == 200
    assert original.content == xml


async def test_invalid_document_gives_the_failed_rules_and_stores_nothing(
    api: Api, store: MemoryStore
) -> None:
    # 999 is not a UNTDID 1001 invoice type code allowed in PINT AE (rule ibr-cl-01).
    xml = mutated(EXAMPLE, set_text("cbc:InvoiceTypeCode", "999"))
    body = error(await _upload(api, xml), 422)
    assert body["code"] == "invalid_document"
    rules = {d["rule_id"]: d for d in body["details"]}
    assert "ibr-cl-01" in rules
    assert rules["ibr-cl-01"]["location"] == "/Invoice/cbc:InvoiceTypeCode[1]"
    assert rules["ibr-cl-01"]["field"] == "type_code"
    assert rules["ibr-cl-01"]["message"]
    assert set(rules["ibr-cl-01"]) >= {"rule_id", "message", "location", "field"}

    assert store.items == {}
    assert (await api.get(URL))["total"] == 0


async def test_not_xml_at_all_is_refused(api: Api, store: MemoryStore) -> None:
    body = error(await _upload(api, b"%PDF-1.7 not an invoice"), 422)
    assert body["details"][0]["rule_id"] == "xml-malformed"
    assert store.items == {}


async def test_upload_is_size_capped(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_upload_bytes", 2048)
    xml = example_bytes(EXAMPLE)
    assert len(xml) > 2048
    body = error(await _upload(api, xml), 413)
    assert body["details"] == {"max_bytes": 2048}


async def test_finance_user_cannot_upload(api: Api, client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{URL}/upload",
        files={"file": ("a.xml", example_bytes(EXAMPLE), "application/xml")},
        headers=api.tenant.finance_headers,
    )
    error(response, 403)


async def test_same_document_twice_is_a_duplicate(api: Api, store: MemoryStore) -> None:
    xml = example_bytes(EXAMPLE)
    first = ok(await _upload(api, xml), 201)
    body = error(await _upload(api, xml), 409)
    assert body["code"] == "duplicate_invoice"
    assert body["details"]["existing_id"] == first["id"]
    assert body["details"]["reason"] == "the same document"
    assert "AE001-Test" in body["message"]

    # Other bytes (a new UUID), same supplier TRN and invoice number: still the same invoice.
    other = mutated(EXAMPLE, set_text("cbc:UUID", str(uuid.uuid4())))
    body = error(await _upload(api, other), 409)
    assert body["details"]["existing_id"] == first["id"]
    assert body["details"]["reason"] == "the same supplier and invoice number"
    assert len(store.items) == 1


async def test_manual_duplicate_ignores_case_and_spaces(api: Api) -> None:
    supplier = await api.supplier()
    payload = {
        "supplier_id": supplier["id"],
        "invoice_number": "INV-2026-001",
        "issue_date": "2026-03-01",
        "lines": [{"item_name": "Pens", "quantity": "2", "unit_price": "5"}],
    }
    first = ok(await api.invoice(payload), 201)
    retyped = payload | {
        "invoice_number": " inv-2026-001 ",
        "lines": [{"item_name": "Pens", "quantity": "3", "unit_price": "5"}],
    }
    body = error(await api.invoice(retyped), 409)
    assert body["details"]["existing_id"] == first["id"]
    # The same number from another supplier is another invoice.
    other = await api.supplier()
    ok(await api.invoice(payload | {"supplier_id": other["id"]}), 201)


async def test_manual_entry_computes_missing_amounts_and_checks_stated_ones(api: Api) -> None:
    supplier = await api.supplier()
    base = {
        "supplier_id": supplier["id"],
        "issue_date": "2026-03-01",
        "lines": [
            {"item_name": "Pens", "quantity": "3", "unit_price": "3.35"},
            {
                "item_name": "Water",
                "quantity": "1",
                "unit_price": "2",
                "vat_category": "Z",
                "vat_rate": "0",
            },
        ],
    }
    body = ok(await api.invoice(base | {"invoice_number": "M-1"}), 201)
    # 3 x 3.35 = 10.05 at 5 % = 0.5025 -> 0.50; water 2.00 at 0 %.
    assert (body["net_amount"], body["tax_amount"], body["total_amount"]) == (
        "12.05",
        "0.50",
        "12.55",
    )
    assert body["source"] == "MANUAL"
    assert body["supplier_trn"] == supplier["trn"]
    assert body["has_original_xml"] is False
    bad = base | {"invoice_number": "M-2", "tax_amount": "0.51", "total_amount": "12.55"}
    error(await api.invoice(bad), 422)
    stated = base | {"invoice_number": "M-3", "tax_amount": "0.51", "total_amount": "12.56"}
    assert ok(await api.invoice(stated), 201)["tax_amount"] == "0.51"
    error(
        await api.invoice({"invoice_number": "M-4", "issue_date": "2026-03-01", "lines": []}), 422
    )
    unknown = {
        "supplier_trn": "100123123123123",
        "invoice_number": "M-5",
        "issue_date": "2026-03-01",
        "lines": base["lines"],
    }
    assert error(await api.invoice(unknown), 422)["details"][0]["field"] == "supplier_name"


async def test_peppol_delivery_is_idempotent_per_message(
    api: Api, db_session: AsyncSession, store: MemoryStore
) -> None:
    company_id = api.tenant.company.id
    xml = example_bytes(EXAMPLE)
    first = await service.receive_peppol_document(
        db_session,
        company_id=company_id,
        xml=xml,
        sender_id="0235:1357902468",
        receiver_id="0235:1345678901",
        message_id="msg-0001",
        store=store,
    )
    again = await service.receive_peppol_document(
        db_session,
        company_id=company_id,
        xml=xml,
        sender_id="0235:1357902468",
        receiver_id="0235:1345678901",
        message_id="msg-0001",
        store=store,
    )
    assert again.id == first.id
    assert first.source.value == "PEPPOL"
    assert first.peppol_sender_id == "0235:1357902468"
    assert first.supplier_peppol_id == "0235:1357902468"
    count = (
        await db_session.execute(sa.select(sa.func.count()).select_from(InwardInvoice))
    ).scalar_one()
    assert count == 1
    assert len(store.items) == 1
    assert tenancy.current_company_id(db_session) == company_id

    # The same invoice under another message id is a duplicate, not a second invoice.
    with pytest.raises(service.DuplicateInvoice) as caught:
        await service.receive_peppol_document(
            db_session,
            company_id=company_id,
            xml=xml,
            sender_id="0235:1357902468",
            receiver_id="0235:1345678901",
            message_id="msg-0002",
            store=store,
        )
    assert caught.value.details["existing_id"] == str(first.id)

    listed = await api.get(URL)
    assert [item["id"] for item in listed["items"]] == [str(first.id)]


async def test_peppol_refuses_an_invalid_document(
    api: Api, db_session: AsyncSession, store: MemoryStore
) -> None:
    xml = mutated(EXAMPLE, set_text("cbc:InvoiceTypeCode", "999"))
    with pytest.raises(service.InvalidInvoiceDocument) as caught:
        await service.receive_peppol_document(
            db_session,
            company_id=api.tenant.company.id,
            xml=xml,
            sender_id="0235:1357902468",
            receiver_id="0235:1345678901",
            message_id="msg-bad",
            store=store,
        )
    assert "ibr-cl-01" in {d["rule_id"] for d in caught.value.details}
    assert store.items == {}


async def test_peppol_scope_is_restored_and_other_companies_unaffected(
    api: Api, db_session: AsyncSession, settings: Settings, store: MemoryStore
) -> None:
    other = await make_tenant(db_session, settings)
    with tenancy.system_scope(db_session):
        received = await service.receive_peppol_document(
            db_session,
            company_id=other.company.id,
            xml=example_bytes(EXAMPLE),
            sender_id="0235:1357902468",
            receiver_id="0235:x",
            message_id="msg-9",
            store=store,
        )
        assert tenancy.current_scope(db_session) is tenancy.Scope.SYSTEM
    assert received.company_id == other.company.id
    assert (await api.get(URL))["total"] == 0
    error(await api.client.get(f"{URL}/{received.id}", headers=api.tenant.headers), 404)


async def test_credit_note_is_stored_but_not_matched(api: Api, store: MemoryStore) -> None:
    body = ok(
        await _upload(api, example_bytes("billing/creditnote/Standard tax credit Note.xml")), 201
    )
    assert body["document_kind"] == "CreditNote"
    assert body["matching_status"] == "NOT_MATCHED"
    assert body["status"] == "NEEDS_REVIEW"
    assert body["match"]["issues"] == [
        "credit notes are not matched against purchase orders; review it by hand"
    ]
    assert body["match"]["consumption"] == {}
