"""The record model's new distinctions, and the report's own figures checked against jixiao's.

Hand-worked: budget 100.00, actual 96.127 → 96.127%; a rate printed with two decimals may differ
by half a unit (0.005%) when rounded; 96.12% is 96.127% cut short by 0.007 (< one unit, 0.01):
truncated; 96.20% is 0.073 above it: wrong.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao import evaluate_record, load_ruleset
from jixiao.core.errors import CaseError
from jixiao.core.yamlsource import LineMap
from jixiao.records.cases import case_from_data


def case_of(project: dict | None = None, department: dict | None = None):
    data = {"case": {"id": "t", "unit": "测试单位", "year": 2024},
            "department": {"id": "d", "name": "测试单位", **(department or {})},
            "projects": [{"id": "p", "name": "测试项目", **project}] if project is not None else []}
    return case_from_data(data, LineMap("<test>"))


def checks(case, engine, record=None, ruleset="mof-project-selfeval"):
    record = record or case.projects[0]
    return {c.id: c for c in evaluate_record(load_ruleset(ruleset), record, case, engine=engine).checks}


@pytest.mark.parametrize("printed, matches, not_wrong", [
    ("96.13%", True, True),    # rounded
    ("96.12%", False, True),   # truncated: told apart from wrong
    ("96.20%", False, False),  # wrong
])
def test_a_rounded_a_truncated_and_a_wrong_stated_rate(engine_name, printed, matches, not_wrong):
    case = case_of({"budget": {"final": "100.00"}, "actual": "96.127", "stated": {"execution_rate": printed}})
    got = checks(case, engine_name)
    assert (got["stated_rate_matches"].ok, got["stated_rate_not_wrong"].ok) == (matches, not_wrong)
    if not matches:
        assert got["stated_rate_matches"].message == (
            f"测试项目报告所列预算执行率{printed[:-1]}%，按全年预算100.00万元、全年执行数96.13万元计算为96.13%，二者不一致。")


def test_the_printed_decimals_set_the_tolerance():
    case = case_of({"stated": {"execution_rate": "100.00%"}})
    assert case.projects[0].stated.execution_rate == D("100.00")
    assert case.projects[0].stated.execution_rate_step == D("0.0001")  # one unit of 100.00%, as a fraction
    assert case_of({"stated": {"execution_rate": 20}}).projects[0].stated.execution_rate_step == D("0.01")
    # the step is computed, never part of the case written back
    assert "execution_rate_step" not in case.projects[0].stated.model_dump()


def test_not_stated_is_none_and_stated_as_none_is_an_empty_list():
    silent = case_of({})
    assert silent.projects[0].indicators is None and silent.department.vetoes is None
    assert silent.department.narrative.problems is None
    empty = case_of({"indicators": []}, {"vetoes": [], "narrative": {"problems": []}})
    assert empty.projects[0].indicators == [] and empty.department.vetoes == []
    assert empty.department.narrative.problems == []


def test_absent_indicators_are_not_assessable_unless_stated_absent(engine_name):
    """No indicator table seen → no "未设置量化绩效指标"; a report stating none → the check fails."""
    silent = evaluate_record(load_ruleset("mof-project-selfeval"), (c := case_of({"actual": 1})).projects[0], c,
                             engine=engine_name)
    assert {x.id: x.ok for x in silent.checks}["has_quantified_indicators"] is None
    assert "no_quantified_indicators" not in [f.id for f in silent.findings]
    stated = evaluate_record(load_ruleset("mof-project-selfeval"), (c := case_of({"actual": 1, "indicators": []})).projects[0],
                             c, engine=engine_name)
    assert {x.id: x.ok for x in stated.checks}["has_quantified_indicators"] is False
    assert "no_quantified_indicators" in [f.id for f in stated.findings]


def test_level1_written_with_its_suffix_and_an_unknown_one():
    row = {"name": "甲", "target": 1, "actual": 1, "direction": ">="}
    case = case_of({"indicators": [{**row, "level1": "产出指标"}, {**row, "level1": "满意度指标"}]})
    assert [i.level1 for i in case.projects[0].indicators] == ["产出", "满意度"]
    with pytest.raises(CaseError) as caught:
        case_of({"indicators": [{**row, "level1": "其他指标"}]})
    assert "未知的一级指标“其他指标”" in str(caught.value.problems[0])


def test_funding_source_beyond_the_five_values_is_kept_as_written():
    assert case_of({"funding_source": "财政资金"}).projects[0].funding_source == "财政资金"
    assert case_of({"funding_source": "本级"}).projects[0].funding_source.value == "本级"


def test_a_declared_count_is_a_total_and_its_parts(engine_name):
    """6 declared, parts 4 + 1 = 5 → the parts check fails; a bare number is a total."""
    case = case_of(department={"declared_counts": {"special_funds": {"total": 6, "parts": {"年初": 4, "上级": 1}}}})
    count = case.department.declared_counts["special_funds"]
    assert (count.total, count.parts_total) == (6, 5)
    got = checks(case, engine_name, case.department, "department-overall")["declared_count_parts"]
    assert got.ok is False and got.message == "报告称专项资金共6个，而所列各类之和为5个。"
    assert case_of(department={"declared_counts": {"x": 3}}).department.declared_counts["x"].total == 3


def test_project_sums_need_a_complete_list_and_say_which_level_is_short(engine_name):
    """Listed 60 + 50 = 110 > 项目支出 100: the department is short, whether or not the list is whole;
    the equality is checked only when the list is stated complete."""
    projects = [{"id": "a", "name": "甲", "actual": 60}, {"id": "b", "name": "乙", "actual": 50}]
    for complete, add_up in ((None, None), (True, False)):
        data = {"case": {"id": "t", "unit": "u", "year": 2024}, "projects": projects,
                "department": {"id": "d", "name": "u", "spending": {"project": 100}, "projects_complete": complete}}
        case = case_from_data(data, LineMap("<test>"))
        got = checks(case, engine_name, case.department, "department-overall")
        assert got["projects_add_up"].ok is add_up
        assert got["projects_spending_within_department"].ok is False
        assert got["projects_spending_within_department"].message == \
            "所列项目支出之和110.00万元超过部门项目支出100.00万元：部门层面的支出数据偏少。"


def test_scoring_tells_a_missing_table_from_one_stated_empty(engine_name):
    rs = load_ruleset("mof-project-selfeval")
    silent, empty = case_of({"actual": 1}), case_of({"actual": 1, "indicators": []})
    def detail(case):
        result = evaluate_record(rs, case.projects[0], case, engine=engine_name)
        return next(i.detail for i in result.indicators if i.id == "output")
    assert detail(silent).startswith("未填报产出指标")
    assert detail(empty).startswith("报告未设产出指标")


def test_a_case_round_trips_through_its_json_contract():
    """The JSON a case dumps (computed fields left out) validates back to the same case."""
    from jixiao import load_case
    from jixiao.records.model import Case
    from conftest import SAMPLE
    case = load_case(SAMPLE)
    text = case.model_dump_json()
    assert "execution_rate_step" not in text and "parts_total" not in text
    back = Case.model_validate_json(text)
    assert back == case and back.projects[0].stated.execution_rate_step == D("0.0001")
    assert back.department.three_public.reception.actual == D("4.20")
