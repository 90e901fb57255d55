"""Tenant isolation in one place.

Every session carries its tenant scope in `session.info`. ORM reads, updates and deletes touching a
`CompanyScoped` table get `company_id = <bound company>` added by a `do_orm_execute` hook, and a
`before_flush` hook stamps and checks `company_id` on every written row (the `do_orm_execute` hook
does it for the parameter rows of a bulk `session.execute(insert(...), rows)`). A session with no
scope fails closed: touching a tenant table raises instead of returning everything. PostgreSQL
row-level security (see migrations) is the second wall for anything that bypasses the ORM.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import ClauseElement, visitors

from involinks.core.base import Base, CompanyScoped

_SCOPE = "tenancy.scope"
_COMPANY = "tenancy.company_id"


class Scope(StrEnum):
    COMPANY = "company"  # one company's rows, read and write
    PLATFORM_READ = "platform_read"  # super admin audit: every company's rows, read only
    SYSTEM = "system"  # CLI, migrations of data, background jobs that span companies


class TenancyError(RuntimeError):
    """A programming error: tenant data touched without a scope, or across companies."""


def _info(session: Any) -> dict[str, Any]:
    target = getattr(session, "sync_session", session)
    info: dict[str, Any] = target.info
    return info


def bind_company(session: Any, company_id: uuid.UUID) -> None:
    info = _info(session)
    info[_SCOPE] = Scope.COMPANY
    info[_COMPANY] = company_id


def bind_platform_read(session: Any) -> None:
    info = _info(session)
    info[_SCOPE] = Scope.PLATFORM_READ
    info.pop(_COMPANY, None)


def bind_system(session: Any) -> None:
    info = _info(session)
    info[_SCOPE] = Scope.SYSTEM
    info.pop(_COMPANY, None)


def current_company_id(session: Any) -> uuid.UUID | None:
    company: uuid.UUID | None = _info(session).get(_COMPANY)
    return company


def current_scope(session: Any) -> Scope | None:
    scope: Scope | None = _info(session).get(_SCOPE)
    return scope


@contextmanager
def _temporarily(session: Any, scope: Scope, company_id: uuid.UUID | None) -> Iterator[None]:
    info = _info(session)
    saved = info.get(_SCOPE), info.get(_COMPANY)
    info[_SCOPE] = scope
    info[_COMPANY] = company_id
    try:
        yield
    finally:
        for key, value in zip((_SCOPE, _COMPANY), saved, strict=True):
            if value is None:
                info.pop(key, None)
            else:
                info[key] = value


def system_scope(session: Any) -> AbstractContextManager[None]:
    """Temporarily lift the company filter (e.g. to find a user by e-mail at login)."""
    return _temporarily(session, Scope.SYSTEM, None)


def company_scope(session: Any, company_id: uuid.UUID) -> AbstractContextManager[None]:
    """Work as one company for a while (e.g. a system task handling one tenant's document)."""
    return _temporarily(session, Scope.COMPANY, company_id)


_TENANT_TABLES: frozenset[str] | None = None


def _tenant_tables() -> frozenset[str]:
    global _TENANT_TABLES
    if _TENANT_TABLES is None:
        _TENANT_TABLES = frozenset(
            str(getattr(mapper.local_table, "name", ""))
            for mapper in Base.registry.mappers
            if issubclass(mapper.class_, CompanyScoped)
        )
    return _TENANT_TABLES


def _touches_tenant_table(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, CompanyScoped) for m in state.all_mappers):
        return True
    # `select(func.count()).select_from(Invoice)` names no mapper in its columns: walk the tables.
    tenant_tables = _tenant_tables()
    return any(
        getattr(element, "__visit_name__", None) == "table"
        and getattr(element, "name", None) in tenant_tables
        for element in visitors.iterate(cast(ClauseElement, state.statement))
    )


def stamp_rows(session: Any, rows: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """``company_id`` on rows written to a tenant table without ORM objects: the bound company
    where it is missing (set in place on a dict), refused where it names another company. Used by
    the hook below and by writers that load rows another way (e.g. COPY on PostgreSQL)."""
    scope = current_scope(session)
    if scope is Scope.SYSTEM:
        return rows
    company_id = current_company_id(session)
    if scope is not Scope.COMPANY or company_id is None:
        raise TenancyError("tenant rows inserted without a company bound to the session")
    stamped: list[Mapping[str, Any]] = []
    for row in rows:
        given = row.get("company_id")
        if given is None:
            if type(row) is dict:
                row["company_id"] = company_id
            else:
                row = {**row, "company_id": company_id}
        elif given != company_id:
            raise TenancyError("a row inserted for another company")
        stamped.append(row)
    return stamped


def _stamp_inserted_rows(state: ORMExecuteState) -> None:
    """``session.execute(insert(Model), rows)`` (bulk INSERT, Core or ORM) never reaches
    before_flush: stamp and check ``company_id`` on its parameter rows here, as flush does for
    objects. Inline ``.values(...)`` carry their own company_id (RLS checks it on PostgreSQL)."""
    params = state.parameters
    if not params or not _touches_tenant_table(state):
        return
    if isinstance(params, Mapping):
        state.parameters = stamp_rows(state.session, [params])[0]
    else:
        state.parameters = list(stamp_rows(state.session, params))


@event.listens_for(Session, "do_orm_execute")
def _confine_to_company(state: ORMExecuteState) -> None:
    if state.is_insert:
        _stamp_inserted_rows(state)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        # Lazy/refresh loads inherit the criteria from the statement that loaded the parent.
        return
    if not _touches_tenant_table(state):
        return
    scope = current_scope(state.session)
    if scope is Scope.SYSTEM or (scope is Scope.PLATFORM_READ and state.is_select):
        return
    if scope is Scope.PLATFORM_READ:
        raise TenancyError("platform read scope cannot change tenant rows")
    company_id = current_company_id(state.session)
    if scope is not Scope.COMPANY or company_id is None:
        raise TenancyError("tenant table queried without a company bound to the session")
    state.statement = state.statement.options(
        with_loader_criteria(
            CompanyScoped,
            lambda cls: cls.company_id == company_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_company(session: Session, _context: Any, _instances: Any) -> None:
    scope = current_scope(session)
    company_id = current_company_id(session)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, CompanyScoped):
            continue
        if scope is Scope.SYSTEM:
            continue
        if scope is not Scope.COMPANY or company_id is None:
            raise TenancyError(
                f"{type(obj).__name__} written without a company bound to the session"
            )
        row_company = getattr(obj, "company_id", None)
        if row_company is None and obj in session.new:
            obj.company_id = company_id
        elif row_company != company_id:
            raise TenancyError(f"{type(obj).__name__} belongs to another company")
