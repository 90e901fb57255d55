"""The row-level-security policies every tenant table gets on PostgreSQL (the second wall behind
core/tenancy.py). One definition, so the migrations that protect their tables cannot drift apart.

A row is visible and writable when its company_id equals the transaction's
``involinks.company_id`` setting, or in system scope; platform-read scope may only read. The
settings are applied per transaction by core/rls.py.
"""

from __future__ import annotations

from alembic import op

TENANT_MATCH = "company_id = NULLIF(current_setting('involinks.company_id', true), '')::uuid"
SCOPE = "current_setting('involinks.scope', true)"


def enable(table: str) -> tuple[str, str]:
    """Turns RLS on for ``table`` with the tenant and platform-read policies; returns their names."""
    tenant, platform_read = f"{table}_tenant", f"{table}_platform_read"
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY "{tenant}" ON "{table}" FOR ALL '
        f"USING ({TENANT_MATCH} OR {SCOPE} = 'system') "
        f"WITH CHECK ({TENANT_MATCH} OR {SCOPE} = 'system')"
    )
    op.execute(
        f'CREATE POLICY "{platform_read}" ON "{table}" FOR SELECT '
        f"USING ({SCOPE} = 'platform_read')"
    )
    return tenant, platform_read


def disable(table: str) -> None:
    """Undoes :func:`enable`."""
    op.execute(f'DROP POLICY IF EXISTS "{table}_platform_read" ON "{table}"')
    op.execute(f'DROP POLICY IF EXISTS "{table}_tenant" ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
