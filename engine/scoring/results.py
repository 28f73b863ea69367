"""What an evaluation produces: pydantic models that are also the JSON embedding contract.

In JSON every number is a string holding the exact decimal ("8.39", "0.8385"), never a float, so
that report tools read back exactly what jixiao computed. Unknown values are null.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

Value = Decimal | str | bool | list[Decimal | str | bool | None] | None
RecordStatus = Literal["scored", "not_assessable", "exempt", "vetoed"]
IndicatorStatus = Literal["scored", "not_assessable", "zero", "dropped", "not_applicable", "rejected", "exempt"]
# the words a reader sees for each status code (the codes are the JSON contract and stay English)
RECORD_STATUS_WORDS = {"scored": "已评分", "not_assessable": "信息不足，无法评价", "exempt": "免于评价", "vetoed": "一票否决"}
INDICATOR_STATUS_WORDS = {"scored": "已评分", "not_assessable": "信息不足", "zero": "缺失按0分", "dropped": "缺失不计",
                          "not_applicable": "不适用", "rejected": "不予采用", "exempt": "免评"}


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ItemScore(Model):
    """One of the record's own indicator rows, scored by direction or qualitative tier."""

    name: str
    level1: str
    level2: str | None
    kind: str
    direction: str | None
    target: Value
    actual: Value
    weight: Decimal | None
    score: Decimal | None
    status: IndicatorStatus
    detail: str


class IndicatorScore(Model):
    id: str
    name: str
    path: list[str]
    method: str
    max_score: Decimal
    score: Decimal | None
    status: IndicatorStatus
    value: Value
    detail: str
    partial: Decimal | None = None  # points of the rows that could be scored, when the rest cannot
    items: list[ItemScore] = []


class VetoHit(Model):
    id: str
    name: str
    effect: Literal["grade_cap", "deduct", "disqualify"]
    grade: str | None = None
    points: Decimal | None = None
    reason: str


class ExemptionHit(Model):
    id: str
    name: str
    scored: bool
    published: bool
    reason: str


class CheckResult(Model):
    id: str
    name: str
    ok: bool | None
    severity: str
    message: str


class FindingText(Model):
    id: str
    category: str
    severity: int
    problem: str
    improvement: str


class StatedInput(Model):
    """A declared input as the record states it, with its label, so a report tool can show it."""

    key: str
    label: str
    type: str
    unit: str
    value: Value = Field(description="the typed value; null: not stated")


class RecordResult(Model):
    id: str
    name: str
    kind: Literal["department", "project", "target", "monitoring", "assessment"]
    ruleset: str
    engine: str
    score: Decimal | None
    max_score: Decimal
    grade: str | None
    status: RecordStatus
    assessable: bool
    published: bool
    indicators: list[IndicatorScore]
    vetoes: list[VetoHit]
    exemptions: list[ExemptionHit]
    checks: list[CheckResult]
    findings: list[FindingText]
    metrics: dict[str, Value]
    inputs: list[StatedInput] | None = Field(
        None, exclude_if=lambda value: value is None,
        description="the ruleset's declared inputs for this record, in declaration order (absent when it declares none)")


def typed_builder(model: type[BaseModel]) -> Callable[..., Any]:
    """`build(**fields)`: a `model` holding `fields` as given, every field named in declaration
    order, without validating them: for the rows scoring builds from values that are already of
    their field's type (validated record figures, Decimals it computed, its own status words), ~10
    a record, where validating each again measured a fifth of a whole evaluation. It sets what
    pydantic's `model_construct` sets for such a model, without its per-field look-ups; a model
    it could not build so (private attributes, extra fields, a post-init) is refused here. The
    record's result itself, with its metrics, is still validated (`RecordResult.model_validate`):
    its nested rows, already models, are taken as they are. `tests/test_results.py` checks that
    every row so built equals the same fields validated, on every shipped case.

    Every instance shares one set of the fields set (all of them): a frozen model never adds to
    it, and `model_copy` copies it before it does; so only frozen models are built this way."""
    config = model.model_config
    if (not config.get("frozen") or model.__private_attributes__ or config.get("extra") == "allow"
            or model.__pydantic_post_init__):
        raise TypeError(f"{model.__name__} cannot be built without validation")
    new = object.__new__
    # BaseModel's slots, set through their descriptors: a fifth cheaper than object.__setattr__
    slots = vars(BaseModel)
    put_dict, put_fields_set = slots["__dict__"].__set__, slots["__pydantic_fields_set__"].__set__
    put_extra, put_private = slots["__pydantic_extra__"].__set__, slots["__pydantic_private__"].__set__

    every = set(model.model_fields)

    def build(**fields: Any) -> Any:
        instance = new(model)
        put_dict(instance, fields)
        put_fields_set(instance, every)
        put_extra(instance, None)
        put_private(instance, None)
        return instance
    build.__name__ = build.__qualname__ = f"build_{model.__name__}"
    return build


class RulesetRef(Model):
    id: str
    version: str
    title: str


class CaseResult(Model):
    case: str
    unit: str
    year: int
    public: bool = False
    ruleset: dict[str, RulesetRef]
    engine: str
    department: RecordResult | None
    projects: list[RecordResult]
