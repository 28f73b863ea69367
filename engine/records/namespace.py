"""How a record looks to ruleset expressions: the names it offers, statically and at run time.

`scope_for(kind)` describes the names (from the pydantic record models) so a ruleset can be
checked before any record is seen; `record_namespace` builds the matching dict of values: numbers
as Decimal, enums as their Chinese text, "not stated" as None.
"""
from __future__ import annotations

import ast
import typing
from decimal import Decimal
from enum import Enum
from functools import lru_cache, partial
from typing import Any, Union

from pydantic import BaseModel

from jixiao.core.errors import CaseError, Location, Problem, record_label
from jixiao.core.pyast import assign, call, class_is, define, is_none, load, walrus
from jixiao.records.cycle import CYCLE_RECORDS
from jixiao.records.inputs import Declarations, typed_inputs
from jixiao.records.model import Case, CaseMeta, Department, Project, record_kind

VALUE = "value"


class ListOf:
    """A list field whose elements have the fields in `fields`."""

    def __init__(self, fields: dict):
        self.fields = fields


def _model_scope(model: type[BaseModel]) -> dict:
    scope: dict[str, Any] = {}
    hints = typing.get_type_hints(model)
    for name in model.model_fields:
        scope[name] = _type_scope(hints[name])
    return scope


def _type_scope(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_scope(typing.get_args(annotation)[0])
    if origin in (Union, getattr(__import__("types"), "UnionType")):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_scope(options[0]) if len(options) == 1 else VALUE
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner = _type_scope(item)
        return ListOf(inner if isinstance(inner, dict) else {})
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_scope(annotation)
    if origin is dict:
        return {}  # open mapping (declared_counts): any key
    return VALUE


@lru_cache(maxsize=None)
def scope_for(kind: str) -> dict:
    """Names a ruleset applying to `kind` ("project" or "department") may read."""
    case = {"case": _model_scope(CaseMeta)}
    if kind == "department":
        scope = _model_scope(Department)
        scope["projects"] = ListOf(_model_scope(Project))
        scope["all_projects"] = scope["projects"]  # the same list, or None unless stated complete
    elif kind == "project":
        scope = _model_scope(Project)
    elif kind in CYCLE_RECORDS:  # a 绩效目标申报表 or a monitoring record (records/cycle.py)
        scope = _model_scope(CYCLE_RECORDS[kind])
    else:  # "any": names common to both kinds
        dept, proj = _model_scope(Department), _model_scope(Project)
        scope = {k: v for k, v in dept.items() if k in proj}
    scope.update(case)
    return scope


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (Decimal, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, BaseModel):
        return _converter(type(value))(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ---- the same conversion, planned once per model class from its annotations ---------------
# Walking every value of a record with isinstance tests cost ~1.5 µs a value, most of a native
# evaluation. Fields whose type already is what expressions see (Decimal, str, bool, Literal of
# text, None) are taken as they are; only the others are converted, with `_plain`'s rules.
# A nested model whose fields all are such values (a budget, an indicator row) is not copied at
# all: its frozen instance's `__dict__` is the dict expressions read. Nothing writes to nested
# dicts (evaluation only adds metrics and loop variables to the top level, which is always new).

_PLAIN_TYPES = (Decimal, str, bool, type(None))


def _is_plain(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_plain(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return all(isinstance(a, (str, bool)) for a in typing.get_args(annotation))
    if origin in (Union, getattr(__import__("types"), "UnionType")):
        return all(_is_plain(a) for a in typing.get_args(annotation))
    return annotation in _PLAIN_TYPES


def _field_converter(annotation: Any):
    """How a field's value becomes what expressions see: None (as it is); ("own", M), a model M
    whose frozen instance's own dict is used; ("own list", M), a list of those; or a function."""
    if _is_plain(annotation):
        return None
    origin = typing.get_origin(annotation)
    if origin in (Union, getattr(__import__("types"), "UnionType")):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:  # `X | None`: None passes as it is (the converter tests it), X as X
            return _field_converter(options[0])
    if origin is list:
        (item,) = typing.get_args(annotation)
        if _is_plain(item):
            return list
        if isinstance(item, type) and issubclass(item, BaseModel):
            convert = _converter(item, shared=True)
            if convert is _own_dict:  # pydantic validated every element as an `item`
                return ("own list", item)
            return lambda values: [convert(v) for v in values]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        convert = _converter(annotation, shared=True)
        if convert is _own_dict:
            return ("own", annotation)
        return lambda value: convert(value) if type(value) is annotation else _plain(value)
    return _plain


@lru_cache(maxsize=None)
def _converter(model: type[BaseModel], names: frozenset[str] | None = None, shared: bool = False):
    """Converts a `model` instance to a dict of its fields (only those in `names`, if given).

    `shared`: the dict may be the instance's own (a nested, read-only value; see above)."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = [(name, _field_converter(hints[name])) for name in model.model_fields if names is None or name in names]

    if names is None and all(conv is None for _, conv in fields):
        # every field is already what expressions see (an indicator row): pydantic keeps exactly
        # the field values in `__dict__`, and a frozen model never changes them
        if shared and model.model_config.get("frozen") and model.model_config.get("extra") == "forbid":
            return _own_dict
        return lambda value: value.__dict__.copy()

    return _generated_converter(model.__name__, fields)


def _generated_converter(model_name: str, fields: list[tuple[str, Any]]):
    """`convert(value)`: one dict display of the fields, each taken as it is or passed through
    its converter. Generated once per model and set of names: it measured a third cheaper than
    a comprehension and a loop over the converters. The code is an `ast` of our own: field names
    (identifiers of jixiao's record models) enter only as string constants, the converters as
    bound names."""
    env: dict[str, Any] = {}
    keys, values = [], []
    for index, (name, conv) in enumerate(fields):
        item = ast.Subscript(load("d"), ast.Constant(name), ast.Load())
        if conv is not None:
            # None if (_v := d[name]) is None else <converted _v>
            item = ast.IfExp(is_none(walrus("_v", item)), ast.Constant(None), _converted(conv, f"_c{index}", env))
        keys.append(ast.Constant(name))
        values.append(item)
    body = [assign("d", ast.Attribute(load("value"), "__dict__", ast.Load())), ast.Return(ast.Dict(keys, values))]
    return define("convert", ["value"], body, env, f"<jixiao namespace of {model_name}>")


def _converted(conv: Any, name: str, env: dict[str, Any]) -> ast.expr:
    """`_v` converted: `_v.__dict__ if _v.__class__ is M else _plain(_v)` for ("own", M),
    `[i.__dict__ for i in _v]` for ("own list", M), else a call of the converter bound as `name`."""
    if isinstance(conv, tuple) and conv[0] == "own":
        env[name], env["_plain"] = conv[1], _plain
        return ast.IfExp(class_is(load("_v"), name), ast.Attribute(load("_v"), "__dict__", ast.Load()),
                         call("_plain", load("_v")))
    if isinstance(conv, tuple):  # "own list"
        element = ast.Attribute(load("_i"), "__dict__", ast.Load())
        return ast.ListComp(element, [ast.comprehension(ast.Name("_i", ast.Store()), load("_v"), [], 0)])
    env[name] = conv
    return call(name, load("_v"))


def _own_dict(value: BaseModel) -> dict[str, Any]:
    return value.__dict__


def record_namespace(record: Project | Department, case: Case | None = None,
                     names: frozenset[str] | None = None, declared: Declarations | None = None,
                     project_fields: frozenset[str] | None = None) -> dict[str, Any]:
    """The values expressions see for one record (a department also sees its `projects`, the
    listed ones, and `all_projects`: the same list when `projects_complete`, else None).

    With `names`, only those top-level fields are converted: a ruleset that reads a project's
    budget and actual need not convert its narrative texts for every record. With `project_fields`
    (a department ruleset's `project_fields`), only those fields of each of its projects: 5 of
    their ~20 for the default ruleset, and the department's view of 10,000 projects touches no
    more of them than it reads. With `declared` (a ruleset's `inputs:`), `inputs` holds every
    declared key typed, None where not stated; a value that does not fit its declaration is a
    `CaseError` at the value's file:line.
    """
    ns = _converter(type(record), names)(record)
    kind = record_kind(record)
    problems: list[Problem] = []
    if declared and kind in declared and (names is None or "inputs" in names):
        ns["inputs"] = _typed(record, kind, declared[kind], case, problems)
    wanted = names is None or "projects" in names or "all_projects" in names
    if wanted and kind == "department":
        projects = case.projects if case else []
        if project_fields is None:
            ns["projects"] = [_plain(p) for p in projects]
        else:
            fields = frozenset(project_fields & Project.model_fields.keys())
            ns["projects"] = [_converter(type(p), fields)(p) for p in projects]
        if declared and declared.get("project"):
            for project, values in zip(projects, ns["projects"]):
                values["inputs"] = _typed(project, "project", declared["project"], case, problems)
        # sums over all projects are assessable only when the report states its list whole
        ns["all_projects"] = ns["projects"] if record.projects_complete else None
    if problems:
        raise CaseError(problems)
    if names is None or "case" in names:
        ns["case"] = _case_view(case)
    return ns


_NO_CASE = {k: None for k in CaseMeta.model_fields}
_last_case: tuple[CaseMeta | None, dict[str, Any]] = (None, _NO_CASE)


def _case_view(case: Case | None) -> dict[str, Any]:
    """The case's own fields as expressions read them (None each without a case), converted once
    for all the records of a case rather than once a record: like a record's nested dicts, the
    view is shared and only read."""
    global _last_case
    if case is None:
        return _NO_CASE
    meta, view = _last_case  # one tuple, read and replaced whole: safe between threads
    if meta is not case.case:
        view = _plain(case.case)
        _last_case = (case.case, view)
    return view


def _typed(record: Project | Department, kind: str, specs: dict, case: Case | None, problems: list[Problem]) -> dict:
    values, found = typed_inputs(record.inputs, specs)
    for key, message in found:
        where = case.input_place(kind, record.id, key) if case else None
        problems.append(Problem(message, where or Location(), record_label(kind, record.id), f"inputs.{key}"))
    return values


def lookup_path(ns: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at a dotted path (("budget", "final")) of a namespace, None where absent."""
    value: Any = ns.get(path[0])
    for part in path[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def path_resolver(ns: dict[str, Any]):
    """`lookup_path` bound to one namespace: what templates render with."""
    return partial(lookup_path, ns)
