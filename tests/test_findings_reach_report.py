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
    with pytest.raises(RulesetError, match="没有字段`totl`"):
        load_ruleset(str(path))


def test_wording_of_a_finance_bureau(engine_name):
    """扣 not 失; units after every figure of an indicator row; no "100.00%" in a sentence; a points
    sentence never followed by one saying the indicators were met; numbering 一、（一）1. in order."""
    import re
    from jixiao.outputs.report import render_markdown
    for source in (SEED, SAMPLE):
        report = report_of(load_case(source), engine_name)
        text = render_markdown(report)
        sentences = "\n".join(line for line in text.splitlines() if not line.startswith("|"))
        assert not re.search(r"失\d", sentences)
        assert not re.search(r"\d\.00%", sentences)
        assert "各项指标达到年度指标值" not in sentences
        for section in report.sections:  # lists are numbered one level below their heading
            for block in section.blocks:
                if isinstance(block, BulletList):
                    marker = "（一）" if section.level == 1 else "1\\. "
                    assert marker + block.items[0] in text
    # 质量安全监测 (sample): 产出 loses 15 × (1 − 1100/1200) = 1.25 on 抽检批次, … as the rows score, each
    # figure with its unit as the form states it (1100批次, 97.5%, 690.91元/批次)
    report = report_of(load_case(SAMPLE), engine_name)
    section = next(s for s in report.sections if s.heading == "（二）农产品质量安全监测项目")
    output = next(i for b in section.blocks if isinstance(b, BulletList) for i in b.items if i.startswith("产出指标"))
    assert output.startswith("产出指标扣3.82分：食用农产品定量抽检批次实际完成1100批次（年度指标值≥1200批次），扣1.25分；")
    assert "单批次检测成本实际完成690.91元/批次（年度指标值≤650元/批次）" in output
    assert output.endswith("分。")


def test_score_shows_a_dash_for_what_could_not_be_assessed():
    """司法救助 (seed): no budget and no indicators, nothing scored → "—", never "0.00/100"; 雪亮工程:
    only 执行率 scored (83.85% × 10 = 8.39) → labelled as the partial score it is."""
    from click.testing import CliRunner
    from jixiao.cli.main import main
    out = CliRunner().invoke(main, ["score", str(SEED), "--engine", "native"]).output
    assert "0.00/100" not in out
    line = next(l for l in out.splitlines() if l.startswith("司法救助专项项目"))
    assert line.split()[1:3] == ["无法计算", "—"]
    assert "—（可评价部分8.39/100）" in next(l for l in out.splitlines() if l.startswith("雪亮工程建设专项项目"))
    assert "得分 —（可评价部分5.00/100）" in out  # the department: 勾稽 5 only
