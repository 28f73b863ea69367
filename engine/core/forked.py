"""A long list's items turned into bytes on two CPUs: the second half in a forked child.

Scoring a case of 10,000 projects is ~4 s of one CPU after it is read (evaluation and JSON), and
every project is scored on its own: a child forked once the case is loaded shares it page for page
(nothing is copied, pickled or read twice) and writes its half's bytes to a temporary file while
the parent yields its own half; then the parent yields the child's, in order.

The child only ever helps. Should it fail in any way (an error in one of its items, a crash, a
kill, a short file) the parent turns the child's half into bytes itself, so that every error is
raised exactly where and as the one-process path raises it, and the output is the same bytes.
Only where fork is safe: a POSIX host with two CPUs free for this process and no other thread
running (forking a threaded process may copy a lock that another thread holds).
"""
from __future__ import annotations

import os
import struct
import sys
import tempfile
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")

FORK_AT = 2_000  # items; below this the fork (~20 ms for a 250 MB process) buys little
_FRAME = struct.Struct("<Q")  # each item's bytes follow their length
_DONE = 2**64 - 1  # the length that says the child finished every item


def can_fork() -> bool:
    """Whether `TwoCPUs` may fork here (see the module docstring)."""
    if not hasattr(os, "fork") or sys.platform == "win32" or threading.active_count() > 1:
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity: its CPU count
        cpus = os.cpu_count() or 1
    return cpus >= 2


class TwoCPUs:
    """`to_bytes(item)` for each item, in order, when iterated; from `fork_at` (FORK_AT) items on,
    the child that helps is forked at once, so that it may start while the caller does something
    else first. Leaving the `with` block stops a child still running."""

    def __init__(self, items: Sequence[T], to_bytes: Callable[[T], bytes], fork_at: int | None = None):
        self.items, self.to_bytes = items, to_bytes
        self.half, self.pid, self.spool = len(items), None, None
        if len(items) < (FORK_AT if fork_at is None else fork_at) or not can_fork():
            return
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()  # else the child would hold a copy of what is still buffered
        try:
            self.spool = tempfile.TemporaryFile()
            pid = os.fork()
        except OSError:  # no room for the file, or no process to be had: one process does it all
            self.close()
            return
        half = (len(items) + 1) // 2
        if pid == 0:  # the child: its half into the file, then gone without running the parent's cleanup
            os._exit(_child(items[half:], to_bytes, self.spool))
        self.half, self.pid = half, pid

    def __iter__(self) -> Iterator[bytes]:
        try:
            for item in self.items[:self.half]:
                yield self.to_bytes(item)
            if self.pid is not None:
                _pid, status = os.waitpid(self.pid, 0)
                self.pid = None
                if os.waitstatus_to_exitcode(status) == 0 and _finished(self.spool):
                    yield from _frames(self.spool)
                    return
            for item in self.items[self.half:]:  # no child, or it did not finish: its half here
                yield self.to_bytes(item)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (the caller failed or stopped reading); drop its file."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def __enter__(self) -> TwoCPUs:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _child(items: Sequence[T], to_bytes: Callable[[T], bytes], spool) -> int:
    try:
        with open(os.dup(spool.fileno()), "wb") as out:
            for item in items:
                data = to_bytes(item)
                out.write(_FRAME.pack(len(data)))
                out.write(data)
            out.write(_FRAME.pack(_DONE))
        return 0
    except BaseException:  # the parent does this half again and raises the error itself
        return 1


def _finished(spool) -> bool:
    """Whether the child wrote its end mark (it writes it after its last item, and only then)."""
    if spool.seek(0, os.SEEK_END) < _FRAME.size:
        return False
    spool.seek(-_FRAME.size, os.SEEK_END)
    return _FRAME.unpack(spool.read(_FRAME.size))[0] == _DONE


def _frames(spool) -> Iterator[bytes]:
    """The child's items from the file, one at a time (its half of a large case is ~40 MB)."""
    spool.seek(0)
    while True:
        (size,) = _FRAME.unpack(spool.read(_FRAME.size))
        if size == _DONE:
            return
        yield spool.read(size)
