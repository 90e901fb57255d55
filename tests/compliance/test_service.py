"""compliance.service below the API: issuing at finalize, the hash chain, signatures and keys,
verification against tampering, draft validation, the PDF job and the Tax Data Document.

Expectations come from outside the code under test: the official validator, the UBL bytes read
back with the parser, SHA-256 computed here with hashlib, signatures checked with the public key,
rule ids and texts from the official PINT AE Schematron (ibr-132-ae: a TRN is 15 digits, 1...03).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree
from PIL import Image as PILImage
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.audit.models import AuditEvent
from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company, CompanyDocument, DocumentKind
from involinks.compliance import service, signing
from involinks.compliance.chain import GENESIS_HASH, canonical_document
from involinks.compliance.models import DocumentChainHead, IssuedDocument, SigningKey
from involinks.compliance.ubl import parse_document
from involinks.compliance.validation import validate_tdd, validate_ubl
from involinks.config import Settings
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.errors import Conflict
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.models import Invoice, InvoiceLine, InvoiceNumberCounter, InvoiceStatus
from involinks.invoicing.schemas import CreditNoteCreate, InvoiceCreate
from involinks.storage import ArtifactStore, store_for
from tests.compliance.pdf.text import extract_text
from tests.customers.factories import create_customer, invoice_payload, line
from tests.factories import create_company, create_user

UBL_NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
BAD_TRN = "123456789012345"  # not 1...03: fails ibr-132-ae


@pytest.fixture
def store(settings: Settings) -> ArtifactStore:
    return store_for(settings)


@pytest.fixture
async def seller(db_session: AsyncSession) -> Company:
    company = await create_company(db_session)
    tenancy.bind_company(db_session, company.id)
    return company


@pytest.fixture
async def user(db_session: AsyncSession, seller: Company) -> User:
    return await create_user(db_session, company=seller, role=Role.COMPANY_ADMIN)


@pytest.fixture
async def buyer(db_session: AsyncSession, seller: Company) -> Customer:
    return await create_customer(db_session, seller)


class Issuer:
    """Creates drafts and finalizes them through invoicing.service, as the API does."""

    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        store: ArtifactStore,
        user: User,
        buyer: Customer,
    ) -> None:
        self.session, self.settings, self.store = session, settings, store
        self.user, self.buyer = user, buyer

    async def draft(self, **overrides: Any) -> Invoice:
        data = InvoiceCreate.model_validate(invoice_payload(self.buyer, **overrides))
        return await invoicing_service.create_draft(self.session, data, user=self.user)

    async def finalize(self, invoice: Invoice, settings: Settings | None = None) -> Invoice:
        return await invoicing_service.finalize(
            self.session,
            invoice,
            user=self.user,
            settings=settings or self.settings,
            store=self.store,
        )

    async def issue(self, **overrides: Any) -> Invoice:
        return await self.finalize(await self.draft(**overrides))

    async def reload(self, invoice: Invoice) -> Invoice:
        return await invoicing_service.get_invoice(self.session, invoice.id)


@pytest.fixture
def issuer(
    db_session: AsyncSession, settings: Settings, store: ArtifactStore, user: User, buyer: Customer
) -> Issuer:
    return Issuer(db_session, settings, store, user, buyer)


def _text(xml: bytes, path: str, namespaces: dict[str, str] = UBL_NS) -> list[str]:
    found = etree.fromstring(xml).xpath(path, namespaces=namespaces)
    assert isinstance(found, list)
    return [str(value) for value in found]


async def _count(session: AsyncSession, model: Any) -> int:
    return int((await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one())


# --- issuing -----------------------------------------------------------------------------------


class TestIssue:
    async def test_issued_xml_is_valid_and_is_what_was_hashed_and_signed(
        self, db_session: AsyncSession, issuer: Issuer, store: ArtifactStore, seller: Company
    ) -> None:
        invoice = await issuer.issue(lines=[line(), line(quantity="3", unit_price="40")])
        assert invoice.status is InvoiceStatus.FINALIZED
        xml = await service.issued_xml(db_session, invoice, store=store)

        result = validate_ubl(xml)
        assert result.valid, [f"{e.rule_id}: {e.message}" for e in result.errors]
        document = parse_document(xml)
        assert document.id == invoice.number
        assert document.uuid == str(invoice.id)
        assert document.totals.payable_amount == invoice.payable_amount
        assert document.seller.trn == seller.trn

        record = await service.get_issued(db_session, invoice)
        assert record.xml_sha256 == hashlib.sha256(xml).hexdigest()
        assert record.previous_hash == GENESIS_HASH
        # The chain hash commits to the document as read back from the XML alone.
        canonical = canonical_document(
            document, series="invoice", xml_sha256=record.xml_sha256, previous_hash=GENESIS_HASH
        )
        assert record.document_hash == hashlib.sha256(canonical).hexdigest()
        key = await service.current_key(db_session)
        assert key is not None
        assert key.key_id == record.key_id
        assert signing.verify_signature(
            key.public_key_pem,
            record.document_hash,
            hashlib.sha256(xml).hexdigest(),
            record.signature,
        )

        events = await db_session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "invoice.issued", AuditEvent.subject_id == str(invoice.id)
            )
        )
        [event] = list(events)
        assert event.details["document_hash"] == record.document_hash

    async def test_chain_links_each_series_in_issue_order(
        self, db_session: AsyncSession, issuer: Issuer, user: User
    ) -> None:
        invoices = [await issuer.issue() for _ in range(3)]
        credit = await invoicing_service.create_credit_note(
            db_session,
            invoices[0],
            CreditNoteCreate(reason_code="DL8.61.1.E", reason="Wrong rate"),
            user=user,
        )
        await issuer.finalize(credit)

        records = [await service.get_issued(db_session, inv) for inv in invoices]
        assert [r.position for r in records] == [1, 2, 3]
        assert records[0].previous_hash == GENESIS_HASH
        assert records[1].previous_hash == records[0].document_hash
        assert records[2].previous_hash == records[1].document_hash
        assert len({r.document_hash for r in records}) == 3
        credit_record = await service.get_issued(db_session, credit)
        assert (credit_record.series, credit_record.position) == ("credit_note", 1)
        assert credit_record.previous_hash == GENESIS_HASH
        heads = {h.series: h for h in await db_session.scalars(sa.select(DocumentChainHead))}
        assert heads["invoice"].last_position == 3
        assert heads["invoice"].last_hash == records[2].document_hash
        assert heads["credit_note"].last_hash == credit_record.document_hash
        report = await service.verify_company_chains(db_session, store=issuer.store)
        assert report.intact
        assert report.checked == 4

    async def test_refused_by_an_official_rule_writes_nothing(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company, settings: Settings
    ) -> None:
        seller.trn = BAD_TRN
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await issuer.draft()
        with pytest.raises(service.ComplianceRejected) as refused:
            await issuer.finalize(draft)
        assert refused.value.status_code == 422
        [issue] = [d for d in refused.value.details if d["rule_id"] == "ibr-132-ae"]
        assert issue["layer"] == "ae"
        assert issue["field"] == "seller.trn"
        assert issue["location"].startswith("/Invoice/cac:AccountingSupplierParty")
        # Nothing was rolled back by the caller: finalize's own savepoint took its writes back.
        await db_session.refresh(draft)
        assert draft.status is InvoiceStatus.DRAFT
        assert draft.number is None
        for model in (IssuedDocument, SigningKey, DocumentChainHead):
            assert await _count(db_session, model) == 0
        # The XML was stored while the helper checked it; the refusal deleted it again.
        stored = settings.artifacts_dir / "issued-documents" / str(seller.id)
        assert [p for p in stored.rglob("*") if p.is_file()] == []

    async def test_a_number_already_issued_is_refused_and_writes_nothing(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company, settings: Settings
    ) -> None:
        first = await issuer.issue()
        year = first.issue_date.year
        assert first.number == f"INV-{year}-000001"
        # The year written out as text: a counter of its own, which starts again at 1 and meets
        # the number the yearly counter already gave.
        seller.settings = {"numbering": {"invoice": f"INV-{year}-{{seq:06}}"}}
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await issuer.draft()
        with pytest.raises(Conflict) as refused:
            await issuer.finalize(draft)
        assert refused.value.code == "number_taken"
        assert f"INV-{year}-000001" in refused.value.message
        await db_session.refresh(draft)
        assert (draft.status, draft.number) == (InvoiceStatus.DRAFT, None)
        assert await _count(db_session, IssuedDocument) == 1
        stored = settings.artifacts_dir / "issued-documents" / str(seller.id)
        assert len([p for p in stored.rglob("*") if p.is_file()]) == 1  # the first one's only
        # The session goes on: the counter moved on with the refusal rolled back, so the next
        # attempt meets the same number; a format that cannot collide issues at once.
        seller.settings = {"numbering": {"invoice": "B-{seq}"}}
        with tenancy.system_scope(db_session):
            await db_session.flush()
        issued = await issuer.finalize(await issuer.reload(draft))
        assert issued.number == "B-1"
        report = await service.verify_company_chains(db_session, store=issuer.store)
        assert (report.intact, report.checked) == (True, 2)

    async def test_self_billed_invoice_swaps_the_parties(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company, buyer: Customer
    ) -> None:
        draft = await issuer.draft()
        draft.self_billing = True
        await db_session.flush()
        invoice = await issuer.finalize(draft)
        xml = await service.issued_xml(db_session, invoice, store=issuer.store)
        result = validate_ubl(xml)
        assert result.valid, [f"{e.rule_id}: {e.message}" for e in result.errors]
        assert result.rule_set == "selfbilling"
        assert _text(xml, "/*/cbc:CustomizationID/text()") == ["urn:peppol:pint:selfbilling-1@ae-1"]
        assert _text(xml, "/*/cbc:InvoiceTypeCode/text()") == ["389"]
        supplier = "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
        customer = "/*/cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
        assert _text(xml, f"{supplier}/text()") == [buyer.trn]
        assert _text(xml, f"{customer}/text()") == [seller.trn]
        verification = await service.verify_invoice(db_session, invoice, store=issuer.store)
        assert verification.valid


# --- keys and signatures -----------------------------------------------------------------------


class TestKeys:
    async def test_one_key_is_created_on_first_use_and_reused(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company
    ) -> None:
        assert await service.current_key(db_session) is None
        first, second = await issuer.issue(), await issuer.issue()
        keys = list(await db_session.scalars(sa.select(SigningKey)))
        assert len(keys) == 1
        records = [await service.get_issued(db_session, inv) for inv in (first, second)]
        assert {r.key_id for r in records} == {keys[0].key_id}
        certificate = signing.load_certificate(keys[0].certificate_pem or "")
        assert f"2.5.4.5={seller.trn}" in certificate.subject.rfc4514_string()
        # The private key is stored encrypted, never in the clear.
        assert b"ENCRYPTED PRIVATE KEY" in keys[0].encrypted_private_key

    async def test_signatures_survive_key_rotation(
        self, db_session: AsyncSession, issuer: Issuer, user: User, settings: Settings
    ) -> None:
        before = await issuer.issue()
        old = await service.current_key(db_session)
        assert old is not None
        new = await service.rotate_key(db_session, user=user, settings=settings)
        after = await issuer.issue()
        old_record = await service.get_issued(db_session, before)
        new_record = await service.get_issued(db_session, after)
        assert (old_record.key_id, new_record.key_id) == (old.key_id, new.key_id)
        assert old.key_id != new.key_id
        # The old signature does not verify with the new key: verification must find the old one.
        assert not signing.verify_signature(
            new.public_key_pem,
            old_record.document_hash,
            old_record.xml_sha256,
            old_record.signature,
        )
        for invoice in (before, after):
            result = await service.verify_invoice(db_session, invoice, store=issuer.store)
            assert result.signature_ok, result.details
        keys = {k.key_id: k for k in await db_session.scalars(sa.select(SigningKey))}
        assert set(keys) == {old.key_id, new.key_id}
        assert not keys[old.key_id].is_active
        assert keys[old.key_id].retired_at is not None
        assert keys[new.key_id].is_active

    async def test_an_expired_certificate_is_replaced_before_signing(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        before = await issuer.issue()
        old = await service.current_key(db_session)
        assert old is not None
        assert old.not_valid_after is not None
        old.not_valid_after = old.not_valid_after.replace(year=2020)
        await db_session.flush()
        after = await issuer.issue()
        new = await service.current_key(db_session)
        assert new is not None
        assert new.key_id != old.key_id
        assert (await service.get_issued(db_session, after)).key_id == new.key_id
        assert (await service.verify_invoice(db_session, before, store=issuer.store)).valid

    async def test_keys_still_open_after_the_secret_key_is_rotated(
        self, db_session: AsyncSession, issuer: Issuer, settings: Settings, seller: Company
    ) -> None:
        await issuer.issue()
        old_secret = settings.secret_key.get_secret_value()
        rotated = settings.model_copy(
            update={
                "secret_key": SecretStr("a-brand-new-secret-key-0123456789-abcdefghij"),
                "previous_secret_keys": SecretStr(old_secret),
            }
        )
        second = await issuer.finalize(await issuer.draft(), settings=rotated)
        assert second.status is InvoiceStatus.FINALIZED
        key = await service.current_key(db_session)
        assert key is not None
        # Re-sealed under the new secret on that use.
        with pytest.raises(signing.SigningError):
            signing.unlock_private_key(
                service._stored(key), secret=old_secret, company_id=seller.id
            )
        signing.unlock_private_key(
            service._stored(key), secret=rotated.secret_key.get_secret_value(), company_id=seller.id
        )

        unrelated = settings.model_copy(
            update={"secret_key": SecretStr("unrelated-secret-0123456789-abcdefghijklmn")}
        )
        draft = await issuer.draft()
        with pytest.raises(service.SigningKeyUnavailable):
            await issuer.finalize(draft, settings=unrelated)


# --- verification ------------------------------------------------------------------------------


async def _tamper(session: AsyncSession, statement: Any) -> None:
    """Change rows behind the application's back (as someone with database access would)."""
    with tenancy.system_scope(session):
        await session.execute(statement)


class TestVerify:
    async def test_untouched_documents_verify(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        first, second = await issuer.issue(), await issuer.issue()
        for invoice in (first, second):
            result = await service.verify_invoice(db_session, invoice, store=issuer.store)
            assert (result.hash_ok, result.chain_ok, result.signature_ok) == (True, True, True)
            assert result.details == ()
            assert result.recomputed_hash == result.document_hash

    @pytest.mark.parametrize("target", ["payable_amount", "line_quantity", "buyer_trn"])
    async def test_altered_invoice_data_is_detected(
        self, db_session: AsyncSession, issuer: Issuer, target: str
    ) -> None:
        first, second = await issuer.issue(), await issuer.issue()
        if target == "payable_amount":
            statement = (
                sa.update(Invoice)
                .where(Invoice.id == first.id)
                .values(payable_amount=first.payable_amount + 1)
            )
        elif target == "line_quantity":
            statement = (
                sa.update(InvoiceLine).where(InvoiceLine.invoice_id == first.id).values(quantity=7)
            )
        else:
            snapshot = dict(first.buyer_snapshot or {}, trn="100999999999903")
            statement = (
                sa.update(Invoice).where(Invoice.id == first.id).values(buyer_snapshot=snapshot)
            )
        await _tamper(db_session, statement)
        altered = await issuer.reload(first)

        result = await service.verify_invoice(db_session, altered, store=issuer.store)
        assert result.hash_ok is False
        assert result.signature_ok is True  # the recorded hashes themselves are authentic
        assert result.chain_ok is True
        assert [d.check for d in result.details] == ["hash"]
        assert (await service.verify_invoice(db_session, second, store=issuer.store)).valid

        report = await service.verify_company_chains(db_session, store=issuer.store)
        assert not report.intact
        assert report.first_break is not None
        assert report.first_break.number == first.number
        assert report.first_break.reason == "hash_mismatch"

    async def test_altered_xml_artifact_is_detected(
        self, db_session: AsyncSession, issuer: Issuer, settings: Settings
    ) -> None:
        invoice = await issuer.issue()
        record = await service.get_issued(db_session, invoice)
        path = settings.artifacts_dir / record.xml_key
        original = path.read_bytes()
        amount = f">{invoice.payable_amount}<".encode()
        assert amount in original
        path.write_bytes(original.replace(amount, f">{invoice.payable_amount - 100}<".encode()))

        result = await service.verify_invoice(db_session, invoice, store=issuer.store)
        assert result.hash_ok is False
        assert result.xml_sha256_now == hashlib.sha256(path.read_bytes()).hexdigest()
        assert [d.check for d in result.details] == ["xml"]
        with pytest.raises(service.IntegrityFailure):
            await service.issued_xml(db_session, invoice, store=issuer.store)
        report = await service.verify_company_chains(db_session, store=issuer.store)
        assert report.first_break is not None
        assert (report.first_break.number, report.first_break.reason) == (
            invoice.number,
            "xml_altered",
        )

    async def test_a_rehashed_row_is_caught_by_the_signature_and_the_chain(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        first, second = await issuer.issue(), await issuer.issue()
        record = await service.get_issued(db_session, first)
        await _tamper(
            db_session,
            sa.update(Invoice)
            .where(Invoice.id == first.id)
            .values(payable_amount=first.payable_amount + 1),
        )
        altered = await issuer.reload(first)
        # The forger recomputes the document hash so the row is consistent with itself.
        forged = hashlib.sha256(
            canonical_document(
                await service.document_for(db_session, altered),
                series=record.series,
                xml_sha256=record.xml_sha256,
                previous_hash=record.previous_hash,
            )
        ).hexdigest()
        await _tamper(
            db_session,
            sa.update(IssuedDocument)
            .where(IssuedDocument.id == record.id)
            .values(document_hash=forged),
        )
        await db_session.refresh(record)

        result = await service.verify_invoice(db_session, altered, store=issuer.store)
        assert result.hash_ok is True
        assert result.signature_ok is False
        assert result.chain_ok is False
        report = await service.verify_company_chains(db_session, store=issuer.store)
        reasons = {(b.number, b.reason) for b in report.chains[0].breaks}
        assert (first.number, "signature_invalid") in reasons
        assert (second.number, "previous_hash_mismatch") in reasons

    async def test_removing_the_newest_document_is_detected(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        first, second = await issuer.issue(), await issuer.issue()
        await _tamper(
            db_session, sa.delete(IssuedDocument).where(IssuedDocument.invoice_id == second.id)
        )
        result = await service.verify_invoice(db_session, first, store=issuer.store)
        assert result.chain_ok is False
        assert (result.hash_ok, result.signature_ok) == (True, True)
        report = await service.verify_company_chains(db_session, store=issuer.store)
        assert report.checked == 1
        assert report.first_break is not None
        assert report.first_break.reason == "previous_hash_mismatch"


# --- draft validation --------------------------------------------------------------------------


class TestValidateDraft:
    async def test_valid_draft_changes_nothing(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        draft = await issuer.draft()
        result = await service.validate_draft(db_session, draft)
        assert result.valid
        assert result.errors == ()
        assert draft.status is InvoiceStatus.DRAFT
        assert draft.number is None
        for model in (IssuedDocument, SigningKey, DocumentChainHead, InvoiceNumberCounter):
            assert await _count(db_session, model) == 0

    async def test_official_rule_and_draft_checks_are_reported_with_their_field(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company
    ) -> None:
        seller.trn = BAD_TRN
        with tenancy.system_scope(db_session):
            await db_session.flush()
        draft = await issuer.draft(due_date=None)
        result = await service.validate_draft(db_session, draft)
        assert not result.valid
        found = {(e["rule_id"], e["layer"], e["field"]) for e in result.errors}
        assert ("ibr-132-ae", "ae", "seller.trn") in found
        # ibr-127-ae is pre-checked too; listed once, as the official rule with its location.
        assert ("ibr-127-ae", "ae", "due_date") in found
        assert ("ibr-127-ae", "involinks", "due_date") not in found

    async def test_an_issued_document_is_not_validated_again(
        self, db_session: AsyncSession, issuer: Issuer
    ) -> None:
        invoice = await issuer.issue()
        with pytest.raises(Conflict):
            await service.validate_draft(db_session, invoice)


# --- PDF and TDD -------------------------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 60), (20, 60, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


class TestPdfAndTdd:
    async def test_pdf_job_renders_once_with_the_company_logo(
        self, db_session: AsyncSession, issuer: Issuer, seller: Company, store: ArtifactStore
    ) -> None:
        logo = _png()
        stored = await store.put(f"company-documents/{seller.id}", logo, content_type="image/png")
        db_session.add(
            CompanyDocument(
                id=uuid.uuid4(),
                company_id=seller.id,
                kind=DocumentKind.LOGO,
                filename="logo.png",
                content_type="image/png",
                size_bytes=stored.size,
                sha256=stored.sha256,
                storage_key=stored.key,
            )
        )
        await db_session.flush()
        invoice = await issuer.issue()

        assert await service.render_pdf_job(db_session, invoice.id, store=store) is True
        record = await service.get_issued(db_session, invoice)
        assert record.pdf_key is not None
        assert record.pdf_rendered_at is not None
        assert await service.render_pdf_job(db_session, invoice.id, store=store) is False
        assert await service.render_pdf_job(db_session, uuid.uuid4(), store=store) is False

        pdf = await service.pdf_bytes(db_session, invoice, store=store)
        assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
        assert pdf.count(b"/Subtype /Image") == 1
        text = extract_text(pdf)
        assert invoice.number is not None
        assert invoice.number in text
        assert record.document_hash in text.replace("\n", "")

    async def test_pdf_on_demand_before_the_job(
        self, db_session: AsyncSession, issuer: Issuer, store: ArtifactStore
    ) -> None:
        invoice = await issuer.issue()
        pdf = await service.pdf_bytes(db_session, invoice, store=store)
        assert pdf.startswith(b"%PDF-")
        record = await service.get_issued(db_session, invoice)
        assert record.pdf_sha256 == hashlib.sha256(pdf).hexdigest()  # stored for next time
        assert await service.render_pdf_job(db_session, invoice.id, store=store) is False

    async def test_tax_data_document(
        self, db_session: AsyncSession, issuer: Issuer, settings: Settings, seller: Company
    ) -> None:
        invoice = await issuer.issue()
        with pytest.raises(Conflict):
            await service.tdd_xml(db_session, invoice, settings=settings, store=issuer.store)
        configured = settings.model_copy(
            update={"tdd_fta_spis_id": "000773", "tdd_representative_spis_id": "000001"}
        )
        tdd = await service.tdd_xml(db_session, invoice, settings=configured, store=issuer.store)
        result = validate_tdd(tdd)
        assert result.valid, [f"{e.rule_id}: {e.message}" for e in result.errors]
        ns = {**UBL_NS, "pxs": "urn:peppol:schema:taxdata:1.0"}
        assert _text(tdd, "/*/pxs:ReportingParty/cbc:EndpointID/text()", ns) == [seller.trn[:10]]
        assert _text(tdd, "/*/pxs:ReceivingParty/cbc:EndpointID/text()", ns) == ["000773"]
        assert _text(tdd, "//pxs:ReportedDocument/cbc:ID/text()", ns) == [invoice.number]
