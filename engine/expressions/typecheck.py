"""The types of ruleset expressions, checked when a ruleset compiles.

Why at compile time: comparing text with a number, `distinct` of records or a metric that yields
records is a mistake in the ruleset, not something a record can cause. Found while compiling, it
is one error naming file, line and column; left to run time, it was an error on some records only
(the ones reaching that operand), and the two engines reached different operands.

A type is one of the constants below, or `ListType(element)` / `RecordType(fields)`. `SCALAR` is
"a number or words" (an indicator's 年度指标值), `ANY` what cannot be known before a record is
seen; both pass every test that a number or a text would, and are checked again at run time.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Callable, Union

from pydantic import BaseModel

from jixiao.core.decimals import MAX_PLACES
from jixiao.core.i18n import _
from jixiao.expressions import nodes as n
from jixiao.records.model import CaseMeta, Department, Project

NUM, TEXT, BOOL, SCALAR, ANY = "数值", "文字", "是/否", "数值或文字", "任意值"


@dataclass(frozen=True)
class ListType:
    element: Any


@dataclass(frozen=True)
class RecordType:
    fields: tuple[tuple[str, Any], ...]  # a tuple, so types stay hashable
    open: bool = False  # an open mapping (declared_counts): any key, of type `fields[0][1]`

    def field(self, name: str) -> Any | None:
        if self.open:
            return self.fields[0][1] if self.fields else ANY
        return dict(self.fields).get(name)


def describe(kind: Any) -> str:
    if isinstance(kind, ListType):
        return _("记录列表") if isinstance(kind.element, RecordType) else _("列表")
    if isinstance(kind, RecordType):
        return _("字段组")
    return kind


# ---- the types of record fields, from the pydantic models --------------------------------------

def _annotation_type(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return _annotation_type(args[0])
    if origin in (Union, getattr(__import__("types"), "UnionType")):
        options = {_annotation_type(a) for a in typing.get_args(annotation) if a is not type(None)}
        if len(options) == 1:
            return options.pop()
        return SCALAR if options <= {NUM, TEXT, SCALAR} else ANY
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return TEXT if all(isinstance(v, str) for v in values) else ANY
    if origin is list:
        return ListType(_annotation_type(typing.get_args(annotation)[0]))
    if origin is dict:
        return RecordType((("*", _annotation_type(typing.get_args(annotation)[1])),), open=True)
    if annotation is bool:
        return BOOL
    if annotation in (int, Decimal, float):
        return NUM
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return TEXT
    if annotation is str:
        return TEXT
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_type(annotation)
    return ANY


def _model_type(model: type[BaseModel]) -> RecordType:
    hints = typing.get_type_hints(model, include_extras=True)
    return RecordType(tuple((name, _annotation_type(hints[name])) for name in model.model_fields))


@lru_cache(maxsize=None)
def record_types(kind: str) -> dict[str, Any]:
    """The type of every top-level name a record of `kind` offers (as `scope_for` lists them)."""
    dept, proj = dict(_model_type(Department).fields), dict(_model_type(Project).fields)
    if kind == "department":
        scope = dict(dept, projects=ListType(_model_type(Project)))
    elif kind == "project":
        scope = proj
    else:
        scope = {k: v for k, v in dept.items() if k in proj and dept[k] == proj[k]}
        scope.update({k: ANY for k in dept if k in proj and dept[k] != proj[k]})
    scope["case"] = _model_type(CaseMeta)
    return scope


# ---- inference -----------------------------------------------------------------------------------

def _is(kind: Any, *wanted: str) -> bool:
    """`kind` may be one of `wanted` (SCALAR may be a number or words; ANY may be anything)."""
    if kind == ANY:
        return True
    if kind == SCALAR:
        return bool({NUM, TEXT} & set(wanted))
    return kind in wanted


def _comparable(a: Any, b: Any) -> bool:
    """== / != between values of these types can be true (else it is a mistake in the ruleset)."""
    if a == ANY or b == ANY:
        return True
    if isinstance(a, (ListType, RecordType)) or isinstance(b, (ListType, RecordType)):
        return False
    if a == SCALAR or b == SCALAR:
        return _is(a, NUM, TEXT) and _is(b, NUM, TEXT)
    return a == b


def _unify(kinds: list[Any]) -> Any:
    distinct = set(kinds)
    if len(distinct) == 1:
        return kinds[0]
    if distinct <= {NUM, TEXT, SCALAR}:
        return SCALAR
    return ANY


class TypeProblem(Exception):
    """A type mistake at `node`: the checker stops at the first one of an expression."""

    def __init__(self, node: n.Node, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


class Checker:
    """Infers types over `names` (top-level name → type, or a function giving it: metrics)."""

    def __init__(self, names: Callable[[str], Any | None]):
        self.names = names

    def infer(self, node: n.Node, local: dict[str, Any] | None = None) -> Any:
        return self._infer(node, local or {})

    def expect(self, node: n.Node, kind: Any, local: dict, *wanted: str, what: str) -> Any:
        if not _is(kind, *wanted):
            raise TypeProblem(node, _("{what}需要{wanted}，`{text}`是{got}").format(
                what=what, wanted="或".join(wanted), text=node.text, got=describe(kind)))
        return kind

    def _infer(self, node: n.Node, local: dict) -> Any:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node, local)

    def _const(self, node: n.Const, local: dict) -> Any:
        return BOOL if isinstance(node.value, bool) else NUM if isinstance(node.value, Decimal) else TEXT

    def _name(self, node: n.Name, local: dict) -> Any:
        head, *rest = node.path
        kind = local[head] if head in local else self.names(head)
        if kind is None:
            return ANY  # an unknown name: reported by the name check
        for part in rest:
            if isinstance(kind, RecordType):
                kind = kind.field(part) or ANY
            elif kind == ANY:
                return ANY
            else:
                return ANY  # "has no fields": reported by the name check
        return kind

    def _unary(self, node: n.Unary, local: dict) -> Any:
        kind = self._infer(node.operand, local)
        if node.op == "not":
            self.expect(node.operand, kind, local, BOOL, what=_("`not`"))
            return BOOL
        self.expect(node.operand, kind, local, NUM, what=_("正负号"))
        return NUM

    def _binary(self, node: n.Binary, local: dict) -> Any:
        for side in (node.left, node.right):
            self.expect(side, self._infer(side, local), local, NUM, what=_("运算 {op} ").format(op=node.op))
        return NUM

    def _boolop(self, node: n.BoolOp, local: dict) -> Any:
        for value in node.values:
            self.expect(value, self._infer(value, local), local, BOOL, what=f"`{node.op}`")
        return BOOL

    def _compare(self, node: n.Compare, local: dict) -> Any:
        a, b = self._infer(node.left, local), self._infer(node.right, local)
        if node.op in ("==", "!="):
            if not _comparable(a, b):
                raise TypeProblem(node, _("`{text}`比较{a}与{b}，结果恒定，不能比较").format(
                    text=node.text, a=describe(a), b=describe(b)))
            return BOOL
        for side, kind in ((node.left, a), (node.right, b)):
            self.expect(side, kind, local, NUM, what=_("比较 {op} ").format(op=node.op))
        return BOOL

    def _ismissing(self, node: n.IsMissing, local: dict) -> Any:
        self._infer(node.operand, local)
        return BOOL

    def _in(self, node: n.In, local: dict) -> Any:
        kind = self._infer(node.operand, local)
        for option in node.options:
            other = BOOL if isinstance(option, bool) else NUM if isinstance(option, Decimal) else TEXT
            if not _comparable(kind, other):
                raise TypeProblem(node, _("`{text}`：{a}不能与列表中的{b}比较").format(
                    text=node.text, a=describe(kind), b=describe(other)))
        return BOOL

    def _call(self, node: n.Call, local: dict) -> Any:
        kinds = [self._infer(a, local) for a in node.args]
        func, args = node.func, node.args
        what = _("{func}()").format(func=func)
        if func in ("known", "missing", "is_text", "is_number"):
            return BOOL
        if func in ("abs", "min", "max", "round"):
            for arg, kind in zip(args, kinds):
                self.expect(arg, kind, local, NUM, what=what)
            if func == "round":
                places = args[1]
                if not (isinstance(places, n.Const) and isinstance(places.value, Decimal) and not isinstance(places.value, bool)
                        and places.value == places.value.to_integral_value() and 0 <= places.value <= MAX_PLACES):
                    raise TypeProblem(places, _("round()的位数应为0至{most}的整数，`{text}`不是").format(most=MAX_PLACES, text=places.text))
            return NUM
        if func == "coalesce":
            return _unify(kinds)
        if func == "len":
            if not (isinstance(kinds[0], ListType) or _is(kinds[0], TEXT)):
                raise TypeProblem(args[0], _("len()需要列表或文字，`{text}`是{got}").format(text=args[0].text, got=describe(kinds[0])))
            return NUM
        if func == "contains":
            if not (_text_list(kinds[0]) or _is(kinds[0], TEXT)):
                raise TypeProblem(args[0], _("contains()在文字中查找，`{text}`是{got}").format(text=args[0].text, got=describe(kinds[0])))
            self.expect(args[1], kinds[1], local, TEXT, what=what)
            return BOOL
        if func == "distinct":
            if not (isinstance(kinds[0], ListType) and not isinstance(kinds[0].element, (ListType, RecordType))) and kinds[0] != ANY:
                raise TypeProblem(args[0], _("distinct()需要数值或文字的列表，`{text}`是{got}").format(text=args[0].text, got=describe(kinds[0])))
            return NUM
        if func == "max_similarity":
            self.expect(args[0], kinds[0], local, TEXT, what=what)
            if not (_text_list(kinds[1]) or _is(kinds[1], TEXT)):
                raise TypeProblem(args[1], _("max_similarity()与文字或文字列表比较，`{text}`是{got}").format(text=args[1].text, got=describe(kinds[1])))
            self.expect(args[2], kinds[2], local, NUM, what=what)
            return NUM
        if func == "mentions":
            self.expect(args[0], kinds[0], local, TEXT, what=what)
            for arg, kind in zip(args[1:], kinds[1:]):
                if not (_text_list(kind) or _is(kind, TEXT)):
                    raise TypeProblem(arg, _("mentions()在文字中查找，`{text}`是{got}").format(text=arg.text, got=describe(kind)))
            return ListType(TEXT)
        return ANY

    def _aggregate(self, node: n.Aggregate, local: dict) -> Any:
        items = self._infer(node.iterable, local)
        if items == ANY:
            element_type = ANY
        elif isinstance(items, ListType):
            element_type = items.element
        else:
            raise TypeProblem(node.iterable, _("`{text}`不是列表").format(text=node.iterable.text))
        inner = dict(local, **{node.var: element_type})
        if node.condition is not None:
            self.expect(node.condition, self._infer(node.condition, inner), inner, BOOL, what=_("`if`条件"))
        element = self._infer(node.element, inner)
        what = _("{func}()").format(func=node.func)
        if node.func in ("sum", "min", "max"):
            self.expect(node.element, element, inner, NUM, what=what)
            return NUM
        if node.func in ("any", "all"):
            self.expect(node.element, element, inner, BOOL, what=what)
            return BOOL
        if node.func == "collect":
            return ListType(element)
        return NUM  # count


def _text_list(kind: Any) -> bool:
    return kind == ANY or (isinstance(kind, ListType) and _is(kind.element, TEXT))


def value_kind(value: Any) -> str:
    """The type of a value as expressions see it (for run-time messages)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, Decimal):
        return NUM
    if isinstance(value, str):
        return TEXT
    return ANY
