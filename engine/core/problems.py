"""Turn pydantic validation errors into one readable problem per line, pointing into the file."""
from __future__ import annotations

import difflib
import typing
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from jixiao.core.errors import Problem
from jixiao.core.yamlsource import LineMap

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def problems_from(exc: ValidationError, lines: LineMap,
                  record_of: Callable[[tuple], str | None] = lambda loc: None,
                  model: type[BaseModel] | None = None) -> list[Problem]:
    """`model`, the class validated, lets an unknown field name the known one it most resembles."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = _without_union_tags(error["loc"])
        message = _MESSAGES.get(error["type"], error["msg"])
        if error["type"] == "extra_forbidden" and model is not None and loc and isinstance(loc[-1], str):
            close = difflib.get_close_matches(loc[-1], _fields_at(model, loc[:-1]), n=1)
            if close:
                message += f" (did you mean `{close[0]}`?)"
        if message.startswith("Value error, "):  # our own validators already quote the input
            message = message[len("Value error, "):]
        elif error["type"] not in _MESSAGES and "input" in error and not isinstance(error["input"], (dict, list)):
            message += f" (got {error['input']!r})"
        field = ".".join(str(p) for p in loc if not isinstance(p, int)) or None
        problems.append(Problem(message, lines.find(loc), record_of(loc), field))
    return problems


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold: itself, a list's items, a union's members."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names (and aliases) allowed at `loc` inside `model`; indexes step into lists."""
    models = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        models = [m for current in models if part in current.model_fields
                  for m in _models_in(current.model_fields[part].annotation)]
    names: list[str] = []
    for current in models:
        for name, info in current.model_fields.items():
            names.append(info.alias or name)
    return names


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
