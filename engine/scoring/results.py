"""What an evaluation produces: pydantic models that are also the JSON embedding contract.

In JSON every number is a string holding the exact decimal ("8.39", "0.8385"), never a float, so
that report tools read back exactly what jixiao computed. Unknown values are null.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

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
