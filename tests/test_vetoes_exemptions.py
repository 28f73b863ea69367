"""一票否决 effects and 涉密 exemptions, on the constructed sample (its department scores 96.18 优:
5 + 5 + 5 + 13.35 + 10 + 4 + 5 + 29.93 + 18.90)."""
from decimal import Decimal as D

import pytest

from conftest import SAMPLE, by_id
from jixiao import evaluate_case, evaluate_record, load_case, public_view
from jixiao.records.model import VetoStatement


@pytest.fixture(scope="module")
def sample():
    return load_case(SAMPLE)


def with_event(case, code, occurred=True):
    # the 平安建设 veto set applies to 政法 units only (department-overall includes it with
    # applies_when: sector == "政法"), so the sample's department is made one to test the effects
    statements = [VetoStatement(item=f"事项 {code}", code=code, occurred=occurred, note="报告写明发生")]
    department = case.department.model_copy(update={"vetoes": statements, "sector": "政法"})
    return case.model_copy(update={"department": department})


def dept_result(case, department_rs, engine_name):
    return evaluate_record(department_rs, case.department, case, engine_name)


def test_sample_department_scores_without_veto(sample, department_rs, engine_name):
    result = dept_result(sample, department_rs, engine_name)
    assert (result.score, result.grade, result.status, result.vetoes) == (D("96.18"), "优", "scored", [])


def test_grade_cap(sample, department_rs, engine_name):
    result = dept_result(with_event(sample, "mass_incident"), department_rs, engine_name)
    assert result.status == "vetoed"
    assert result.score == D("96.18") and result.grade == "中"  # 优 capped at 中
    assert result.vetoes[0].id == "mass_incident" and result.vetoes[0].effect == "grade_cap"
    assert "重大群体性事件" in result.vetoes[0].reason


def test_fixed_deduction(sample, department_rs, engine_name):
    result = dept_result(with_event(sample, "stability_opinion"), department_rs, engine_name)
    assert result.score == D("66.18") and result.grade == "中"  # 96.18 − 30


def test_disqualification(sample, department_rs, engine_name):
    result = dept_result(with_event(sample, "political_security"), department_rs, engine_name)
    assert result.grade == "差" and result.status == "vetoed"


def test_event_not_occurred_or_not_stated_does_not_veto(sample, department_rs, engine_name):
    for occurred in (False, None):
        result = dept_result(with_event(sample, "terrorism", occurred), department_rs, engine_name)
        assert result.vetoes == [] and result.grade == "优"


def test_uncoded_event_that_occurred_is_capped(sample, department_rs, engine_name):
    result = dept_result(with_event(sample, None), department_rs, engine_name)
    assert [v.id for v in result.vetoes] == ["other_stated_event"] and result.grade == "中"


def test_deduction_and_cap_together(sample, department_rs, engine_name):
    statements = [VetoStatement(item="a", code="cyber_security", occurred=True),
                  VetoStatement(item="b", code="serious_crime", occurred=True)]
    case = sample.model_copy(update={"department": sample.department.model_copy(update={"vetoes": statements,
                                                                                           "sector": "政法"})})
    result = dept_result(case, department_rs, engine_name)
    assert result.score == D("66.18") and result.grade == "中"
    assert {v.id for v in result.vetoes} == {"serious_crime", "cyber_security"}


def test_classified_project_is_exempt_and_left_out_of_public_output(seed_case, department_rs, project_rs, engine_name):
    full = evaluate_case(seed_case, department_rs, project_rs, engine_name)
    fanxie = by_id(full.projects, "fanxie")
    assert fanxie.status == "exempt" and fanxie.checks  # internally its checks are still there
    public = public_view(full)
    hidden = by_id(public.projects, "fanxie")
    assert hidden.metrics == {} and hidden.checks == [] and hidden.indicators == [] and hidden.findings == []
    assert hidden.exemptions[0].reason.startswith("项目为涉密项目，不作公开评价")
    assert "7.4" not in hidden.model_dump_json()  # not its spending, not anything derived from it
    # the department's totals still include it
    assert public.department.metrics["projects_actual"] == D("140.72")
    assert by_id(public.projects, "xueliang").metrics["execution_rate"] == D("0.8385")
