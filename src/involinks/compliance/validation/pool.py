"""The official validation, awaited from async code without stalling the event loop.

Saxon keeps the GIL for a whole transform (about 6 ms for a ten-line invoice, see
``schematron.py``), so a thread does not free the event loop: every other request of that server
process would wait. Helper processes do. ``VALIDATION_PROCESSES`` (default 1) helpers, each a
``python -m involinks.compliance.validation.helper`` loading the schemas and stylesheets once,
run ``validate_ubl`` on the bytes they are sent over a pipe. Meanwhile the calling process goes
on: it serves other requests, and ``finalize`` does its database work while its document is
being checked (it commits only after the verdict is in).

Plain child processes rather than ``multiprocessing``: no re-import of the caller's main
module, and they work inside job runners' daemonic workers. A helper exits when its pipe closes,
so it never outlives its parent. One that died (killed, out of memory) is replaced and the
document sent again once. ``VALIDATION_PROCESSES=0`` validates in a thread of the calling
process instead, for machines where a helper per worker (about 140 MB each) costs too much.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import IO

from involinks.compliance.validation.engine import validate_ubl
from involinks.compliance.validation.result import ValidationResult

__all__ = ["HelperError", "helper_pids", "shutdown", "start", "validate_ubl_async"]

log = logging.getLogger(__name__)

# Frames on the pipe: a 4-byte big-endian length, then that many bytes. A request is the
# document (an empty one is a ping); a reply is the pickled ValidationResult (empty for a ping).
_HEADER = struct.Struct(">I")


class HelperError(RuntimeError):
    """A helper process could not be started or keeps dying."""


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame, or None at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


class _Helper:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "involinks.compliance.validation.helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=os.environ.copy(),
        )

    def call(self, payload: bytes) -> bytes | None:
        """Send one frame and wait for the answer; None if the helper is gone."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        try:
            write_frame(self.process.stdin, payload)
        except (BrokenPipeError, OSError):
            return None
        return read_frame(self.process.stdout)

    def stop(self) -> None:
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()  # the helper exits at end of input
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class _Pool:
    """Up to ``size`` helpers; a caller takes an idle one or waits for one to come back."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.owner = os.getpid()
        self._idle: queue.SimpleQueue[_Helper] = queue.SimpleQueue()
        self._all: list[_Helper] = []
        self._lock = threading.Lock()
        # Threads of its own, one per helper, wait for the helpers' answers: waiting in the
        # event loop's default executor would hold up everything else sent there (password
        # hashing at sign-in, file reads) while documents queue for a busy helper.
        self.waiters = ThreadPoolExecutor(max_workers=size, thread_name_prefix="validation")

    def _take(self) -> _Helper:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._all) < self.size:
                helper = _Helper()
                self._all.append(helper)
                return helper
        return self._idle.get()

    def _replace(self, dead: _Helper) -> None:
        with self._lock:
            if dead in self._all:
                self._all.remove(dead)
        dead.stop()

    def call(self, payload: bytes) -> bytes:
        for _attempt in (1, 2):
            helper = self._take()
            answer = helper.call(payload)
            if answer is not None:
                self._idle.put(helper)
                return answer
            # It died mid-way (the answer is lost, the document is not at fault): a new one
            # takes its place and gets the document again.
            log.warning("validation helper %d exited; replacing it", helper.process.pid)
            self._replace(helper)
        raise HelperError("the validation helper processes keep exiting; see their log")

    def pids(self) -> tuple[int, ...]:
        with self._lock:
            return tuple(helper.process.pid for helper in self._all)

    def stop(self) -> None:
        self.waiters.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            helpers, self._all = self._all, []
        for helper in helpers:
            helper.stop()


_lock = threading.Lock()
_pool: _Pool | None = None
_size: int | None = None


def _configured_size() -> int:
    from involinks.config import get_settings  # late: settings read the environment

    return get_settings().validation_processes


def _current() -> _Pool | None:
    global _pool, _size
    with _lock:
        if _size is None:
            _size = _configured_size()
        if _size == 0:
            return None
        if _pool is None or _pool.owner != os.getpid():
            _pool = _Pool(_size)  # a forked child starts its own helpers
        return _pool


def start(processes: int | None = None) -> None:
    """Start a helper now (server start-up), so the first finalize does not wait for one to
    load the rules. ``processes`` overrides ``VALIDATION_PROCESSES`` here; 0 means inline."""
    global _size
    with _lock:
        if processes is not None and processes != _size:
            if _pool is not None and _pool.owner == os.getpid():
                _pool.stop()
            _size = processes
    pool = _current()
    if pool is not None:
        threading.Thread(target=pool.call, args=(b"",), daemon=True).start()


def shutdown() -> None:
    """Stop the helpers. A later validation starts them again (as many as configured then)."""
    global _pool, _size
    with _lock:
        pool, _pool, _size = _pool, None, None
    if pool is not None and pool.owner == os.getpid():
        pool.stop()


def helper_pids() -> tuple[int, ...]:
    """Process ids of the running helpers (a benchmark adds their CPU time to its own)."""
    pool = _pool
    return pool.pids() if pool is not None and pool.owner == os.getpid() else ()


def _validate_in_helper(pool: _Pool, xml: bytes) -> ValidationResult:
    if not xml:
        return validate_ubl(xml)  # an empty frame is a ping: answer it here ("not XML")
    result = pickle.loads(pool.call(xml))  # our own child's reply, never outside input
    assert isinstance(result, ValidationResult)
    return result


async def validate_ubl_async(xml: bytes) -> ValidationResult:
    """``validate_ubl(xml)`` in a helper process (in a thread when helpers are off)."""
    pool = _current()
    if pool is None:
        return await asyncio.to_thread(validate_ubl, xml)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool.waiters, _validate_in_helper, pool, xml)
