"""`applies_when`: the 平安建设 veto set judges 政法 units only; conditions on includes, vetoes,
checks, findings and indicators; a condition reading a field the record lacks is rejected where it
is written. An indicator that does not apply is 不适用: it scores nothing and the total is rescaled
over the indicators that apply (as a finance bureau's 不适用指标 are).

Before conditions, department-overall included pingan-veto for every department: a township, a
finance office and a data centre each failed `veto_items_stated` ("未逐项说明一票否决事项是否发生")
because their reports, rightly, say nothing of 政法 veto items.
"""
from decimal import Decimal as D

import pytest

from conftest import SEED
from jixiao import evaluate_case, load_case
from jixiao.core.errors import RulesetError
from jixiao.records.model import Case
from jixiao.rulesets.loader import load_ruleset
from jixiao.scoring.evaluate import evaluate_record


def department(**fields):
    base = {"id": "d", "name": "测试镇人民政府", "budget": {"initial": 100},
            "spending": {"total": 100, "basic": 100, "personnel": 90, "public": 10, "project": 0}}
    return Case.model_validate({"case": {"id": "t", "unit": "测试镇", "year": 2024}, "department": dict(base, **fields)})


def dept_result(case, engine="native", ruleset="department-overall"):
    return evaluate_record(load_ruleset(ruleset), case.department, case, engine)


@pytest.mark.parametrize("sector", ["乡镇", "财政", None])
def test_a_unit_outside_zhengfa_is_not_told_to_state_veto_items(sector, engine_name):
    result = dept_result(department(sector=sector), engine_name)
    assert "veto_items_stated" not in {c.id for c in result.checks}
    assert result.vetoes == []
    # the department-overall checks of its own still run: 90 + 10 = 100 = basic, 100 + 0 = total
    assert {c.id: c.ok for c in result.checks}["spending_parts"] is True


def test_a_zhengfa_unit_is_judged_by_the_veto_set(engine_name):
    unstated = dept_result(department(sector="政法"), engine_name)  # not stated: cannot be checked
    assert {c.id: c.ok for c in unstated.checks}["veto_items_stated"] is None
    silent = dept_result(department(sector="政法", vetoes=[]), engine_name)  # stated as none
    assert {c.id: c.ok for c in silent.checks}["veto_items_stated"] is False
    occurred = dept_result(department(sector="政法", vetoes=[{"item": "暴力恐怖案事件", "code": "terrorism",
                                                              "occurred": True}]), engine_name)
    assert [v.id for v in occurred.vetoes] == ["terrorism"] and occurred.grade == "差"


def test_the_seed_is_a_zhengfa_unit_whose_items_are_stated(engine_name):
    case = load_case(SEED)
    assert case.department.sector == "政法"
    result = dept_result(case, engine_name)
    assert {c.id: c.ok for c in result.checks}["veto_items_stated"] is True and result.vetoes == []


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "id: {id}\ntitle: t\napplies_to: department\nprovenance: p\n"


def test_a_condition_reading_a_missing_field_is_rejected_at_its_line(tmp_path):
    write(tmp_path, "veto.yaml", HEAD.format(id="veto") + "checks:\n  - {id: c, name: c, assert: len(vetoes) > 0, message: m}\n")
    main = write(tmp_path, "main.yaml", HEAD.format(id="main") + "include:\n  - {ruleset: veto.yaml, applies_when: sectr == \"政法\"}\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(main))
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{main}:6:")
    assert "未知名称`sectr`" in str(problem) and "sector" in str(problem)


def test_a_projects_ruleset_cannot_read_a_department_field(tmp_path):
    path = write(tmp_path, "p.yaml", "id: p\ntitle: t\napplies_to: project\nprovenance: p\nfindings:\n"
                                     "  - {id: f, when: actual > 0, problem: x, improvement: y, applies_when: sector == \"政法\"}\n")
    with pytest.raises(RulesetError, match="未知名称`sector`"):
        load_ruleset(str(path))


def test_conditions_on_single_parts(tmp_path, engine_name):
    path = write(tmp_path, "parts.yaml", HEAD.format(id="parts") + """\
checks:
  - {id: town_only, name: 乡镇核对, assert: spending.total > 0, message: m, applies_when: sector == "乡镇"}
  - {id: always, name: 总是核对, assert: spending.total > 0, message: m}
findings:
  - {id: zhengfa_only, when: spending.total > 0, problem: 问题, improvement: 措施, applies_when: sector == "政法"}
vetoes:
  - {id: v, name: v, when: spending.total > 0, effect: {type: deduct, points: 1}, reason: r, applies_when: sector == "政法"}
""")
    town = dept_result(department(sector="乡镇"), engine_name, str(path))
    assert [c.id for c in town.checks] == ["town_only", "always"] and town.findings == [] and town.vetoes == []
    zhengfa = dept_result(department(sector="政法"), engine_name, str(path))
    assert [c.id for c in zhengfa.checks] == ["always"]
    assert [f.id for f in zhengfa.findings] == ["zhengfa_only"] and [v.id for v in zhengfa.vetoes] == ["v"]
    unstated = dept_result(department(), engine_name, str(path))  # sector not stated: nothing conditional applies
    assert [c.id for c in unstated.checks] == ["always"] and unstated.findings == [] and unstated.vetoes == []


def test_a_syntax_error_in_a_guarded_part_is_reported_where_it_was_written(tmp_path):
    path = write(tmp_path, "bad.yaml", HEAD.format(id="bad") + "findings:\n"
                 "  - id: f\n    applies_when: sector == \"政法\"\n    when: spending.total >\n    problem: x\n    improvement: y\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(path))
    assert str(caught.value.problems[0]).startswith(f"{path}:8:")


def test_the_sample_county_is_unchanged(engine_name):
    # sample-county states no sector: its 96.18 优 never depended on the veto set (no veto stated)
    from conftest import SAMPLE
    case = load_case(SAMPLE)
    result = evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"), engine_name)
    assert str(result.department.score) == "96.18" and result.department.grade == "优"


INDICATORS = HEAD.format(id="ind") + """\
metrics:
  execution: {expr: spending.total / budget.initial, round: 4, format: pct}
indicators:
  - id: common
    name: 预算执行
    weight: 60
    method: {type: rate, value: execution, cap: 1}
  - id: zhengfa
    name: 平安建设
    weight: 40
    applies_when: sector == "政法"
    children:
      - {id: z1, name: 平安建设考核, weight: 25, method: {type: rate, value: execution, cap: 1}}
      - id: z2
        name: 禁毒工作
        weight: 15
        applies_when: staff.authorized > 10
        method: {type: rate, value: execution, cap: 1}
"""


def test_an_indicator_group_for_another_kind_of_unit_is_not_applicable(tmp_path, engine_name):
    # 执行 80 of 100 → 80.00%. A township: 平安建设 (40) 不适用, 预算执行 0.8 × 60 = 48.00 of the 60
    # that apply → 48.00 ÷ 60 × 100 = 80.00.
    path = write(tmp_path, "ind.yaml", INDICATORS)
    case = department(sector="乡镇", spending={"total": 80})
    result = dept_result(case, engine_name, str(path))
    scores = {i.id: (i.score, i.status) for i in result.indicators}
    assert scores == {"common": (D("48.00"), "scored"), "z1": (None, "not_applicable"), "z2": (None, "not_applicable")}
    assert str(result.score) == "80.00" and result.status == "scored"
    assert "不属于本指标适用范围" in next(i.detail for i in result.indicators if i.id == "z1")


def test_a_condition_inside_an_applying_group_rescales_only_its_indicator(tmp_path, engine_name):
    # a 政法 unit with 8 authorized staff: 禁毒工作 (15) 不适用; 48.00 + 0.8 × 25 = 20.00 → 68.00 of 85
    # → 68.00 ÷ 85 × 100 = 80.00. With 12 staff every indicator applies: 48 + 20 + 12 = 80.00 of 100.
    path = write(tmp_path, "ind.yaml", INDICATORS)
    small = dept_result(department(sector="政法", spending={"total": 80}, staff={"authorized": 8}), engine_name, str(path))
    assert {i.id: i.status for i in small.indicators} == {"common": "scored", "z1": "scored", "z2": "not_applicable"}
    assert [i.score for i in small.indicators] == [D("48.00"), D("20.00"), None] and str(small.score) == "80.00"
    large = dept_result(department(sector="政法", spending={"total": 70}, staff={"authorized": 12}), engine_name, str(path))
    # 70.00%: 42.00 + 17.50 + 10.50 = 70.00, no rescaling
    assert [i.score for i in large.indicators] == [D("42.00"), D("17.50"), D("10.50")] and str(large.score) == "70.00"


def test_an_indicator_whose_condition_is_not_stated_does_not_apply_and_says_why(tmp_path, engine_name):
    path = write(tmp_path, "ind.yaml", INDICATORS)
    result = dept_result(department(spending={"total": 80}), engine_name, str(path))  # sector not stated
    z1 = next(i for i in result.indicators if i.id == "z1")
    assert z1.status == "not_applicable" and "适用条件所需数据未填报" in z1.detail and "未填报万元" not in z1.detail
    assert str(result.score) == "80.00"


def test_no_indicator_applying_leaves_the_record_not_assessable(tmp_path, engine_name):
    text = HEAD.format(id="none") + ("indicators:\n  - {id: only, name: 平安建设, weight: 100, applies_when: sector == \"政法\", "
                                     "method: {type: rate, value: spending.total / budget.initial, cap: 1}}\n")
    result = dept_result(department(sector="乡镇"), engine_name, str(write(tmp_path, "none.yaml", text)))
    assert result.score is None and result.status == "not_assessable" and result.indicators[0].status == "not_applicable"


def test_an_indicator_condition_reading_a_missing_field_is_rejected_at_its_line(tmp_path):
    path = write(tmp_path, "bad.yaml", INDICATORS.replace('applies_when: sector == "政法"', 'applies_when: sectr == "政法"'))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(path))
    (problem,) = caught.value.problems
    line = INDICATORS.splitlines().index('    applies_when: sector == "政法"') + 1
    assert str(problem).startswith(f"{path}:{line}:") and "`sectr`" in str(problem) and "sector" in str(problem)


def test_an_indicator_condition_that_is_not_yes_or_no_is_a_ruleset_error(tmp_path):
    path = write(tmp_path, "bad.yaml", INDICATORS.replace('applies_when: sector == "政法"', "applies_when: spending.total"))
    with pytest.raises(RulesetError, match="应得出是/否，实为数值"):
        load_ruleset(str(path))


def test_extends_can_put_a_condition_on_a_parents_indicator(tmp_path, engine_name):
    # the township's bureau makes department-overall's 产出 (30) apply only to units that state
    # any performance indicator: the seed-like department without indicators is then scored on the rest
    child = write(tmp_path, "child.yaml", "id: child\nextends: department-overall\ntitle: t\nprovenance: p\n"
                                          "indicators:\n  - id: output\n    applies_when: sector == \"政法\"\n")
    compiled = load_ruleset(str(child))
    result = evaluate_record(compiled, department(sector="乡镇").department, department(sector="乡镇"), engine_name)
    assert {i.id: i.status for i in result.indicators}["output"] == "not_applicable"
    parent = evaluate_record(load_ruleset("department-overall"), department(sector="乡镇").department, department(sector="乡镇"), engine_name)
    assert {i.id: i.status for i in parent.indicators}["output"] != "not_applicable"


def test_the_report_says_how_a_total_over_the_applying_indicators_was_rescaled(tmp_path):
    # local-rural-project's third test record: 联农带农 (5) 不适用, 9.50 + 50 + 25 + 10 = 94.50 of 95 → 99.47
    from click.testing import CliRunner
    from jixiao.cli.main import main
    case = write(tmp_path, "case.yaml", """\
case: {id: t-rural-3, unit: 示例县乡村振兴局, year: 2024}
department: {id: t-xczx, name: 示例县乡村振兴局}
projects:
  - id: cy-3
    name: 示例村通组道路硬化
    budget: {final: 100}
    actual: 95
    indicators:
      - {level1: 产出, level2: 数量, name: 硬化道路长度, direction: ">=", target: 100, actual: 100, unit: 公里}
      - {level1: 效益, level2: 经济效益, name: 降低农产品运输成本, direction: ">=", target: 20, actual: 20, unit: 万元}
      - {level1: 满意度, level2: 服务对象满意度, name: 沿线群众满意度, direction: ">=", target: 90, actual: 95, unit: "%"}
    inputs: {linkage_task: false}
""")
    out = CliRunner().invoke(main, ["report", str(case), "--ruleset", "local-rural-project"])
    assert out.exit_code == 0, out.output
    assert ("得分99.47分（满分100分），等级为“优”。其中联农带农不适用，其分值5分不计，"
            "按其余95分所得94.50分折算为100分制（94.50÷95×100）。") in out.output


def test_show_and_diff_name_an_indicators_condition(tmp_path):
    from click.testing import CliRunner
    from jixiao.cli.main import main
    shown = CliRunner().invoke(main, ["rulesets", "show", "local-rural-project"])
    row = next(line for line in shown.output.splitlines() if line.startswith("linkage "))
    assert "inputs.linkage_task is None or inputs.linkage_task" in row and "适用条件" in shown.output
    child = write(tmp_path, "child.yaml", "id: child\nextends: department-overall\ntitle: t\nprovenance: p\n"
                                          "indicators:\n  - id: output\n    applies_when: sector == \"政法\"\n")
    diff = CliRunner().invoke(main, ["rulesets", "diff", "department-overall", str(child)])
    assert f'~ 指标 output applies_when: （无） → sector == "政法"  ({child}:7)' in diff.output
