"""``involinks verify-chain``: check the document hash chains (seed section 4.3) straight from the
database, one line per chain (company and series); exit status 1 when any chain is broken, so a
cron job or monitoring probe can alert on it."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from involinks.compliance.service import ChainSummary, ChainVerification
    from involinks.config import Settings


async def verify_chains(settings: Settings, *, company_id: uuid.UUID | None) -> ChainVerification:
    """Every chain of one company (``company_id``) or of all companies (``None``)."""
    from involinks.compliance import service
    from involinks.core import tenancy
    from involinks.core.db import dispose_task_engines, task_session
    from involinks.storage import store_for

    store = store_for(settings)
    try:
        async with task_session(settings.database_url) as session:
            scope = (
                tenancy.system_scope(session)
                if company_id is None
                else tenancy.company_scope(session, company_id)
            )
            with scope:
                report = await service.verify_company_chains(session, store=store)
            await session.rollback()  # read only
        return report
    finally:
        await store.aclose()  # its connections belong to this (CLI) event loop
        await dispose_task_engines()


def chain_line(chain: ChainSummary) -> str:
    """One line per chain: OK with its size, or BROKEN with the first break."""
    where = f"company {chain.company_id} series {chain.series}"
    if chain.intact:
        return f"OK      {where}: {chain.checked} documents"
    first = chain.breaks[0]
    more = f" (+{len(chain.breaks) - 1} more)" if len(chain.breaks) > 1 else ""
    return f"BROKEN  {where}: {first.reason}: {first.message}{more}"


def verify_chain(
    company: Annotated[
        uuid.UUID | None, typer.Option("--company", help="Company id whose chains to check")
    ] = None,
    all_companies: Annotated[
        bool, typer.Option("--all", help="Check the chains of every company")
    ] = False,
) -> None:
    """Verify the document hash chains (exit status 1 when one is broken)."""
    from involinks.config import get_settings

    if company is not None and all_companies:
        raise typer.BadParameter("Give --company ID or --all, not both.", param_hint="--all")
    if company is None and not all_companies:
        raise typer.BadParameter("Give --company ID or --all.", param_hint="--company")
    report = asyncio.run(verify_chains(get_settings(), company_id=company))
    for chain in report.chains:
        typer.echo(chain_line(chain))
    broken = sum(1 for chain in report.chains if not chain.intact)
    typer.echo(f"{len(report.chains)} chains, {report.checked} documents checked, {broken} broken.")
    if broken:
        raise typer.Exit(code=1)
