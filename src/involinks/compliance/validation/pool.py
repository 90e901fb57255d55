"""The official validation, awaited from async code without stalling the event loop.

Saxon keeps the GIL for a whole transform (about 6 ms for a ten-line invoice, see
``schematron.py``), so a thread does not free the event loop: every other request of that server
process would wait. Helper processes do. ``VALIDATION_PROCESSES`` (default 1) helpers, each a
``python -m involinks.compliance.validation.helper`` loading the schemas and stylesheets once,
run ``validate_ubl`` on the bytes they are sent over a pipe. Meanwhile the calling process goes
on: it serves other requests, and ``finalize`` does its database work while its document is
being checked (it commits only after the verdict is in).

The document is written to the helper and its verdict read back by the event loop itself (a
reader on the pipe), not by a thread: a thread needs the GIL to pass bytes on, and while the
loop's own thread runs Python code it gets it only at the interpreter's switch interval (5 ms),
once on the way there and once on the way back, which made a finalize's check ~4 ms slower than
the same check run alone. A thread is used only to wait for a helper when all are busy.

Plain child processes rather than ``multiprocessing``: no re-import of the caller's main
module, and they work inside job runners' daemonic workers. A helper exits when its pipe closes,
so it never outlives its parent. One that died (killed, out of memory) is replaced and the
document sent again once. ``VALIDATION_PROCESSES=0`` validates in a thread of the calling
process instead, for machines where a helper per worker (about 140 MB each) costs too much.
"""

from __future__ import annotations

import asyncio
import atexit
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
_CHUNK = 1 << 16
# Documents up to this size are written by the event loop itself: a pipe takes 64 KiB without
# a reader, so the write never waits for the helper.
_INLINE_SEND_MAX = (1 << 16) - _HEADER.size


class HelperError(RuntimeError):
    """A helper process could not be started or keeps dying."""


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


class FrameReader:
    """Collects the bytes of one frame as they arrive in pieces (non-blocking reads)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> bytes | None:
        """Add what was read; the payload once the whole frame is in, else None."""
        self._buffer += data
        if len(self._buffer) < _HEADER.size:
            return None
        (size,) = _HEADER.unpack_from(self._buffer)
        if len(self._buffer) < _HEADER.size + size:
            return None
        if len(self._buffer) > _HEADER.size + size:
            raise HelperError("a validation helper sent more than one reply")
        return bytes(self._buffer[_HEADER.size :])


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
        assert self.process.stdout is not None
        # Replies are read from the descriptor itself (os.read), by the event loop or by a
        # thread; the file object's buffer is never used, so no bytes hide in it.
        self.replies = self.process.stdout.fileno()

    def send(self, payload: bytes) -> bool:
        """Write one frame; False if the helper is gone. The helper reads every request at
        once and whole, so this returns as soon as the pipe has taken the bytes."""
        assert self.process.stdin is not None
        try:
            write_frame(self.process.stdin, payload)
        except (BrokenPipeError, OSError, ValueError):  # ValueError: stopped (stdin closed)
            return False
        return True

    def receive(self, reader: FrameReader | None = None) -> bytes | None:
        """Wait for the reply (blocking); None if the helper is gone. ``reader`` holds the part
        of it already read by the event loop."""
        reader = reader or FrameReader()
        while True:
            try:
                chunk = os.read(self.replies, _CHUNK)
            except OSError:
                return None
            if not chunk:
                return None
            frame = reader.feed(chunk)
            if frame is not None:
                return frame

    def call(self, payload: bytes) -> bytes | None:
        """Send one frame and wait for the answer; None if the helper is gone."""
        return self.receive() if self.send(payload) else None

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
        self.closed = False  # stopped: no helper is started any more
        # Threads of its own, one per helper, wait for the helpers' answers: waiting in the
        # event loop's default executor would hold up everything else sent there (password
        # hashing at sign-in, file reads) while documents queue for a busy helper.
        self.waiters = ThreadPoolExecutor(max_workers=size, thread_name_prefix="validation")

    def take_nowait(self) -> _Helper | None:
        """An idle helper, a new one while fewer than ``size`` run, or None if all are busy."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self.closed:
                # A caller still at work when the pool was stopped (the start-up warm-up, say)
                # must not start a helper that nobody would stop.
                raise HelperError("the validation helpers are stopped")
            if len(self._all) < self.size:
                helper = _Helper()
                self._all.append(helper)
                return helper
        return None

    def take(self) -> _Helper:
        """An idle helper, waiting (blocking) for one to come back if all are busy."""
        helper = self.take_nowait()
        return helper if helper is not None else self._idle.get()

    def give_back(self, helper: _Helper) -> None:
        self._idle.put(helper)

    def replace(self, dead: _Helper) -> None:
        """Forget a helper that exited; the next take starts a new one in its place."""
        log.warning("validation helper %d exited; replacing it", dead.process.pid)
        with self._lock:
            if dead in self._all:
                self._all.remove(dead)
        dead.stop()

    def release(self, helper: _Helper, answer: bytes | None) -> None:
        """After an exchange: free again if it answered, replaced if it is gone (None)."""
        if answer is None:
            self.replace(helper)
        else:
            self.give_back(helper)

    def finish_reply(self, helper: _Helper, reader: FrameReader) -> None:
        """Read the rest of a reply nobody waits for any more (its caller was cancelled), so
        the next request does not get it; then the helper is free again."""
        self.release(helper, helper.receive(reader))

    def call(self, payload: bytes) -> bytes:
        """Blocking round trip (start-up ping, callers without an event loop)."""
        for _attempt in (1, 2):
            helper = self.take()
            answer = helper.call(payload)
            if answer is not None:
                self.give_back(helper)
                return answer
            # It died mid-way (the answer is lost, the document is not at fault): a new one
            # takes its place and gets the document again.
            self.replace(helper)
        raise _keeps_exiting()

    def pids(self) -> tuple[int, ...]:
        with self._lock:
            return tuple(helper.process.pid for helper in self._all)

    def stop(self) -> None:
        self.waiters.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self.closed = True
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
            _stop_at_exit()
        return _pool


_exit_hook_installed = False


def _stop_at_exit() -> None:
    # Helpers would exit anyway when their pipes close with this process; stopping them here
    # waits for that, instead of leaving the interpreter to warn about running children.
    global _exit_hook_installed
    if not _exit_hook_installed:
        atexit.register(shutdown)
        _exit_hook_installed = True


def start(processes: int | None = None) -> None:
    """Start a helper now (server start-up), so the first finalize does not wait for one to
    load the rules. ``processes`` overrides ``VALIDATION_PROCESSES`` here; 0 means inline."""
    global _pool, _size
    with _lock:
        if processes is not None and processes != _size:
            if _pool is not None and _pool.owner == os.getpid():
                _pool.stop()
            _pool, _size = None, processes  # the next use starts a pool of the new size
    pool = _current()
    if pool is not None:
        threading.Thread(target=_warm_up, args=(pool,), daemon=True).start()


def _warm_up(pool: _Pool) -> None:
    try:
        pool.call(b"")
    except HelperError:
        # Stopped before the helper was ready (a server shut down at once): nothing to warm.
        log.debug("validation helper warm-up skipped: the pool stopped first")


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


def _keeps_exiting() -> HelperError:
    return HelperError("the validation helper processes keep exiting; see their log")


async def _acquire(pool: _Pool) -> _Helper:
    helper = pool.take_nowait()
    if helper is not None:
        return helper
    # All busy: a thread of the pool's own waits for one to come back.
    waiting = asyncio.get_running_loop().run_in_executor(pool.waiters, pool.take)
    try:
        return await asyncio.shield(waiting)
    except asyncio.CancelledError:
        # Our caller gave up, but the thread will still take a helper: hand it back then.
        waiting.add_done_callback(
            lambda done: (
                None
                if done.cancelled() or done.exception() is not None
                else pool.give_back(done.result())
            )
        )
        raise


async def _exchange(pool: _Pool, helper: _Helper, payload: bytes) -> bytes | None:
    """Send the document and await the reply on the event loop; None if the helper is gone.
    The helper is given back (or replaced) whatever happens to the caller."""
    if len(payload) > _INLINE_SEND_MAX:
        return await _exchange_in_thread(pool, helper, payload)
    if not helper.send(payload):
        pool.replace(helper)
        return None
    loop = asyncio.get_running_loop()
    reply: asyncio.Future[bytes | None] = loop.create_future()
    reader = FrameReader()

    def readable() -> None:
        try:
            chunk = os.read(helper.replies, _CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if reply.done():
            return
        if not chunk:
            reply.set_result(None)
            return
        try:
            frame = reader.feed(chunk)
        except HelperError as exc:
            reply.set_exception(exc)
            return
        if frame is not None:
            reply.set_result(frame)

    loop.add_reader(helper.replies, readable)
    try:
        return await reply
    finally:
        loop.remove_reader(helper.replies)
        if reply.cancelled():
            # Our caller was cancelled while the helper still works on the document: a thread
            # reads its reply to the end. A thread of its own: the pool's waiters may all be
            # blocked waiting for this helper.
            threading.Thread(
                target=pool.finish_reply,
                args=(helper, reader),
                name="validation-drain",
                daemon=True,
            ).start()
        elif not reply.done() or reply.exception() is not None:
            pool.replace(helper)
        else:  # answered (even if our caller was cancelled just after)
            pool.release(helper, reply.result())


async def _exchange_in_thread(pool: _Pool, helper: _Helper, payload: bytes) -> bytes | None:
    """A document bigger than a pipe's buffer: writing it could wait for the helper (one just
    started reads only once its rules are loaded), so a thread makes the whole exchange. Not one
    of the pool's waiters: they may all be blocked waiting for this very helper."""

    def settle(done: asyncio.Future[bytes | None]) -> None:
        failed = done.cancelled() or done.exception() is not None
        pool.release(helper, None if failed else done.result())

    exchange = asyncio.get_running_loop().run_in_executor(None, helper.call, payload)
    exchange.add_done_callback(settle)  # whether or not our caller still waits
    return await asyncio.shield(exchange)


async def validate_ubl_async(xml: bytes) -> ValidationResult:
    """``validate_ubl(xml)`` in a helper process (in a thread when helpers are off)."""
    for _attempt in (1, 2):
        # The pool in force now: one stopped meanwhile (reconfigured, shut down) has been
        # replaced, or helpers are off.
        pool = _current()
        if pool is None or not xml:
            # Helpers off, or an empty document (an empty frame is a ping): "not XML", here.
            return await asyncio.to_thread(validate_ubl, xml)
        try:
            helper = await _acquire(pool)
        except HelperError:
            continue  # that pool stopped while we waited for one of its helpers
        answer = await _exchange(pool, helper, xml)
        if answer is not None:
            result = pickle.loads(answer)  # our own child's reply, never outside input
            assert isinstance(result, ValidationResult)
            return result
        # It died mid-way (the answer is lost, the document is not at fault): a new one takes
        # its place and gets the document again.
    raise _keeps_exiting()
