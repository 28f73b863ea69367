"""The two engines that decide which rules fire for a record: durable-rules and a native one.

Both take the same compiled ruleset and the same record namespace and return the ids of the rules
whose condition is True. `get_engine("auto")` picks durable-rules where it imports (the owner's
choice) and the native engine elsewhere (Python 3.13+).
"""
from __future__ import annotations

import threading
from typing import Any

from jixiao.core.errors import EngineError
from jixiao.core.i18n import _
from jixiao.engines.durable import DurableEngine, durable_available
from jixiao.engines.native import NativeEngine

__all__ = ["DurableEngine", "NativeEngine", "durable_available", "get_engine"]

_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(name: str = "auto"):
    """The shared engine for `name` (auto | durable | native); an engine object is used as given."""
    if not isinstance(name, str):
        return name  # anything with `name` and `fire(compiled, ns)`: the benchmark's naive durable
    if name == "auto":
        name = "durable" if durable_available() else "native"
    engine = _ENGINES.get(name)  # every record asks: no lock once the engine exists
    if engine is not None:
        return engine
    if name not in ("durable", "native"):
        raise EngineError(_("未知引擎{name!r}（可用：auto、durable、native）").format(name=name))
    with _ENGINES_LOCK:
        if name not in _ENGINES:
            if name == "durable":
                if not durable_available():
                    raise EngineError(_("durable-rules 未安装或无法在此 Python 版本下导入；请改用 --engine native"))
                _ENGINES[name] = DurableEngine()
            else:
                _ENGINES[name] = NativeEngine()
        return _ENGINES[name]
