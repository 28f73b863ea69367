"""The 绩效目标申报表 in Excel: `jixiao template --kind target` (blank, or filled from a target
file) → fill (with openpyxl, as a unit would) → `jixiao import` → the same target record →
`jixiao cycle targets`.

The hand-filled declaration below (乡村道路养护项目, constructed), scored by hand with
rulesets/target-review.yaml:
- families: 产出 数量/质量/时效/成本 + 效益 + 满意度, all six present → completeness 30;
- unquantified: 完成时间 (“年底前完成”, no number) and 群众出行便利度 (“有所提高”) → 30 − 2 × 5 = 20;
  2 × 2 = 4 is not more than the 7 rows, so no veto;
- directions: 成本 rows ≤, 数量/质量 rows ≥ → 10;
- last year: 养护里程 120 ≥ 110; 优良路率 85 < 88 but its reason is given → 10;
- cost rows in 万元: 养护总成本 36 (单公里养护成本 is in 万元/公里, not summed) ≤ 申请预算 36 → 20;
- 30 + 20 + 10 + 10 + 20 = 90 → 通过 (≥ 90), with findings not_quantified and basis_not_stated
  (three rows without a basis).
"""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jixiao.cli.main import main
from jixiao.core.errors import CaseError
from jixiao.forms import import_workbooks, write_template
from jixiao.forms.case_yaml import case_to_yaml
from jixiao.forms.reader import import_forms
from jixiao.records.cycle import TargetDeclaration, TargetFile, TargetIndicator, load_cycle_file
from jixiao.records.model import CaseMeta
from sheets import row_of, validations

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "cases/cycle/targets-2024.yaml"
SAMPLE_CASE = ROOT / "cases/sample-county-2024.yaml"


def test_blank_target_form_has_its_rows_columns_and_choice_lists(tmp_path):
    path = tmp_path / "blank.xlsx"
    out = CliRunner().invoke(main, ["template", "--kind", "target", str(path)])
    assert out.exit_code == 0, out.output
    wb = load_workbook(path)
    assert wb.sheetnames == ["填表说明", "基本信息", "项目1"]
    assert [wb["基本信息"].cell(r, 1).value for r in range(2, 5)] == ["案例编号", "单位名称", "年度"]
    assert "部门编号" not in [c.value for c in wb["基本信息"]["A"]]  # a target file has no department
    ws = wb["项目1"]
    assert ws["A1"].value == "项目支出绩效目标申报表"
    for label in ("项目名称", "项目编号", "申请预算资金", "总体目标"):
        row_of(ws, label)
    header = row_of(ws, "绩效指标") + 1
    assert [ws.cell(header, c).value for c in range(1, 11)] == [
        "一级指标", "二级指标", "三级指标", "指标方向", "年度指标值", "计量单位", "指标值设定依据",
        "上年实际值（补充）", "低于上年的理由（补充）", "指标编号（补充）"]
    lists = validations(ws)
    first, last = header + 1, header + 15
    assert lists[f"A{first}:A{last}"] == '"产出,效益,满意度"'
    assert lists[f"B{first}:B{last}"] == '"数量,质量,时效,成本,经济效益,社会效益,生态效益,可持续影响,服务对象满意度"'
    assert lists[f"D{first}:D{last}"] == '"≥,>,≤,<,＝"'
    assert lists[f"G{first}:G{last}"] == '"历史标准,行业标准,计划标准,其他标准"'
    strict = {str(dv.sqref): dv.errorStyle for dv in ws.data_validations.dataValidation}
    assert strict[f"D{first}:D{last}"] == strict[f"G{first}:G{last}"] == "stop"  # direction and basis: only the list
    assert strict[f"A{first}:A{last}"] == "warning"  # a form's own level names are accepted


def test_target_file_to_the_form_and_back_is_the_same_record(tmp_path):
    """template --from the shipped target file → import → identical file, to the decimal
    (9.48 stays 9.48, 11.376 stays 11.376) and to the YAML text; the empty declaration stays empty."""
    book, out = tmp_path / "targets.xlsx", tmp_path / "back.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["template", "--kind", "target", "--from", str(TARGETS), str(book)])
    assert result.exit_code == 0, result.output
    assert load_workbook(book).sheetnames[2:] == ["委托业务项目", "河西村特色种养补贴到户项目", "农技推广培训项目（构造示例）",
                                                  "农技推广培训项目（目标下调的构造示例）", "空白申报表（构造示例）"]
    result = runner.invoke(main, ["import", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    original, back = load_cycle_file(TARGETS), load_cycle_file(out)
    assert back == original
    assert case_to_yaml(back) == case_to_yaml(original)
    hexi = back.record("hexi")
    assert hexi.budget_requested == D("9.48") and str(hexi.budget_requested) == "9.48"
    assert str(hexi.indicators[5].target) == "11.376"
    assert back.record("model").indicators[0].previous_actual == D(2800)
    assert back.record("empty").indicators == [] and back.record("empty").goal is None
    # and the imported file is reviewed exactly as the original
    a = runner.invoke(main, ["cycle", "targets", str(TARGETS), "--format", "json", "--engine", "native"])
    b = runner.invoke(main, ["cycle", "targets", str(out), "--format", "json", "--engine", "native"])
    assert json.loads(a.output) == json.loads(b.output)


ROAD = [  # 一级, 二级, 三级, 方向, 年度指标值, 单位, 依据, 上年实际值, 理由 — as a unit types them
    ("产出", "数量", "养护道路里程", "≥", 120, "公里", "历史标准", 110, None),
    ("产出", "质量", "优良路率", "≥", 85, "%", "行业标准", 88, "2024年新接养里程路况较差"),
    ("产出", "时效", "完成时间", None, "年底前完成", None, None, None, None),
    ("产出", "成本", "养护总成本", "≤", 36, "万元", "计划标准", None, None),
    ("产出", "成本", "单公里养护成本", "≤", 0.3, "万元/公里", "计划标准", None, None),
    ("效益", "社会效益", "群众出行便利度", None, "有所提高", None, None, None, None),
    ("满意度", "服务对象满意度", "沿线群众满意度", ">=", 90, "%", None, None, None),  # ">=" typed, not chosen
]


def fill_road(path: Path, bad: dict[str, object] | None = None) -> None:
    """Fill a blank 申报表 as a unit would: type into the cells, rename the sheet."""
    wb = load_workbook(path)
    info = wb["基本信息"]
    info["B2"], info["B3"], info["B4"] = "road-2024", "示例镇人民政府", 2024
    ws = wb["项目1"]
    ws.title = "乡村道路养护"
    ws[f"C{row_of(ws, '项目名称')}"] = "乡村道路养护项目"
    ws[f"C{row_of(ws, '项目编号')}"] = "road"
    ws[f"C{row_of(ws, '申请预算资金')}"] = 36
    ws[f"C{row_of(ws, '总体目标')}"] = "全年养护乡村道路120公里，优良路率不低于85%，成本不超过36万元"
    first = row_of(ws, "绩效指标") + 2
    for r, values in enumerate(ROAD, first):
        for c, value in enumerate(values, 1):
            ws.cell(r, c).value = value
    for ref, value in (bad or {}).items():
        ws[ref] = value
    wb.save(path)


def test_a_hand_filled_form_imports_to_the_record_and_is_reviewed_by_hand(tmp_path):
    book, out = tmp_path / "road.xlsx", tmp_path / "road.yaml"
    write_template(book, "target")
    fill_road(book)
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = TargetFile(case=CaseMeta(id="road-2024", unit="示例镇人民政府", year=2024), targets=[TargetDeclaration(
        id="road", name="乡村道路养护项目", goal="全年养护乡村道路120公里，优良路率不低于85%，成本不超过36万元",
        budget_requested=D(36), indicators=[
            TargetIndicator(level1="产出", level2="数量", name="养护道路里程", direction=">=", target=D(120), unit="公里",
                            basis="历史标准", previous_actual=D(110)),
            TargetIndicator(level1="产出", level2="质量", name="优良路率", direction=">=", target=D(85), unit="%",
                            basis="行业标准", previous_actual=D(88), reason="2024年新接养里程路况较差"),
            TargetIndicator(level1="产出", level2="时效", name="完成时间", target="年底前完成"),
            TargetIndicator(level1="产出", level2="成本", name="养护总成本", direction="<=", target=D(36), unit="万元",
                            basis="计划标准"),
            TargetIndicator(level1="产出", level2="成本", name="单公里养护成本", direction="<=", target=D("0.3"),
                            unit="万元/公里", basis="计划标准"),
            TargetIndicator(level1="效益", level2="社会效益", name="群众出行便利度", target="有所提高"),
            TargetIndicator(level1="满意度", level2="服务对象满意度", name="沿线群众满意度", direction=">=", target=D(90),
                            unit="%")])])
    assert load_cycle_file(out) == expected
    result = CliRunner().invoke(main, ["cycle", "targets", str(out), "--format", "json", "--engine", "native"])
    assert result.exit_code == 0, result.output
    [review] = json.loads(result.output)
    assert (review["score"], review["grade"]) == ("90.00", "通过")
    assert {i["id"]: i["score"] for i in review["indicators"]} == {
        "completeness": "30.00", "quantified": "20.00", "direction": "10.00", "baseline": "10.00", "cost_budget": "20.00"}
    assert sorted(f["id"] for f in review["findings"]) == ["basis_not_stated", "not_quantified"]


def test_wrong_cells_are_named_by_sheet_and_cell_in_chinese(tmp_path):
    book = tmp_path / "road.xlsx"
    write_template(book, "target")
    ws = load_workbook(book)["项目1"]
    budget, first = row_of(ws, "申请预算资金"), row_of(ws, "绩效指标") + 2
    fill_road(book, bad={f"C{budget}": "三十六万元", f"G{first}": "经验值", f"D{first + 1}": "大于",
                         f"H{first}": "2023年", f"A{first + 3}": None})
    with pytest.raises(CaseError) as caught:
        import_forms([book])
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{book}:乡村道路养护!C{budget}: “三十六万元”不是数值",
        f"{book}:乡村道路养护!G{first}: “经验值”不是指标值设定依据（可选：历史标准、行业标准、计划标准、其他标准）",
        f"{book}:乡村道路养护!D{first + 1}: “大于”不是指标方向（可选：≥、>、≤、<、＝、>=、<=、＞、＜、=、正向、反向）",
    ]
    # 上年实际值 in words is kept as words (a form may print 未开展); the cell problems come first,
    # then the record is validated with each field at its cell: the row whose 一级指标 was cleared
    write_template(book, "target")
    fill_road(book, bad={f"A{first + 3}": None})
    with pytest.raises(CaseError) as caught:
        import_forms([book])
    assert [str(p) for p in caught.value.problems] == [
        f"{book}:乡村道路养护!A{first + 3}: 目标 road，字段 targets.indicators.level1：缺少必填字段"]

    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(out)])
    assert result.exit_code == 2
    assert f"乡村道路养护!A{first + 3}" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_forms_of_the_two_kinds_are_not_imported_together(tmp_path):
    targets, case = tmp_path / "t.xlsx", tmp_path / "c.xlsx"
    write_template(targets, "target", load_cycle_file(TARGETS))
    write_template(case, "project")
    with pytest.raises(CaseError) as caught:
        import_forms([targets, case])
    assert f"{case}:项目1!A1: 项目支出绩效自评表不能与项目支出绩效目标申报表一起导入：请分别导入" in \
        [str(p) for p in caught.value.problems]
    with pytest.raises(CaseError) as caught:
        import_workbooks([targets])  # the 自评表 reader's own entry refuses a target workbook
    assert [str(p) for p in caught.value.problems] == [f"{targets}: 这是项目支出绩效目标申报表，不是自评表"]


def test_template_from_the_wrong_kind_of_file_is_one_chinese_line(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["template", "--kind", "target", "--from", str(SAMPLE_CASE), str(tmp_path / "a.xlsx")])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "目标申报文件须有 `targets:`" in out.output
    out = runner.invoke(main, ["template", "--kind", "target", "--from", str(ROOT / "cases/cycle/monitoring-2024.yaml"),
                               str(tmp_path / "b.xlsx")])
    assert out.exit_code == 2 and "不是目标申报文件（须有 `targets:`）" in out.output
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
