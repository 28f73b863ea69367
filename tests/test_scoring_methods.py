"""Every scoring method and missing-data mode, against numbers worked out by hand."""
from decimal import Decimal as D

import pytest

from conftest import by_id, write
from jixiao import Project, evaluate_record, load_ruleset

RULESET = """
id: t-methods
title: 计分方法测试
applies_to: project
provenance: test
metrics:
  final_budget: coalesce(budget.final, budget.initial + budget.adjustment)
  rate: {{expr: actual / final_budget, round: 4, format: pct}}
indicators:
  - {{id: exec, name: 执行率, weight: 10, method: {{type: rate, value: rate{cap}}}}}
  - {{id: out, name: 产出, weight: 50, method: {{type: indicators, level1: [产出]}}}}
  - {{id: ladder, name: 阶梯, weight: 5, method: {{type: ladder, value: rate, standard: 1, step: 0.01, deduct: 0.5, steps: {steps}}}}}
  - id: bands
    name: 分档
    weight: 5
    method:
      type: bands
      value: rate
      bands:
        - {{gte: 1, points: 5}}
        - {{gte: 0.9, lt: 1, points: 4}}
        - {{gt: 0.5, lt: 0.9, points: 2}}
  - {{id: cond, name: 条件, weight: 30, missing: {cond_missing}, method: {{type: condition, when: "carryover <= 5"}}}}
"""


def ruleset(tmp_path, cap=", cap: 1", steps="exact", cond_missing="not_assessable"):
    path = write(tmp_path, f"t-{abs(hash((cap, steps, cond_missing)))}.yaml",
                 RULESET.format(cap=cap, steps=steps, cond_missing=cond_missing))
    return load_ruleset(str(path))


def project(budget="100", actual="95.50", carryover="4.50", indicators=(), **extra):
    return Project(id="p", name="测试项目", budget={"final": budget} if budget is not None else {},
                   actual=actual, carryover=carryover, indicators=list(indicators), **extra)


def score(tmp_path, record, engine_name, **rs):
    return evaluate_record(ruleset(tmp_path, **rs), record, engine=engine_name)


# ---- rate × points ---------------------------------------------------------------------

def test_rate_times_points(tmp_path, engine_name):
    result = score(tmp_path, project(actual="95.50"), engine_name)
    assert by_id(result.indicators, "exec").score == D("9.55")  # 0.9550 × 10


def test_rate_capped_at_100_percent(tmp_path, engine_name):
    overspent = project(actual="105", carryover="0")
    assert by_id(score(tmp_path, overspent, engine_name).indicators, "exec").score == D("10.00")
    uncapped = score(tmp_path, overspent, engine_name, cap="")
    assert by_id(uncapped.indicators, "exec").score == D("10.50")  # a system without a cap


# ---- deduction ladder: 每低于1个百分点扣0.5分，扣完为止 ------------------------------------

@pytest.mark.parametrize("steps, expected", [
    ("exact", D("2.75")),  # 4.5 points below → 4.5 × 0.5 = 2.25 off
    ("floor", D("3.00")),  # 4 whole steps → 2.00 off
    ("ceil", D("2.50")),   # 5 steps → 2.50 off
])
def test_ladder_partial_steps(tmp_path, engine_name, steps, expected):
    result = score(tmp_path, project(actual="95.50"), engine_name, steps=steps)
    assert by_id(result.indicators, "ladder").score == expected


def test_ladder_stops_at_zero(tmp_path, engine_name):
    result = score(tmp_path, project(actual="50", carryover="50"), engine_name)
    assert by_id(result.indicators, "ladder").score == D("0.00")  # 50 steps × 0.5 > 5


# ---- band table ------------------------------------------------------------------------

@pytest.mark.parametrize("actual, points", [("100", "5.00"), ("90", "4.00"), ("89.99", "2.00"), ("50", "0.00")])
def test_bands(tmp_path, engine_name, actual, points):
    result = score(tmp_path, project(actual=actual, carryover=str(D(100) - D(actual))), engine_name)
    assert by_id(result.indicators, "bands").score == D(points)


# ---- plain condition, decided by the rule engine ----------------------------------------

@pytest.mark.parametrize("carryover, points, status", [("4.50", "30.00", "scored"), ("5", "30.00", "scored"),
                                                        ("5.01", "0.00", "scored")])
def test_condition_full_or_zero(tmp_path, engine_name, carryover, points, status):
    result = score(tmp_path, project(carryover=carryover), engine_name)
    assert by_id(result.indicators, "cond").score == D(points)


# ---- direction scoring of the record's own indicators -----------------------------------

def row(name, direction, target, actual, weight, **extra):
    return dict(level1="产出", name=name, direction=direction, target=target, actual=actual, weight=weight, **extra)


@pytest.mark.parametrize("direction, target, actual, expected", [
    (">=", "100", "80", "40.00"),     # 正向: 80 ÷ 100 × 50
    (">=", "100", "120", "50.00"),    # 正向, over target: full
    (">=", "100", "-5", "0.00"),      # negative actual counts as 0
    ("<=", "10", "9", "50.00"),       # 反向: at or under target: full
    ("<=", "10", "15", "25.00"),      # 反向: (1 − (15 − 10) ÷ 10) × 50
    ("<=", "10", "20", "0.00"),       # 反向: at twice the target: 0
    ("=", "0", "0", "50.00"),         # 等于, target 0: full if actual ≤ 0
    ("=", "0", "1", "0.00"),          #             else 0
    ("=", "5", "4", "40.00"),         # 等于, target ≠ 0: scored as 正向, 4 ÷ 5 × 50
])
def test_direction_formulas(tmp_path, engine_name, direction, target, actual, expected):
    record = project(indicators=[row("指标", direction, target, actual, "50")])
    out = by_id(score(tmp_path, record, engine_name).indicators, "out")
    assert out.score == D(expected)


def test_form_weights_are_scaled_to_the_node(tmp_path, engine_name):
    # the form gives 20 + 5 = 25 points; the node is worth 50: shares 40 and 10
    record = project(indicators=[row("甲", ">=", "100", "50", "20"), row("乙", ">=", "10", "10", "5")])
    out = by_id(score(tmp_path, record, engine_name).indicators, "out")
    assert [i.weight for i in out.items] == [D(40), D(10)]
    assert [i.score for i in out.items] == [D("20.00"), D("10.00")]
    assert out.score == D("30.00")


# ---- qualitative tiers ------------------------------------------------------------------

def tier_row(tier, self_score):
    return dict(level1="产出", name="定性", kind="qualitative", tier=tier, self_score=self_score, weight="50")


def test_qualitative_self_score_inside_its_band(tmp_path, engine_name):
    record = project(indicators=[tier_row("部分达成并具有一定效果", "35")])  # band 30–40 of 50
    assert by_id(score(tmp_path, record, engine_name).indicators, "out").score == D("35.00")


def test_qualitative_self_score_outside_its_band_is_rejected(tmp_path, engine_name):
    record = project(indicators=[tier_row("部分达成并具有一定效果", "45")])
    result = score(tmp_path, record, engine_name)
    out = by_id(result.indicators, "out")
    assert out.status == "rejected" and out.score is None
    assert "自评分45.00不在所选档次“部分达成并具有一定效果”的分值区间30.00–40.00分内" in out.items[0].detail
    assert result.status == "not_assessable" and result.grade is None


def test_qualitative_without_self_score_takes_the_band_floor(tmp_path, engine_name):
    record = project(indicators=[tier_row("达成年度指标", None)])
    assert by_id(score(tmp_path, record, engine_name).indicators, "out").score == D("40.00")


def test_unknown_tier_is_rejected(tmp_path, engine_name):
    record = project(indicators=[tier_row("优秀", "45")])
    assert by_id(score(tmp_path, record, engine_name).indicators, "out").status == "rejected"


# ---- missing data ----------------------------------------------------------------------

def complete(**extra):
    return project(indicators=[row("甲", ">=", "100", "100", "50")], **extra)


def test_missing_not_assessable_marks_total_and_keeps_partial(tmp_path, engine_name):
    record = complete(carryover=None)  # the condition cannot be decided
    result = score(tmp_path, record, engine_name)
    cond = by_id(result.indicators, "cond")
    assert cond.status == "not_assessable" and cond.score is None
    assert result.status == "not_assessable" and result.grade is None
    # 9.55 + 50 + 2.75 + 4 = 66.30 still shown
    assert result.score == D("66.30")


def test_missing_zero(tmp_path, engine_name):
    result = score(tmp_path, complete(carryover=None), engine_name, cond_missing="zero")
    assert by_id(result.indicators, "cond").status == "zero"
    assert result.status == "scored" and result.score == D("66.30") and result.grade == "中"


def test_missing_rescale(tmp_path, engine_name):
    result = score(tmp_path, complete(carryover=None), engine_name, cond_missing="rescale")
    assert by_id(result.indicators, "cond").status == "dropped"
    # 66.30 of the 70 points left, rescaled to 100: 66.30 ÷ 70 × 100 = 94.714… → 94.71
    assert result.score == D("94.71") and result.grade == "优"


def test_missing_budget_never_scores_zero_percent(tmp_path, engine_name):
    result = score(tmp_path, complete(budget=None), engine_name)
    exec_ = by_id(result.indicators, "exec")
    assert exec_.status == "not_assessable" and exec_.score is None
    assert result.metrics["rate"] is None


def test_a_ruleset_without_indicators_gives_no_score_or_grade(seed_case, engine_name):
    """The review rulesets only check and suggest: 0 points out of nothing is not a 差."""
    result = evaluate_record(load_ruleset("review-fuhe-project"), seed_case.project("xueliang"), seed_case, engine_name)
    assert (result.score, result.grade, result.status) == (None, None, "scored")
