"""Roles and the one permission table that endpoints declare against (seed section 5.3).

The table itself is role_permissions.json, shared with the web app."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources


class Role(StrEnum):
    SUPER_ADMIN = "SUPER_ADMIN"
    COMPANY_ADMIN = "COMPANY_ADMIN"
    FINANCE_USER = "FINANCE_USER"


class Permission(StrEnum):
    COMPANY_READ = "company:read"
    COMPANY_SETTINGS = "company:settings"
    TEAM_MANAGE = "team:manage"
    AUDIT_READ = "audit:read"
    INVOICE_READ = "invoice:read"
    INVOICE_CREATE = "invoice:create"
    INVOICE_APPROVE = "invoice:approve"
    INVOICE_SEND = "invoice:send"
    INVOICE_DELETE = "invoice:delete"
    CUSTOMER_MANAGE = "customer:manage"
    AP_READ = "ap:read"
    AP_MANAGE = "ap:manage"
    IMPORT_RUN = "import:run"
    PLATFORM_ADMIN = "platform:admin"
    PLATFORM_READ_ALL = "platform:read_all"
    CONTENT_MANAGE = "content:manage"


def _load_role_table() -> dict[Role, frozenset[Permission]]:
    """The role table from role_permissions.json, which the web app bundles too (one source).

    Fails at import when the file and the enums disagree (an unknown or missing permission or
    role), so a table edited on one side only cannot go unnoticed."""
    table = json.loads(
        resources.files("involinks.auth").joinpath("role_permissions.json").read_text("utf-8")
    )
    listed = set(table["permissions"])
    known = {p.value for p in Permission}
    if listed != known:
        raise RuntimeError(
            f"role_permissions.json lists {sorted(listed ^ known)} unlike the Permission enum"
        )
    if set(table["roles"]) != {r.value for r in Role}:
        raise RuntimeError("role_permissions.json must give exactly the roles of the Role enum")
    return {
        Role(role): frozenset(Permission(p) for p in granted)
        for role, granted in table["roles"].items()
    }


# Super admins read every company's data for audit but do not edit it: their read access comes from
# PLATFORM_READ_ALL, which binds the session read-only, not from the company permissions.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = _load_role_table()


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
