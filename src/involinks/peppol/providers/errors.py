"""Provider errors, split by what the caller should do next.

* ``RetryableProviderError``: try the same call again later (429 with ``retry_after`` seconds,
  408, 5xx, timeouts, connection errors). Sends are idempotent, so a retry never double-sends.
* ``PermanentProviderError``: retrying the same request will fail the same way (4xx validation,
  authentication, unknown message, a document that does not match its routing).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "InvalidDocumentError",
    "MessageNotFoundError",
    "PeppolProviderError",
    "PermanentProviderError",
    "ProviderConnectionError",
    "ProviderResponseError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "RetryableProviderError",
    "ValidationRejectedError",
]


class PeppolProviderError(Exception):
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        code: str | None = None,
        details: tuple[str, ...] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.code = code
        self.details = details
        # Seconds the provider asked us to wait (429/503 Retry-After); None when not given.
        self.retry_after = retry_after

    def __str__(self) -> str:
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"{self.provider}: {self.message}{status}"


class RetryableProviderError(PeppolProviderError):
    retryable = True


class PermanentProviderError(PeppolProviderError):
    retryable = False


class ProviderTimeoutError(RetryableProviderError):
    pass


class ProviderConnectionError(RetryableProviderError):
    pass


class ProviderUnavailableError(RetryableProviderError):
    """5xx or 408 from the provider."""


class RateLimitedError(RetryableProviderError):
    """429 Too Many Requests; ``retry_after`` holds the parsed Retry-After, if any."""


class AuthenticationError(PermanentProviderError):
    """401/403: credentials, tenant or permissions are wrong."""


class ValidationRejectedError(PermanentProviderError):
    """400/422 (and other 4xx): the provider refused the request or document."""


class MessageNotFoundError(PermanentProviderError):
    """404 for a message id."""


class ConflictError(PermanentProviderError):
    """409 that an adapter could not interpret as an idempotent replay."""


class InvalidDocumentError(PermanentProviderError):
    """Checked locally before sending: the UBL does not match the requested routing."""


class ProviderResponseError(PermanentProviderError):
    """A 2xx response whose body we cannot read: an API change, not a transient fault."""
