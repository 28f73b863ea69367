"""`build_report` / `jixiao report`: the draft's order, its problems and improvements, publication.

The seed's facts the draft must carry (worked out in test_seed_case / test_rollup): 99.55%; 雪亮
83.85% and 维稳 71.93% with 19.24万元 carried over together; 司法救助 + 综治 spent 55.56 without a
budget; 7 declared vs 5 listed; 反邪 (7.4) classified: in the public draft it keeps its name and
the stated reason, and its 7.40 appears nowhere.
"""
from click.testing import CliRunner

from conftest import SEED
from jixiao import evaluate_case
from jixiao.cli.main import main
from jixiao.outputs.report import BulletList, Report, Rulesets, Table, build_report, render_markdown
from jixiao.rulesets.loader import load_ruleset

HEADINGS = ["一、部门（单位）基本情况", "二、预算执行情况", "三、项目支出绩效情况", "（一）雪亮工程建设专项项目",
            "（二）司法救助专项项目", "（三）反邪项目", "（四）维稳专项项目（平安建设）", "（五）综治项目",
            "四、存在的问题及原因分析", "五、下一步改进措施", "六、自评得分及等级"]
FORMS = ["附件：绩效自评表", "部门整体支出绩效自评表（芦淞区委政法委）"] + [
    f"项目支出绩效自评表（{name}）" for name in ("雪亮工程建设专项项目", "司法救助专项项目", "反邪项目",
                                            "维稳专项项目（平安建设）", "综治项目")]


def draft(case, engine, public=False):
    d, p = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    rd, rp = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    return build_report(case, evaluate_case(case, d, p, engine), public, Rulesets(d, p, rd, rp),
                        evaluate_case(case, rd, rp, engine))


def section(report, heading):
    return next(s for s in report.sections if s.heading == heading)


def test_seed_draft_follows_the_reports_order(seed_case, engine_name):
    report = draft(seed_case, engine_name)
    assert [s.heading for s in report.sections] == HEADINGS + FORMS + ["附：复核提示（修改报告时核对，公开版不含）"]
    assert report.title == "株洲市芦淞区委政法委2024年度部门整体支出及项目支出绩效自评报告"


def test_seed_problems_cite_the_projects_and_amounts(seed_case, engine_name):
    report = draft(seed_case, engine_name)
    (problems,) = section(report, "四、存在的问题及原因分析").blocks
    (improvements,) = section(report, "五、下一步改进措施").blocks
    # 6: the department's 379.04 − 377.32 = 1.72 cannot hold the projects' 10.82 + 8.42 = 19.24 carry-over
    assert isinstance(problems, BulletList) and len(problems.items) == len(improvements.items) == 6
    assert "雪亮工程建设专项项目83.85%" in problems.items[0] and "合计结余结转19.24万元" in problems.items[0]
    assert "对合计19.24万元的结余结转资金逐项明确使用计划" in improvements.items[0]
    joined = "\n".join(problems.items)
    assert "共7个，但项目支出情况只列出5个项目" in joined
    assert "司法救助专项项目、综治项目未填报预算数（合计支出55.56万元）" in joined
    assert "所列项目结余结转合计19.24万元，而部门预算数379.04万元减支出合计377.32万元仅为1.72万元" in joined
    assert "绩效评价工作业务不强" not in joined  # the report's own generic sentences are not reused
    flags = "\n".join(section(report, "附：复核提示（修改报告时核对，公开版不含）").blocks[0].items)
    assert "雪亮工程建设专项项目的绩效情况段落照搬" in flags and "“街道”" in flags


def test_execution_table_and_department_rate(seed_case, engine_name):
    report = draft(seed_case, engine_name)
    execution = section(report, "二、预算执行情况")
    assert execution.blocks[0].text == (
        "部门支出合计377.32万元，部门预算完成率无法计算：报告未填报上年结转、本年追加、年末结余。"
        "预算完成率=(上年结转+年初预算+本年追加−年末结余)÷(上年结转+年初预算+本年追加)。")
    table = next(b for b in execution.blocks if isinstance(b, Table))
    assert table.rows[0] == ["雪亮工程建设专项项目", "未填报", "67.00", "67.00", "56.18", "10.82", "83.85%"]
    assert table.rows[1][-1] == "无法计算"  # 司法救助: no budget, never 0%


def test_public_draft_withholds_the_classified_project(seed_case, engine_name):
    internal = render_markdown(draft(seed_case, engine_name))
    public = render_markdown(draft(seed_case, engine_name, public=True))
    assert "| 反邪项目 | 未填报 | 0.00 | 未填报 | 7.40 |" in internal
    assert "7.40" not in public and "7.4万元" not in public
    assert "| 反邪项目 | 涉密，不公开 |" in public
    assert "反邪项目为涉密项目，不作公开评价，其支出计入部门项目支出。" in public
    assert "复核提示" not in public


def test_same_input_same_bytes_whichever_engine(seed_case, engine_name):
    assert render_markdown(draft(seed_case, engine_name)) == render_markdown(draft(seed_case, "native"))


def test_report_model_round_trips_as_json(seed_case):
    report = draft(seed_case, "native")
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_report_command_writes_markdown_and_json():
    runner = CliRunner()
    out = runner.invoke(main, ["report", str(SEED), "--engine", "native", "--public"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("# 株洲市芦淞区委政法委2024年度部门整体支出及项目支出绩效自评报告（公开版）\n")
    as_json = runner.invoke(main, ["report", str(SEED), "--engine", "native", "--format", "json"])
    assert Report.model_validate_json(as_json.output).sections[0].heading == "一、部门（单位）基本情况"


def test_forms_annex_fills_the_official_funds_row(seed_case, engine_name):
    """The 自评表 annex, the same in Markdown and Word: 雪亮工程 年初 67.00, 全年 67.00 (the seed's
    "年初预算资金67万元，年中执行调增（减）0万元": 67 + 0, the budget the 83.85% is computed on and
    二、预算执行情况 shows — not 未填报 beside a rate computed from it), 执行 56.18, 分值 10,
    执行率 83.85%, 得分 8.39; the classified project shows only its reason."""
    report = draft(seed_case, engine_name, public=True)
    funds = section(report, "项目支出绩效自评表（雪亮工程建设专项项目）").blocks[0]
    assert funds.rows == [["年度资金总额", "67.00", "67.00", "56.18", "10.00", "83.85%", "8.39"]]
    sifa = section(report, "项目支出绩效自评表（司法救助专项项目）").blocks[0]
    assert sifa.rows == [["年度资金总额", "未填报", "未填报", "43.36", "10.00", "无法计算", "—"]]
    (reason,) = section(report, "项目支出绩效自评表（反邪项目）").blocks
    assert reason.text.startswith("项目为涉密项目，不作公开评价")
    assert "项目支出绩效自评表（雪亮工程建设专项项目）" in render_markdown(report)
