"""The ruleset format: what a finance bureau writes in `rulesets/*.yaml`, as pydantic models.

A ruleset is data. Expressions and templates are kept as text here; `compiler` parses them with
the whitelisted expression language and the restricted formatter.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jixiao.core.i18n import _
from jixiao.records.inputs import InputSpec
from jixiao.records.model import Amount, Case

Expr = Annotated[str, Field(description="an expression in jixiao's expression language")]
InputKey = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="数据项的键：字母、数字、下划线，以字母开头")]
Text = Annotated[str, Field(description="a template: text with {name} or {name|pct} placeholders")]
MissingMode = Literal["not_assessable", "zero", "rescale"]
Condition = Annotated[str | None, Field(
    None, description="the kind of unit this part applies to, e.g. sector == \"政法\": an expression over the "
                      "record's fields; the part is left out where it is false or not stated")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Grade(Model):
    name: str
    min: Amount = Field(description="lowest total score that earns this grade")


class Rounding(Model):
    places: int = Field(2, ge=0, le=6, description="decimal places of indicator scores and totals")
    mode: Literal["half_up"] = Field("half_up", description="四舍五入")


class Tier(Model):
    """A qualitative tier and its score band as a share of the indicator's weight."""

    name: str
    min: Amount = Field(ge=0, le=1)
    max: Amount = Field(ge=0, le=1)


class Metric(Model):
    expr: Expr
    label: str | None = None
    round: int | None = Field(None, ge=0, le=10, description="decimal places, half-up, applied before use")
    format: Literal["pct", "wan", "num", "int", "text"] = "num"
    source: str | None = None


class RateMethod(Model):
    """score = value × weight (value a rate such as 0.8385), capped at `cap` when given."""

    type: Literal["rate"]
    value: Expr
    cap: Amount | None = Field(None, description="highest rate that counts, e.g. 1 for 100%")


class OwnIndicatorsMethod(Model):
    """Scores the record's own indicators (产出/效益/满意度 rows) by direction and qualitative tier."""

    type: Literal["indicators"]
    level1: list[str] = Field(description="which 一级指标 rows this node scores, e.g. [产出]")
    tier_score_default: Literal["lower", "none"] = Field(
        "lower", description="a tier chosen without a self-score scores the band's lower bound, or counts as missing"
    )


class LadderMethod(Model):
    """以`standard`为标准，每低于/超过`step`扣`deduct`分，扣完为止."""

    type: Literal["ladder"]
    value: Expr
    standard: Amount
    step: Amount = Field(gt=0)
    deduct: Amount = Field(ge=0)
    direction: Literal["below", "above", "both"] = "below"
    steps: Literal["exact", "floor", "ceil"] = Field("exact", description="how partial steps count")


class Band(Model):
    gt: Amount | None = None
    gte: Amount | None = None
    lt: Amount | None = None
    lte: Amount | None = None
    points: Amount = Field(ge=0)

    @model_validator(mode="after")
    def _one_bound_each_side(self) -> "Band":
        if self.gt is not None and self.gte is not None:
            raise ValueError(_("gt 与 gte 只能给一个"))
        if self.lt is not None and self.lte is not None:
            raise ValueError(_("lt 与 lte 只能给一个"))
        return self

    def contains(self, value: Decimal) -> bool:
        return (
            (self.gt is None or value > self.gt)
            and (self.gte is None or value >= self.gte)
            and (self.lt is None or value < self.lt)
            and (self.lte is None or value <= self.lte)
        )


class BandsMethod(Model):
    """The first band containing the value gives the points."""

    type: Literal["bands"]
    value: Expr
    bands: list[Band] = Field(min_length=1)


class ConditionMethod(Model):
    """Full points when the condition holds, zero when it does not; unknown is missing data."""

    type: Literal["condition"]
    when: Expr


Method = Annotated[
    Union[RateMethod, OwnIndicatorsMethod, LadderMethod, BandsMethod, ConditionMethod],
    Field(discriminator="type"),
]


class IndicatorNode(Model):
    """An indicator of the tree: a leaf with a scoring method, or a group with children."""

    id: str
    name: str
    weight: Amount = Field(ge=0)
    method: Method | None = None
    children: list["IndicatorNode"] = []
    missing: MissingMode | None = Field(None, description="what missing data does; inherits from the parent")
    source: str | None = Field(None, description="where this indicator and its threshold come from")
    applies_when: Condition = Field(None, description=(
        "the kind of unit this indicator (or group) applies to: where it is false or not stated the "
        "indicator is 不适用, scores nothing, and the total is rescaled over the indicators that apply"))

    @model_validator(mode="after")
    def _leaf_or_group(self) -> "IndicatorNode":
        if (self.method is None) == (not self.children):
            raise ValueError(_("指标 {id}：method（末级指标）与 children（指标组）须给且只给一个").format(id=self.id))
        return self


class VetoEffect(Model):
    type: Literal["grade_cap", "deduct", "disqualify"]
    grade: str | None = Field(None, description="grade_cap: the best grade still allowed")
    points: Amount | None = Field(None, description="deduct: points taken off the total, floor 0")

    @model_validator(mode="after")
    def _needs(self) -> "VetoEffect":
        if self.type == "grade_cap" and not self.grade:
            raise ValueError(_("grade_cap 须写明 `grade`"))
        if self.type == "deduct" and self.points is None:
            raise ValueError(_("deduct 须写明 `points`"))
        return self


class Veto(Model):
    id: str
    name: str
    when: Expr
    effect: VetoEffect
    reason: Text
    source: str | None = None
    applies_when: Condition


class Exemption(Model):
    id: str
    name: str
    when: Expr
    score: bool = Field(False, description="whether the record is still scored")
    publish: bool = Field(False, description="whether its details may be published")
    reason: Text
    applies_when: Condition


class Check(Model):
    id: str
    name: str
    assert_: Expr = Field(alias="assert", description="must hold; unknown when its data is not stated")
    message: Text = Field(description="said when the check fails")
    severity: Literal["info", "warning", "error"] = "warning"
    improvement: Text | None = Field(None, description="what to do when it fails: the failed check is then a "
                                                       "problem of the report (存在的问题) with this improvement")
    covered_by: list[str] = Field([], description="findings that say the same when it fails (the check is then "
                                                  "not written again as a problem)")
    applies_when: Condition


class Rollup(Model):
    """How one finding, suggested for several projects, becomes one department sentence (rollup.py).

    `item` is rendered for each project with its own fields and metrics; `problem` and
    `improvement` see `count`, `names` (、-joined), `items` (；-joined) and `total.X` for each X in
    `totals` (money summed over the projects listed, exactly).
    """

    item: Text
    totals: list[str] = Field([], description="fields or metrics of the project summed across projects")
    problem: Text
    improvement: Text
    covered_by: list[str] = Field([], description="department findings that already say this: when one is "
                                                  "suggested, the roll-up is left out")


class Finding(Model):
    id: str
    when: Expr
    category: Literal["budget_execution", "target_setting", "data_quality", "compliance", "review"] = "budget_execution"
    severity: int = Field(2, ge=1, le=5, description="1 minor … 5 grave")
    problem: Text
    improvement: Text
    indicator: str | None = Field(None, description="the indicator whose lost points this finding explains")
    rollup: Rollup | None = None
    applies_when: Condition


class TestExpect(Model):
    """What a ruleset test expects; only the fields given are compared (null means "no value")."""

    score: Amount | None = None
    grade: str | None = None
    status: Literal["scored", "not_assessable", "exempt", "vetoed"] | None = None
    indicators: dict[str, Amount | None] = Field({}, description="indicator id → expected score")
    statuses: dict[str, Literal["scored", "not_assessable", "zero", "dropped", "not_applicable", "rejected", "exempt"]] = Field(
        {}, description="indicator id → expected status")
    vetoes: list[str] | None = Field(None, description="ids of exactly the vetoes that fire")
    exemptions: list[str] | None = Field(None, description="ids of exactly the exemptions that apply")
    findings: list[str] | None = Field(None, description="ids of exactly the findings suggested")
    checks: dict[str, bool | None] = Field({}, description="check id → true (passes), false (fails), null (unknown)")


class RulesetTest(Model):
    """A record scored by this ruleset and what it must give: a case file (path relative to the
    ruleset) or an inline case document, and the record in it (a project id, or the department)."""

    name: str
    case: str | None = Field(None, description="a case file, relative to this ruleset file")
    data: Case | None = Field(None, description="an inline case document (case, department, projects)")
    record: str | None = Field(None, description="project id, or `department`; default: the department")
    expect: TestExpect

    @model_validator(mode="after")
    def _one_case(self) -> "RulesetTest":
        if (self.case is None) == (self.data is None):
            raise ValueError(_("`case`（案例文件路径）与 `data`（内嵌案例）须给且只给一个"))
        return self


class Include(Model):
    """An included ruleset that applies only to some units (`include: [{ruleset: pingan-veto,
    applies_when: sector == "政法"}]`)."""

    ruleset: str = Field(description="id or path, as in a plain `include` entry")
    applies_when: Condition


class Ruleset(Model):
    schema_: str | None = Field(None, alias="$schema")
    id: str
    extends: str | None = Field(None, description="parent ruleset (id or path) whose parts this one overrides")
    title: str
    applies_to: Literal["project", "department", "any", "target", "monitoring", "assessment"]
    kind: Literal["scoring", "review"] = Field(
        "scoring", description="scoring: gives scores and grades (--ruleset); review: only flags, beside a "
                               "scoring ruleset, never instead of it (--review)")
    version: str = "1"
    provenance: str = Field(description="where the rules come from")
    local_choices: list[str] = Field([], description="thresholds that are this ruleset's own choice")
    include: list[str | Include] = Field([], description="rulesets (by id or path) whose metrics, vetoes, … are added")
    inputs: dict[Literal["department", "project"], dict[InputKey, InputSpec | None]] = Field(
        {}, description="数据项：本规则集需要、记录模型之外的数据（如 固定资产原值），按记录种类列出；表达式、模板以 "
                        "inputs.<key> 读取，案例在各记录的 inputs: 下填报。extends 中写 `key: null` 去掉上级的数据项")
    applies_when: Condition
    total: Amount = Decimal(100)
    rounding: Rounding = Rounding()
    grades: list[Grade] = [
        Grade(name="优", min=Decimal(90)),
        Grade(name="良", min=Decimal(80)),
        Grade(name="中", min=Decimal(60)),
        Grade(name="差", min=Decimal(0)),
    ]
    disqualified_grade: str = Field("差", description="the grade a disqualifying veto gives")
    tiers: list[Tier] = [
        Tier(name="达成年度指标", min=Decimal("0.8"), max=Decimal("1")),
        Tier(name="部分达成并具有一定效果", min=Decimal("0.6"), max=Decimal("0.8")),
        Tier(name="未达成且效果较差", min=Decimal("0"), max=Decimal("0.6")),
    ]
    missing: MissingMode = Field("not_assessable", description="default for indicators that do not say")
    metrics: dict[str, Metric | Expr] = {}
    indicators: list[IndicatorNode] = []
    vetoes: list[Veto] = []
    exemptions: list[Exemption] = []
    checks: list[Check] = []
    findings: list[Finding] = []
    tests: list[RulesetTest] = Field([], description="records this ruleset must score as stated (`jixiao rulesets test`)")

    @model_validator(mode="after")
    def _drop_removed_inputs(self) -> "Ruleset":
        """`key: null` (an `extends:` child dropping its parent's input) leaves no declaration."""
        if any(spec is None for specs in self.inputs.values() for spec in specs.values()):
            self.__dict__["inputs"] = {kind: {k: v for k, v in specs.items() if v is not None}
                                       for kind, specs in self.inputs.items()}
        return self
