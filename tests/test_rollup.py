"""Department roll-up of project findings (engine/rollup.py).

Hand-worked on the seed: 雪亮工程 83.85% (10.82 carried over, budget 67, spent 56.18) and 维稳
71.93% (8.42, 30, 21.58) are under 90%: together 10.82 + 8.42 = 19.24 carried over, 67 + 30 = 97.00
budgeted, 56.18 + 21.58 = 77.76 spent; points lost on 预算执行率 (10 points): (10 − 8.39) +
(10 − 7.19) = 1.61 + 2.81 = 4.42.
"""
from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao import evaluate_case, load_case, load_ruleset
from jixiao.scoring.rollup import ranked, roll_up

DATA = Path(__file__).resolve().parent.parent / "cases" / "review"


@pytest.fixture
def seed_findings(seed_case, seed_result, department_rs, project_rs):
    return roll_up(seed_case, seed_result, department_rs, project_rs)


def one(findings, ident):
    hits = [f for f in findings if f.id == ident]
    assert len(hits) == 1, [f.id for f in findings]
    return hits[0]


def test_low_execution_projects_merge_into_one_sentence_with_totals(seed_findings):
    low = one(seed_findings, "low_execution")
    assert low.scope == "projects" and low.records == ("xueliang", "weiwen")
    assert low.points_lost == D("4.42")
    assert low.problem.startswith("2个项目预算执行率低于90%：雪亮工程建设专项项目83.85%")
    assert "维稳专项项目（平安建设）71.93%（全年预算30.00万元，实际支出21.58万元，结余结转8.42万元）" in low.problem
    assert "合计结余结转19.24万元（全年预算97.00万元，实际支出77.76万元）" in low.problem
    assert "对合计19.24万元的结余结转资金逐项明确使用计划" in low.improvement


def test_a_finding_the_department_already_states_is_not_repeated(seed_findings):
    # budget_not_stated (司法救助, 综治) is covered by the department's unbudgeted_projects
    assert not [f for f in seed_findings if f.id == "budget_not_stated"]
    assert "司法救助专项项目、综治项目未填报预算数（合计支出55.56万元）" in one(seed_findings, "unbudgeted_projects").problem


def test_exempt_classified_project_is_not_rolled_up(seed_findings):
    quantified = one(seed_findings, "no_quantified_indicators")
    assert quantified.records == ("xueliang", "sifa-jiuzhu", "weiwen", "zongzhi")  # 反邪 exempt
    assert "共4个项目未设置量化绩效指标" in quantified.problem


def test_ranked_orders_by_severity_then_points_lost_and_drops_duplicates(seed_findings):
    order = ranked(seed_findings, seed_findings)
    assert len(order) == len(seed_findings)  # the same finding for the same records once
    assert order[0].id == "low_execution"  # severity 3 and 4.42 points lost
    severities = [f.severity for f in order]
    assert severities == sorted(severities, reverse=True)


def test_public_roll_up_neither_names_nor_totals_an_unpublished_project(engine_name):
    """review-fuhe-project reviews the classified 涉密统计调查项目 (5.00 → 6.00, no reason) but does
    not publish it: internally two projects are rolled up; in public only 经济普查项目 remains, in
    its own sentence."""
    case = load_case(DATA / "dirty.yaml")
    dept_rs, proj_rs = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    result = evaluate_case(case, dept_rs, proj_rs, engine_name)
    internal = one(roll_up(case, result, dept_rs, proj_rs), "unexplained_adjustment")
    assert internal.records == ("jia", "bing")
    assert "涉密统计调查项目年初5.00万元、全年6.00万元（调整1.00万元）" in internal.problem
    public = roll_up(case, result, dept_rs, proj_rs, public=True)
    adjusted = [f for f in public if f.id == "unexplained_adjustment"]
    assert [(f.scope, f.records) for f in adjusted] == [("project", ("jia",))]
    assert not any("涉密统计调查项目" in f.problem + f.improvement or "6.00" in f.problem for f in public)
