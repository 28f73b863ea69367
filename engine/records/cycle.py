"""The other records of the budget-performance cycle: targets at budget time, monitoring during the
year, and the finance bureau's review (复核) of a self-evaluation.

Like the self-evaluation records they hold only what a form states ("not stated" is None), money
as Decimal in 万元. A target or monitoring file is a list of records under a `case` header, scored
by rulesets whose `applies_to` is `target` or `monitoring`. A review file never copies the unit's
case: it names the case file and lists the reviewer's adjustments beside it.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator

from jixiao.core.errors import CaseError, Problem
from jixiao.core.i18n import N_, _
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import read_yaml
from jixiao.records.model import Amount, CaseMeta, Model, NumberOrText

Direction = Literal[">=", ">", "<=", "<", "="]
Basis = Literal["历史标准", "行业标准", "计划标准", "其他标准"]


# ---- 绩效目标申报表 ---------------------------------------------------------------------------

class TargetIndicator(Model):
    """One row of a 绩效目标申报表: the annual value a project promises, and what it rests on."""

    id: str | None = None
    level1: str = Field(description="一级指标: 产出 / 效益 / 满意度")
    level2: str | None = Field(None, description="二级指标: 数量 / 质量 / 时效 / 成本 / 社会效益 …")
    name: str = Field(description="三级指标")
    direction: Direction | None = None
    target: NumberOrText | None = Field(None, description="年度指标值: a number, or the words the form gives")
    unit: str | None = Field(None, description="计量单位")
    basis: Basis | None = Field(None, description="指标值设定依据 (财预〔2021〕101号)")
    previous_actual: NumberOrText | None = Field(None, description="上年实际完成值, where stated")
    reason: str | None = Field(None, description="why the target is below last year's actual, where stated")


class TargetDeclaration(Model):
    """A project's 绩效目标申报表 at budget time."""

    KIND: ClassVar[str] = "target"
    id: str
    name: str
    goal: str | None = Field(None, description="总体目标")
    budget_requested: Amount | None = Field(None, description="申请预算（万元）")
    indicators: list[TargetIndicator] = []


# ---- 运行监控 --------------------------------------------------------------------------------

class MonitoringIndicator(Model):
    """One indicator's progress to the as-of date, beside its annual value."""

    id: str | None = None
    level1: str
    level2: str | None = None
    name: str
    direction: Direction | None = None
    target: NumberOrText | None = Field(None, description="年度指标值")
    progress: NumberOrText | None = Field(None, description="截至监控日的完成值")
    unit: str | None = None
    explanation: str | None = Field(None, description="偏差原因")


class MonitoringRecord(Model):
    """A project's 绩效运行监控表: budget, spending to date, indicator progress, explanations."""

    KIND: ClassVar[str] = "monitoring"
    id: str
    name: str
    as_of: datetime.date = Field(description="监控截止日")
    month: int | None = Field(None, ge=1, le=12, description="the as-of month; taken from as_of when not given")
    budget: Amount | None = Field(None, description="全年预算数")
    spent: Amount | None = Field(None, description="截至监控日的执行数")
    indicators: list[MonitoringIndicator] = []
    explanation: str | None = Field(None, description="执行偏差的原因说明")

    @model_validator(mode="before")
    @classmethod
    def _month_from_date(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("month") is None and data.get("as_of") is not None:
            try:
                data = {**data, "month": datetime.date.fromisoformat(str(data["as_of"])).month}
            except ValueError:
                pass  # the field validator reports the bad date
        return data


class TargetFile(Model):
    """A 绩效目标申报 file: the declaring unit and its projects' declarations."""

    case: CaseMeta
    targets: list[TargetDeclaration]

    def record(self, ident: str | None) -> TargetDeclaration:
        return _pick(self.targets, ident)


class MonitoringFile(Model):
    case: CaseMeta
    monitoring: list[MonitoringRecord]

    def record(self, ident: str | None) -> MonitoringRecord:
        return _pick(self.monitoring, ident)


def _pick(records: list, ident: str | None):
    if ident is None and len(records) == 1:
        return records[0]
    for record in records:
        if record.id == ident:
            return record
    raise KeyError(ident)


# ---- PEFA-style assessment: an indicator graded by its dimensions -----------------------------

DimensionGrade = Literal["A", "B", "C", "D", "D*", "NA"]


class AssessmentDimension(Model):
    """One dimension of a PEFA-style indicator, graded A–D by the assessor (PEFA 2016 Framework).

    D* is "information insufficient to score"; NA is "not applicable" (left out of the combination).
    """

    id: str
    name: str | None = None
    grade: DimensionGrade | None = Field(None, description="A / B / C / D, D*（信息不足）, NA（不适用）")
    evidence: str | None = Field(None, description="the evidence the grade rests on")


class AssessmentIndicator(Model):
    """A PEFA-style performance indicator: its dimensions' grades, combined by a ruleset (M1 or M2)."""

    KIND: ClassVar[str] = "assessment"
    id: str
    name: str
    dimensions: list[AssessmentDimension] = []


class AssessmentFile(Model):
    """A PEFA-style assessment: the assessed government and its indicators."""

    case: CaseMeta
    assessments: list[AssessmentIndicator]

    def record(self, ident: str | None) -> AssessmentIndicator:
        return _pick(self.assessments, ident)


CYCLE_RECORDS: dict[str, type[Model]] = {"target": TargetDeclaration, "monitoring": MonitoringRecord,
                                         "assessment": AssessmentIndicator}
CYCLE_FILES: dict[str, type[Model]] = {"targets": TargetFile, "monitoring": MonitoringFile,
                                       "assessments": AssessmentFile}


# ---- 复核 -------------------------------------------------------------------------------------

class Adjustment(Model):
    """The reviewer's score for one indicator of one record, and why."""

    record: str = Field(description="a project id, or `department`")
    indicator: str = Field(description="the id of a scored indicator of the record's ruleset")
    score: Amount = Field(ge=0, description="the reviewer's score")
    reason_code: str = Field(description="the bureau's code for the reason, matched across years")
    reason: str = Field(description="the reason, as the 复核意见 states it")


class QualityBand(Model):
    """自评质量 grade: the first band whose limits all hold."""

    grade: str
    max_difference: Amount | None = Field(None, description="largest |reviewed − self| total, in points")
    max_adjustments: int | None = Field(None, description="most adjusted indicators")
    max_flags: int | None = Field(None, description="most review flags (复核要点)")


DEFAULT_QUALITY = [
    QualityBand(grade="优", max_difference=Decimal(2), max_adjustments=1, max_flags=0),
    QualityBand(grade="良", max_difference=Decimal(5), max_adjustments=3, max_flags=2),
    QualityBand(grade="中", max_difference=Decimal(10), max_adjustments=6),
    QualityBand(grade="差"),
]


class ReviewMeta(Model):
    id: str
    case: str = Field(description="the unit's case file, relative to this review file")
    reviewer: str | None = Field(None, description="复核单位")
    date: datetime.date | None = None
    rulesets: list[str] = Field([], description="rulesets the case is scored with (default: the shipped ones)")
    declared: dict[str, Amount] = Field({}, description="record id → the total the unit declared, where stated")


class ReviewFile(Model):
    review: ReviewMeta
    adjustments: list[Adjustment] = []
    quality: list[QualityBand] = Field(DEFAULT_QUALITY, min_length=1)
    opinion: str | None = Field(None, description="the reviewer's overall words for the 复核意见")


# ---- 结果应用 -----------------------------------------------------------------------------------

class BudgetAction(Model):
    """What a grade (or a falling score) means for next year's budget."""

    suggestion: str = Field(description="e.g. 优先保障, 保持, 压减")
    change: Amount = Field(description="share of this year's budget added (+) or cut (−), e.g. -0.05")


class ApplicationRule(Model):
    """A bureau's result-application rule: grade and trend → budget suggestion, problems → 整改 tasks."""

    id: str
    grades: dict[str, BudgetAction] = Field(description="grade → action")
    falling: BudgetAction | None = Field(None, description="added when the score falls from last year")
    issued: datetime.date = Field(description="the date the 整改 tasks are issued")
    due_days: int = Field(90, ge=1, description="days allowed for a new problem")
    repeat_due_days: int = Field(30, ge=1, description="days allowed for a problem already raised last year")


# ---- loading ---------------------------------------------------------------------------------

_RECORD_WORDS = {"targets": N_("目标"), "monitoring": N_("监控项目"), "assessments": N_("评估指标"),
                 "adjustments": N_("调整")}  # a problem's record


def _record_of(data: dict):
    """Names the record a field problem is in: `目标 xueliang`, `调整 #2`."""
    def label(loc: tuple) -> str | None:
        if len(loc) > 1 and loc[0] in _RECORD_WORDS and isinstance(loc[1], int):
            items = data.get(loc[0]) or []
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else {}
            ident = item.get("id") if isinstance(item, dict) else None
            return f"{_(_RECORD_WORDS[loc[0]])} {ident or '#' + str(loc[1] + 1)}"
        return None
    return label


def _validated(model: type[Model], data: Any, lines) -> Any:
    if not isinstance(data, dict):
        raise CaseError([Problem(_("文件应为映射（键: 值）"), lines.find(()))])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from(exc, lines, _record_of(data), model)) from None


def load_cycle_file(path: str | Path) -> TargetFile | MonitoringFile | AssessmentFile:
    """A target, monitoring or assessment file, told apart by its list (`targets:`, `monitoring:`, `assessments:`)."""
    data, lines = read_yaml(path, CaseError)
    for key in CYCLE_FILES:
        if isinstance(data, dict) and key in data:
            return cycle_file_from_data(key, data, lines)
    raise CaseError([Problem(_("目标申报文件须有 `targets:`，运行监控文件须有 `monitoring:`"), lines.find(()))])


def cycle_file_from_data(key: str, data: Any, lines) -> TargetFile | MonitoringFile | AssessmentFile:
    """A cycle file of kind `key` (`targets`, `monitoring`, `assessments`) from data read with `lines`
    (a YAML file's, or a workbook's cells), validated with every problem at its place."""
    file = _validated(CYCLE_FILES[key], data, lines)
    _unique_ids(getattr(file, key), key, lines)
    return file


def _unique_ids(records: list, key: str, lines) -> None:
    seen: dict[str, int] = {}
    problems = []
    for i, record in enumerate(records):
        if record.id in seen:
            problems.append(Problem(_("编号重复（与第{n}项相同）").format(n=seen[record.id] + 1),
                                    lines.find((key, i, "id")), f"{_(_RECORD_WORDS[key])} {record.id}", "id"))
        seen.setdefault(record.id, i)
    if problems:
        raise CaseError(problems)


def is_cycle_file(path: str | Path) -> bool:
    data, _lines = read_yaml(path, CaseError)
    return isinstance(data, dict) and any(key in data for key in CYCLE_FILES)


def load_application_rule(path: str | Path) -> ApplicationRule:
    data, lines = read_yaml(path, CaseError)
    return _validated(ApplicationRule, data, lines)


def load_review(path: str | Path) -> ReviewFile:
    data, lines = read_yaml(path, CaseError)
    return _validated(ReviewFile, data, lines)
