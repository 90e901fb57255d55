"""Configuration of one sandbox access-point instance."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from involinks.peppol.participants import parse_participant_id

__all__ = [
    "DEFAULT_TENANT_ID",
    "FaultConfig",
    "FaultKind",
    "SandboxOAuth1",
    "SandboxParticipant",
    "SandboxSettings",
    "SandboxTimings",
]

DEFAULT_TENANT_ID = "involinks-sandbox"

# One fault per provider API request. "*_after_processing" faults let the request take effect
# and then lose the answer: the case an idempotent resend must survive.
FaultKind = Literal[
    "none",
    "error",
    "rate_limit",
    "timeout",
    "error_after_processing",
    "timeout_after_processing",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultConfig(_Model):
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_status: int = Field(default=503, ge=400, le=599)
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after_seconds: int = Field(default=1, ge=0)
    timeout_rate: float = Field(default=0.0, ge=0, le=1)
    # A "timeout" holds the request this long (real time) before answering 504: set it above
    # the client's timeout.
    hang_seconds: float = Field(default=30.0, ge=0)
    latency_seconds: float = Field(default=0.0, ge=0)
    duplicate_callback_rate: float = Field(default=0.0, ge=0, le=1)
    # Consumed first, one entry per provider API request, before the rates apply.
    script: list[FaultKind] = Field(default_factory=list)


class SandboxTimings(_Model):
    """Seconds after dispatch (sandbox clock) at which a message moves on."""

    sent_after_seconds: float = Field(default=1.0, ge=0)
    delivered_after_seconds: float = Field(default=3.0, ge=0)
    responded_after_seconds: float = Field(default=6.0, ge=0)
    inbound_retry_seconds: float = Field(default=5.0, gt=0)
    max_inbound_attempts: int = Field(default=3, ge=1)
    callback_retry_seconds: float = Field(default=5.0, gt=0)
    max_callback_attempts: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> SandboxTimings:
        if not (
            self.sent_after_seconds <= self.delivered_after_seconds <= self.responded_after_seconds
        ):
            raise ValueError("timings must satisfy sent <= delivered <= responded")
        return self


class SandboxParticipant(_Model):
    participant_id: str
    name: str = ""
    # Hosted on InvoLinks: documents addressed to it are POSTed to the inbound URL.
    hosted: bool = False
    # The business response the receiver gives after delivery.
    response: Literal["accept", "reject", "none"] = "accept"

    @field_validator("participant_id")
    @classmethod
    def _normalized(cls, value: str) -> str:
        return str(parse_participant_id(value))


class SandboxOAuth1(_Model):
    consumer_key: str
    consumer_secret: SecretStr
    token: str
    token_secret: SecretStr


class SandboxSettings(_Model):
    data_dir: Path
    api_key: SecretStr = SecretStr("sandbox-key")  # Tradeshift bearer token / Basware password
    tenant_id: str = DEFAULT_TENANT_ID  # expected X-Tradeshift-TenantId
    basware_username: str = "involinks"
    oauth1: SandboxOAuth1 | None = None
    admin_token: SecretStr | None = None  # when set, admin calls need X-Sandbox-Admin-Token
    inbound_url: str | None = None
    inbound_secret: SecretStr | None = None
    status_callback_url: str | None = None
    callback_secret: SecretStr | None = None  # defaults to inbound_secret
    participants: list[SandboxParticipant] = Field(default_factory=list)
    timings: SandboxTimings = Field(default_factory=SandboxTimings)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    manual_clock: bool = False  # time moves only through POST /sandbox/admin/clock/advance
    tick_interval_seconds: float = Field(default=0.25, ge=0)  # 0: no background progression
    outbound_timeout_seconds: float = Field(default=10.0, gt=0)
    seed: int | None = None  # makes random faults reproducible

    @model_validator(mode="after")
    def _secrets_present(self) -> SandboxSettings:
        if self.inbound_url and not self.inbound_secret:
            raise ValueError("inbound_url needs inbound_secret")
        if self.status_callback_url and not (self.callback_secret or self.inbound_secret):
            raise ValueError("status_callback_url needs callback_secret (or inbound_secret)")
        return self

    @property
    def effective_callback_secret(self) -> SecretStr | None:
        return self.callback_secret or self.inbound_secret
