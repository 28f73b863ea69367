"""Turn pydantic validation errors into one readable problem per line, pointing into the file."""
from __future__ import annotations

import difflib
import typing
from decimal import Decimal
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from jixiao.core.decimals import plain
from jixiao.core.errors import Problem
from jixiao.core.i18n import N_, _, language
from jixiao.core.yamlsource import LineMap

# pydantic's error types in the reader's language; the message ids are Chinese (see core.i18n)
_MESSAGES = {
    "extra_forbidden": N_("未知字段"),
    "missing": N_("缺少必填字段"),
    "int_parsing": N_("应为整数"), "int_type": N_("应为整数"), "int_from_float": N_("应为整数"),
    "bool_parsing": N_("应为是或否（true/false）"), "bool_type": N_("应为是或否（true/false）"),
    "string_type": N_("应为文字"), "list_type": N_("应为列表"),
    "dict_type": N_("应为映射（键: 值）"), "model_type": N_("应为映射（键: 值）"),
    "model_attributes_type": N_("应为映射（键: 值）"),
    "decimal_parsing": N_("应为数字"), "decimal_type": N_("应为数字"), "float_parsing": N_("应为数字"),
    "literal_error": N_("应为 {expected} 之一"), "enum": N_("应为 {expected} 之一"),
    "greater_than_equal": N_("应不小于 {ge}"), "greater_than": N_("应大于 {gt}"),
    "less_than_equal": N_("应不大于 {le}"), "less_than": N_("应小于 {lt}"),
    "too_short": N_("至少应有 {min_length} 项"), "too_long": N_("至多可有 {max_length} 项"),
    "union_tag_invalid": N_("{discriminator} 为 '{tag}'，应为 {expected_tags} 之一"),
    "string_too_short": N_("不能为空"), "string_too_long": N_("至多 {max_length} 个字符"),
}
_QUIET = {"extra_forbidden", "missing"}  # the input is not worth quoting


def _message(error: dict) -> str:
    """The error in the current language; a type without a translation keeps pydantic's words."""
    template = _MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    chinese = language() == "zh"
    ctx = {k: (v.replace(" or ", "、").replace(", ", "、") if chinese and k in ("expected", "expected_tags") and isinstance(v, str)
               else _shown(v)) for k, v in (error.get("ctx") or {}).items()}
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError):
        return error["msg"]


def did_you_mean(word: str, options: list[str]) -> str:
    """"（是否应为 `x`？）" for the option `word` most resembles, "" when none is close."""
    close = difflib.get_close_matches(word, options, n=1)
    return _("（是否应为 `{name}`？）").format(name=close[0]) if close else ""


def problems_from(exc: ValidationError, lines: LineMap,
                  record_of: Callable[[tuple], str | None] = lambda loc: None,
                  model: type[BaseModel] | None = None) -> list[Problem]:
    """`model`, the class validated, lets an unknown field name the known one it most resembles."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = _without_union_tags(error["loc"])
        message = _message(error)
        if error["type"] == "extra_forbidden" and model is not None and loc and isinstance(loc[-1], str):
            message += did_you_mean(loc[-1], _fields_at(model, loc[:-1]))
        if message.startswith("Value error, "):  # our own validators already quote the input
            message = message[len("Value error, "):]
        elif error["type"] not in _QUIET and "input" in error and not isinstance(error["input"], (dict, list)):
            message += _("（所给值：{value}）").format(value=_quoted(error["input"]))
        field = ".".join(str(p) for p in loc if not isinstance(p, int)) or None
        problems.append(Problem(message, lines.find(loc), record_of(loc), field))
    return problems


def _shown(value: Any) -> Any:
    """A number as the reader wrote it (`-40`, not `Decimal('-40')`)."""
    return plain(value) if isinstance(value, Decimal) else value


def _quoted(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(_shown(value))


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
