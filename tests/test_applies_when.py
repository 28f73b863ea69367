"""`applies_when`: the 平安建设 veto set judges 政法 units only; conditions on includes, vetoes,
checks and findings; a condition reading a field the record lacks is rejected where it is written.

Before conditions, department-overall included pingan-veto for every department: a township, a
finance office and a data centre each failed `veto_items_stated` ("未逐项说明一票否决事项是否发生")
because their reports, rightly, say nothing of 政法 veto items.
"""
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
