"""A long list's items turned into bytes on two CPUs: the first ones by a child forked before the
list is even made.

Reading a case of 10,000 projects is ~2.9 s of one CPU and scoring them ~3 s more. The child is
forked once the file's bytes are read (and before they are parsed): it reads the same bytes itself,
turns each project into bytes as soon as it has read it, and writes them to a temporary file, while
the parent reads the whole file, validates it and scores the department. Then the parent tells the
child where to stop (`_stop_at`: where both should finish together, at the rates measured so far),
turns the items from there on into bytes itself, and yields the child's and then its own, in order.

The child only ever helps. Nothing it says is trusted for the output but its file, and the file
only once the child has exited cleanly after its end mark; should it fail in any way (an error in
one of its items, a crash, a kill, a short file, fewer items than asked) the parent turns those
items into bytes itself, so every error is raised exactly where and as the one-process path raises
it (an error in one of the parent's items only once every item before it is known to be good), and
the output is the same bytes. Only where fork is safe: a POSIX host with two CPUs free for this
process and no other thread running (forking a threaded process may copy a lock another thread holds).
"""
from __future__ import annotations

import mmap
import os
import struct
import sys
import tempfile
import threading
import time
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
Emit = Callable[[bytes], bool]  # the child's next item's bytes; whether another one is wanted

FORK_AT = 400_000  # bytes of input (~150 projects); from there on the child is no slower (bench/large_case.py --projects)
_FRAME = struct.Struct("<Q")  # each item's bytes follow their length
_DONE = 2**64 - 1  # the length that says the child stopped as it was told, or ran out of items
_COUNTS = struct.Struct("<QQ")  # shared by both: items the child has done; where it is to stop


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
    """Forks at once a child that runs `child(emit)`: it makes the items itself, in order, and hands
    each one's bytes to `emit`, stopping when `emit` returns False. `share(items, to_bytes)` then
    gives every item's bytes in order, the child's first. Without `child`, with an input `size`
    below `fork_at` (FORK_AT) or where fork is not safe, no child: `share` turns every item into
    bytes itself.
    Leaving the `with` block stops a child still running."""

    def __init__(self, child: Callable[[Emit], object] | None, size: int = 0, fork_at: int | None = None):
        self.pid = self.spool = self.counts = None
        if child is None or size < (FORK_AT if fork_at is None else fork_at) or not can_fork():
            return
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()  # else the child would hold a copy of what is still buffered
        try:
            self.spool = tempfile.TemporaryFile()
            self.counts = mmap.mmap(-1, _COUNTS.size)  # shared with the child (MAP_SHARED)
            self.counts[:] = _COUNTS.pack(0, _DONE)
            self.started = time.perf_counter()
            pid = os.fork()
        except OSError:  # no room for the file, or no process to be had: one process does it all
            self.close()
            return
        if pid == 0:  # the child: its items into the file, then gone without running the parent's cleanup
            os._exit(_child(child, self.spool, self.counts))
        self.pid = pid

    def share(self, items: Sequence[T], to_bytes: Callable[[T], bytes]) -> Iterator[bytes]:
        """`to_bytes(item)` of each item, in order: the child's for the first ones."""
        try:
            if self.pid is None:
                yield from map(to_bytes, items)
                return
            stop = self._stop_at(len(items))
            failure, made = None, 0
            with tempfile.TemporaryFile() as own:  # the parent's items wait here for the child's (~30 MB)
                try:
                    for item in items[stop:]:
                        data = to_bytes(item)
                        own.write(_FRAME.pack(len(data)))
                        own.write(data)
                        made += 1
                except Exception as exc:  # raised once the items before it are known to be good
                    failure = exc
                done = 0
                for data in self._childs(stop):
                    yield data
                    done += 1
                yield from map(to_bytes, items[done:stop])
                yield from _frames(own, made)
                if failure is not None:
                    raise failure
        finally:
            self.close()

    def _stop_at(self, count: int) -> int:
        """Where the child is to stop: by then, at the rates so far, it and the parent (which turns
        the items after it into bytes) should both be done. Only a guess, and only of speed."""
        done = _COUNTS.unpack(self.counts)[0]
        stop = count // 2
        if 0 < done < count:
            elapsed = time.perf_counter() - self.started
            child = elapsed / done  # the child's time an item: reading it and its bytes
            parent = min(max(child - elapsed / count, child / 4), child)  # the parent's: the bytes only
            stop = done + round((count - done) * parent / (child + parent))
        stop = min(count, max(done, stop))
        self.counts[_FRAME.size:] = _FRAME.pack(stop)
        return stop

    def _childs(self, stop: int) -> Iterator[bytes]:
        """The bytes of the first items, up to `stop`, that the child turned into bytes (none unless
        it exited cleanly after its end mark)."""
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status) == 0 and _finished(self.spool):
            yield from _frames(self.spool, stop)

    def close(self) -> None:
        """Stop the child if it still runs (the caller failed or stopped reading); drop its file."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        for held in (self.spool, self.counts):
            if held is not None:
                held.close()
        self.spool = self.counts = None

    def __enter__(self) -> TwoCPUs:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _child(child: Callable[[Emit], object], spool, counts: mmap.mmap) -> int:
    try:
        with open(os.dup(spool.fileno()), "wb") as out:
            done = 0

            def emit(data: bytes) -> bool:
                nonlocal done
                out.write(_FRAME.pack(len(data)))
                out.write(data)
                done += 1
                counts[:_FRAME.size] = _FRAME.pack(done)
                return done < _FRAME.unpack_from(counts, _FRAME.size)[0]

            child(emit)
            out.write(_FRAME.pack(_DONE))
        return 0
    except BaseException:  # the parent does these items again and raises the error itself
        return 1


def _finished(spool) -> bool:
    """Whether the child wrote its end mark (it writes it after its last item, and only then)."""
    if spool.seek(0, os.SEEK_END) < _FRAME.size:
        return False
    spool.seek(-_FRAME.size, os.SEEK_END)
    return _FRAME.unpack(spool.read(_FRAME.size))[0] == _DONE


def _frames(spool, most: int) -> Iterator[bytes]:
    """The first `most` items' bytes in a file of frames (before its end mark, if it has one)."""
    spool.seek(0)
    for _ in range(most):
        head = spool.read(_FRAME.size)
        if len(head) < _FRAME.size or _FRAME.unpack(head)[0] == _DONE:
            return
        yield spool.read(_FRAME.unpack(head)[0])
