"""Findings that reach the report: every failed check carrying a figure is a problem with an
improvement in 四、存在的问题 (unless a finding already says it), and a missed target is a problem.

Before, a sum that did not add up appeared only in the check table, and the sample's 农村户厕改造数
(480 of 800 户, 60%) was left out of 存在的问题.
"""
import pytest

from conftest import SAMPLE, SEED
from jixiao import evaluate_case, load_case
from jixiao.outputs.report import BulletList, Rulesets, build_report
from jixiao.rulesets.loader import load_ruleset, shipped_ids
from jixiao.records.model import Case


def report_of(case, engine="native"):
    d, p = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    rd, rp = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    return build_report(case, evaluate_case(case, d, p, engine), False, Rulesets(d, p, rd, rp),
                        evaluate_case(case, rd, rp, engine))


def items(report, heading):
    section = next(s for s in report.sections if s.heading == heading)
    return [i for b in section.blocks if isinstance(b, BulletList) for i in b.items]


PROBLEMS, IMPROVEMENTS = "四、存在的问题及原因分析", "五、下一步改进措施"


def test_every_shipped_check_with_a_figure_says_what_to_do_or_which_finding_says_it():
    for ident in shipped_ids():
        compiled = load_ruleset(ident)
        findings = {f.id for f in compiled.findings}
        for check in compiled.checks:
            assert check.improvement is not None or set(check.covered_by) & findings, (ident, check.id)


def test_sums_that_do_not_add_up_are_problems(engine_name):
    # 基本支出 100 + 项目支出 10 = 110 ≠ 支出合计 100 (spending_parts fails);
    # 人员经费 90 + 公用经费 10 = 100 = 基本支出 (basic_parts passes)
    case = Case.model_validate({"case": {"id": "t", "unit": "测试单位", "year": 2024}, "department": {
        "id": "d", "name": "测试单位", "budget": {"initial": 100},
        "spending": {"total": 100, "basic": 100, "personnel": 90, "public": 10, "project": 10}}})
    report = report_of(case, engine_name)
    problems, improvements = items(report, PROBLEMS), items(report, IMPROVEMENTS)
    assert "基本支出100.00万元与项目支出10.00万元之和不等于支出合计100.00万元。" in problems
    assert "以决算数据核对支出合计与基本支出、项目支出，使合计与分项一致。" in improvements
    assert not any("人员经费90.00万元与公用经费" in p for p in problems)
    assert len(problems) == len(improvements)


def test_a_project_whose_carryover_does_not_match_is_a_problem(engine_name):
    # 预算 50 − 支出 40 = 10, but the report states a carry-over of 8 (carryover_matches fails)
    case = Case.model_validate({"case": {"id": "t", "unit": "测试单位", "year": 2024},
                                "department": {"id": "d", "name": "测试单位"},
                                "projects": [{"id": "p", "name": "甲项目", "budget": {"initial": 50, "final": 50},
                                              "actual": 40, "carryover": 8}]})
    problems = items(report_of(case, engine_name), PROBLEMS)
    assert "甲项目全年预算50.00万元减实际支出40.00万元为10.00万元，与所报结余结转8.00万元不一致。" in problems


def test_a_covered_check_is_not_written_twice(seed_case, engine_name):
    # the seed's declared_special_funds fails (7 declared, 5 listed) and declared_count_mismatch says it
    problems = items(report_of(seed_case, engine_name), PROBLEMS)
    assert sum("只列出" in p and "5个项目" in p for p in problems) == 1


def test_missed_targets_are_problems(engine_name):
    # nt-rjhj: 户厕 480 < 800 × 0.9 = 720, 按期完成率 70 < 81, 垃圾处理率 70 < 81, 满意度 75 < 81;
    # nt-zljc: 检测报告按时出具率 80 < 95 × 0.9 = 85.5 — two projects, one rolled-up sentence
    problems = items(report_of(load_case(SAMPLE), engine_name), PROBLEMS)
    (missed,) = [p for p in problems if "年度绩效目标未完成" in p]
    assert missed == ("2个项目有绩效指标的实际完成值比年度指标值差10%以上：农产品质量安全监测项目的检测报告按时出具率；"
                      "农村人居环境整治项目的农村户厕改造数、项目按期完成率、农村生活垃圾无害化处理率、项目村群众满意度，"
                      "年度绩效目标未完成。")


def test_a_check_improvement_is_validated_like_any_template(tmp_path):
    from jixiao.core.errors import RulesetError
    path = tmp_path / "c.yaml"
    path.write_text("id: c\ntitle: t\napplies_to: department\nprovenance: p\nchecks:\n"
                    "  - {id: c, name: c, assert: spending.total > 0, message: m, improvement: \"核对{spending.totl}\"}\n",
                    encoding="utf-8")
    with pytest.raises(RulesetError, match="has no field `totl`"):
        load_ruleset(str(path))
