from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from involinks.config import Settings
from involinks.peppol.providers import (
    ParticipantLookup,
    PeppolProvider,
    ProviderConfig,
    SendResult,
    StatusResult,
    UnknownProviderError,
    available_providers,
    config_from_settings,
    create_provider,
    provider_from_settings,
    register_provider,
)
from involinks.peppol.providers import registry as registry_module
from involinks.peppol.providers.basware import BaswareProvider
from involinks.peppol.providers.sandbox import SandboxProvider
from involinks.peppol.providers.tradeshift import TradeshiftProvider
from involinks.peppol.sandbox import create_sandbox_app, sandbox_settings_from_app


def test_shipped_providers_are_listed() -> None:
    assert {"basware", "sandbox", "tradeshift"} <= set(available_providers())


async def test_provider_from_the_app_settings(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp_path,
        secret_key="x" * 48,
        peppol_provider="sandbox",
        peppol_base_url="http://127.0.0.1:8081",
    )
    provider = provider_from_settings(settings)
    try:
        assert isinstance(provider, SandboxProvider)
        assert isinstance(provider, PeppolProvider)
    finally:
        await provider.aclose()


async def test_each_provider_builds_from_its_options() -> None:
    async with httpx.AsyncClient() as client:
        tradeshift = create_provider(
            ProviderConfig(
                name="tradeshift",
                base_url="https://api-sandbox.tradeshift.com/tradeshift",
                api_key="token",
                options={"tenant_id": "t-1"},
            ),
            client=client,
        )
        basware = create_provider(
            ProviderConfig(
                name="basware",
                base_url="https://test-api.basware.com",
                api_key="pw",
                options={"username": "u"},
            ),
            client=client,
        )
        assert isinstance(tradeshift, TradeshiftProvider)
        assert isinstance(basware, BaswareProvider)


def test_missing_options_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="tenant_id"):
        create_provider(ProviderConfig(name="tradeshift", base_url="https://x"))
    with pytest.raises(ValueError, match="consumer_key"):
        create_provider(
            ProviderConfig(
                name="tradeshift",
                base_url="https://x",
                options={"tenant_id": "t", "auth": "oauth1"},
            )
        )


def test_unknown_provider() -> None:
    with pytest.raises(UnknownProviderError, match="nosuch"):
        create_provider(ProviderConfig(name="nosuch", base_url="https://x"))


def test_config_from_settings_passes_options_and_secrets() -> None:
    class FakeSettings:
        peppol_provider = "tradeshift"
        peppol_base_url = "https://api.tradeshift.com/tradeshift"
        peppol_api_key = "token-secret"
        peppol_timeout_seconds = 12.5
        peppol_options = {"tenant_id": "t-1", "auth": "oauth1", "consumer_key": "ck", "token": "tk"}
        peppol_secret_options = {"consumer_secret": "cs"}

    config = config_from_settings(FakeSettings())
    assert config.timeout_seconds == 12.5
    assert config.secret("consumer_secret") == "cs"
    assert "token-secret" not in repr(config)
    assert "'cs'" not in repr(config)


def test_a_new_provider_is_one_registered_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_module, "_REGISTRY", dict(registry_module._REGISTRY))

    @register_provider("acme_ap")
    class AcmeProvider:
        """What a new provider module holds (its HTTP calls left out here)."""

        name = "acme_ap"

        def __init__(self, base_url: str) -> None:
            self.base_url = base_url

        @classmethod
        def from_config(
            cls, config: ProviderConfig, *, client: httpx.AsyncClient | None = None
        ) -> AcmeProvider:
            return cls(config.base_url)

        async def send_invoice(
            self,
            xml: bytes,
            invoice_number: str,
            sender_id: str,
            receiver_id: str,
            *,
            idempotency_key: str,
        ) -> SendResult:
            raise NotImplementedError

        async def get_status(self, message_id: str) -> StatusResult:
            raise NotImplementedError

        async def validate_participant_id(self, participant_id: str) -> ParticipantLookup:
            raise NotImplementedError

        async def aclose(self) -> None:
            return None

    provider = create_provider(ProviderConfig(name="acme_ap", base_url="https://acme.test"))
    assert isinstance(provider, AcmeProvider)
    assert isinstance(provider, PeppolProvider)
    assert "acme_ap" in available_providers()

    with pytest.raises(ValueError, match="already registered"):

        @register_provider("acme_ap")
        class Impostor(AcmeProvider):
            pass


async def test_sandbox_and_app_share_key_secret_and_tenant(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp_path,
        secret_key="x" * 48,
        peppol_api_key="shared-key",
        peppol_inbound_secret="shared-inbound",
        peppol_base_url="http://127.0.0.1:8081",  # a separately started sandbox
    )
    sandbox = sandbox_settings_from_app(settings, inbound_url="http://127.0.0.1:8000/in")
    assert sandbox.api_key.get_secret_value() == "shared-key"
    assert sandbox.inbound_secret is not None
    assert sandbox.inbound_secret.get_secret_value() == "shared-inbound"
    assert sandbox.data_dir == tmp_path / "sandbox-ap"
    provider = provider_from_settings(settings)
    try:
        assert isinstance(provider, SandboxProvider)
        app = create_sandbox_app(sandbox)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8081"
        ) as client:
            same = provider_from_settings(settings, client=client)
            lookup = await same.validate_participant_id("0235:1345678901")
            assert not lookup.registered  # authenticated: an unknown id, not a 401
    finally:
        await provider.aclose()
