"""Finalize through the API: the 422 carries every failed rule (as /validate lists them),
self-billing is a field of the invoice form, and the PDF carries the uploaded logo and stamp."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pypdf
import pytest
from lxml import etree
from PIL import Image as PILImage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from involinks.compliance.validation import validate_ubl
from involinks.compliance.validation.result import Layer
from involinks.core import tenancy
from involinks.jobs import queue as job_queue
from tests.customers.factories import invoice_payload
from tests.customers.fixtures import Tenant, ok, tenant
from tests.statements import selects_sent

__all__ = ["tenant"]

URL = "/api/v1/invoices"
BAD_TRN = "123456789012345"  # not 1...03: fails ibr-132-ae
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(autouse=True)
def _no_jobs() -> Iterator[None]:
    job_queue.set_dispatcher(lambda _name, _kwargs: None)
    yield
    job_queue.set_dispatcher(None)


async def _draft(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    return ok(await client.post(URL, json=payload, headers=tenant.headers), 201)


async def _finalize(client: httpx.AsyncClient, tenant: Tenant, invoice_id: str) -> httpx.Response:
    return await client.post(f"{URL}/{invoice_id}/finalize", headers=tenant.headers)


def _issue_key(issue: dict[str, Any]) -> tuple[Any, ...]:
    return (issue["rule_id"], issue["layer"], issue["field"], issue["location"])


def _text(root: etree._Element, path: str) -> str | None:
    found = root.find(path, NS)
    return found.text if found is not None else None


class TestRefusedFinalize:
    async def test_422_lists_every_failed_rule_like_validate(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        # Two problems of different kinds: one finalize's pre-checks see (no due date,
        # ibr-127-ae) and one only the official AE rules see (a seller TRN that fails its check
        # digits, ibr-132-ae); before, the first stopped finalize before the second was looked for.
        tenant.company.trn = BAD_TRN
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await _draft(client, tenant, due_date=None)

        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "compliance_rejected"
        details = error["details"]
        for issue in details:
            assert set(issue) == {"rule_id", "layer", "message", "location", "field"}
            assert issue["message"]
        keys = [(d["rule_id"], d["layer"], d["field"]) for d in details]
        # Our pre-check anticipates ibr-127-ae; the official rule reports it too: listed once.
        assert [k for k in keys if k[0] == "ibr-127-ae"] == [("ibr-127-ae", "ae", "due_date")]
        [due] = [d for d in details if d["rule_id"] == "ibr-127-ae"]
        assert due["location"].startswith("/Invoice")
        assert ("ibr-132-ae", "ae", "seller.trn") in keys
        [trn] = [d for d in details if d["rule_id"] == "ibr-132-ae"]
        assert trn["location"].startswith("/Invoice/cac:AccountingSupplierParty")
        assert "ibr-132-ae" in error["message"]

        # The same list /validate gives: no second call is needed.
        checked = ok(await client.post(f"{URL}/{draft['id']}/validate", headers=tenant.headers))
        assert checked["valid"] is False
        assert sorted(map(_issue_key, checked["errors"])) == sorted(map(_issue_key, details))

        # Nothing was written: still a draft without a number.
        still = ok(await client.get(f"{URL}/{draft['id']}", headers=tenant.headers))
        assert (still["status"], still["number"]) == ("DRAFT", None)

    async def test_official_layer_failure_alone_also_lists_rules(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.company.trn = BAD_TRN
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await _draft(client, tenant)
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422
        details = response.json()["error"]["details"]
        assert {d["layer"] for d in details} <= {"xsd", "pint", "ae", "involinks"}
        assert any(d["rule_id"] == "ibr-132-ae" and d["location"] for d in details)

    async def test_precheck_with_its_own_form_field_is_kept_beside_the_official_rule(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        tenant.customer.peppol_id = None
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await _draft(client, tenant)
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422
        details = response.json()["error"]["details"]
        keys = {(d["rule_id"], d["layer"], d["field"]) for d in details}
        # The pre-check points at the form's customer; the official rule at the XML element.
        assert ("ibr-080", "involinks", "customer_id") in keys
        assert ("ibr-080", "pint", "buyer.endpoint") in keys
        assert "Peppol id" in response.json()["detail"]


class TestSelfBilling:
    async def test_self_billed_invoice_and_credit_note_pass_all_layers(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        # The customer record is the supplier on whose behalf the company issues the invoice.
        draft = await _draft(client, tenant, self_billing=True)
        assert draft["self_billing"] is True
        invoice = ok(await _finalize(client, tenant, draft["id"]))
        assert invoice["self_billing"] is True

        xml = (await client.get(f"{URL}/{invoice['id']}/xml", headers=tenant.headers)).content
        result = validate_ubl(xml)
        assert result.valid, [f"{e.rule_id}: {e.message}" for e in result.errors]
        assert result.rule_set == "selfbilling"
        assert {Layer.XSD, Layer.PINT, Layer.AE} <= set(result.layers)

        root = etree.fromstring(xml)
        assert _text(root, "cbc:CustomizationID") == "urn:peppol:pint:selfbilling-1@ae-1"
        assert _text(root, "cbc:ProfileID") == "urn:peppol:bis:selfbilling"
        assert _text(root, "cbc:InvoiceTypeCode") == "389"
        assert _text(root, "cbc:ProfileExecutionID") == "00000000"  # no transaction flag set
        # The parties are swapped: the supplier sells, the issuing company buys.
        tax_id = "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
        assert _text(root, f"cac:AccountingSupplierParty/{tax_id}") == tenant.customer.trn
        assert _text(root, f"cac:AccountingCustomerParty/{tax_id}") == tenant.company.trn

        note = ok(
            await client.post(
                f"{URL}/{invoice['id']}/credit-notes",
                json={"reason_code": "DL8.61.1.A", "reason": "Supply cancelled"},
                headers=tenant.headers,
            ),
            201,
        )
        assert note["self_billing"] is True
        refused = await client.patch(
            f"{URL}/{note['id']}", json={"self_billing": False}, headers=tenant.headers
        )
        assert refused.status_code == 422
        assert "self_billing" in {d["field"] for d in refused.json()["error"]["details"]}
        issued = ok(await _finalize(client, tenant, note["id"]))
        xml = (await client.get(f"{URL}/{issued['id']}/xml", headers=tenant.headers)).content
        assert validate_ubl(xml).valid
        root = etree.fromstring(xml)
        assert _text(root, "cbc:CreditNoteTypeCode") == "261"
        assert _text(root, "cbc:CustomizationID") == "urn:peppol:pint:selfbilling-1@ae-1"

    async def test_switched_on_and_off_by_update(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        assert draft["self_billing"] is False
        on = ok(
            await client.patch(
                f"{URL}/{draft['id']}", json={"self_billing": True}, headers=tenant.headers
            )
        )
        assert on["self_billing"] is True
        empty = await client.patch(
            f"{URL}/{draft['id']}", json={"self_billing": None}, headers=tenant.headers
        )
        assert empty.status_code == 422
        off = ok(
            await client.patch(
                f"{URL}/{draft['id']}", json={"self_billing": False}, headers=tenant.headers
            )
        )
        assert off["self_billing"] is False
        issued = ok(await _finalize(client, tenant, draft["id"]))
        xml = (await client.get(f"{URL}/{issued['id']}/xml", headers=tenant.headers)).content
        assert _text(etree.fromstring(xml), "cbc:InvoiceTypeCode") == "380"

    async def test_supplier_is_paid_not_the_company(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        # Without payment means a self-billed draft does not take the company's own account:
        # finalize asks for the supplier's (ibr-192-ae) instead.
        own = {"code": "30", "account_id": "AE070331234567890123456"}
        tenant.company.settings = {**(tenant.company.settings or {}), "payment_means": own}
        with tenancy.system_scope(db_session):
            await db_session.flush()
        billed = await _draft(client, tenant, payment_means=None)
        assert billed["payment_means"]["account_id"] == own["account_id"]  # a normal invoice
        payload = invoice_payload(tenant.customer, self_billing=True)
        del payload["payment_means"]
        draft = ok(await client.post(URL, json=payload, headers=tenant.headers), 201)
        assert draft["payment_means"]["account_id"] is None
        response = await _finalize(client, tenant, draft["id"])
        assert response.status_code == 422
        fields = {(d["rule_id"], d["field"]) for d in response.json()["error"]["details"]}
        assert ("ibr-192-ae", "payment_means.account_id") in fields


def _image(kind: str, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format=kind)
    return buffer.getvalue()


def _pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image XObject drawn on the PDF's pages."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in (xobjects.get_object() if xobjects is not None else {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append((int(xobject["/Width"]), int(xobject["/Height"])))
    return found


class TestBrandedPdf:
    async def test_pdf_shows_uploaded_logo_and_stamp(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        plain = ok(await _finalize(client, tenant, (await _draft(client, tenant))["id"]))
        pdf = await client.get(f"{URL}/{plain['id']}/pdf", headers=tenant.headers)
        assert pdf.status_code == 200
        assert _pdf_images(pdf.content) == []

        uploads = {
            "logo": ("logo.png", _image("PNG", (160, 64), (20, 60, 160)), "image/png"),
            "stamp": ("stamp.jpg", _image("JPEG", (90, 90), (180, 20, 20)), "image/jpeg"),
        }
        for kind, file in uploads.items():
            ok(
                await client.post(
                    "/api/v1/company/documents",
                    data={"kind": kind},
                    files={"file": file},
                    headers=tenant.headers,
                ),
                201,
            )
        branded = ok(await _finalize(client, tenant, (await _draft(client, tenant))["id"]))
        pdf = await client.get(f"{URL}/{branded['id']}/pdf", headers=tenant.headers)
        assert pdf.status_code == 200
        assert sorted(_pdf_images(pdf.content)) == [(90, 90), (160, 64)]


async def test_finalize_reads_are_bounded(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    """A regression guard for the costliest request: the plan comes with the principal, and the
    number's uniqueness is left to its unique key instead of a lookup."""
    await _finalize(client, tenant, (await _draft(client, tenant))["id"])  # the key exists now
    draft = await _draft(client, tenant)
    with selects_sent(engine) as selects:
        issued = ok(await _finalize(client, tenant, draft["id"]))
    assert issued["status"] == "FINALIZED"
    [principal] = [q for q in selects if "FROM users" in q]
    assert "JOIN subscription_plans" in principal
    assert [q for q in selects if "FROM subscription_plans" in q and q != principal] == []
    assert [q for q in selects if "invoices.number =" in q] == []
