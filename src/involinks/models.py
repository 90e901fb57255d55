"""Imports every domain's models, so Alembic and the mapper see the whole schema."""

from involinks import perf_indexes
from involinks.analytics import indexes as analytics_indexes
from involinks.audit.models import AuditEvent
from involinks.auth.models import BackupCode, EmailCode, PasswordToken, RefreshToken, User
from involinks.companies.models import Company, CompanyDocument
from involinks.compliance.models import DocumentChainHead, IssuedDocument, SigningKey
from involinks.content.models import ContentBlock, ContentBlockVersion
from involinks.core.base import Base
from involinks.customers.models import Customer
from involinks.imports.models import ImportJob, ImportKey
from involinks.invoicing.models import (
    Invoice,
    InvoiceAllowanceCharge,
    InvoiceLine,
    InvoiceNumberCounter,
    InvoiceStatusEvent,
)
from involinks.invoicing.payments import InvoicePayment
from involinks.mail.models import OutboxMessage
from involinks.payables.goods_receipts.models import GoodsReceipt, GoodsReceiptLine
from involinks.payables.inward_invoices.models import (
    InwardInvoice,
    InwardInvoiceEvent,
    InwardInvoiceLine,
)
from involinks.payables.matching.models import InvoiceMatch, MatchConsumption
from involinks.payables.purchase_orders.models import (
    PayablesSequence,
    PurchaseOrder,
    PurchaseOrderLine,
)
from involinks.payables.suppliers.models import Supplier
from involinks.peppol.models import (
    PeppolInvoiceResponse,
    PeppolProviderAccount,
    PeppolTransmission,
    PeppolTransmissionEvent,
)
from involinks.plans.models import SubscriptionPlan
