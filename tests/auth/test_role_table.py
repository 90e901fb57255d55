"""The role table is one JSON file that the API enforces and the web app bundles."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from involinks.auth.permissions import ROLE_PERMISSIONS, Permission, Role, has_permission

WEB_PERMISSIONS = Path(__file__).resolve().parents[2] / "frontend/src/lib/permissions.ts"


def _table() -> dict[str, list[str]]:
    text = resources.files("involinks.auth").joinpath("role_permissions.json").read_text("utf-8")
    roles: dict[str, list[str]] = json.loads(text)["roles"]
    return roles


def test_the_api_enforces_exactly_the_shared_table() -> None:
    assert {
        role.value: {p.value for p in granted} for role, granted in ROLE_PERMISSIONS.items()
    } == {role: set(granted) for role, granted in _table().items()}


def test_the_web_app_reads_the_same_file_rather_than_a_copy() -> None:
    source = WEB_PERMISSIONS.read_text(encoding="utf-8")
    assert "@server/auth/role_permissions.json" in source
    # No role's grants are spelt out by hand in the web app.
    assert "new Set<Permission>([" not in source


def test_the_seed_rules_hold() -> None:
    # Seed section 5.3: finance users draft but neither send nor manage the team; super admins
    # read every company but issue nothing.
    assert has_permission(Role.FINANCE_USER, Permission.INVOICE_CREATE)
    assert not has_permission(Role.FINANCE_USER, Permission.INVOICE_SEND)
    assert not has_permission(Role.FINANCE_USER, Permission.TEAM_MANAGE)
    assert has_permission(Role.SUPER_ADMIN, Permission.PLATFORM_READ_ALL)
    assert not has_permission(Role.SUPER_ADMIN, Permission.INVOICE_CREATE)
