"""The records jixiao scores: one department and its projects, as a self-evaluation states them.

Only what a report states goes in. "Not stated" is `None` and never 0: a missing budget makes an
execution rate unknown, not 0%. Money is `Decimal` in the report's unit (万元).
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from jixiao.core.decimals import bounded, number_from_text


def _exact_number(value: Any) -> Any:
    """Numbers become Decimal from their text; floats via their shortest repr, bools rejected."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a yes/no value")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, str)):
        return number_from_text(str(value))  # decimals: commas only in groups of three, bounded
    return bounded(value) if isinstance(value, Decimal) else value


def _number_or_text(value: Any) -> Any:
    """Indicator values: a number where the form gives one, the words where it gives words."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _exact_number(value)
    if isinstance(value, str):
        try:
            return _exact_number(value)
        except ValueError:
            return value
    return value


Amount = Annotated[Decimal, BeforeValidator(_exact_number)]
NumberOrText = Annotated[Decimal | str, BeforeValidator(_number_or_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FundingSource(str, Enum):
    LOCAL = "本级"
    HIGHER_SPECIAL = "上级专项"
    CENTRAL_TRANSFER = "中央转移支付"
    CARRIED_OVER = "上年结转"
    OTHER = "其他"


DIRECTION_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}  # as the form prints them


class Indicator(Model):
    """One row of a 绩效指标 table."""

    id: str | None = None
    level1: str = Field(description="一级指标: 产出 / 效益 / 满意度 …")
    level2: str | None = Field(None, description="二级指标: 数量 / 质量 / 时效 / 成本 / 社会效益 …")
    name: str = Field(description="三级指标")
    kind: Literal["quantitative", "qualitative"] = "quantitative"
    direction: Literal[">=", ">", "<=", "<", "="] | None = None
    target: NumberOrText | None = Field(None, description="年度指标值")
    actual: NumberOrText | None = Field(None, description="实际完成值")
    unit: str | None = None
    weight: Amount | None = Field(None, description="分值, where the form gives one")
    tier: str | None = Field(None, description="qualitative tier chosen, e.g. 达成年度指标")
    self_score: Amount | None = Field(None, description="the unit's own score, where it gave one")
    deviation: str | None = Field(None, description="偏差原因分析及改进措施")


class VetoStatement(Model):
    """A "未发生…" sentence: an item, whether it occurred, and what the report says."""

    item: str
    code: str | None = Field(None, description="the veto ruleset's code for this item")
    occurred: bool | None = None
    note: str | None = None


class Narrative(Model):
    """Text sections, kept because reviewers judge them."""

    goals: str | None = None
    results: str | None = None
    problems: list[str] = []
    improvements: list[str] = []


class DepartmentBudget(Model):
    initial: Amount | None = Field(None, description="年初预算数")
    adjustment: Amount | None = Field(None, description="年中调整")
    final: Amount | None = Field(None, description="全年预算数/调整后预算数")
    adjustment_reason: str | None = Field(None, description="年中调整的原因, as the report states it")
    appropriation_income: Amount | None = Field(None, description="财政拨款收入")


class Spending(Model):
    total: Amount | None = Field(None, description="支出合计")
    basic: Amount | None = Field(None, description="基本支出")
    personnel: Amount | None = Field(None, description="人员经费")
    public: Amount | None = Field(None, description="公用经费")
    project: Amount | None = Field(None, description="项目支出")
    public_budget: Amount | None = Field(None, description="公用经费预算数")


class Staff(Model):
    authorized: int | None = Field(None, description="编制数")
    actual: int | None = Field(None, description="实有人数")


class ThreePublic(Model):
    """"三公"经费: 因公出国（境）、公务用车购置及运行、公务接待."""

    budget: Amount | None = None
    actual: Amount | None = None
    previous_year: Amount | None = None


class ProjectBudget(Model):
    initial: Amount | None = Field(None, description="年初预算数")
    adjustment: Amount | None = Field(None, description="年中调增（减）")
    final: Amount | None = Field(None, description="全年预算数")
    adjustment_reason: str | None = Field(None, description="年中调整的原因, as the report states it")


class Project(Model):
    id: str
    name: str
    funding_source: FundingSource | None = None
    budget: ProjectBudget = ProjectBudget()
    actual: Amount | None = Field(None, description="实际支出/全年执行数")
    carryover: Amount | None = Field(None, description="结余结转")
    confidential: bool = False
    indicators: list[Indicator] = []
    narrative: Narrative = Narrative()


class Department(Model):
    id: str
    name: str
    budget: DepartmentBudget = DepartmentBudget()
    spending: Spending = Spending()
    carryover: Amount | None = Field(None, description="结转结余")
    staff: Staff = Staff()
    three_public: ThreePublic = ThreePublic()
    vetoes: list[VetoStatement] = []
    indicators: list[Indicator] = []
    narrative: Narrative = Narrative()
    declared_counts: dict[str, int] = Field(
        {}, description="counts the report declares, e.g. special_funds: 7 for 年初预算专项资金共4个…"
    )


class CaseMeta(Model):
    id: str
    unit: str
    year: int
    source: str | None = None
    currency: str = "万元"
    note: str | None = None


class Case(Model):
    """One case file: a department and its projects."""

    case: CaseMeta
    department: Department
    projects: list[Project] = []

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)


def record_kind(record: Project | Department) -> str:
    """"department" or "project". isinstance on a pydantic model class runs its metaclass's
    Python-level check (~0.1 µs); the exact class, the usual case, is tested first."""
    cls = record.__class__
    if cls is Project:
        return "project"
    return "department" if cls is Department or isinstance(record, Department) else "project"
