"""The request id of the work being done: set per HTTP request, carried into the jobs it starts.

A client (or the load balancer) may send ``X-Request-ID``; a value that is not a short token of
safe characters is replaced, so a log line can never be forged through it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request_id: ContextVar[str | None] = ContextVar("involinks_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """The client's id when it is safe to log, else a fresh one."""
    if value and _SAFE.fullmatch(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def bound_request_id(value: str | None) -> Iterator[None]:
    """Run a block (a request, a job) under ``value``; None leaves the block without one."""
    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)
