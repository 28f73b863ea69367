"""A restricted formatter for finding texts: `{name}` and `{name|filter}`, nothing else.

Templates come from ruleset files, so they must not reach Python internals the way
`str.format` does (`{x.__class__}`): a placeholder is a dotted name of record fields or metrics,
with an optional filter from FILTERS; names starting with "_" are rejected when parsing.
"""
from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from jixiao.core.decimals import money, number, percent
from jixiao.core.errors import EvaluationError, Location, Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.core.pyast import assign, call, define, is_none, load
from jixiao.expressions.typecheck import ANY, NUM, SCALAR, ListType, RecordType, describe

# One rendered text (a finding's problem, a roll-up's list) is at most this long: a report is read
# by people, and a template over a huge list must not grow without bound (1 GB was measured).
MAX_RENDERED = 200_000
NUMBER_FILTERS = ("wan", "money", "pct", "num", "int")


def _text(value: Any) -> str:
    if value is None:
        return "未填报"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return str(value)


def _int(value: Any) -> str:
    return "未填报" if value is None else format(value.to_integral_value(), "f") if isinstance(value, Decimal) else _text(value)


FILTERS: dict[str, Callable[[Any], str]] = {
    "wan": lambda v: money(v) + "万元" if v is not None else "未填报",
    "money": money,
    "pct": percent,
    "num": number,
    "int": _int,
    "text": _text,
}

_FIELD = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*)*$", re.UNICODE)


@dataclass(frozen=True)
class Placeholder:
    path: tuple[str, ...]
    filter: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Template:
    source: str
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> list[Placeholder]:
        return [p for p in self.parts if isinstance(p, Placeholder)]

    def render(self, resolve: Callable[[tuple[str, ...]], Any]) -> str:
        out = []
        size = 0
        for index, part in enumerate(self.parts):
            if isinstance(part, str):
                text = part
            else:
                value = resolve(part.path)
                if part.filter in NUMBER_FILTERS and value is not None and not isinstance(value, Decimal):
                    self._number_wanted(index, value)
                text = FILTERS[part.filter](value)
            size += len(text)
            if size > MAX_RENDERED:
                self._too_long()
            out.append(text)
        return "".join(out)

    def render_in(self, ns: dict[str, Any]) -> str:
        """`render` over a namespace's dotted paths (`records.namespace.lookup_path`), by a function
        generated once per template: scoring writes ~3 texts a record, and the loop above, its
        look-ups and its size count measured twice the time."""
        return self._in_namespace(ns)

    @functools.cached_property
    def _in_namespace(self) -> Callable[[dict[str, Any]], str]:
        return _generate_render(self)

    def _number_wanted(self, index: int, value: Any) -> None:
        """Raise: the placeholder at `index` formats numbers, and `value` is none."""
        part = self.parts[index]
        raise EvaluationError(_("模板`{text}`：{{{name}}}需要数值，实为{got!r}").format(
            text=self.source, name=part.dotted, got=value))

    def _too_long(self) -> None:
        """Raise: the text would pass MAX_RENDERED characters."""
        raise EvaluationError(_("模板`{text}`生成的文字超过{limit}个字符").format(text=self.source[:60], limit=MAX_RENDERED))


def _generate_render(template: Template) -> Callable[[dict[str, Any]], str]:
    """`render(ns)`: each placeholder's value looked up as `lookup_path` does (`ns.get(first)`, then
    `.get(next)` while the value is a dict, else None), checked as `Template.render` checks it, passed
    through its filter, and the texts joined. Generated as an `ast`: the template's literal texts and
    path parts enter only as string constants, its filters and checks as bound names."""
    env: dict[str, Any] = {"_isinstance": isinstance, "_dict": dict, "_Decimal": Decimal,
                           "_wanted": template._number_wanted, "_too_long": template._too_long}
    body: list[ast.stmt] = []
    pieces: list[ast.expr] = []
    for index, part in enumerate(template.parts):
        if isinstance(part, str):
            pieces.append(ast.Constant(part))
            continue
        value = f"_v{index}"
        body.append(assign(value, call(ast.Attribute(load("ns"), "get", ast.Load()), ast.Constant(part.path[0]))))
        for name in part.path[1:]:
            # _v = _v.get(name) if isinstance(_v, dict) else None
            step = call(ast.Attribute(load(value), "get", ast.Load()), ast.Constant(name))
            body.append(assign(value, ast.IfExp(call("_isinstance", load(value), load("_dict")), step, ast.Constant(None))))
        if part.filter in NUMBER_FILTERS:
            # if _v is not None and not isinstance(_v, Decimal): _wanted(index, _v)
            wrong = ast.BoolOp(ast.And(), [ast.UnaryOp(ast.Not(), is_none(load(value))),
                                           ast.UnaryOp(ast.Not(), call("_isinstance", load(value), load("_Decimal")))])
            body.append(ast.If(wrong, [ast.Expr(call("_wanted", ast.Constant(index), load(value)))], []))
        env[f"_f{index}"] = FILTERS[part.filter]
        pieces.append(call(f"_f{index}", load(value)))
    joined = call(ast.Attribute(ast.Constant(""), "join", ast.Load()), ast.Tuple(pieces, ast.Load()))
    body.append(assign("_text", joined))
    too_long = ast.Compare(call("len", load("_text")), [ast.Gt()], [ast.Constant(MAX_RENDERED)])
    body.append(ast.If(too_long, [ast.Expr(call("_too_long"))], []))
    body.append(ast.Return(load("_text")))
    env["len"] = len
    return define("render", ["ns"], body, env, "<jixiao template>")


def template_type_problem(placeholder: Placeholder, kind: Any) -> str | None:
    """Why `placeholder` cannot format a value of type `kind` (typecheck), or None."""
    shown = "{" + placeholder.dotted + ("|" + placeholder.filter if placeholder.filter != "text" else "") + "}"
    if isinstance(kind, RecordType) or (isinstance(kind, ListType) and isinstance(kind.element, (ListType, RecordType))):
        return _("{shown}是{got}，不能写入文字").format(shown=shown, got=describe(kind))
    if placeholder.filter in NUMBER_FILTERS and kind not in (NUM, SCALAR, ANY):
        return _("{shown}的格式{filter}只用于数值，`{name}`是{got}").format(
            shown=shown, filter=placeholder.filter, name=placeholder.dotted, got=describe(kind))
    return None


def parse_template(source: str, where: Location = Location()) -> Template:
    if not isinstance(source, str):
        raise RulesetError([Problem(_("模板应为文字，实为{value!r}").format(value=source), where)])
    problems: list[Problem] = []
    parts: list[str | Placeholder] = []
    # {{ and }} stand for literal braces
    escaped = source.replace("{{", "\x00").replace("}}", "\x01")
    position = 0
    segments = []
    for match in _FIELD.finditer(escaped):
        segments.append(escaped[position:match.start()])
        parts.append(_unescape(segments[-1]))
        inside = match.group(1).strip()
        name, _bar, filter_name = inside.partition("|")
        name, filter_name = name.strip(), (filter_name.strip() or "text")
        if not _NAME.match(name) or any(p.startswith("_") for p in name.split(".")):
            problems.append(Problem(_("模板`{text}`：`{{{inside}}}`不是字段名（应写{{name}}或{{name|pct}}）").format(
                text=source, inside=inside), where))
        elif filter_name not in FILTERS:
            problems.append(Problem(_("模板`{text}`：未知格式`{filter}`（可用：{known}）").format(
                text=source, filter=filter_name, known=", ".join(FILTERS)), where))
        else:
            parts.append(Placeholder(tuple(name.split(".")), filter_name))
        position = match.end()
    rest = escaped[position:]
    if any("{" in s or "}" in s for s in segments + [rest]):
        problems.append(Problem(_("模板`{text}`：花括号不成对（花括号本身请写作{{{{或}}}}）").format(text=source), where))
    parts.append(_unescape(rest))
    if problems:
        raise RulesetError(problems)
    return Template(source, tuple(p for p in parts if p != ""))


def _unescape(text: str) -> str:
    return text.replace("\x00", "{").replace("\x01", "}")
