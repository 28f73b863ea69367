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
    """Whether `two_cpu_bytes` may fork here (see the module docstring)."""
    if not hasattr(os, "fork") or sys.platform == "win32" or threading.active_count() > 1:
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity: its CPU count
        cpus = os.cpu_count() or 1
    return cpus >= 2


def two_cpu_bytes(items: Sequence[T], to_bytes: Callable[[T], bytes], fork_at: int | None = None) -> Iterator[bytes]:
    """`to_bytes(item)` for each item in order; from `fork_at` (FORK_AT) items on, two processes share them."""
    if len(items) < (FORK_AT if fork_at is None else fork_at) or not can_fork():
        for item in items:
            yield to_bytes(item)
        return
    half = (len(items) + 1) // 2
    with tempfile.TemporaryFile() as spool:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()  # else the child would hold a copy of what is still buffered
        pid = os.fork()
        if pid == 0:  # the child: its half into the file, then gone without running the parent's cleanup
            os._exit(_child(items[half:], to_bytes, spool))
        try:
            for item in items[:half]:
                yield to_bytes(item)
        except BaseException:
            _stop(pid)
            raise
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0 and _finished(spool):
            yield from _frames(spool)
            return
    for item in items[half:]:  # the child did not finish: its half here, as one process would
        yield to_bytes(item)


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


def _stop(pid: int) -> None:
    """The parent failed (or its reader stopped asking): the child's work is not wanted."""
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass
