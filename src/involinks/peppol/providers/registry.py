"""Provider registry: adding an access-point provider is one module that registers itself.

A module ``involinks/peppol/providers/<name>.py`` decorates its class with
``@register_provider("<name>")``; the class builds itself from a ``ProviderConfig`` through a
``from_config`` class method. ``create_provider`` imports that module on first use, so no list
elsewhere has to change.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from involinks.peppol.providers.base import PeppolProvider

__all__ = [
    "ProviderConfig",
    "UnknownProviderError",
    "available_providers",
    "config_from_settings",
    "create_provider",
    "provider_from_settings",
    "register_provider",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PACKAGE = "involinks.peppol.providers"


class ProviderConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    base_url: str
    api_key: SecretStr = SecretStr("")
    timeout_seconds: float = Field(default=30.0, gt=0)
    # Provider-specific, non-secret settings (e.g. Tradeshift tenant id, Basware user name).
    options: dict[str, str] = Field(default_factory=dict)
    # Provider-specific secrets (e.g. OAuth1 consumer secret); kept out of reprs and logs.
    secret_options: dict[str, SecretStr] = Field(default_factory=dict)

    def option(self, key: str, default: str | None = None) -> str:
        value = self.options.get(key, default)
        if value is None or value == "":
            raise ValueError(f"{self.name} provider needs option {key!r}")
        return value

    def secret(self, key: str) -> str:
        value = self.secret_options.get(key)
        if value is None or not value.get_secret_value():
            raise ValueError(f"{self.name} provider needs secret option {key!r}")
        return value.get_secret_value()


class _ProviderClass(Protocol):
    @classmethod
    def from_config(
        cls, config: ProviderConfig, *, client: httpx.AsyncClient | None = None
    ) -> PeppolProvider: ...


P = TypeVar("P", bound=_ProviderClass)

_REGISTRY: dict[str, _ProviderClass] = {}


class UnknownProviderError(LookupError):
    pass


def register_provider(name: str) -> Callable[[P], P]:
    if not _NAME.match(name):
        raise ValueError(f"invalid provider name {name!r}")

    def decorator(cls: P) -> P:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"provider {name!r} is already registered")
        _REGISTRY[name] = cls
        return cls

    return decorator


def _load(name: str) -> _ProviderClass:
    if name not in _REGISTRY and _NAME.match(name):
        try:
            importlib.import_module(f"{_PACKAGE}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_PACKAGE}.{name}":
                raise  # the module exists but one of its imports is missing
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(available_providers()) or "none"
        raise UnknownProviderError(f"unknown Peppol provider {name!r} (known: {known})") from None


def available_providers() -> list[str]:
    """Registered providers plus the provider modules shipped in this package."""
    package = importlib.import_module(_PACKAGE)
    shipped = {
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if not module.name.startswith("_")
        and module.name not in {"base", "errors", "registry", "retry", "oauth1"}
    }
    return sorted(shipped | set(_REGISTRY))


def create_provider(
    config: ProviderConfig, *, client: httpx.AsyncClient | None = None
) -> PeppolProvider:
    """Instantiate the adapter named by ``config.name``. Pass a shared ``client`` to reuse its
    connection pool; otherwise the adapter owns one and closes it in ``aclose()``."""
    return _load(config.name).from_config(config, client=client)


def config_from_settings(settings: Any) -> ProviderConfig:
    """Build the config from the app settings (``PEPPOL_PROVIDER``, ``PEPPOL_BASE_URL``,
    ``PEPPOL_API_KEY``; optional ``peppol_timeout_seconds``, ``peppol_options`` and
    ``peppol_secret_options``)."""
    api_key = settings.peppol_api_key
    options: Mapping[str, str] = getattr(settings, "peppol_options", None) or {}
    secret_options: Mapping[str, Any] = getattr(settings, "peppol_secret_options", None) or {}
    # Imported here: the embedded sandbox module pulls in the sandbox app.
    from involinks.peppol.embedded import provider_base_url

    return ProviderConfig(
        name=settings.peppol_provider,
        base_url=provider_base_url(settings),
        api_key=api_key if isinstance(api_key, SecretStr) else SecretStr(str(api_key or "")),
        timeout_seconds=getattr(settings, "peppol_timeout_seconds", 30.0),
        options=dict(options),
        secret_options={
            key: value if isinstance(value, SecretStr) else SecretStr(str(value))
            for key, value in secret_options.items()
        },
    )


def provider_from_settings(
    settings: Any, *, client: httpx.AsyncClient | None = None
) -> PeppolProvider:
    return create_provider(config_from_settings(settings), client=client)
