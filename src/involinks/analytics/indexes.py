"""Indexes the plan check and the analytics queries need on other domains' tables.

Declared here (and created by migration 0008) so the other domains' models stay their own; the
Index objects attach themselves to their tables, so the model/migration drift check sees them. `src/involinks/models.py` imports this module.

* `ix_invoices_finalized_at` (finalized_at, kind, status, tax_inclusive_amount_aed): the platform
  analytics read invoices by finalization time across companies; with the figures in the index
  they are answered from the index alone.
* `ix_invoices_company_id_finalized_at`: the monthly invoice count of one company (plan limit
  check, usage endpoint).
* `ix_audit_events_actor_id_occurred_at`: "active users" probes each user for an audit event in
  the range: one index seek per user, however many events the log holds.
"""

from __future__ import annotations

import sqlalchemy as sa

from involinks.audit.models import AuditEvent
from involinks.invoicing.models import Invoice

INVOICES_BY_FINALIZATION = sa.Index(
    "ix_invoices_finalized_at",
    Invoice.finalized_at,
    Invoice.kind,
    Invoice.status,
    Invoice.tax_inclusive_amount_aed,
)
INVOICES_BY_COMPANY_FINALIZATION = sa.Index(
    "ix_invoices_company_id_finalized_at", Invoice.company_id, Invoice.finalized_at
)
AUDIT_EVENTS_BY_ACTOR_TIME = sa.Index(
    "ix_audit_events_actor_id_occurred_at", AuditEvent.actor_id, AuditEvent.occurred_at
)
