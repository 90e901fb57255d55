"""Peppol access-point provider adapters behind one Protocol (``PeppolProvider``).

Use ``provider_from_settings(settings)`` (or ``create_provider(ProviderConfig(...))``); provider
modules are imported on demand by the registry.
"""

from involinks.peppol.providers.base import (
    FINAL_STATUSES,
    ParticipantLookup,
    PeppolProvider,
    SendResult,
    StatusResult,
    TransmissionStatus,
)
from involinks.peppol.providers.errors import (
    AuthenticationError,
    ConflictError,
    InvalidDocumentError,
    MessageNotFoundError,
    PeppolProviderError,
    PermanentProviderError,
    ProviderConnectionError,
    ProviderResponseError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RetryableProviderError,
    ValidationRejectedError,
)
from involinks.peppol.providers.registry import (
    ProviderConfig,
    UnknownProviderError,
    available_providers,
    config_from_settings,
    create_provider,
    provider_from_settings,
    register_provider,
)
from involinks.peppol.providers.retry import RetryPolicy, call_with_retries

__all__ = [
    "FINAL_STATUSES",
    "AuthenticationError",
    "ConflictError",
    "InvalidDocumentError",
    "MessageNotFoundError",
    "ParticipantLookup",
    "PeppolProvider",
    "PeppolProviderError",
    "PermanentProviderError",
    "ProviderConfig",
    "ProviderConnectionError",
    "ProviderResponseError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "RetryPolicy",
    "RetryableProviderError",
    "SendResult",
    "StatusResult",
    "TransmissionStatus",
    "UnknownProviderError",
    "ValidationRejectedError",
    "available_providers",
    "call_with_retries",
    "config_from_settings",
    "create_provider",
    "provider_from_settings",
    "register_provider",
]
