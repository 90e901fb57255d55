"""Roles and the one permission table that endpoints declare against (seed section 5.3)."""

from __future__ import annotations

from enum import StrEnum


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


_COMPANY_ADMIN = {
    Permission.COMPANY_READ,
    Permission.COMPANY_SETTINGS,
    Permission.TEAM_MANAGE,
    Permission.AUDIT_READ,
    Permission.INVOICE_READ,
    Permission.INVOICE_CREATE,
    Permission.INVOICE_APPROVE,
    Permission.INVOICE_SEND,
    Permission.INVOICE_DELETE,
    Permission.CUSTOMER_MANAGE,
    Permission.AP_READ,
    Permission.AP_MANAGE,
    Permission.IMPORT_RUN,
}

_FINANCE_USER = {
    Permission.COMPANY_READ,
    Permission.INVOICE_READ,
    Permission.INVOICE_CREATE,
    Permission.CUSTOMER_MANAGE,
    Permission.AP_READ,
}

# Super admins read every company's data for audit but do not edit it: their read access comes from
# PLATFORM_READ_ALL, which binds the session read-only, not from the company permissions.
_SUPER_ADMIN = {
    Permission.PLATFORM_ADMIN,
    Permission.PLATFORM_READ_ALL,
    Permission.CONTENT_MANAGE,
    Permission.COMPANY_READ,
    Permission.INVOICE_READ,
    Permission.AP_READ,
    Permission.AUDIT_READ,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPER_ADMIN: frozenset(_SUPER_ADMIN),
    Role.COMPANY_ADMIN: frozenset(_COMPANY_ADMIN),
    Role.FINANCE_USER: frozenset(_FINANCE_USER),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
