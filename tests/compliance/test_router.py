"""Compliance endpoints: finalize through the API, the issued XML / PDF / TDD, draft validation,
verification and the chain report against tampering, the signing certificate, tenancy and
permissions.

The expected rule (ibr-132-ae on the seller TRN) and its form field come from the official
Schematron and validation/fields.py; certificates are made here with ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.permissions import Role
from involinks.compliance import tasks
from involinks.compliance.models import IssuedDocument
from involinks.compliance.ubl import parse_document
from involinks.compliance.validation import validate_tdd, validate_ubl
from involinks.config import Settings
from involinks.core import tenancy
from involinks.invoicing.models import Invoice
from involinks.jobs import queue as job_queue
from tests.compliance.pdf.text import extract_text
from tests.customers.factories import invoice_payload
from tests.customers.fixtures import Tenant, ok, other_tenant, tenant
from tests.factories import auth_headers, create_user

__all__ = ["other_tenant", "tenant"]

URL = "/api/v1/invoices"
CERT_URL = "/api/v1/company/signing-certificate"
BAD_TRN = "123456789012345"  # not 1...03: fails ibr-132-ae

Jobs = list[tuple[str, dict[str, Any]]]


@pytest.fixture(autouse=True)
def sent_jobs() -> Iterator[Jobs]:
    """Jobs sent after commit are captured instead of running in this process."""
    sent: Jobs = []
    job_queue.set_dispatcher(lambda name, kwargs: sent.append((name, kwargs)))
    yield sent
    job_queue.set_dispatcher(None)


async def _draft(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    payload = invoice_payload(tenant.customer, **overrides)
    return ok(await client.post(URL, json=payload, headers=tenant.headers), 201)


async def _issued(client: httpx.AsyncClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    draft = await _draft(client, tenant, **overrides)
    return ok(await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers))


async def _record(session: AsyncSession, tenant: Tenant, invoice_id: str) -> IssuedDocument:
    """The stored compliance record (the signature itself is not part of the API)."""
    with tenancy.company_scope(session, tenant.company.id):
        record = await session.scalar(
            sa.select(IssuedDocument).where(IssuedDocument.invoice_id == uuid.UUID(invoice_id))
        )
    assert record is not None
    return record


async def _set_trn(session: AsyncSession, tenant: Tenant, trn: str) -> None:
    tenant.company.trn = trn
    with tenancy.system_scope(session):
        await session.flush()


class TestIssuedDocument:
    async def test_finalize_issues_and_serves_xml_pdf_and_tdd(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        app: FastAPI,
        settings: Settings,
        sent_jobs: Jobs,
    ) -> None:
        invoice = await _issued(client, tenant)
        assert invoice["status"] == "FINALIZED"
        assert sent_jobs == [
            (
                "compliance.render_pdf",
                {"invoice_id": invoice["id"], "company_id": str(tenant.company.id)},
            )
        ]

        xml = await client.get(f"{URL}/{invoice['id']}/xml", headers=tenant.headers)
        assert xml.status_code == 200
        assert xml.headers["content-type"].startswith("application/xml")
        assert f'filename="{invoice["number"]}.xml"' in xml.headers["content-disposition"]
        assert validate_ubl(xml.content).valid
        assert parse_document(xml.content).id == invoice["number"]

        pdf = await client.get(f"{URL}/{invoice['id']}/pdf", headers=tenant.headers)
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert invoice["number"] in extract_text(pdf.content)

        tdd_url = f"{URL}/{invoice['id']}/tdd"
        assert (await client.get(tdd_url, headers=tenant.headers)).status_code == 409
        app.state.settings = settings.model_copy(
            update={"tdd_fta_spis_id": "000773", "tdd_representative_spis_id": "000001"}
        )
        tdd = await client.get(tdd_url, headers=tenant.headers)
        assert tdd.status_code == 200, tdd.text
        assert validate_tdd(tdd.content).valid
        assert xml.content.split(b"?>", 1)[1].strip()[:30] in tdd.content  # the UBL is embedded

        verified = ok(await client.get(f"{URL}/{invoice['id']}/verify", headers=tenant.headers))
        certificate = ok(await client.get(CERT_URL, headers=tenant.headers))
        assert verified["valid"] is True
        assert verified["key_id"] == certificate["key_id"]
        assert verified["xml_sha256"] == hashlib.sha256(xml.content).hexdigest()
        report = ok(await client.get("/api/v1/compliance/chain/verify", headers=tenant.headers))
        assert report["intact"] is True
        assert report["checked"] == 1
        assert report["first_break"] is None

    async def test_refused_finalize_names_the_rule_and_field_and_takes_no_number(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        await _set_trn(db_session, tenant, BAD_TRN)
        draft = await _draft(client, tenant)
        response = await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "compliance_rejected"
        [issue] = [d for d in error["details"] if d["rule_id"] == "ibr-132-ae"]
        assert set(issue) == {"rule_id", "layer", "message", "location", "field"}
        assert (issue["layer"], issue["field"]) == ("ae", "seller.trn")
        assert issue["location"].startswith("/Invoice/cac:AccountingSupplierParty")

        still = ok(await client.get(f"{URL}/{draft['id']}", headers=tenant.headers))
        assert (still["status"], still["number"]) == ("DRAFT", None)
        assert (await client.get(f"{URL}/{draft['id']}/xml", headers=tenant.headers)).json()[
            "error"
        ]["code"] == "not_issued"
        await _set_trn(db_session, tenant, "100123456789003")
        fixed = ok(await client.post(f"{URL}/{draft['id']}/finalize", headers=tenant.headers))
        assert fixed["number"] == "INV-2026-000001"  # the refused finalize consumed nothing

    async def test_validate_a_draft_without_changing_it(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        good = await _draft(client, tenant)
        answer = ok(await client.post(f"{URL}/{good['id']}/validate", headers=tenant.headers))
        assert answer["valid"] is True
        assert answer["errors"] == []
        issued = await _issued(client, tenant)
        again = await client.post(f"{URL}/{issued['id']}/validate", headers=tenant.headers)
        assert again.status_code == 409

        await _set_trn(db_session, tenant, BAD_TRN)
        bad = await _draft(client, tenant, due_date=None)
        answer = ok(await client.post(f"{URL}/{bad['id']}/validate", headers=tenant.headers))
        assert answer["valid"] is False
        fields = {(e["rule_id"], e["layer"], e["field"]) for e in answer["errors"]}
        assert ("ibr-132-ae", "ae", "seller.trn") in fields
        assert ("ibr-127-ae", "ae", "due_date") in fields  # once, not again as a pre-check
        assert ("ibr-127-ae", "involinks", "due_date") not in fields
        after = ok(await client.get(f"{URL}/{bad['id']}", headers=tenant.headers))
        assert (after["status"], after["number"], after["updated_at"]) == (
            "DRAFT",
            None,
            bad["updated_at"],
        )

    async def test_verify_and_chain_report_detect_an_altered_total(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        first, second = await _issued(client, tenant), await _issued(client, tenant)
        with tenancy.system_scope(db_session):
            await db_session.execute(
                sa.update(Invoice)
                .where(Invoice.id == uuid.UUID(first["id"]))
                .values(payable_amount=Invoice.payable_amount - 50)
            )
        verified = ok(await client.get(f"{URL}/{first['id']}/verify", headers=tenant.headers))
        assert (verified["hash_ok"], verified["chain_ok"], verified["signature_ok"]) == (
            False,
            True,
            True,
        )
        assert verified["recomputed_hash"] != verified["document_hash"]
        assert ok(await client.get(f"{URL}/{second['id']}/verify", headers=tenant.headers))["valid"]
        report = ok(await client.get("/api/v1/compliance/chain/verify", headers=tenant.headers))
        assert report["intact"] is False
        assert report["first_break"]["number"] == first["number"]
        assert report["first_break"]["reason"] == "hash_mismatch"
        assert first["number"] in report["first_break"]["message"]

    async def test_pdf_job_task_stores_the_pdf_once(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        db_session: AsyncSession,
        settings: Settings,
        sent_jobs: Jobs,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        invoice = await _issued(client, tenant)
        [(_name, kwargs)] = sent_jobs

        @asynccontextmanager
        async def task_session(database_url: str) -> AsyncIterator[AsyncSession]:
            assert database_url == settings.database_url
            yield db_session  # the task's own session, inside the test transaction

        monkeypatch.setattr(tasks, "_session", task_session)
        monkeypatch.setattr(tasks, "get_settings", lambda: settings)
        await tasks.render_pdf(**kwargs)
        await tasks.render_pdf(**kwargs)  # idempotent
        record = await _record(db_session, tenant, kwargs["invoice_id"])
        assert record.pdf_sha256 is not None
        pdf = await client.get(f"{URL}/{invoice['id']}/pdf", headers=tenant.headers)
        assert hashlib.sha256(pdf.content).hexdigest() == record.pdf_sha256


class TestAccess:
    async def test_another_companys_documents_are_not_found(
        self, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
    ) -> None:
        theirs = await _issued(client, other_tenant)
        their_draft = await _draft(client, other_tenant)
        for suffix in ("xml", "pdf", "tdd", "verify"):
            response = await client.get(f"{URL}/{theirs['id']}/{suffix}", headers=tenant.headers)
            assert response.status_code == 404, suffix
        validate = await client.post(f"{URL}/{their_draft['id']}/validate", headers=tenant.headers)
        assert validate.status_code == 404
        report = ok(await client.get("/api/v1/compliance/chain/verify", headers=tenant.headers))
        assert report["checked"] == 0

    async def test_platform_reader_sees_every_company_without_writing(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        other_tenant: Tenant,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        mine, theirs = await _issued(client, tenant), await _issued(client, other_tenant)
        admin = await create_user(db_session, company=None, role=Role.SUPER_ADMIN)
        headers = auth_headers(settings, admin)
        for invoice in (mine, theirs):
            verified = ok(await client.get(f"{URL}/{invoice['id']}/verify", headers=headers))
            assert verified["valid"] is True
            pdf = await client.get(f"{URL}/{invoice['id']}/pdf", headers=headers)
            assert pdf.status_code == 200
        # Rendered for reading only: a platform reader writes nothing.
        assert (await _record(db_session, tenant, mine["id"])).pdf_key is None
        report = ok(await client.get("/api/v1/compliance/chain/verify", headers=headers))
        companies = {chain["company_id"] for chain in report["chains"]}
        assert {str(tenant.company.id), str(other_tenant.company.id)} <= companies
        assert report["intact"] is True

    async def test_permissions(self, client: httpx.AsyncClient, tenant: Tenant) -> None:
        invoice = await _issued(client, tenant)
        finance = tenant.finance_headers
        assert (await client.get(f"{URL}/{invoice['id']}/xml", headers=finance)).status_code == 200
        assert (await client.get(CERT_URL, headers=finance)).status_code == 403
        upload = await client.post(CERT_URL, files={"file": ("c.pem", b"x")}, headers=finance)
        assert upload.status_code == 403
        assert (await client.get(f"{URL}/{invoice['id']}/xml")).status_code == 401

    async def test_a_draft_has_no_issued_document(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        draft = await _draft(client, tenant)
        for suffix in ("xml", "pdf", "verify"):
            response = await client.get(f"{URL}/{draft['id']}/{suffix}", headers=tenant.headers)
            assert response.status_code == 409
            assert response.json()["error"]["code"] == "not_issued"


# --- signing certificate -----------------------------------------------------------------------


def _key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _certificate(
    key: rsa.RSAPrivateKey,
    *,
    starts: int = -1,
    ends: int = 365,
    signer: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Uploaded Trading LLC")])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=starts))
        .not_valid_after(now + timedelta(days=ends))
        .sign(signer or key, hashes.SHA256())
    )


def _pem(key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _spki_sha256(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


async def _upload(
    client: httpx.AsyncClient, tenant: Tenant, data: bytes, **fields: str
) -> httpx.Response:
    return await client.post(
        CERT_URL, files={"file": ("certificate", data)}, data=fields, headers=tenant.headers
    )


class TestSigningCertificate:
    async def test_none_before_the_first_finalize(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        response = await client.get(CERT_URL, headers=tenant.headers)
        assert response.status_code == 404
        await _issued(client, tenant)
        created = ok(await client.get(CERT_URL, headers=tenant.headers))
        assert created["uploaded"] is False
        assert tenant.company.trn in created["subject"]
        assert "PRIVATE" not in str(created)

    async def test_uploaded_pem_signs_new_documents_and_old_ones_still_verify(
        self, client: httpx.AsyncClient, tenant: Tenant, db_session: AsyncSession
    ) -> None:
        before = await _issued(client, tenant)
        key = _key()
        certificate = _certificate(key)
        uploaded = ok(await _upload(client, tenant, _pem(key, certificate)), 201)
        assert uploaded["key_id"] == _spki_sha256(key)
        assert uploaded["uploaded"] is True
        assert "Uploaded Trading LLC" in uploaded["subject"]
        assert (
            ok(await client.get(CERT_URL, headers=tenant.headers))["key_id"] == uploaded["key_id"]
        )

        after = await _issued(client, tenant)
        verified = ok(await client.get(f"{URL}/{after['id']}/verify", headers=tenant.headers))
        assert verified["key_id"] == uploaded["key_id"]
        # The signature checks out with the uploaded certificate's own public key.
        public = certificate.public_key()
        assert isinstance(public, rsa.RSAPublicKey)
        record = await _record(db_session, tenant, after["id"])
        public.verify(
            base64.b64decode(record.signature),
            f"{verified['document_hash']}|{verified['xml_sha256']}".encode(),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
        old = ok(await client.get(f"{URL}/{before['id']}/verify", headers=tenant.headers))
        assert old["signature_ok"] is True
        assert old["key_id"] != uploaded["key_id"]

    async def test_pkcs12_with_its_password(
        self, client: httpx.AsyncClient, tenant: Tenant
    ) -> None:
        key = _key()
        bundle = pkcs12.serialize_key_and_certificates(
            b"company",
            key,
            _certificate(key),
            None,
            serialization.BestAvailableEncryption(b"s3cret-pass"),
        )
        wrong = await _upload(client, tenant, bundle, password="not-it")
        assert wrong.status_code == 422
        assert "password" in wrong.json()["detail"]
        right = ok(await _upload(client, tenant, bundle, password="s3cret-pass"), 201)
        assert right["key_id"] == _spki_sha256(key)

    @pytest.mark.parametrize(
        ("case", "reason"),
        [
            ("expired", "expired"),
            ("not_yet_valid", "not valid yet"),
            ("other_key", "does not belong"),
            ("short_key", "2048"),
            ("no_key", "no private key"),
        ],
    )
    async def test_unusable_uploads_are_refused_with_the_reason(
        self, client: httpx.AsyncClient, tenant: Tenant, case: str, reason: str
    ) -> None:
        key = _key(1024) if case == "short_key" else _key()
        if case == "expired":
            data = _pem(key, _certificate(key, starts=-30, ends=-1))
        elif case == "not_yet_valid":
            data = _pem(key, _certificate(key, starts=2, ends=30))
        elif case == "other_key":
            other = _key()
            data = _pem(key, _certificate(other))
        elif case == "no_key":
            data = _certificate(key).public_bytes(serialization.Encoding.PEM)
        else:
            data = _pem(key, _certificate(key))
        response = await _upload(client, tenant, data)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_certificate"
        assert reason in response.json()["detail"]
        assert (await client.get(CERT_URL, headers=tenant.headers)).status_code == 404
