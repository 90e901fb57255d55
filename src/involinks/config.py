"""Settings read from the environment (and `.env`), one object for the whole process."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    # PostgreSQL connections per API process: DATABASE_POOL_SIZE kept open; a request beyond
    # them waits for one to come back, or opens one of DATABASE_MAX_OVERFLOW extra connections,
    # each closed again when returned to a full pool (a new server process per connection).
    database_pool_size: int = Field(default=10, ge=1, le=500)
    database_max_overflow: int = Field(default=10, ge=0, le=500)
    # Empty means "derive": a random key persisted under data_dir outside production.
    secret_key: SecretStr = SecretStr("")
    # Comma-separated former SECRET_KEYs: values encrypted with them still decrypt (key rotation).
    previous_secret_keys: SecretStr = SecretStr("")
    public_base_url: str = "http://127.0.0.1:8000"

    access_token_minutes: int = 15
    refresh_token_days: int = 14
    mfa_token_minutes: int = 5
    bcrypt_rounds: int = 12
    # SMS one-time codes via Twilio; off unless all three are set.
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_from: str = ""

    redis_url: str = ""
    celery_broker_url: str = ""
    # The queue the app sends jobs to and workers consume; keys of the Redis transport get this
    # prefix (two deployments, or parallel test runs, can share one Redis).
    celery_queue: str = "involinks"
    celery_key_prefix: str = ""
    # A job a worker took but never acknowledged (the worker died) goes back on the queue after
    # this long; it must exceed the longest job and the longest retry countdown (Redis transport).
    celery_visibility_timeout_seconds: int = Field(default=3600, ge=1)

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    mail_from: str = "InvoLinks <no-reply@involinks.local>"

    peppol_provider: str = "sandbox"
    # "embedded" (or empty) with the sandbox provider: the sandbox runs inside the app
    # (involinks.peppol.embedded); set a URL to use a separately started `involinks sandbox-ap`.
    peppol_base_url: str = "embedded"
    peppol_api_key: SecretStr = SecretStr("sandbox-key")
    peppol_inbound_secret: SecretStr = SecretStr("")
    # Per provider HTTP call; a send that times out is retried with the same idempotency key.
    peppol_timeout_seconds: float = Field(default=30.0, gt=0)
    # Backoff of the send job (exponential, +/-10 % jitter; a provider's Retry-After wins) and
    # the attempts before a transmission is FAILED. Tests shorten the delays, not the path.
    peppol_send_max_attempts: int = Field(default=6, ge=1, le=100)
    peppol_send_backoff_seconds: float = Field(default=30.0, gt=0)
    peppol_send_backoff_max_seconds: float = Field(default=1800.0, gt=0)
    # UAE Tax Data Document (compliance.tdd): SPIS ids (ICD 0242) of the FTA as receiver and of
    # our Peppol service provider as the reporter's representative. Empty: TDDs are not produced.
    tdd_fta_spis_id: str = ""
    tdd_representative_spis_id: str = ""

    # Plan payments via Stripe (involinks.plans.billing); off unless the secret key is set.
    stripe_secret_key: SecretStr = SecretStr("")
    stripe_api_base: str = "https://api.stripe.com"
    # Signing secret (whsec_...) of the webhook endpoint; webhooks are refused (503) without it.
    stripe_webhook_secret: SecretStr = SecretStr("")
    # How old a signed webhook may be (Stripe's own libraries use 5 minutes), against replays.
    stripe_webhook_tolerance_seconds: int = Field(default=300, ge=1, le=86_400)

    # Helper processes for the official validation (compliance.validation.pool), per API or
    # worker process; 0 validates in the calling process (saves ~140 MB each, stalls its loop).
    validation_processes: int = Field(default=1, ge=0, le=32)

    # Artifact storage (XML, PDFs, uploads): "local" keeps files under DATA_DIR/artifacts (one
    # machine); "s3" puts them in an S3-compatible bucket that every process shares.
    storage_backend: Literal["local", "s3"] = "local"
    # Empty with S3: AWS itself (https://s3.<region>.amazonaws.com).
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    # "auto": virtual-host style on AWS, path style on any other endpoint (MinIO, Ceph, ...).
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    s3_timeout_seconds: float = Field(default=30.0, gt=0)

    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Bulk imports: files with more data rows run as a background job; hard cap on rows per file.
    import_background_rows: int = Field(default=500, ge=1)
    import_max_rows: int = Field(default=100_000, ge=1)
    # A background import with no progress committed for this long is taken for one a stopped
    # process left behind and marked failed (see involinks.imports.sweep). Generous on purpose:
    # it must exceed the longest a healthy run goes without a commit (its write pass, one
    # transaction; with Celery, its wait in the queue).
    import_stale_after_minutes: int = Field(default=30, ge=1)
    web_dist_dir: Path = PACKAGE_DIR / "web"
    log_json: bool = False
    # LOG_FORMAT=json: one JSON object per line (with the request id), for log shippers.
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    # Bearer token /metrics asks for; empty leaves it open (keep it on an internal network then).
    metrics_token: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _derive_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'involinks.db').as_posix()}"
        if not self.secret_key.get_secret_value():
            if self.environment == "production":
                raise ValueError("SECRET_KEY must be set in production")
            self.secret_key = SecretStr(_dev_secret(self.data_dir))
        if self.storage_backend == "s3":
            _check_s3(self)
        if not self.peppol_inbound_secret.get_secret_value():
            self.peppol_inbound_secret = SecretStr(self.secret_key.get_secret_value() + ":peppol")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def json_logs(self) -> bool:
        return self.log_json or self.log_format == "json"

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"

    @property
    def s3_endpoint(self) -> str:
        return self.s3_endpoint_url.rstrip("/") or f"https://s3.{self.s3_region}.amazonaws.com"

    @property
    def s3_addressing(self) -> Literal["path", "virtual"]:
        if self.s3_addressing_style != "auto":
            return self.s3_addressing_style
        return "path" if self.s3_endpoint_url else "virtual"


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _check_s3(settings: Settings) -> None:
    """STORAGE_BACKEND=s3 refuses to start half-configured (the message names no secret)."""
    required = {
        "S3_REGION": settings.s3_region,
        "S3_BUCKET": settings.s3_bucket,
        "S3_ACCESS_KEY_ID": settings.s3_access_key_id,
        "S3_SECRET_ACCESS_KEY": settings.s3_secret_access_key.get_secret_value(),
    }
    missing = [name for name, value in required.items() if not value.strip()]
    if missing:
        raise ValueError(f"STORAGE_BACKEND=s3 needs {', '.join(missing)}")
    if not _BUCKET.fullmatch(settings.s3_bucket):
        raise ValueError("S3_BUCKET is not a valid bucket name")
    if settings.s3_endpoint_url and not settings.s3_endpoint_url.startswith(
        ("http://", "https://")
    ):
        raise ValueError("S3_ENDPOINT_URL must start with http:// or https://")


def _dev_secret(data_dir: Path) -> str:
    """A per-installation key, so development tokens survive restarts without a shared default."""
    path = data_dir / ".secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
