"""Adapter for our local sandbox access point (``involinks sandbox-ap``).

The sandbox speaks the Tradeshift-shaped API under ``/tradeshift`` (and the Basware-shaped one
under ``/basware``), so this adapter is the Tradeshift adapter pointed at the sandbox root with a
bearer token: everything the sandbox exercises is the code path a real provider uses.
"""

from __future__ import annotations

import httpx

from involinks.peppol.providers._http import BearerAuth
from involinks.peppol.providers.registry import ProviderConfig, register_provider
from involinks.peppol.providers.tradeshift import TradeshiftProvider

__all__ = ["DEFAULT_SANDBOX_TENANT", "SandboxProvider"]

DEFAULT_SANDBOX_TENANT = "involinks-sandbox"
TRADESHIFT_PREFIX = "/tradeshift"


@register_provider("sandbox")
class SandboxProvider(TradeshiftProvider):
    name = "sandbox"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        tenant_id: str = DEFAULT_SANDBOX_TENANT,
        client: httpx.AsyncClient | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        super().__init__(
            base_url=base_url.rstrip("/") + TRADESHIFT_PREFIX,
            tenant_id=tenant_id,
            auth=BearerAuth(api_key),
            client=client,
            timeout_seconds=timeout_seconds,
        )

    @classmethod
    def from_config(
        cls, config: ProviderConfig, *, client: httpx.AsyncClient | None = None
    ) -> SandboxProvider:
        return cls(
            base_url=config.base_url,
            api_key=config.api_key.get_secret_value(),
            tenant_id=config.options.get("tenant_id") or DEFAULT_SANDBOX_TENANT,
            client=client,
            timeout_seconds=config.timeout_seconds,
        )
