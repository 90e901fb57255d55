"""What the auth services need from the request, gathered once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from involinks.audit.service import RequestOrigin
from involinks.config import Settings
from involinks.core.rate_limit import RateLimiter


@dataclass(frozen=True, slots=True)
class AuthContext:
    settings: Settings
    now: datetime
    limiter: RateLimiter
    ip: str | None = None
    user_agent: str | None = None

    @property
    def origin(self) -> RequestOrigin:
        """`ip` and `user_agent` for the audit log."""
        return {"ip": self.ip, "user_agent": self.user_agent}
