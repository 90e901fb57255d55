"""New invoice drafts of an import, written in batches: the fast path of an invoice import.

The rows were checked by ``imports.validation`` with the invoice API's own rules (``check_line``,
``check_document_input`` with the company's payment means, totals recomputed by
``invoicing.totals``), so what ``service.create_draft`` would check again holds already. Here the
new drafts are written with one executemany INSERT per table and batch (invoices, their lines, their
timeline, the import ledger) instead of one ORM object graph and several statements per invoice.
The column values come from the functions ``create_draft`` itself uses
(``drafting.draft_values``, ``line_values``, ``amount_values``), so a draft imported in bulk is
stored exactly as one created through the API.

Tenancy stays central: the INSERTs go through the session, whose ``do_orm_execute`` hooks stamp and
check ``company_id`` on every row (``core.tenancy``) and set the row-level security settings on
PostgreSQL (``core.rls``). No row here names a company.

Audit: an import is audited once (``import.finished`` with its counts, by ``imports.service``), not
once per invoice as a draft typed in the web app is; each draft still gets its timeline entry, and
the ledger (``import_keys``) names the import that created it.

Only new references are written here; a reference the company has already (an earlier import)
goes to :class:`imports.writers.Writer`, which updates a draft through the service or keeps an
issued invoice. If a batch collides with rows written at the same time (unique reference), it is
rolled back and handed to the Writer unit by unit, which reports the conflict on the right row.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from involinks.auth.models import User
from involinks.core import tenancy
from involinks.core.types import ExactDecimal, utcnow
from involinks.imports.common import ImportKind
from involinks.imports.models import ImportKey
from involinks.imports.validation import InvoiceRecord, Unit
from involinks.imports.writers import Action, Outcome, fingerprint
from involinks.invoicing import drafting
from involinks.invoicing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    InvoiceStatusEvent,
)
from involinks.invoicing.schemas import PaymentMeansIn

__all__ = ["BATCH_INVOICES", "InvoiceBatches", "bulk_record"]

#: Invoices per batch: a few thousand rows per INSERT, few enough to keep memory flat.
BATCH_INVOICES = 1000
#: Below this many rows an executemany INSERT costs less than a temporary table and COPY.
COPY_MIN_ROWS = 200
TIMELINE_NOTE = "Draft created by import"


def bulk_record(unit: Unit) -> InvoiceRecord | None:
    """The unit's invoice when the bulk path can write it (imports carry no allowances)."""
    record = unit.record
    if isinstance(record, InvoiceRecord) and not record.create.allowances_charges:
        return record
    return None


@dataclass(frozen=True, slots=True)
class Written:
    """What became of a unit of a batch."""

    unit: Unit
    outcome: Outcome | None  # None: not written here (an existing reference or a conflict)


class InvoiceBatches:
    """Collects new invoice drafts and writes them a batch at a time (flush, never commit)."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        user: User,
        import_id: uuid.UUID,
        means: PaymentMeansIn,
        size: int | None = None,
    ) -> None:
        self.session = session
        self.user = user
        self.import_id = import_id
        self.means = means
        self.size = size or BATCH_INVOICES
        self.pending: list[Unit] = []
        self._rls: dict[str, bool] = {}  # table -> row-level security enabled

    @property
    def full(self) -> bool:
        return len(self.pending) >= self.size

    def add(self, unit: Unit) -> None:
        self.pending.append(unit)

    def take(self) -> list[Unit]:
        """The units collected so far, for :meth:`write`; the next batch starts empty."""
        units, self.pending = self.pending, []
        return units

    async def write(self, units: list[Unit]) -> list[Written]:
        """Write a batch; the units it leaves (``outcome`` None) go to the Writer."""
        if not units:
            return []
        refs = [record.ref for record in (_record(unit) for unit in units)]
        async with _custom_plans(self.session):
            known = set(
                (
                    await self.session.execute(
                        sa.select(Invoice.external_reference).where(
                            _one_of(self.session, Invoice.external_reference, refs)
                        )
                    )
                ).scalars()
            )
            new = [unit for unit in units if _record(unit).ref not in known]
            written = [Written(unit, None) for unit in units if _record(unit).ref in known]
            if not new:
                return written
            stale = await self._stale_ledger([_record(unit).ref for unit in new])
        try:
            async with self.session.begin_nested():
                outcomes = await self._insert([_record(unit) for unit in new], stale)
        except IntegrityError:
            # Written at the same time by someone else: the Writer sorts it out unit by unit.
            return written + [Written(unit, None) for unit in new]
        return written + [
            Written(unit, outcome) for unit, outcome in zip(new, outcomes, strict=True)
        ]

    async def _insert(
        self, records: Sequence[InvoiceRecord], stale: dict[str, ImportKey]
    ) -> list[Outcome]:
        now = utcnow()
        invoices: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        ledger: list[dict[str, Any]] = []
        outcomes: list[Outcome] = []
        for record in records:
            create = record.create
            invoice_id = uuid.uuid4()
            reasons = [
                (line.vat_category, line.exemption_reason_code, line.exemption_reason)
                for line in create.lines
            ]
            amounts, line_amounts = drafting.amount_values(record.totals, reasons)
            invoices.append(
                {
                    "id": invoice_id,
                    "kind": InvoiceKind.INVOICE,
                    "status": InvoiceStatus.DRAFT,
                    "customer_id": create.customer_id,
                    "external_reference": record.ref,
                    "self_billing": False,
                    "created_by_id": self.user.id,
                    "created_at": now,
                    "updated_at": now,
                    **drafting.draft_values(
                        create,
                        means=create.payment_means or self.means,
                        flags=drafting.flags_or_default(create.transaction_type),
                    ),
                    **amounts,
                }
            )
            for position, (line, line_amount) in enumerate(
                zip(create.lines, line_amounts, strict=True), start=1
            ):
                lines.append(
                    {
                        "id": uuid.uuid4(),
                        "invoice_id": invoice_id,
                        **drafting.line_values(line, position),
                        **line_amount,
                    }
                )
            events.append(
                {
                    "id": uuid.uuid4(),
                    "invoice_id": invoice_id,
                    "status": InvoiceStatus.DRAFT,
                    "at": now,
                    "by_id": self.user.id,
                    "note": TIMELINE_NOTE,
                }
            )
            print_ = fingerprint(create)
            entry = stale.get(record.ref)
            if entry is None:
                ledger.append(
                    {
                        "id": uuid.uuid4(),
                        "kind": ImportKind.INVOICES,
                        "key": record.ref,
                        "record_id": invoice_id,
                        "fingerprint": print_,
                        "import_id": self.import_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            else:  # the invoice it named was deleted since
                entry.record_id = invoice_id
                entry.fingerprint = print_
                entry.import_id = self.import_id
            outcomes.append(Outcome(Action.CREATED, invoice_id))
        for model, rows in (
            (Invoice, invoices),
            (InvoiceLine, lines),
            (InvoiceStatusEvent, events),
            (ImportKey, ledger),
        ):
            if rows:
                table = model.__table__
                assert isinstance(table, sa.Table)
                await self._load(table, rows)
        await self.session.flush()  # the ledger entries updated above
        return outcomes

    async def _load(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """INSERT the rows: one executemany through the session, or on PostgreSQL a COPY (several
        times as fast): straight into a table without row-level security, else into a temporary
        table and one INSERT ... SELECT through the session."""
        dialect = self.session.get_bind().dialect
        if dialect.name != "postgresql" or len(rows) < COPY_MIN_ROWS:
            # core.tenancy stamps company_id on the parameter rows, core.rls sets the settings.
            await self.session.execute(sa.insert(table), rows)
            return
        # COPY FROM is refused on a table under row-level security, so the rows go through a
        # temporary table of the same columns; the INSERT ... SELECT is then checked by the
        # policies like any statement of the session. company_id is stamped (and checked) by
        # core.tenancy; values pass through the columns' own bind processing.
        stamped = tenancy.stamp_rows(self.session, rows)
        names = list(stamped[0])
        # Column by column (list comprehensions, not a Python loop per value), then zipped.
        values = [[row[name] for row in stamped] for name in names]
        for index, name in enumerate(names):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            column = values[index]
            if isinstance(column_type, ExactDecimal):
                # Amounts repeat a lot and the check depends only on the value: once per
                # distinct value. On PostgreSQL it hands a Decimal back as it is.
                converted = {value: process(value) for value in set(column) if value is not None}
                if any(new is not old for old, new in converted.items()):
                    values[index] = [
                        None if value is None else converted[value] for value in column
                    ]
            else:
                values[index] = [None if value is None else process(value) for value in column]
        records = list(zip(*values, strict=True))
        quote = dialect.identifier_preparer.quote
        columns = ", ".join(quote(name) for name in names)
        connection = await self.session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        if not await self._row_security(table):
            # Nothing for a policy to check: COPY into the table itself, in the session's
            # transaction (the rows carry the bound company, stamped above).
            await raw.copy_records_to_table(table.name, records=records, columns=names)
            return
        stage = f"import_stage_{uuid.uuid4().hex}"
        await raw.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {quote(table.name)} WITH NO DATA"
        )
        await raw.copy_records_to_table(stage, records=records, columns=names)
        await self.session.execute(
            sa.text(f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM {stage}")
        )
        await raw.execute(f"DROP TABLE {stage}")

    async def _row_security(self, table: sa.Table) -> bool:
        """Whether row-level security is enabled on the table (asked once per table)."""
        known = self._rls.get(table.name)
        if known is None:
            known = bool(
                (
                    await self.session.execute(
                        sa.text(
                            "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(:name)"
                        ),
                        {"name": table.name},
                    )
                ).scalar_one_or_none()
                # unknown (not visible): take the staged path, which works either way
                is not False
            )
            self._rls[table.name] = known
        return known

    async def _stale_ledger(self, refs: list[str]) -> dict[str, ImportKey]:
        """Ledger entries of these references (their invoices were deleted since)."""
        query = sa.select(ImportKey).where(
            ImportKey.kind == ImportKind.INVOICES, _one_of(self.session, ImportKey.key, refs)
        )
        return {entry.key: entry for entry in (await self.session.execute(query)).scalars()}


def _one_of(
    session: AsyncSession, column: InstrumentedAttribute[Any], values: list[str]
) -> sa.ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``= ANY`` of one array parameter (see _custom_plans)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(sa.String())))
    return column.in_(values)


@contextlib.asynccontextmanager
async def _custom_plans(session: AsyncSession) -> AsyncIterator[None]:
    """Plan the reference look-ups for their values, on PostgreSQL.

    They run once per batch as the same prepared statement. After a few runs PostgreSQL switches
    to a generic plan, made with the statistics of tables this very transaction is filling
    (nothing analysed them since): it then compares every row of the company with the whole
    list of references in turn, a fifth of a second per batch in a large import, longer than
    writing the batch. A custom plan hashes the list or uses the index. Only around the
    look-ups: the foreign-key checks of the INSERTs rely on their cached plans.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    previous = (
        await session.execute(
            sa.text(
                "SELECT current_setting('plan_cache_mode'), "
                "set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
        )
    ).scalar_one()
    try:
        yield
    finally:
        await session.execute(
            sa.text("SELECT set_config('plan_cache_mode', :mode, true)"), {"mode": previous}
        )


def _record(unit: Unit) -> InvoiceRecord:
    record = bulk_record(unit)
    assert record is not None, "only bulk records are batched"
    return record
