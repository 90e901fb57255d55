"""Task registry: background work is named "domain.verb" and takes ids only, never ORM objects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

TaskFunc = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class TaskSpec:
    name: str
    func: TaskFunc
    max_retries: int
    retry_backoff_seconds: float


_TASKS: dict[str, TaskSpec] = {}


def task(
    name: str, *, max_retries: int = 5, retry_backoff_seconds: float = 2.0
) -> Callable[[TaskFunc], TaskFunc]:
    """Register an idempotent async task. Raising `RetryLater` asks for another attempt."""

    def register(func: TaskFunc) -> TaskFunc:
        if name in _TASKS and _TASKS[name].func is not func:
            raise ValueError(f"task {name!r} registered twice")
        _TASKS[name] = TaskSpec(name, func, max_retries, retry_backoff_seconds)
        return func

    return register


def get_task(name: str) -> TaskSpec:
    try:
        return _TASKS[name]
    except KeyError:
        raise LookupError(f"unknown task {name!r}") from None


def all_tasks() -> dict[str, TaskSpec]:
    return dict(_TASKS)


class RetryLater(Exception):
    def __init__(self, reason: str, *, delay_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds
