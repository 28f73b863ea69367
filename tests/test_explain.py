"""Reason codes and the `jixiao explain` trace.

Hand-worked: 雪亮工程 83.85% × 10 = 8.385 → 8.39, 1.61 lost against 100%; 维稳 71.93% × 10 = 7.193
→ 7.19, 2.81 lost; department 99.55%: 0.45% below 100% → 0.45 ÷ 5 × 2 = 0.18 lost. Sample county
department: 1227.20 ÷ 1280.00 = 95.875% → 95.88%; 4.12 ÷ 5 × 2 = 1.648 → 13.35 of 15, 1.65 lost.
"""
from decimal import Decimal as D

from click.testing import CliRunner

from conftest import SAMPLE, SEED, by_id
from jixiao import evaluate_case, load_case
from jixiao.cli.main import main
from jixiao.scoring.explain import reason_codes, render_trace, trace_record


def test_reason_codes_give_points_lost_value_and_threshold(seed_result, project_rs, department_rs):
    (code,) = reason_codes(project_rs, by_id(seed_result.projects, "xueliang"))
    assert (code.indicator, code.points_lost, code.value) == ("budget_execution", D("1.61"), "预算执行率83.85%")
    assert code.threshold == "预算执行率达到100.00%得满分"
    assert reason_codes(project_rs, by_id(seed_result.projects, "weiwen"))[0].points_lost == D("2.81")
    # the seed's department loses no scored points: its 预算完成率 is not assessable (no 上年结转,
    # 本年追加 or 年末结余 stated) and 支出数据勾稽 scores full marks
    assert reason_codes(department_rs, seed_result.department) == []


def test_reason_codes_rank_by_points_lost(department_rs, project_rs, engine_name):
    result = evaluate_case(load_case(SAMPLE), department_rs, project_rs, engine_name)
    codes = reason_codes(department_rs, result.department)
    lost = [c.points_lost for c in codes]
    assert lost == sorted(lost, reverse=True)
    assert (codes[0].indicator, codes[0].points_lost) == ("execution", D("1.65"))
    assert codes[0].threshold == "标准100.00%，每低于5.00%扣2.00分"


def test_trace_lists_metric_inputs_fired_rules_and_missing_data(seed_case, seed_result, department_rs, project_rs, engine_name):
    xueliang = trace_record(project_rs, seed_case.project("xueliang"), by_id(seed_result.projects, "xueliang"),
                            seed_case, engine_name)
    rate = next(m for m in xueliang.metrics if m.name == "execution_rate")
    assert rate.value == "83.85%"
    assert [(i.name, i.value) for i in rate.inputs] == [("actual", "56.18"), ("final_budget", "67")]
    assert "finding:low_execution" in {r.id for r in xueliang.fired}
    dept = trace_record(department_rs, seed_case.department, seed_result.department, seed_case, engine_name)
    missing = {u.what: u.missing for u in dept.unassessed}
    assert missing["指标 在职人员控制率"] == ("staff.actual",)
    assert missing["指标 公用经费控制率"] == ("spending.public_budget",)
    assert missing["指标 结转结余率"] == ("carryover",)
    text = render_trace(dept)
    assert missing["指标 预算完成率"] == ("budget.carried_over", "budget.supplementary", "budget.year_end_balance")
    assert "缺少：staff.actual" in text


def test_explain_command_for_one_project():
    out = CliRunner().invoke(main, ["explain", str(SEED), "--project", "weiwen", "--engine", "native"])
    assert out.exit_code == 0, out.output
    assert "项目：维稳专项项目（平安建设）" in out.output
    assert "预算执行率：扣2.81分；预算执行率71.93%" in out.output
    assert "雪亮工程建设专项项目（xueliang）" not in out.output
    unknown = CliRunner().invoke(main, ["explain", str(SEED), "--project", "nope", "--engine", "native"])
    assert unknown.exit_code == 2
