"""Target review and monitoring files through `jixiao cycle targets|monitor`; the figures are the
rulesets' own worked examples (see the comments above `tests:` in rulesets/target-review.yaml and
rulesets/monitoring.yaml)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from conftest import ENGINES
from openpyxl import load_workbook

from jixiao.cli.main import main
from jixiao.cycle.records import score_file
from jixiao.records.cycle import load_cycle_file

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "cases/cycle/targets-2024.yaml"
MONITORING = ROOT / "cases/cycle/monitoring-2024.yaml"


def test_target_conclusions_from_the_cli():
    out = CliRunner().invoke(main, ["cycle", "targets", str(TARGETS), "--format", "json", "--engine", "native"])
    assert out.exit_code == 0
    results = {r["id"]: (r["score"], r["grade"]) for r in json.loads(out.output)}
    assert results == {"tangxi": ("65.00", "不通过"), "hexi": ("85.00", "修改后通过"), "model": ("100.00", "通过"),
                       "lowered": ("70.00", "修改后通过"), "empty": ("50.00", "不通过")}


def test_monitoring_levels_and_the_july_40_rule_agree_across_engines():
    file = load_cycle_file(MONITORING)
    for engine in ENGINES:  # durable where it imports (not on 3.13+)
        by_month = {r.id: (r.score, r.grade) for r in score_file(file, None, engine)}
        assert by_month == {"xueliang": (Decimal("70.00"), "黄"), "weiwen": (Decimal("100.00"), "绿"),
                            "demo": (Decimal("40.00"), "红")}
        fixed = {r.id: r.grade for r in score_file(file, "monitoring-july40", engine)}
        assert fixed["xueliang"] == "绿" and fixed["demo"] == "红"


def test_monitoring_table_workbook(tmp_path):
    path = tmp_path / "m.xlsx"
    out = CliRunner().invoke(main, ["cycle", "monitor", str(MONITORING), "--format", "xlsx", "-o", str(path)])
    assert out.exit_code == 0
    sheet = load_workbook(path)["运行监控表"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    # 雪亮工程: 30 ÷ 67 → 44.78%, time progress 7 ÷ 12 → 58.33%, 70 → 黄
    assert rows[0][1:10] == ("xueliang", "雪亮工程建设专项项目", "2024-07-31", 67, 30, 0.4478, 0.5833, 70, "黄")
    assert sheet["G2"].number_format == "0.00%"


def test_wrong_file_kind_is_one_line_and_status_2():
    out = CliRunner().invoke(main, ["cycle", "monitor", str(TARGETS)])
    assert out.exit_code == 2 and "不是运行监控文件" in out.output and "Traceback" not in out.output


def test_bad_monitoring_record_names_file_record_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: {id: c, unit: u, year: 2024}\nmonitoring:\n  - {id: p1, name: n, as_of: 2024-07-31, spent: 完成}\n",
                   encoding="utf-8")
    out = CliRunner().invoke(main, ["cycle", "monitor", str(bad)])
    assert out.exit_code == 2
    assert f"{bad}:3:" in out.output and "监控项目 p1，字段 monitoring.spent" in out.output


def test_duplicate_record_ids_are_refused(tmp_path):
    bad = tmp_path / "dup.yaml"
    bad.write_text("case: {id: c, unit: u, year: 2024}\ntargets:\n  - {id: a, name: 甲}\n  - {id: a, name: 乙}\n",
                   encoding="utf-8")
    out = CliRunner().invoke(main, ["cycle", "targets", str(bad)])
    assert out.exit_code == 2 and f"{bad}:4:" in out.output and "目标 a，字段 id" in out.output


def test_monitoring_summary_page_across_units(tmp_path):
    """监控汇总, worked by hand: the shipped file's three projects 红/黄/绿 one each, budgets
    67 + 30 + 100 = 197, spent 30 + 19 + 20 = 69 → 69 ÷ 197 = 0.350254 → 35.03%; a second unit whose one
    project states no budget: its budget total and progress are not stated (never 0), and so is
    the grand total's budget, while its spending total is 69 + 5 = 74."""
    other = tmp_path / "other.yaml"
    other.write_text("case: {id: o, unit: 乙单位, year: 2024}\nmonitoring:\n"
                     "  - {id: p1, name: 某项目, as_of: 2024-07-31, spent: 5}\n", encoding="utf-8")
    path = tmp_path / "m.xlsx"
    out = CliRunner().invoke(main, ["cycle", "monitor", str(MONITORING), str(other), "--format", "xlsx", "-o", str(path),
                                    "--engine", "native"])
    assert out.exit_code == 0, out.output
    wb = load_workbook(path)
    assert wb.sheetnames == ["监控汇总", "运行监控表", "预警与纠偏"]
    sheet = wb["监控汇总"]
    assert [c.value for c in sheet[1]] == ["单位", "项目数", "红", "黄", "绿", "无法评定", "全年预算合计", "已执行合计", "执行进度"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("株洲市芦淞区委政法委（运行监控示例）", 3, 1, 1, 1, 0, 197, 69, 0.3503)
    assert rows[1] == ("乙单位", 1, 0, 0, 0, 1, None, 5, None)
    assert rows[2] == ("合计", 4, 1, 1, 1, 1, None, 74, None)
    assert sheet["I2"].number_format == "0.00%"
