"""Declared inputs (`inputs:`): a bureau's own data items, in YAML alone — typed values, errors at
the value's file:line, names checked at compile time, carried through extends/include, the 自评表,
JSON, xlsx and both engines. Figures are worked by hand in each test."""
import json
from decimal import Decimal as D

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import ENGINES, write
from jixiao.cli.main import main
from jixiao.core.errors import CaseError, RulesetError
from jixiao.forms.reader import import_workbooks
from jixiao.forms.template import write_template
from jixiao.outputs.publication import public_view
from jixiao.records.cases import load_case, load_case_data
from jixiao.records.inputs import InputSpec, typed_value
from jixiao.rulesets.loader import load_ruleset, load_sources
from jixiao.rulesets.view import flatten
from jixiao.scoring.evaluate import evaluate_case, evaluate_record

RULESET = """
id: t-inputs
title: 数据项测试
applies_to: department
provenance: test
inputs:
  department:
    assets_total: {label: 固定资产原值总额, type: amount, min: 0}
    assets_in_use: {label: 在用固定资产原值, type: amount, min: 0, section: 资产管理}
    disclosed: {label: 部门预算按规定公开, type: yesno}
    level: {label: 单位级别, type: choice, choices: [省级, 市级, 县级]}
  project:
    key: {label: 重点项目, type: yesno}
metrics:
  asset_use:
    expr: inputs.assets_in_use / inputs.assets_total
    round: 4
    format: pct
  key_spending:
    expr: sum(p.actual for p in projects if p.inputs.key)
    format: wan
indicators:
  - id: assets
    name: 固定资产利用率
    weight: 100
    method: {type: rate, value: asset_use, cap: 1}
findings:
  - id: not_disclosed
    when: not inputs.disclosed
    problem: "部门预算未按规定公开（固定资产原值总额{inputs.assets_total|wan}）。"
    improvement: 按时公开。
"""

CASE = """
case: {id: c, unit: 测试单位, year: 2024}
department:
  id: d
  name: 测试单位
  inputs: {assets_total: 200, assets_in_use: "180.50", disclosed: 否, level: 县级}
projects:
  - {id: p1, name: 项目一, actual: 10, inputs: {key: 是}}
  - {id: p2, name: 项目二, actual: 5.25, inputs: {key: 否}}
  - {id: p3, name: 项目三, actual: 7}
"""


@pytest.fixture
def files(tmp_path):
    return write(tmp_path, "rs.yaml", RULESET), write(tmp_path, "case.yaml", CASE)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_ruleset_reads_its_own_inputs_like_built_in_fields(files, engine):
    rs_path, case_path = files
    rs, case = load_ruleset(str(rs_path)), load_case(case_path)
    result = evaluate_case(case, rs, None, engine).department
    # 180.50 ÷ 200 = 0.9025 → 90.25 of 100; 项目三 does not state whether it is 重点, so the sum of
    # 重点 spending is unknown (never the smaller 10 of 项目一 alone)
    assert result.score == D("90.25")
    assert result.metrics["asset_use"] == D("0.9025") and result.metrics["key_spending"] is None
    stated = load_case_data(CASE.replace("{id: p3, name: 项目三, actual: 7}", "{id: p3, name: 项目三, actual: 7, inputs: {key: 否}}"))
    assert evaluate_case(stated, rs, None, engine).department.metrics["key_spending"] == D("10")
    assert [f.id for f in result.findings] == ["not_disclosed"]
    assert result.findings[0].problem == "部门预算未按规定公开（固定资产原值总额200.00万元）。"
    echoed = [(i.key, i.label, i.unit, i.value) for i in result.inputs]
    assert echoed == [("assets_total", "固定资产原值总额", "万元", D("200")), ("assets_in_use", "在用固定资产原值", "万元", D("180.50")),
                      ("disclosed", "部门预算按规定公开", "", False), ("level", "单位级别", "", "县级")]


def test_not_stated_is_none_and_makes_the_indicator_not_assessable(tmp_path, files):
    rs = load_ruleset(str(files[0]))
    case = load_case_data(CASE.replace('assets_in_use: "180.50", ', ""))
    result = evaluate_record(rs, case.department, case, "native")
    assert result.status == "not_assessable" and result.metrics["asset_use"] is None
    assert dict((i.key, i.value) for i in result.inputs)["assets_in_use"] is None


def test_json_echoes_inputs_only_where_a_ruleset_declares_them(files):
    rs_path, case_path = files
    out = CliRunner().invoke(main, ["score", str(case_path), "--ruleset", str(rs_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["department"]["inputs"][1] == {"key": "assets_in_use", "label": "在用固定资产原值", "type": "amount",
                                               "unit": "万元", "value": "180.50"}
    assert "inputs" not in data["projects"][0]  # mof-project-selfeval declares none


def test_public_output_withholds_a_classified_records_inputs():
    case = load_case_data("""
case: {id: c, unit: 测试单位, year: 2024}
department: {id: d, name: 测试单位}
projects:
  - {id: p1, name: 项目一, actual: 10, confidential: true, inputs: {households_planned: 10, households_linked: 9}}
  - {id: p2, name: 项目二, actual: 5, inputs: {households_planned: 10}}
""")
    result = evaluate_case(case, None, load_ruleset("local-rural-project"), "native")
    assert {i.key: i.value for i in result.projects[0].inputs}["households_linked"] == D(9)
    public = public_view(result)
    assert public.projects[0].inputs is None  # 涉密: its declared figures are withheld like the others
    assert {i.key: i.value for i in public.projects[1].inputs} == {"linkage_task": None, "households_planned": D(10),
                                                                   "households_linked": None}


@pytest.mark.parametrize("value, spec, expected", [
    ("1,234.56", {"type": "amount"}, D("1234.56")),
    ("96.12%", {"type": "rate"}, D("96.12")),
    (D(12), {"type": "count"}, D(12)),
    ("是", {"type": "yesno"}, True),
    ("未公开", {"type": "yesno"}, False),
    ("2024年3月1日", {"type": "date"}, "2024-03-01"),
    (D("10"), {"type": "text"}, "10"),
    ("007", {"type": "text"}, "007"),  # text keeps its zeros: only numbers Decimal writes back alike are numbers
    ("县级", {"type": "choice", "choices": ["省级", "县级"]}, "县级"),
    ("", {"type": "amount"}, None),
])
def test_values_are_typed_by_their_declaration(value, spec, expected):
    from jixiao.records.inputs import raw_input
    assert typed_value(InputSpec(label="数据项", **spec), raw_input(value)) == expected  # as a case would hold it
    assert typed_value(InputSpec(label="数据项", **spec), value) == expected


@pytest.mark.parametrize("value, spec, message", [
    ("很多", {"type": "amount"}, "“很多”不是数值"),
    ("56,18", {"type": "amount"}, "逗号只能用作千位分隔"),
    (D("-1"), {"type": "amount", "min": 0}, "-1低于下限0"),
    (D("101"), {"type": "rate", "max": 100}, "101高于上限100"),
    (D("2.5"), {"type": "count"}, "应为整数，不是2.5"),
    ("也许", {"type": "yesno"}, "应为“是”或“否”，不是“也许”"),
    ("2024-02-30", {"type": "date"}, "应为日期（如 2024-12-31），不是“2024-02-30”"),
    ("乡级", {"type": "choice", "choices": ["省级", "县级"]}, "“乡级”不是可选项（可选：省级、县级）"),
    (True, {"type": "amount"}, "应为数值，不是是/否"),
])
def test_a_value_that_does_not_fit_its_declaration_is_refused(value, spec, message):
    with pytest.raises(ValueError, match=message):
        typed_value(InputSpec(label="数据项", **spec), value)


def test_a_bad_value_names_file_line_record_and_input(files, tmp_path):
    rs_path, _ = files
    bad = write(tmp_path, "bad.yaml", CASE.replace('"180.50"', "很多"))
    out = CliRunner().invoke(main, ["score", str(bad), "--ruleset", str(rs_path)])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert f"{bad}:5:46:" in out.output  # the value itself
    assert "部门 d，字段 inputs.assets_in_use：在用固定资产原值：“很多”不是数值" in out.output


def test_places_are_read_again_from_the_file_and_not_from_a_changed_one(files, tmp_path):
    """The case does not hold its file's text while it is scored (37 MB for 10,000 projects): a
    place asked for later is read from the file again, and none is given if the file changed."""
    rs_path, _ = files
    bad = write(tmp_path, "bad.yaml", CASE.replace('"180.50"', "很多"))
    ruleset = load_ruleset(str(rs_path))
    for changed in (False, True):
        case = load_case(bad)
        if changed:
            bad.write_text("# 读取后改过\n" + bad.read_text(encoding="utf-8"), encoding="utf-8")
        with pytest.raises(CaseError) as raised:
            evaluate_case(case, ruleset, None)
        (problem,) = raised.value.problems
        assert (problem.location.file, problem.location.line) == (str(bad), None if changed else 5), problem


def test_an_input_no_ruleset_declares_is_refused_with_a_suggestion(files, tmp_path):
    rs_path, _ = files
    typo = write(tmp_path, "typo.yaml", CASE.replace("{key: 否}", "{kye: 否}"))
    out = CliRunner().invoke(main, ["score", str(typo), "--ruleset", str(rs_path)])
    assert out.exit_code == 2
    assert (f"{typo}:8:" in out.output and "项目 p2，字段 inputs.kye：数据项 `kye` 未在所用规则集（t-inputs 1、"
            "mof-project-selfeval 2024.1）中声明（是否应为 `key`？）" in out.output)


def test_a_required_input_not_stated_says_which(files, tmp_path):
    rs_path, case_path = files
    strict = write(tmp_path, "strict.yaml", RULESET.replace("{label: 单位级别, type: choice,",
                                                              "{label: 单位级别, required: true, type: choice,"))
    case = load_case_data(CASE.replace(", level: 县级", ""))
    with pytest.raises(CaseError, match="必填数据项“单位级别”未填报"):
        evaluate_case(case, load_ruleset(str(strict)), None, "native")


def test_an_undeclared_input_in_an_expression_is_a_compile_error_with_did_you_mean(tmp_path):
    bad = write(tmp_path, "rs.yaml", RULESET.replace("inputs.assets_in_use /", "inputs.asets_in_use /"))
    with pytest.raises(RulesetError) as exc:
        load_ruleset(str(bad))
    assert "数据项 `inputs.asets_in_use` 未在规则集的 inputs: 中声明" in str(exc.value)
    assert "assets_in_use" in str(exc.value).split("未在规则集的 inputs: 中声明")[1]
    assert f"{bad}:" in str(exc.value)


def test_an_inputs_type_is_checked_at_compile_time(tmp_path):
    bad = write(tmp_path, "rs.yaml", RULESET.replace("when: not inputs.disclosed", "when: inputs.disclosed > 1"))
    with pytest.raises(RulesetError, match="比较 > 需要数值，`inputs.disclosed`是是/否"):
        load_ruleset(str(bad))


@pytest.mark.parametrize("spec, message", [
    ("{label: 级别, type: choice}", "choice 类型须写明 `choices`"),
    ("{label: 级别, type: text, min: 1}", "只有 amount、rate、count 类型可写 `min`/`max`"),
    ("{label: 级别, type: amount, min: 5, max: 1}", "`min` 5 大于 `max` 1"),
    ("{label: 级别, type: money}", "type"),
])
def test_a_bad_declaration_is_a_ruleset_error(tmp_path, spec, message):
    bad = write(tmp_path, "rs.yaml", RULESET.replace("{label: 单位级别, type: choice, choices: [省级, 市级, 县级]}", spec))
    with pytest.raises(RulesetError, match=message):
        load_ruleset(str(bad))


def test_extends_adds_relabels_and_drops_inputs(files, tmp_path):
    write(tmp_path, "parent.yaml", RULESET)
    child = write(tmp_path, "child.yaml", """
        id: t-child
        extends: parent.yaml
        title: 子规则
        provenance: test
        inputs:
          department:
            assets_total: {label: 固定资产账面原值}
            level: null
            staff_rooms: {label: 办公用房面积, type: amount, unit: 平方米}
    """)
    specs = load_ruleset(str(child)).inputs["department"]
    assert list(specs) == ["assets_total", "assets_in_use", "disclosed", "staff_rooms"]
    assert specs["assets_total"].label == "固定资产账面原值" and specs["assets_total"].type == "amount"
    assert specs["staff_rooms"].shown_unit == "平方米"
    entries = flatten(load_sources(str(child)))
    assert entries[("input", "department.assets_total")].origins["label"].file == str(child)


def test_include_brings_its_inputs_and_a_conflicting_declaration_is_an_error(tmp_path):
    write(tmp_path, "extra.yaml", """
        id: t-extra
        title: 附加
        applies_to: department
        provenance: test
        inputs:
          department:
            rooms: {label: 办公用房面积, type: amount, unit: 平方米}
        findings:
          - {id: big, when: inputs.rooms > 1000, problem: 面积大, improvement: 压减}
    """)
    main_rs = write(tmp_path, "main.yaml", RULESET + "include: [extra.yaml]\n")
    assert "rooms" in load_ruleset(str(main_rs)).inputs["department"]
    clash = write(tmp_path, "clash.yaml", RULESET.replace("  project:\n", "    rooms: {label: 面积, type: count}\n  project:\n")
                  + "include: [extra.yaml]\n")
    with pytest.raises(RulesetError, match="数据项 `rooms` 在所含规则集中声明不一致"):
        load_ruleset(str(clash))


def test_the_form_carries_inputs_there_and_back(files, tmp_path):
    rs_path, case_path = files
    rs, case = load_ruleset(str(rs_path)), load_case(case_path)
    book = tmp_path / "form.xlsx"
    write_template(book, "department", case, rs.inputs)
    ws = openpyxl.load_workbook(book)["部门整体"]
    rows = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1)}
    row = rows["assets_in_use"]
    assert [ws.cell(row, c).value for c in (1, 2, 5)] == ["资产管理", "在用固定资产原值", "万元"]
    kinds = {v.type for v in ws.data_validations.dataValidation if f"D{rows['disclosed']}" in str(v.sqref)}
    assert kinds == {"list"}
    back = import_workbooks([book])
    assert back.department.inputs == {"assets_total": D("200"), "assets_in_use": D("180.50"), "disclosed": "否", "level": "县级"}
    assert back.department.inputs == case.department.inputs  # as the case wrote them: typed when scored
    assert back.projects[0].inputs == {"key": "是"}
    assert evaluate_case(back, rs, None, "native").department.score == D("90.25")


def test_a_form_value_without_a_key_is_a_problem(files, tmp_path):
    rs_path, case_path = files
    book = tmp_path / "form.xlsx"
    write_template(book, "department", load_case(case_path), load_ruleset(str(rs_path)).inputs)
    wb = openpyxl.load_workbook(book)
    ws = wb["部门整体"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "level")
    ws.cell(row, 3).value = None
    wb.save(book)
    with pytest.raises(CaseError, match=f"部门整体!D{row}: 此行填了值但没有数据项的键"):
        import_workbooks([book])


def test_show_diff_and_xlsx_list_the_inputs(files, tmp_path):
    rs_path, case_path = files
    runner = CliRunner()
    shown = runner.invoke(main, ["rulesets", "show", str(rs_path)]).output
    assert "department.assets_in_use" in shown and "在用固定资产原值" in shown and "资产管理" in shown
    new = write(tmp_path, "new.yaml", RULESET.replace("    disclosed: {label: 部门预算按规定公开, type: yesno}\n", "")
                .replace("when: not inputs.disclosed", "when: asset_use < 0.5"))
    changed = runner.invoke(main, ["rulesets", "diff", str(rs_path), str(new)]).output
    assert "- 数据项 department.disclosed: label 部门预算按规定公开, type yesno" in changed
    out = tmp_path / "r.xlsx"
    assert runner.invoke(main, ["score", str(case_path), "--ruleset", str(rs_path), "--format", "xlsx", "-o", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["数据项"]
    assert [c.value for c in sheet[3]][4:7] == ["在用固定资产原值", "assets_in_use", 180.5]


def test_the_text_output_states_each_input_in_a_sentence(files):
    rs_path, case_path = files
    out = CliRunner().invoke(main, ["score", str(case_path), "--ruleset", str(rs_path)]).output
    assert "数据项：固定资产原值总额 200万元；在用固定资产原值 180.50万元；部门预算按规定公开 否；单位级别 县级" in out


def test_the_shipped_locality_example_scores_its_own_indicator():
    """local-rural-project: 联农带农 170 of 200 households = 85.00% × 5 = 4.25 (its own `tests:` too)."""
    rs = load_ruleset("local-rural-project")
    case = load_case_data("""
        case: {id: r, unit: 示例县乡村振兴局, year: 2024}
        department: {id: x, name: 示例县乡村振兴局}
        projects:
          - {id: cy, name: 示例村特色种植基地, budget: {final: 100}, actual: 95,
             inputs: {households_planned: 200, households_linked: 170}}
    """.replace("\n        ", "\n"))
    result = evaluate_record(rs, case.projects[0], case, "native")
    linkage = next(i for i in result.indicators if i.id == "linkage")
    assert linkage.score == D("4.25") and result.metrics["linkage_rate"] == D("0.8500")
    assert result.findings[0].problem == "示例村特色种植基地计划带动脱贫户（监测户）200户，实际带动170户，完成85.00%，联农带农目标未完成。"
