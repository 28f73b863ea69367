"""Turn pydantic validation errors into one readable problem per line, pointing into the file."""
from __future__ import annotations

from typing import Callable

from pydantic import ValidationError

from jixiao.core.errors import Problem
from jixiao.core.yamlsource import LineMap

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def problems_from(exc: ValidationError, lines: LineMap,
                  record_of: Callable[[tuple], str | None] = lambda loc: None) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = _without_union_tags(error["loc"])
        message = _MESSAGES.get(error["type"], error["msg"])
        if message.startswith("Value error, "):  # our own validators already quote the input
            message = message[len("Value error, "):]
        elif error["type"] not in _MESSAGES and "input" in error and not isinstance(error["input"], (dict, list)):
            message += f" (got {error['input']!r})"
        field = ".".join(str(p) for p in loc if not isinstance(p, int)) or None
        problems.append(Problem(message, lines.find(loc), record_of(loc), field))
    return problems


def _is_union_tag(part) -> bool:
    """pydantic adds the union member tried (e.g. 'rate', 'function-after[...]') to error locations."""
    return isinstance(part, str) and ("[" in part or part in {"rate", "indicators", "ladder", "bands", "condition", "Metric", "str"})


def _without_union_tags(loc: tuple) -> tuple:
    """Drops union tags only where a union is (`method`, a metric): `indicators` is also a field."""
    out: list = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or (_is_union_tag(part) and out and (
                out[-1] == "method" or (len(out) >= 2 and out[-2] == "metrics")))):
            continue
        out.append(part)
    return tuple(out)
