"""Indexes for the hot paths of the seed's section 8.4, created by migration 0012.

Declared here, beside the tables rather than in their models, so the domains' models stay their
own; the Index objects attach themselves to their tables, so the model/migration drift check sees
them. ``involinks.models`` imports this module. Each is checked with EXPLAIN on PostgreSQL
(tests/ops/test_hot_path_indexes.py).

* ``ix_invoices_company_id_status_issue_date``: the invoice list filtered by status and ordered
  by issue date, and the VAT-per-period analytics (issued statuses, an issue-date window); the
  seed's ``(company_id, status)`` and ``(issue_date)`` in one;
* ``ix_invoices_company_id_created_at``: the invoice list in its default order (newest first,
  id as tie-breaker), read from the index and stopped after one page;
* ``ix_inward_invoices_company_id_received_at``: the AP inbox in its default order;
* ``ix_inward_invoices_company_id_matching_status``: the inbox filtered by matching status and
  its per-status summary (the seed's ``idx_inward_invoices_matching``).

The seed's ``purchase_orders(supplier_trn)`` has no column to index here: purchase orders point
at a supplier row (``supplier_id``, already indexed) and the TRN lives on the supplier.
"""

from __future__ import annotations

import sqlalchemy as sa

from involinks.invoicing.models import Invoice
from involinks.payables.inward_invoices.models import InwardInvoice

INVOICES_BY_COMPANY_STATUS_DATE = sa.Index(
    "ix_invoices_company_id_status_issue_date",
    Invoice.company_id,
    Invoice.status,
    Invoice.issue_date,
)
INVOICES_BY_COMPANY_CREATED = sa.Index(
    "ix_invoices_company_id_created_at", Invoice.company_id, Invoice.created_at, Invoice.id
)
INWARD_BY_COMPANY_RECEIVED = sa.Index(
    "ix_inward_invoices_company_id_received_at",
    InwardInvoice.company_id,
    InwardInvoice.received_at,
    InwardInvoice.id,
)
INWARD_BY_COMPANY_MATCHING = sa.Index(
    "ix_inward_invoices_company_id_matching_status",
    InwardInvoice.company_id,
    InwardInvoice.matching_status,
)
