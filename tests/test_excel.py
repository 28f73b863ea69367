"""The 自评表 in Excel: template → fill (with openpyxl, as a unit would) → import → score → xlsx.

Hand-worked numbers of the filled form used below (雪亮工程, as in the seed report):
- 执行率 56.18 ÷ 67.00 = 0.838507 → 83.85%; × 10 = 8.385 → 8.39;
- 产出 (weight 50): 新建点位 ≥ 100, actual 80 → 80% × 50 = 40.00;
- 效益 (30): qualitative, tier 达成年度指标 (24–30), self-score 27 → 27.00;
- 满意度 (10): ≥ 90, actual 95 → full 10.00;
- total 8.39 + 40 + 27 + 10 = 85.39 → 良 (80–89).
"""
from __future__ import annotations

import typing
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pydantic import BaseModel

from conftest import SAMPLE, SEED
from sheets import row_of, validations
from jixiao import evaluate_record, load_case, load_ruleset
from jixiao.cli.main import main
from jixiao.core.errors import CaseError
from jixiao.forms import import_workbooks, write_template
from jixiao.forms import layout as L
from jixiao.forms.case_yaml import case_to_yaml
from jixiao.forms.reader import _decimal
from jixiao.records.model import Department, DepartmentBudget, Income, Indicator, Project, Spending, VetoStatement


# ---- the blank form ------------------------------------------------------------------------

def test_blank_project_form_is_laid_out_as_the_official_form(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_template(path, "project")
    wb = load_workbook(path)
    assert wb.sheetnames == ["填表说明", "基本信息", "项目1", "项目清单"]
    ws = wb["项目1"]
    assert ws["A1"].value == "项目支出绩效自评表"
    funds = row_of(ws, "项目资金（万元）")
    assert [ws.cell(funds, c).value for c in range(3, 9)] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert [ws.cell(funds + i, 1).value for i in range(1, 5)] == ["年度资金总额", "其中：本年财政拨款", "上年结转资金", "其他资金"]
    goals = row_of(ws, "年度总体目标")
    assert (ws.cell(goals, 3).value, ws.cell(goals, 6).value) == ("预期目标", "实际完成情况")
    header = row_of(ws, "绩效指标") + 1
    assert [ws.cell(header, c).value for c in range(1, 9)] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    lists = validations(ws)
    assert '"≥,>,≤,<,＝"' in lists.values()  # 指标方向
    assert '"定量,定性"' in lists.values()
    assert '"是,否"' in lists.values()  # 是否涉密
    assert '"本级,上级专项,中央转移支付,上年结转,其他"' in lists.values()  # 资金来源
    assert '"产出,效益,满意度"' in lists.values()


def test_blank_department_form(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_template(path, "department")
    ws = load_workbook(path)["部门整体"]
    assert ws["A1"].value == "部门整体支出绩效自评表"
    for label in ("年初预算数", "全年预算数", "全年执行数（支出合计）", "基本支出", "项目支出", "一票否决事项", "绩效指标"):
        row_of(ws, label)
    assert '"是,否,未说明"' in validations(ws).values()


def test_template_bytes_are_the_same_every_time(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(a, "department", load_case(SAMPLE))
    write_template(b, "department", load_case(SAMPLE))
    assert a.read_bytes() == b.read_bytes()


# ---- round trip ----------------------------------------------------------------------------

REAL = sorted((SEED.parent / "real").glob("*.yaml"))


@pytest.mark.parametrize("source", [SAMPLE, SEED, *REAL], ids=["sample", "seed", *(p.stem for p in REAL)])
def test_a_case_exported_to_the_template_and_imported_back_is_the_same_case(tmp_path, source):
    case = load_case(source)
    path = tmp_path / "case.xlsx"
    write_template(path, "department", case)
    back = import_workbooks([path])
    assert back.projects == case.projects
    assert back.department == case.department
    assert back == case
    # and exactly the same decimals: 320.00 stays 320.00, 7.4 stays 7.4, 52.0 stays 52.0
    assert case_to_yaml(back) == case_to_yaml(case)


def test_project_workbook_round_trip_through_the_cli(tmp_path):
    runner = CliRunner()
    book, out = tmp_path / "projects.xlsx", tmp_path / "case.yaml"
    result = runner.invoke(main, ["template", "--kind", "project", "--from", str(SAMPLE), str(book)])
    assert result.exit_code == 0, result.output
    assert load_workbook(book).sheetnames == ["填表说明", "基本信息", "高标准农田建设补助项目", "农产品质量安全监测项目",
                                              "农村人居环境整治项目"]
    result = runner.invoke(main, ["import", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = load_case(out)
    assert back.projects == load_case(SAMPLE).projects
    assert (back.department.id, back.department.name) == ("sample-nyj", "示例县农业农村局")


def _leaves(model: type[BaseModel], prefix: tuple = ()) -> set[tuple]:
    out = set()
    hints = typing.get_type_hints(model, include_extras=False)
    for name in model.model_fields:
        annotation = hints[name]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out |= _leaves(annotation, prefix + (name,))
        else:
            out.add(prefix + (name,))
    return out


def test_the_layout_has_a_place_for_every_field_of_the_records():
    """A field added to the records without a place on the form would silently fall out of the
    round trip; this names it instead."""
    project = {f.path for f in L.PROJECT_HEAD + L.PROJECT_EXTRA} | {p for _, p, _ in L.FUNDS_FIELDS}
    project |= {("narrative", k) for k in ("goals", "results", "problems", "improvements")} | {("indicators",)}
    # the 其中 rows under 年度资金总额 are the funding lines; the rate's step is computed, never filled
    project |= {("funding",), ("stated", "execution_rate_step")}
    project |= {("inputs",)}  # the 数据项 block (INPUTS_ANCHOR): one row per declared input
    assert _leaves(Project) == project
    department = {f.path for f in L.DEPARTMENT_FIELDS} | {("id",), ("name",), ("sector",), ("vetoes",), ("indicators",),
                                                          ("declared_counts",), ("spending", "public_lines"),
                                                          ("stated", "execution_rate_step"), ("inputs",)}
    department |= {("previous_year", group, name) for group, model in (("budget", DepartmentBudget),
                                                                       ("income", Income), ("spending", Spending))
                   for name in model.model_fields} - {f.path for f in L.DEPARTMENT_FIELDS}
    department |= {("narrative", k) for k in ("goals", "results", "problems", "improvements")}
    assert _leaves(Department) == department
    assert {c.field for c in L.INDICATOR_COLUMNS} == set(Indicator.model_fields)
    assert {c.field for c in L.VETO_COLUMNS} == set(VetoStatement.model_fields)
    assert {f.path[1] for f in L.INFO_FIELDS if f.path[0] == "department"} == {"id", "name", "sector"}


# ---- template → fill → import → score → xlsx -------------------------------------------------

def fill_project_workbook(path: Path, bad: dict[str, object] | None = None) -> None:
    """Fill a blank project template the way an evaluator would, cell by cell."""
    wb = load_workbook(path)
    info = wb["基本信息"]
    for label, value in {"案例编号": "test-2024", "单位名称": "测试区委政法委", "年度": 2024,
                         "部门编号": "test-zfw", "部门名称": "测试区委政法委"}.items():
        info.cell(row_of(info, label), 2).value = value
    ws = wb["项目1"]
    ws.title = "项目A"
    ws.cell(row_of(ws, "项目名称"), 3).value = "雪亮工程"
    ws.cell(row_of(ws, "项目编号"), 3).value = "xueliang"
    ws.cell(row_of(ws, "资金来源"), 3).value = "本级"
    ws.cell(row_of(ws, "是否涉密"), 3).value = "否"
    total = row_of(ws, "年度资金总额")
    ws.cell(total, 3).value = 67
    ws.cell(total, 4).value = 67
    ws.cell(total, 5).value = 56.18
    ws.cell(total + 1, 3).value = 67  # 其中：本年财政拨款
    ws.cell(total + 1, 4).value = 67
    ws.cell(total + 1, 5).value = 56.18
    ws.cell(row_of(ws, "结转结余（补充）"), 3).value = 10.82
    goals = row_of(ws, "年度总体目标") + 1
    ws.cell(goals, 3).value = "新建视频监控点位100个"
    ws.cell(goals, 6).value = "新建点位80个"
    first = row_of(ws, "绩效指标") + 2
    rows = [
        ["产出", "数量", "新建点位", 100, 80, 50, None, "两个乡镇选址未定", None, "定量", "≥", "个", None],
        ["效益", "社会效益", "治安状况改善", "明显改善", "可防性案件下降", 30, 27, None, None, "定性", None, None, "达成年度指标"],
        ["满意度", "服务对象满意度", "群众满意度", 90, 95, 10, None, None, None, "定量", "≥", "%", None],
    ]
    for r, values in enumerate(rows, first):
        for c, value in enumerate(values, 1):
            ws.cell(r, c).value = value
    problems = row_of(ws, "存在的问题") + 1
    ws.cell(problems, 1).value = "两个乡镇选址未定，点位建设滞后。"
    lst = wb["项目清单"]
    for c, value in enumerate(["weiwen", "维稳专项项目", "本级", "否", 30, 0, None, 30, 21.58, 8.42], 1):
        lst.cell(3, c).value = value
    for ref, value in (bad or {}).items():
        sheet, cell = ref.split("!")
        wb[sheet][cell].value = value
    wb.save(path)


def test_template_fill_import_score_to_xlsx(tmp_path):
    runner = CliRunner()
    book, case_file, results = tmp_path / "form.xlsx", tmp_path / "case.yaml", tmp_path / "results.xlsx"
    assert runner.invoke(main, ["template", "--kind", "project", str(book)]).exit_code == 0
    fill_project_workbook(book)
    result = runner.invoke(main, ["import", str(book), "-o", str(case_file)])
    assert result.exit_code == 0, result.output
    case = load_case(case_file)
    xueliang, weiwen = case.projects
    assert (xueliang.budget.final, xueliang.actual, xueliang.carryover) == (D("67.00"), D("56.18"), D("10.82"))
    assert str(xueliang.budget.final) == "67.00"  # the form's cells show two decimals
    assert [i.direction for i in xueliang.indicators] == [">=", None, ">="]
    assert xueliang.indicators[1].tier == "达成年度指标" and xueliang.indicators[1].self_score == D("27.00")
    assert xueliang.narrative.problems == ["两个乡镇选址未定，点位建设滞后。"]
    assert (weiwen.id, weiwen.budget.final, weiwen.actual) == ("weiwen", D("30.00"), D("21.58"))

    result = runner.invoke(main, ["score", str(case_file), "--format", "xlsx", "-o", str(results), "--engine", "native"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(results)
    assert wb.sheetnames == ["总分与等级", "指标得分", "问题与建议", "核对", "数据项"]  # department-overall declares inputs
    totals = wb["总分与等级"]
    header = [c.value for c in totals[1]]
    rows = {r[header.index("编号")]: r for r in totals.iter_rows(min_row=2, values_only=True)}
    row = rows["xueliang"]
    assert row[header.index("得分")] == pytest.approx(85.39) and isinstance(row[header.index("得分")], float)
    assert row[header.index("等级")] == "良"
    assert row[header.index("预算执行率")] == pytest.approx(0.8385)
    rate_cells = [r[header.index("预算执行率")] for r in totals.iter_rows(min_row=2) if r[header.index("编号")].value == "xueliang"]
    assert rate_cells[0].number_format == "0.00%"
    # 维稳: 21.58 ÷ 30 = 71.93% → 7.19, no indicators → not assessable, no grade
    assert rows["weiwen"][header.index("等级")] is None
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    scores = wb["指标得分"]
    execution = [r for r in scores.iter_rows(min_row=2, values_only=True) if r[2] == "weiwen" and r[5] == "预算执行率"]
    assert execution[0][8] == pytest.approx(7.19)
    # widths fit Chinese text: a column of 11-character names is at least 22 wide
    name_col = header.index("名称") + 1
    assert totals.column_dimensions[chr(64 + name_col)].width >= 2 * len("雪亮工程") + 2


def test_every_unreadable_cell_is_reported_with_sheet_and_cell(tmp_path):
    book = tmp_path / "form.xlsx"
    write_template(book, "project")
    wb = load_workbook(book)
    ws = wb["项目1"]
    total = row_of(ws, "年度资金总额")
    secret = row_of(ws, "是否涉密")
    direction = row_of(ws, "绩效指标") + 2
    fill_project_workbook(book, bad={f"项目A!E{total}": "完成", f"项目A!C{secret}": "可能",
                                     f"项目A!K{direction}": "大于", "项目清单!I3": "n/a"})
    with pytest.raises(CaseError) as caught:
        import_workbooks([book])
    messages = [str(p) for p in caught.value.problems]
    assert f'{book}:项目A!E{total}: “完成”不是数值' in messages
    assert f"{book}:项目A!C{secret}: “可能”不是是/否（可选：是、否）" in messages
    assert any(m.startswith(f"{book}:项目A!K{direction}: “大于”不是指标方向") for m in messages)
    assert f'{book}:项目清单!I3: “n/a”不是数值' in messages

    result = CliRunner().invoke(main, ["import", str(book), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 2
    assert f'项目A!E{total}: “完成”不是数值' in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_missing_required_field_points_at_its_cell(tmp_path):
    book = tmp_path / "form.xlsx"
    write_template(book, "project")
    ws = load_workbook(book)["项目1"]
    name_row = row_of(ws, "项目名称")
    fill_project_workbook(book, bad={f"项目A!C{name_row}": None})
    with pytest.raises(CaseError) as caught:
        import_workbooks([book])
    assert [str(p) for p in caught.value.problems] == [
        f"{book}:项目A!C{name_row}: 项目 xueliang，字段 projects.name：缺少必填字段"]


def test_funds_parts_are_kept_as_funding_lines_and_checked_by_the_ruleset(tmp_path, engine_name):
    """The 其中 rows are the report's funding lines, kept as stated (a real report's parts need not
    add up); the project ruleset's funding_adds_up check says so. Filled: 本年财政拨款 67 / 67 / 56.18,
    then 其他资金 1 in 全年执行数 only → executed 56.18 + 1 = 57.18 against the total 56.18."""
    book = tmp_path / "form.xlsx"
    write_template(book, "project")
    total = row_of(load_workbook(book)["项目1"], "年度资金总额")
    fill_project_workbook(book, bad={f"项目A!E{total + 3}": 1})  # 其他资金 1 more than the total
    case = import_workbooks([book])
    assert [(f.name, f.initial, f.budget, f.actual) for f in case.projects[0].funding] == [
        ("本年财政拨款", D(67), D(67), D("56.18")), ("其他资金", None, None, D(1))]
    result = evaluate_record(load_ruleset("mof-project-selfeval"), case.projects[0], case, engine=engine_name)
    check = next(c for c in result.checks if c.id == "funding_adds_up")
    # budgets: 67 + (其他资金 not stated) → unknown; executed 57.18 ≠ 56.18 → the check fails
    assert check.ok is False
    assert "执行数之和未填报" not in check.message and "与年度资金总额（全年预算67.00万元、全年执行数56.18万元）不一致" in check.message


def test_cells_read_as_the_decimals_they_show():
    assert str(_decimal(320, "0.00")) == "320.00"
    assert str(_decimal(7.4, "General")) == "7.4"
    assert str(_decimal(0.1 + 0.2, "0.00")) == "0.30"  # Excel's 15 significant digits, then the format
    assert str(_decimal(1.23456, "0.00")) == "1.23456"  # more decimals than shown: kept, never rounded
    assert str(_decimal("1,234.50", "@")) == "1234.50"
    with pytest.raises(Exception, match="百分比格式"):
        _decimal(0.95, "0%")


def test_text_that_begins_with_an_equals_sign_stays_text(tmp_path):
    case = load_case(SAMPLE)
    project = case.projects[0]
    odd = project.model_copy(update={"name": "=SUM(A1)项目",
                                     "narrative": project.narrative.model_copy(update={"problems": ["=问题"]})})
    case = case.model_copy(update={"projects": [odd]})
    path = tmp_path / "eq.xlsx"
    write_template(path, "project", case)
    assert import_workbooks([path]).projects == [odd]


# ---- columns by their header labels, merged cells, several workbooks, stated none ----------------

def test_swapped_funds_columns_read_by_their_labels(tmp_path):
    """年初预算数 and 全年执行数 swapped (headers and values): the import reads the same figures."""
    book = tmp_path / "form.xlsx"
    write_template(book, "project")
    fill_project_workbook(book)
    straight = import_workbooks([book])
    wb = load_workbook(book)
    ws = wb["项目A"]
    header, total = row_of(ws, "项目资金（万元）"), row_of(ws, "年度资金总额")
    for row in (header, total, total + 1):
        ws.cell(row, 3).value, ws.cell(row, 5).value = ws.cell(row, 5).value, ws.cell(row, 3).value
    wb.save(book)
    swapped = import_workbooks([book])
    assert swapped == straight
    assert (swapped.projects[0].budget.initial, swapped.projects[0].actual) == (D(67), D("56.18"))
    ws.cell(header, 5).value = "执行数合计"  # a header the form does not know: named, not guessed
    wb.save(book)
    with pytest.raises(CaseError) as caught:
        import_workbooks([book])
    assert f"{book}:项目A!A{header}: 表头缺少“年初预算数”列" in [str(p) for p in caught.value.problems]


def test_a_merged_value_cell_is_refused_as_merged(tmp_path):
    book = tmp_path / "form.xlsx"
    write_template(book, "project")
    fill_project_workbook(book)
    wb = load_workbook(book)
    ws = wb["项目A"]
    total = row_of(ws, "年度资金总额")
    ws.merge_cells(f"C{total}:E{total}")  # drops 全年预算数 and 全年执行数 from view
    wb.save(book)
    with pytest.raises(CaseError) as caught:
        import_workbooks([book])
    messages = [str(p) for p in caught.value.problems]
    assert f"{book}:项目A!E{total}: 单元格E{total}与其他单元格合并（C{total}:E{total}），其值无法单独读取：请取消合并，分别填写各栏" in messages
    assert not any("缺少必填字段" in m for m in messages)


def test_a_department_workbook_and_a_project_workbook_import_together(tmp_path):
    case = load_case(SAMPLE)
    department, projects = tmp_path / "dept.xlsx", tmp_path / "proj.xlsx"
    write_template(department, "department", case.model_copy(update={"projects": []}))
    write_template(projects, "project", case)
    assert import_workbooks([department, projects]) == case
    # a 基本信息 that disagrees is named, cell and both values
    wb = load_workbook(projects)
    info = wb["基本信息"]
    info.cell(row_of(info, "年度"), 2).value = 2023
    wb.save(projects)
    with pytest.raises(CaseError) as caught:
        import_workbooks([department, projects])
    assert [str(p) for p in caught.value.problems] == [
        f"{projects}:基本信息!A1: 年度为“2023”，与第一张基本信息（{department}:基本信息!A1）的“2024”不一致"]


def test_stated_as_none_survives_the_form_and_not_stated_stays_none(tmp_path):
    case = load_case(SEED)
    project = case.projects[0].model_copy(update={"indicators": None})  # not stated
    department = case.department.model_copy(update={"vetoes": [], "internal_units": []})  # stated as none
    case = case.model_copy(update={"department": department, "projects": [project]})
    path = tmp_path / "none.xlsx"
    write_template(path, "department", case)
    ws = load_workbook(path)["部门整体"]
    assert ws.cell(row_of(ws, "一票否决事项") + 2, 1).value == "（无）"
    back = import_workbooks([path])
    assert back.department.vetoes == [] and back.department.internal_units == []
    assert back.projects[0].indicators is None and back.department.indicators == []
    assert back == case
