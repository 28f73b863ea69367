"""Pausing Python's cyclic garbage collector while a large case is read, validated and scored.

Reading, validating and scoring allocate millions of small objects that all stay alive and form
no reference cycles, so every full collection the collector starts in the meantime walks all of
them and frees nothing: on `bench/large_case.py`'s case of 10,000 projects that was 2.6 of 5.8 s
of scoring and 1.0 of 2.5 s of validation, measured in one process. Reference counting still
frees everything that is dropped; only the collection of cycles waits until the outermost pause ends.

Nested and concurrent pauses are counted: the collector runs again when the last one ends, and
only if it ran when the first one began (a host that turned it off keeps it off).
"""
from __future__ import annotations

import functools
import gc
import threading
from typing import Callable, TypeVar

_lock = threading.Lock()
_depth = 0
_resume = False

F = TypeVar("F", bound=Callable)


def paused_collector(function: F) -> F:
    """`function` runs with the cyclic collector paused (see the module docstring)."""
    @functools.wraps(function)
    def with_collector_paused(*args, **kwargs):
        global _depth, _resume
        with _lock:
            if _depth == 0:
                _resume = gc.isenabled()
                gc.disable()
            _depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            with _lock:
                _depth -= 1
                if _depth == 0 and _resume:
                    gc.enable()
    return with_collector_paused  # type: ignore[return-value]
