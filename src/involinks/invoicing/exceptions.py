"""Invoicing errors; each carries its HTTP status (rendered by involinks.errors)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from involinks.errors import Conflict, NotFound, Unprocessable

if TYPE_CHECKING:
    from involinks.invoicing.models import Invoice, InvoiceStatus
    from involinks.invoicing.schemas import FieldIssue


def _label(invoice: Invoice) -> str:
    kind = "Credit note" if invoice.is_credit_note else "Invoice"
    return f"{kind} {invoice.number}" if invoice.number else f"{kind} (draft)"


class InvoiceNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Invoice not found.", code="invoice_not_found")


class InvoiceNotDraft(Conflict):
    """Finalized documents are immutable: corrections go through a credit note."""

    def __init__(self, invoice: Invoice) -> None:
        super().__init__(
            f"{_label(invoice)} is {invoice.status.value} and can no longer be changed; only a "
            "DRAFT can be edited or deleted (correct a finalized invoice with a credit note).",
            code="invoice_not_draft",
            details={"status": invoice.status.value},
        )


class InvalidTransition(Conflict):
    def __init__(self, invoice: Invoice, target: InvoiceStatus, reason: str | None = None) -> None:
        message = f"{_label(invoice)} is {invoice.status.value} and cannot become {target.value}"
        super().__init__(
            f"{message}: {reason}" if reason else f"{message}.",
            code="invalid_status_transition",
            details={"status": invoice.status.value, "target": target.value},
        )


class CreditExceedsInvoice(Unprocessable):
    def __init__(self, *, credit: Decimal, remaining: Decimal, currency: str) -> None:
        super().__init__(
            f"Please correct: lines: this credit note ({currency} {credit}) is more than what "
            f"remains to be credited on the invoice ({currency} {remaining}).",
            code="credit_exceeds_invoice",
            details=[
                {
                    "field": "lines",
                    "message": f"credit {credit} exceeds the remaining {remaining} {currency}",
                }
            ],
        )


class CreditExceedsInvoiceNow(Conflict):
    """At finalize, other credit notes finalized meanwhile left less than this one credits."""

    def __init__(self, *, credit: Decimal, remaining: Decimal, currency: str) -> None:
        super().__init__(
            f"This credit note ({currency} {credit}) is more than what now remains to be "
            f"credited on the invoice ({currency} {remaining}); reduce it and finalize again.",
            code="credit_exceeds_invoice",
        )


class InvalidDocument(Unprocessable):
    """Input or state that breaks a PINT AE rule; every issue names its field."""

    def __init__(self, issues: Sequence[FieldIssue]) -> None:
        summary = "; ".join(f"{issue.field}: {issue.message}" for issue in issues[:5])
        super().__init__(
            f"Please correct: {summary}",
            details=[{"field": issue.field, "message": issue.message} for issue in issues],
        )
