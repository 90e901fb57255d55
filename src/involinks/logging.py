"""Logging set-up: personal data is masked and secrets never reach a log line.

Masking follows the seed (section 5.4): e-mail `adi***@acme.ae`, TRN `123***789`, phone `+971***567`.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from involinks.observability.context import current_request_id

_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-]{1,3})[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
_TRN = re.compile(r"(?<!\d)(\d{3})\d{9}(\d{3})(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(\+971|00971|0)[\s-]?(\d[\d\s-]{5,}\d)")
_SECRET_KEYS = re.compile(
    r"(password|passwd|secret|token|api[_-]?key|authorization|private[_-]?key|otp|code)", re.I
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(2))
    return f"{match.group(1)}***{digits[-3:]}"


def mask_text(text: str) -> str:
    """Mask e-mails, TRNs, phone numbers and bearer tokens inside free text."""
    text = _JWT.sub("[token]", text)
    text = _BEARER.sub(r"\1[token]", text)
    text = _EMAIL.sub(r"\1***@\2", text)
    text = _TRN.sub(r"\1***\2", text)
    return _PHONE.sub(_mask_phone, text)


def mask_value(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key):
        return "[redacted]"
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    return value


_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class MaskingFilter(logging.Filter):
    """Rewrites every record in place so no handler can see the raw values."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        for key in set(record.__dict__) - _STANDARD_ATTRS:
            record.__dict__[key] = mask_value(key, record.__dict__[key])
        return True


class RequestIdFilter(logging.Filter):
    """Stamps the current request id (HTTP request, or the job it started) on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in set(record.__dict__) - _STANDARD_ATTRS:
            payload[key] = record.__dict__[key]
        if record.exc_info:
            payload["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = {k: record.__dict__[k] for k in set(record.__dict__) - _STANDARD_ATTRS}
        line = super().format(record)
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return mask_text(line) if record.exc_info else line


def configure_logging(*, level: str = "INFO", json_output: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    # After masking: the id is ours, never personal data, and must reach the line unchanged.
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_output
        else TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_involinks", False):
            root.removeHandler(existing)
    handler._involinks = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's access log prints query strings, which may carry reset tokens: route it through us.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
