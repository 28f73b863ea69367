"""The records jixiao scores: one department and its projects, as a self-evaluation states them.

Only what a report states goes in. "Not stated" is `None` and never 0: a missing budget makes an
execution rate unknown, not 0%. Every list and section tells "not stated" (`None`, the default)
from "stated as none" (`[]`): a report excerpt that never reaches its indicator table has not said
it has no indicators. Money is `Decimal` in the report's unit (万元 unless `case.currency` says 元).
The report's own figures (its rates, self-scores, total, grade) sit under `stated`, beside what
jixiao computes, so checks can compare the two.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from jixiao.core.errors import Location
from jixiao.core.i18n import _

from jixiao.core.decimals import bounded, number_from_text, written_as_number
from jixiao.records.inputs import raw_input


def _exact_number(value: Any) -> Any:
    """Numbers become Decimal from their text; floats via their shortest repr, bools rejected."""
    kind = value.__class__
    if kind is Decimal:  # as the YAML reader gives them: nearly every call
        return bounded(value)
    if kind is int:  # str(int) always reads as a plain number: the same Decimal, without the text
        return bounded(Decimal(value))
    if isinstance(value, bool):
        raise ValueError(_("应为数值，不是是/否"))
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, str)):
        return number_from_text(str(value))  # decimals: commas only in groups of three, bounded
    return bounded(value) if isinstance(value, Decimal) else value


def _number_or_text(value: Any) -> Any:
    """Indicator values: a number where the form gives one, the words where it gives words."""
    if value is None or value.__class__ is Decimal:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _exact_number(value)
    if isinstance(value, str):
        if not written_as_number(value):
            return value  # words ("全覆盖", "≥95%"): no error message built to be dropped
        try:
            return _exact_number(value)
        except ValueError:
            return value
    return value


def _percent(value: Any) -> Any:
    """A rate as printed: 96.12 or "96.12%" (the sign dropped, the printed decimals kept)."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        value = value.strip()[:-1]
    return _exact_number(value)


Amount = Annotated[Decimal, BeforeValidator(_exact_number)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
NumberOrText = Annotated[Decimal | str, BeforeValidator(_number_or_text)]
InputValue = Annotated[Decimal | bool | str | None, BeforeValidator(raw_input)]
Inputs = Annotated[dict[str, InputValue] | None, Field(
    None, description="数据项：规则集声明的数据（inputs），按声明的类型核对；None 未填报")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FundingSource(str, Enum):
    LOCAL = "本级"
    HIGHER_SPECIAL = "上级专项"
    CENTRAL_TRANSFER = "中央转移支付"
    CARRIED_OVER = "上年结转"
    OTHER = "其他"


LEVEL1_NAMES = ("产出", "效益", "效果", "满意度", "成本", "投入", "过程", "管理", "履职", "运行成本", "管理效率",
                "履职效能", "社会效应")
"""一级指标 a form may print; "产出指标" is 产出 (the suffix 指标 is dropped)."""


def _level1(value: Any) -> Any:
    """"产出指标" → 产出; a name outside LEVEL1_NAMES is an error, never silently unscored."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    name = text[:-2] if text.endswith("指标") and text[:-2] in LEVEL1_NAMES else text
    if name not in LEVEL1_NAMES:
        raise ValueError(_("未知的一级指标“{name}”（可用：{names}）").format(name=text, names="、".join(LEVEL1_NAMES)))
    return name


def _completion(value: Any) -> Any:
    """达成/未达成 as the form writes it; 是/否 and yes/no read as 达成/未达成."""
    if value is True or (isinstance(value, str) and value.strip() in ("是", "已达成", "完成")):
        return "达成"
    if value is False or (isinstance(value, str) and value.strip() in ("否", "未完成")):
        return "未达成"
    return value


DIRECTION_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}  # as the form prints them


class Indicator(Model):
    """One row of a 绩效指标 table."""

    id: str | None = None
    level1: Annotated[str, BeforeValidator(_level1)] = Field(description="一级指标: 产出 / 效益 / 满意度 … (产出指标 = 产出)")
    level2: str | None = Field(None, description="二级指标: 数量 / 质量 / 时效 / 成本 / 社会效益 …")
    name: str = Field(description="三级指标")
    kind: Literal["quantitative", "qualitative"] = "quantitative"
    direction: Literal[">=", ">", "<=", "<", "="] | None = None
    target: NumberOrText | None = Field(None, description="年度指标值")
    actual: NumberOrText | None = Field(None, description="实际完成值")
    unit: str | None = None
    weight: Amount | None = Field(None, description="分值, where the form gives one")
    tier: str | None = Field(None, description="qualitative tier chosen, e.g. 达成年度指标")
    self_score: Amount | None = Field(None, description="the unit's own score (得分), where it gave one")
    completion: Annotated[Literal["达成", "部分达成", "未达成"] | None, BeforeValidator(_completion)] = Field(
        None, description="the report's own verdict on this row (达成/未达成), where it gives one")
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
    problems: list[str] | None = Field(None, description="存在的问题: None not stated, [] stated as none")
    improvements: list[str] | None = Field(None, description="改进措施: None not stated, [] stated as none")


class Line(Model):
    """One named amount of a breakdown (公用经费 by item, a project's funding by source)."""

    name: str
    initial: Amount | None = Field(None, description="年初预算数")
    budget: Amount | None = Field(None, description="全年预算数")
    actual: Amount | None = Field(None, description="执行数/支出数")


class BudgetActual(Model):
    budget: Amount | None = Field(None, description="预算数")
    actual: Amount | None = Field(None, description="决算数/实际支出")


class Stated(Model):
    """The report's own figures, as printed, beside what jixiao computes from the amounts."""

    execution_rate: Percent | None = Field(
        None, description="预算执行率 as printed, in percent: 96.12 or \"96.12%\" (quote it to keep 100.00's decimals)")
    execution_weight: Amount | None = Field(None, description="预算执行率的分值")
    execution_score: Amount | None = Field(None, description="预算执行率的得分")
    total_weight: Amount | None = Field(None, description="总分的分值 (满分)")
    total_score: Amount | None = Field(None, description="自评总分/得分")
    grade: str | None = Field(None, description="自评等级 as printed (优, 优秀, 良 …)")
    target_rate: Percent | None = Field(None, description="目标实现率/目标完成率 as printed, in percent")
    execution_rate_step: Decimal | None = Field(
        None, exclude=True, description="computed, never given: one unit of the stated rate's last printed place, as a "
                          "fraction (0.0001 for 96.12%), so checks tell a truncated rate from a rounded one")

    @model_validator(mode="after")
    def _step(self) -> "Stated":
        step = None
        if self.execution_rate is not None:
            step = Decimal(1).scaleb(-max(0, -self.execution_rate.as_tuple().exponent) - 2)
        self.__dict__["execution_rate_step"] = step
        return self


class Income(Model):
    """收入 by source, as the 收入表 prints it; `total` is the stated 收入合计 beside its parts."""

    total: Amount | None = Field(None, description="收入合计 (stated)")
    general_budget: Amount | None = Field(None, description="一般公共预算财政拨款")
    government_fund: Amount | None = Field(None, description="政府性基金预算财政拨款")
    state_capital: Amount | None = Field(None, description="国有资本经营预算财政拨款")
    special_account: Amount | None = Field(None, description="财政专户管理资金")
    unit_funds: Amount | None = Field(None, description="单位资金/其他收入")
    carried_over: Amount | None = Field(None, description="上年结转")


class Procurement(Model):
    """政府采购."""

    budget: Amount | None = Field(None, description="政府采购预算")
    actual: Amount | None = Field(None, description="政府采购支出/合同金额")
    sme: Amount | None = Field(None, description="授予中小企业合同金额")


class DepartmentBudget(Model):
    initial: Amount | None = Field(None, description="年初预算数")
    adjustment: Amount | None = Field(None, description="年中调整")
    final: Amount | None = Field(None, description="全年预算数/调整后预算数")
    adjustment_reason: str | None = Field(None, description="年中调整的原因, as the report states it")
    appropriation_income: Amount | None = Field(None, description="财政拨款收入")
    carried_over: Amount | None = Field(None, description="上年结转 (预算完成率的分母之一)")
    supplementary: Amount | None = Field(None, description="本年追加")
    year_end_balance: Amount | None = Field(None, description="年末结余/结转")
    basic: Amount | None = Field(None, description="基本支出预算")
    project: Amount | None = Field(None, description="项目支出预算 (the total where a report gives only that)")
    arrived: Amount | None = Field(None, description="到位资金")


class Spending(Model):
    total: Amount | None = Field(None, description="支出合计")
    basic: Amount | None = Field(None, description="基本支出")
    personnel: Amount | None = Field(None, description="人员经费")
    public: Amount | None = Field(None, description="公用经费")
    project: Amount | None = Field(None, description="项目支出")
    public_budget: Amount | None = Field(None, description="公用经费预算数")
    executed: Amount | None = Field(None, description="全年执行数, where stated apart from 支出合计")
    public_lines: list[Line] | None = Field(None, description="公用经费 breakdown (办公费, 差旅费 …)")


class Staff(Model):
    authorized: int | None = Field(None, description="编制数")
    actual: int | None = Field(None, description="实有人数")
    authorized_admin: int | None = Field(None, description="行政编制 (参照公务员法管理 included unless stated apart)")
    authorized_civil_service_managed: int | None = Field(None, description="参照公务员法管理编制")
    authorized_institution: int | None = Field(None, description="事业编制")
    actual_admin: int | None = Field(None, description="行政 实有人数")
    actual_institution: int | None = Field(None, description="事业 实有人数")
    retired: int | None = Field(None, description="离退休人数")
    vehicles: int | None = Field(None, description="实有公务用车（辆）")


class ThreePublic(Model):
    """"三公"经费: 因公出国（境）、公务用车购置及运行、公务接待."""

    budget: Amount | None = Field(None, description="本年预算数")
    actual: Amount | None = Field(None, description="本年决算数/实际支出")
    previous_year: Amount | None = Field(None, description="上年决算数/实际支出")
    previous_year_budget: Amount | None = Field(None, description="上年预算数")
    abroad: BudgetActual = Field(BudgetActual(), description="因公出国（境）费")
    vehicle_purchase: BudgetActual = Field(BudgetActual(), description="公务用车购置费")
    vehicle_running: BudgetActual = Field(BudgetActual(), description="公务用车运行维护费")
    reception: BudgetActual = Field(BudgetActual(), description="公务接待费")


class ProjectBudget(Model):
    initial: Amount | None = Field(None, description="年初预算数")
    adjustment: Amount | None = Field(None, description="年中调增（减）")
    final: Amount | None = Field(None, description="全年预算数")
    adjustment_reason: str | None = Field(None, description="年中调整的原因, as the report states it")
    carried_over: Amount | None = Field(None, description="上年结转资金")


class PreviousYear(Model):
    """上年 columns a report prints beside this year's (上年决算, 上年预算)."""

    budget: DepartmentBudget = DepartmentBudget()
    income: Income = Income()
    spending: Spending = Spending()


class Project(Model):
    id: str
    name: str
    funding_source: FundingSource | str | None = Field(
        None, union_mode="left_to_right", description="资金来源: one of the five values, or the report's own words (财政资金, 混合 …)")
    budget: ProjectBudget = ProjectBudget()
    actual: Amount | None = Field(None, description="实际支出/全年执行数")
    arrived: Amount | None = Field(None, description="到位资金")
    carryover: Amount | None = Field(None, description="结余结转")
    funding: list[Line] | None = Field(
        None, description="资金构成 (本年/上年结转; 中央/省/市/县; 财政/自筹), lines summing to the budget")
    procurement: Procurement = Procurement()
    department: str | None = Field(None, description="主管部门")
    category: str | None = Field(None, description="项目类别 as ticked (部门预算项目, 县直专项, 转移支付项目 …)")
    attribute: str | None = Field(None, description="项目属性 as ticked (持续性项目 / 新增性项目)")
    implementing_units: list[str] | None = Field(None, description="实施单位")
    confidential: bool = False
    stated: Stated = Stated()
    indicators: list[Indicator] | None = Field(None, description="绩效指标: None not stated, [] stated as none")
    narrative: Narrative = Narrative()
    inputs: Inputs


class DeclaredCount(Model):
    """A count the report declares: a total and its parts (年初4 + 上级1 + …), each as stated.

    `parts_total` is the parts' sum (None without parts), so checks compare a total with its parts."""

    total: int | None = None
    parts: dict[str, int] = {}
    parts_total: int | None = Field(None, exclude=True, description="computed from `parts` (a given value is replaced)")

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"total": data}
        return data

    @model_validator(mode="after")
    def _sum_parts(self) -> "DeclaredCount":
        self.__dict__["parts_total"] = sum(self.parts.values()) if self.parts else None
        return self


class Department(Model):
    id: str
    name: str
    sector: str | None = Field(None, description="系统/行业 the unit belongs to, e.g. 政法 (rulesets' applies_when read it)")
    budget: DepartmentBudget = DepartmentBudget()
    spending: Spending = Spending()
    carryover: Amount | None = Field(None, description="结转结余")
    income: Income = Income()
    previous_year: PreviousYear = PreviousYear()
    procurement: Procurement = Procurement()
    staff: Staff = Staff()
    three_public: ThreePublic = ThreePublic()
    internal_units: list[str] | None = Field(None, description="内设机构")
    implementing_units: list[str] | None = Field(None, description="所属/实施单位")
    projects_complete: bool | None = Field(
        None, description="the report states its project list whole (sums over projects are checked only then)")
    stated: Stated = Stated()
    vetoes: list[VetoStatement] | None = Field(None, description="否决事项的陈述: None not stated, [] stated as none")
    indicators: list[Indicator] | None = Field(None, description="部门整体绩效指标: None not stated, [] stated as none")
    narrative: Narrative = Narrative()
    declared_counts: dict[str, DeclaredCount] = Field(
        {}, description="counts the report declares, e.g. special_funds: {total: 7, parts: {年初: 4, 上级: 1}}"
    )
    inputs: Inputs


class Coverage(Model):
    """How much of the report the case holds: an excerpt says where its source ends."""

    complete: bool | None = Field(None, description="the whole report was read (False: an excerpt)")
    ends_at: str | None = Field(None, description="where the source ends, e.g. 一（一）5. 组织指导协调安全生")
    note: str | None = None


class CaseMeta(Model):
    id: str
    unit: str
    year: int
    source: str | None = None
    currency: str = "万元"
    note: str | None = None
    coverage: Coverage = Coverage()


class Case(Model):
    """One case file: a department and its projects."""

    case: CaseMeta
    department: Department
    projects: list[Project] = []
    # where each stated input is in the case file: (record kind, record id, key) → Location, so a
    # value read against a ruleset's declaration later is still reported at its file:line
    _input_places: dict[tuple[str, str, str], Location] = PrivateAttr(default_factory=dict)

    def input_place(self, kind: str, record_id: str, key: str) -> Location:
        return self._input_places.get((kind, record_id, key), Location())

    def __eq__(self, other: object) -> bool:
        """The same case is the same whatever file it was read from (the places are not compared)."""
        if not isinstance(other, Case):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.case.id)  # equal cases have equal ids

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
    if cls is Department or isinstance(record, Department):
        return "department"
    return getattr(cls, "KIND", "project")  # the cycle's records (records/cycle.py) name their kind
