"""invoicing.service, mapping and the plan limit at finalize, below the API.

The strongest check of the mapping: a finalized invoice / credit note, mapped to the PINT AE
document model and written as UBL by the compliance builder, passes the official PINT AE 1.0.4
validation (XSD, PINT and AE Schematron).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from involinks.auth.models import User
from involinks.auth.permissions import Role
from involinks.companies.models import Company
from involinks.compliance.ubl.builder import build
from involinks.compliance.validation.engine import validate_ubl
from involinks.core import tenancy
from involinks.customers.models import Customer
from involinks.invoicing import mapping, totals
from involinks.invoicing import service as invoicing_service
from involinks.invoicing.document import DocumentKind, Identifier
from involinks.invoicing.exceptions import InvalidTransition, InvoiceNotDraft
from involinks.invoicing.models import Invoice, InvoiceStatus
from involinks.invoicing.schemas import CreditNoteCreate, InvoiceCreate, InvoiceUpdate
from involinks.plans import enforcement
from tests.customers.factories import IBAN, create_customer, invoice_payload, line
from tests.factories import create_company, create_user

D = Decimal


@pytest.fixture
async def seller(db_session: AsyncSession) -> Company:
    # A TRN of the form the AE rules require (ibr-132-ae: 15 digits, 1...03).
    company = await create_company(db_session, trn="100123456700003")
    tenancy.bind_company(db_session, company.id)
    return company


@pytest.fixture
async def user(db_session: AsyncSession, seller: Company) -> User:
    return await create_user(db_session, company=seller, role=Role.COMPANY_ADMIN)


@pytest.fixture
async def buyer(db_session: AsyncSession, seller: Company) -> Customer:
    return await create_customer(db_session, seller, trn="100200300400003")


async def _draft(session: AsyncSession, user: User, buyer: Customer, **overrides: Any) -> Invoice:
    data = InvoiceCreate.model_validate(invoice_payload(buyer, **overrides))
    return await invoicing_service.create_draft(session, data, user=user)


async def _issued(session: AsyncSession, user: User, buyer: Customer, **overrides: Any) -> Invoice:
    invoice = await _draft(session, user, buyer, **overrides)
    return await invoicing_service.finalize(session, invoice, user=user)


def _assert_officially_valid(invoice: Invoice) -> None:
    result = validate_ubl(build(mapping.invoice_to_document(invoice)))
    assert result.valid, [f"{e.rule_id}: {e.message}" for e in result.errors]


class TestMapping:
    async def test_standard_invoice_document(
        self, db_session: AsyncSession, user: User, buyer: Customer, seller: Company
    ) -> None:
        invoice = await _issued(
            db_session,
            user,
            buyer,
            purchase_order_reference="PO-77",
            lines=[line(), line(quantity="3", unit_price="40", discount_amount="10")],
            allowances_charges=[
                {"amount": "5", "reason": "Loyalty", "vat_category": "S"},
            ],
        )
        document = mapping.invoice_to_document(invoice)
        assert document.kind is DocumentKind.INVOICE
        assert document.id == invoice.number
        assert document.uuid == str(invoice.id)
        assert document.seller.trn == seller.trn
        assert document.buyer.endpoint == Identifier("1002003004", "0235")
        assert document.buyer.trn == "100200300400003"
        assert document.order_reference is not None
        assert document.order_reference.id == "PO-77"
        assert document.payment_means[0].payee_financial_account is not None
        assert document.payment_means[0].payee_financial_account.id == IBAN
        assert document.lines[1].allowances_charges[0].amount == D("10.00")
        # The document's own lines recompute to exactly the stored totals.
        recomputed = totals.compute_document_totals(document)
        assert recomputed.payable_amount == invoice.payable_amount == document.totals.payable_amount
        assert recomputed.tax_amount == invoice.tax_amount == document.tax_total.tax_amount
        assert [b.taxable_amount for b in recomputed.breakdown] == [
            s.taxable_amount for s in document.tax_total.subtotals
        ]
        _assert_officially_valid(invoice)

    async def test_foreign_currency_document(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(
            db_session,
            user,
            buyer,
            currency="USD",
            exchange_rate="3.6725",
            lines=[line(quantity="4", unit_price="250")],
        )
        document = mapping.invoice_to_document(invoice)
        assert document.tax_currency_code == "AED"
        assert document.tax_exchange_rate is not None
        assert document.tax_exchange_rate.calculation_rate == D("3.6725")
        # 50.00 USD x 3.6725 = 183.625 -> 183.63; 1050.00 x 3.6725 = 3856.125 -> 3856.13.
        assert document.tax_currency_tax_amount == D("183.63")
        assert document.additional_document_references[0].description == "AED 3856.13"
        _assert_officially_valid(invoice)

    async def test_exempt_and_zero_rated_document(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(
            db_session,
            user,
            buyer,
            lines=[
                line(),
                line(vat_category="Z"),
                line(vat_category="E", exemption_reason_code="DL8.46.2"),
            ],
        )
        _assert_officially_valid(invoice)

    async def test_credit_note_document(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(db_session, user, buyer)
        credit = await invoicing_service.create_credit_note(
            db_session,
            invoice,
            CreditNoteCreate(reason_code="DL8.61.1.E", reason="Wrong rate"),
            user=user,
        )
        await invoicing_service.finalize(db_session, credit, user=user)
        document = mapping.invoice_to_document(credit)
        assert document.kind is DocumentKind.CREDIT_NOTE
        assert document.type_code == "381"
        assert document.billing_references[0].id == invoice.number
        assert document.billing_references[0].issue_date == invoice.issue_date
        assert document.discrepancy_responses[0].response_code == "DL8.61.1.E"
        _assert_officially_valid(credit)

    async def test_volume_discount_credit_note_has_no_invoice_reference(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(db_session, user, buyer)
        credit = await invoicing_service.create_credit_note(
            db_session,
            invoice,
            CreditNoteCreate.model_validate({"reason_code": "VD", "lines": [line(quantity="0.1")]}),
            user=user,
        )
        await invoicing_service.finalize(db_session, credit, user=user)
        document = mapping.invoice_to_document(credit)
        # ibr-055-ae as coded (upstream defect): no BillingReference with VD.
        assert document.billing_references == ()
        assert credit.credited_invoice_id == invoice.id  # still linked in our records
        _assert_officially_valid(credit)

    async def test_draft_uses_live_data_finalized_uses_snapshot(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        draft = await _draft(db_session, user, buyer)
        with pytest.raises(ValueError, match="snapshot"):
            mapping.invoice_to_document(draft)
        buyer.legal_name = "Renamed Before Finalize LLC"
        await db_session.flush()
        assert (await invoicing_service.to_document(db_session, draft)).buyer.registration_name == (
            "Renamed Before Finalize LLC"
        )
        await invoicing_service.finalize(db_session, draft, user=user)
        buyer.legal_name = "Renamed After Finalize LLC"
        await db_session.flush()
        document = await invoicing_service.to_document(db_session, draft)
        assert document.buyer.registration_name == "Renamed Before Finalize LLC"


class TestLifecycle:
    async def test_delivery_statuses(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(db_session, user, buyer)
        with pytest.raises(InvalidTransition, match="FINALIZED"):
            await invoicing_service.transition(db_session, invoice, InvoiceStatus.SENT, user=user)
        await invoicing_service.approve(db_session, invoice, user=user)
        for status in (InvoiceStatus.SENT, InvoiceStatus.FAILED, InvoiceStatus.SENT):
            await invoicing_service.transition(db_session, invoice, status, user=None)
        await invoicing_service.transition(db_session, invoice, InvoiceStatus.DELIVERED, user=None)
        await invoicing_service.transition(db_session, invoice, InvoiceStatus.ACCEPTED, user=None)
        assert invoice.status is InvoiceStatus.ACCEPTED
        # CANCELLED only through a credit note.
        with pytest.raises(InvalidTransition):
            await invoicing_service.transition(
                db_session, invoice, InvoiceStatus.CANCELLED, user=user
            )
        loaded = await invoicing_service.get_invoice(db_session, invoice.id, history=True)
        assert [e.status for e in loaded.status_events][-3:] == [
            InvoiceStatus.SENT,
            InvoiceStatus.DELIVERED,
            InvoiceStatus.ACCEPTED,
        ]

    async def test_update_of_finalized_is_refused(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(db_session, user, buyer)
        with pytest.raises(InvoiceNotDraft, match="FINALIZED"):
            await invoicing_service.update_draft(
                db_session, invoice, InvoiceUpdate(notes=["x"]), user=user
            )
        with pytest.raises(InvoiceNotDraft):
            await invoicing_service.delete_draft(db_session, invoice, user=user)

    async def test_credited_amount(
        self, db_session: AsyncSession, user: User, buyer: Customer
    ) -> None:
        invoice = await _issued(db_session, user, buyer)  # 210.00
        for quantity in ("1", "0.5"):
            credit = await invoicing_service.create_credit_note(
                db_session,
                invoice,
                CreditNoteCreate.model_validate(
                    {"reason_code": "DL8.61.1.C", "lines": [line(quantity=quantity)]}
                ),
                user=user,
            )
            await invoicing_service.finalize(db_session, credit, user=user)
        # 105.00 + 52.50
        assert await invoicing_service.credited_amount(db_session, invoice) == D("157.50")
        assert invoice.status is InvoiceStatus.FINALIZED

    async def test_business_events_are_audited(
        self,
        db_session: AsyncSession,
        user: User,
        buyer: Customer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        events: list[tuple[str, str | None, str | None]] = []

        async def record(_session: AsyncSession, action: str, **kwargs: Any) -> None:
            assert kwargs["actor"] is user
            assert kwargs["company_id"] == user.company_id
            events.append((action, kwargs["subject_type"], kwargs["subject_id"]))

        monkeypatch.setattr(invoicing_service, "_audit_recorder", lambda: record)
        invoice = await _issued(db_session, user, buyer)
        await invoicing_service.approve(db_session, invoice, user=user)
        assert [action for action, _, _ in events] == [
            "invoice.created",
            "invoice.finalized",
            "invoice.approved",
        ]
        assert {subject for _, _, subject in events} == {str(invoice.id)}


class TestPlanLimit:
    """The plan check itself is tested in tests/plans; here: what finalize counts."""

    async def test_credit_notes_do_not_count(
        self, db_session: AsyncSession, buyer: Customer, user: User, seller: Company
    ) -> None:
        seller.plan_code = "FREE"
        with tenancy.system_scope(db_session):
            await db_session.flush()
        invoice = await _issued(db_session, user, buyer)
        month = datetime.now(UTC)
        used = await enforcement.invoices_finalized_this_month(db_session, seller, now=month)
        assert used == 1
        credit = await invoicing_service.create_credit_note(
            db_session, invoice, CreditNoteCreate(reason_code="DL8.61.1.A"), user=user
        )
        await invoicing_service.finalize(db_session, credit, user=user)
        used = await enforcement.invoices_finalized_this_month(db_session, seller, now=month)
        assert used == 1
        assert credit.issue_date == invoicing_service.issue_date_today()
        assert isinstance(credit.issue_date, date)


VARIANTS: dict[str, dict[str, Any]] = {
    "reverse charge": {
        "lines": [
            line(vat_category="AE", rcm_goods_type="DL8.48.3.1", standard_item_id="9876543210")
        ]
    },
    "out of scope (480)": {
        "type_code": "480",
        "lines": [line(vat_category="O")],
    },
    "goods and services with classifications": {
        "lines": [
            line(item_type="G", classification_code="22334455"),
            line(item_type="S", service_accounting_code="998311"),
        ]
    },
    "summary invoice": {
        "transaction_type": {"summary_invoice": True},
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "billing_frequency": "MTH",
    },
    "free zone": {"transaction_type": {"free_zone": True}, "beneficiary_id": "100555666777003"},
    "disclosed agent": {
        "transaction_type": {"disclosed_agent": True},
        "principal_id": "155667745601003",
    },
    "supply date and notes": {"supply_date": "2026-03-01", "notes": ["Tax invoice"]},
    "export": {
        "transaction_type": {"exports": True},
        "lines": [line(vat_category="Z")],
        "delivery": {
            "delivery_date": "2026-03-05",
            "line1": "1 Hay St",
            "city": "Perth",
            "subdivision": "WA",
            "country": "AU",
            "incoterms": "FOB",
        },
    },
    "e-commerce": {
        "transaction_type": {"ecommerce": True},
        "delivery": {"line1": "Villa 3", "city": "Dubai", "emirate": "DXB", "country": "AE"},
    },
    "document-level charge, exempt": {
        "lines": [line(vat_category="E", exemption_reason_code="DL8.46.1")],
        "type_code": "480",
        "allowances_charges": [
            {
                "is_charge": True,
                "amount": "12.50",
                "reason_code": "FC",
                "vat_category": "E",
                "exemption_reason_code": "DL8.46.1",
            }
        ],
    },
}


@pytest.mark.parametrize("variant", list(VARIANTS))
async def test_variants_pass_official_validation(
    db_session: AsyncSession, user: User, buyer: Customer, variant: str
) -> None:
    invoice = await _issued(db_session, user, buyer, **VARIANTS[variant])
    _assert_officially_valid(invoice)
