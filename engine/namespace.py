"""How a record looks to ruleset expressions: the names it offers, statically and at run time.

`scope_for(kind)` describes the names (from the pydantic record models) so a ruleset can be
checked before any record is seen; `record_namespace` builds the matching dict of values: numbers
as Decimal, enums as their Chinese text, "not stated" as None.
"""
from __future__ import annotations

import typing
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Union

from pydantic import BaseModel

from .records import Case, CaseMeta, Department, Project

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
    elif kind == "project":
        scope = _model_scope(Project)
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
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record_namespace(record: Project | Department, case: Case | None = None) -> dict[str, Any]:
    """The values expressions see for one record (a department also sees its `projects`)."""
    ns = _plain(record)
    if isinstance(record, Department):
        ns["projects"] = [_plain(p) for p in (case.projects if case else [])]
    ns["case"] = _plain(case.case) if case else {k: None for k in CaseMeta.model_fields}
    return ns
