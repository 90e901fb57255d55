"""PostgreSQL row-level security: the database's own tenant wall behind `involinks.core.tenancy`.

Migration 0003 enables RLS on the tenant tables with policies keyed on two transaction settings,
`involinks.company_id` and `involinks.scope`, and creates the NOLOGIN role `involinks_app`. This
module keeps the database side in step with the session's tenancy scope:

- scope COMPANY: `SET LOCAL ROLE involinks_app` (not owner, not superuser, so the policies apply to
  it, even for a superuser login) and `involinks.company_id = <company>`; any SQL, raw `text()`
  included, sees and writes only that company's rows.
- scopes SYSTEM / PLATFORM_READ / unbound: back to the login role, `involinks.scope` set to match.

The state is applied before every statement the session runs and before every flush, and only when
it changed (tracked per connection), because the scope can change inside one transaction (a task
works in system scope, then as one company). A request usually sets it once: the auth dependency
reads a company user in the company scope the rest of the request keeps. `SET LOCAL` and
`set_config(..., true)` end with the transaction, so nothing leaks into the next user of a pooled
connection.

Wiring (call once at start-up, e.g. in `create_app`): `install()`. It is a no-op on SQLite.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from involinks.core import tenancy

APP_ROLE = "involinks_app"
_APPLIED = "involinks.rls_applied"
_CONNECTIONS = "involinks.rls_connections"
# One round trip: set_config('role', ..., true) is SET LOCAL ROLE ('none' is the login role).
_SET_CONFIG = sa.text(
    "SELECT set_config('role', :role, true), "
    "set_config('involinks.company_id', :company, true), "
    "set_config('involinks.scope', :scope, true)"
)

_installed: set[type[Session]] = set()


def _desired(session: Session) -> tuple[str, str]:
    scope = tenancy.current_scope(session)
    company: uuid.UUID | None = tenancy.current_company_id(session)
    if scope is tenancy.Scope.COMPANY and company is not None:
        return "company", str(company)
    return (scope.value if scope is not None else ""), ""


def apply(session: Session, connection: Connection) -> None:
    """Make the connection's role and settings match the session's tenancy scope."""
    if connection.dialect.name != "postgresql":
        return
    wanted = _desired(session)
    if connection.info.get(_APPLIED) == wanted:
        return
    scope, company = wanted
    role = APP_ROLE if scope == "company" else "none"
    connection.execute(_SET_CONFIG, {"role": role, "company": company, "scope": scope})
    connection.info[_APPLIED] = wanted


def _after_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    # A new transaction: what was applied before ended with the previous one (connection.info
    # outlives transactions and checkouts). Opening a SAVEPOINT changes nothing, so keep what is
    # applied; a rollback to it is handled at its end.
    if not transaction.nested:
        connection.info.pop(_APPLIED, None)
    session.info.setdefault(_CONNECTIONS, set()).add(connection)
    apply(session, connection)


def _before_execute(state: ORMExecuteState) -> None:
    session = state.session
    if session.get_bind().dialect.name != "postgresql":
        return
    apply(session, session.connection())


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    apply(session, session.connection())


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A rolled-back savepoint takes its SET LOCALs with it; forget what we applied so the next
    # statement sets the state again (re-applying after a commit is merely redundant).
    # Asking the session for its connection here fails while a savepoint context is closing, so
    # use the connections remembered at begin.
    if not transaction.nested and transaction.parent is not None:
        return  # the end of a flush's subtransaction: no database transaction ended
    for connection in list(session.info.get(_CONNECTIONS, ())):
        if connection.closed or connection.invalidated:
            session.info[_CONNECTIONS].discard(connection)
            continue
        connection.info.pop(_APPLIED, None)
    if not session.in_transaction():
        session.info.pop(_CONNECTIONS, None)


def install(session_class: type[Session] = Session) -> bool:
    """Register the hooks on a Session class (default: every Session). Idempotent: returns
    False when they were already installed."""
    if session_class in _installed:
        return False
    event.listen(session_class, "after_begin", _after_begin)
    event.listen(session_class, "do_orm_execute", _before_execute)
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_transaction_end", _after_transaction_end)
    _installed.add(session_class)
    return True


def uninstall(session_class: type[Session] = Session) -> None:
    if session_class not in _installed:
        return
    event.remove(session_class, "after_begin", _after_begin)
    event.remove(session_class, "do_orm_execute", _before_execute)
    event.remove(session_class, "before_flush", _before_flush)
    event.remove(session_class, "after_transaction_end", _after_transaction_end)
    _installed.discard(session_class)
