"""The native engine and durable-rules agree on every record: every shipped case, and thousands of
generated project and department records for every shipped ruleset.

Generated figures are exact decimals (mostly 2 places, some with up to 8, which no double holds
exactly), missing values, and values that land exactly on the thresholds the shipped rulesets
use: execution rate 0.9 and 1, gaps of exactly 0.01, carryover rates 0.05 / 0.1 / 0.2,
adjustment rates 0 … 0.3, staff at 100%, self-scores on the edges of their tier's band, veto
statements with every code and occurred true/false/unknown. The whole RecordResult is compared
(as JSON, `engine` left out): scores, statuses, vetoes, exemptions, checks, findings, texts. When
an engine raises, the other must raise the same error.

Rulesets are enumerated from `shipped_ids()`, so rulesets added later are covered too.
"""
from __future__ import annotations

import dataclasses

from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASE_FILES, assert_built_as_validated
from jixiao import evaluate_record, load_case, load_ruleset
from jixiao.core.errors import JixiaoError
from jixiao.records.model import Case
from jixiao.engines import durable_available
from jixiao.rulesets.loader import shipped_ids

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")

ROOT = Path(__file__).resolve().parent.parent
RULESETS = {ident: load_ruleset(ident) for ident in shipped_ids()}
FOR_KIND = {kind: [i for i, rs in RULESETS.items() if rs.kind in (kind, "any")] for kind in ("project", "department", "target", "monitoring", "assessment")}
VETO_CODES = ["political_security", "terrorism", "mass_incident", "serious_crime", "extreme_individual",
              "illegal_gathering", "stability_opinion", "cyber_security", "mass_casualty_traffic",
              "seven_not_happen", "something_else", None]
SETTINGS = settings(max_examples=int(__import__("os").environ.get("JIXIAO_PARITY_EXAMPLES", "600")),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(compiled, record, case, engine: str):
    """The record's result as JSON without the engine's name, or the error it raised."""
    try:
        result = evaluate_record(compiled, record, case, engine)
    except JixiaoError as exc:
        return ("error", type(exc).__name__, str(exc))
    assert_built_as_validated(result)
    data = result.model_dump(mode="json")
    assert data.pop("engine") == engine
    return data


def assert_same(compiled, record, case) -> None:
    native = outcome(compiled, record, case, "native")
    durable = outcome(compiled, record, case, "durable")
    assert native == durable, f"engines disagree on {record.id} under {compiled.id}"


# ---- figures -------------------------------------------------------------------------------

def money(low: int = 0, high: int = 5000) -> st.SearchStrategy[D]:
    cents = st.integers(low * 100, high * 100).map(lambda c: D(c).scaleb(-2))
    fine = st.integers(low * 10**8, high * 10**8).map(lambda c: D(c).scaleb(-8))  # no double holds these exactly
    return st.one_of(cents, cents, cents, fine)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy, strategy, strategy)


GAP = st.sampled_from([D("0"), D("0.01"), D("-0.01"), D("0.02"), D("0.005"), D("0.00001"), D("1.5"),
                       D("0.01000000000000000001"), D("0.00999999999999999999")])
RATE = st.one_of(st.sampled_from([D("0.9"), D("1"), D("0.89995"), D("0.90005"), D("0.8999"), D("1.0001"), D("0"), D("1.2")]),
                 st.integers(0, 12000).map(lambda r: D(r).scaleb(-4)))


@st.composite
def indicator(draw, levels=("产出", "效益", "满意度")) -> dict:
    row = {"level1": draw(st.sampled_from(levels + ("成本",))), "name": draw(st.sampled_from(["甲", "乙", "丙", "丁"])),
           "weight": draw(st.one_of(st.none(), st.sampled_from([D(0), D(5), D(10), D(15), D("12.5")])))}
    if draw(st.booleans()):
        row["kind"] = "qualitative"
        row["tier"] = draw(st.one_of(st.none(), st.sampled_from(["达成年度指标", "部分达成年度指标并具有一定效果",
                                                                 "未达成年度指标且效果较差", "优秀"])))
        basis = row["weight"] if row["weight"] is not None else D(10)
        edges = [basis * f for f in (D(0), D("0.6"), D("0.8"), D(1))]
        row["self_score"] = draw(st.one_of(st.none(), st.sampled_from(edges + [e + D("0.01") for e in edges] + [e - D("0.01") for e in edges])))
        row["actual"] = draw(st.sampled_from(["已完成", "基本完成", "已完成", None]))
    else:
        row["kind"] = "quantitative"
        row["direction"] = draw(st.one_of(st.none(), st.sampled_from([">=", ">", "<=", "<", "="])))
        target = draw(st.one_of(st.none(), st.sampled_from([D(0), D(100), D(95), D("0.5")]), money(0, 1000), st.just("全覆盖")))
        row["target"] = target
        if isinstance(target, D) and draw(st.booleans()):
            row["actual"] = target * draw(st.sampled_from([D(1), D("0.8"), D("1.2"), D(2), D(0), D("1.21")]))
        else:
            row["actual"] = draw(st.one_of(st.none(), money(0, 1000), st.just("达标")))
        row["self_score"] = draw(st.one_of(st.none(), st.sampled_from([D(5), D(10), D(15)])))
        row["deviation"] = draw(st.one_of(st.none(), st.just(""), st.just("原因已说明")))
    return row


YES_NO = st.sampled_from([True, False, "是", "否", None])
# declared inputs (department-overall, local-rural-project): any subset, values at and around the
# thresholds the findings test, and "not stated"
DEPARTMENT_INPUTS = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "fixed_assets_total": maybe(money(0, 3000)), "fixed_assets_in_use": maybe(money(0, 3000)),
    "key_spending": maybe(money(0, 1000)), "buildings_approved": maybe(money(0, 500)),
    "buildings_actual": maybe(money(0, 600)), "budget_disclosed": YES_NO, "final_accounts_disclosed": YES_NO,
    "targets_reasonable": YES_NO}))
PROJECT_INPUTS = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "linkage_task": YES_NO, "households_planned": maybe(st.integers(0, 400)),
    "households_linked": maybe(st.integers(0, 500))}))


@st.composite
def department_inputs(draw, project_total) -> dict | None:
    inputs = draw(DEPARTMENT_INPUTS)
    if inputs and inputs.get("fixed_assets_total") is not None and draw(st.booleans()):
        inputs["fixed_assets_in_use"] = inputs["fixed_assets_total"] * draw(RATE)
    if inputs is not None and project_total is not None and draw(st.booleans()):
        inputs["key_spending"] = project_total * draw(RATE)
    return inputs


NARRATIVE = st.fixed_dictionaries({
    "results": st.one_of(st.none(), st.sampled_from([
        "全年完成高标准农田建设2万亩，验收合格率98%，项目区亩均增产56公斤，群众满意度达到95%以上。",
        "全年完成高标准农田建设2万亩，验收合格率98%，项目区亩均增产56公斤，群众满意度达到95%以上！",
        "完成监测。"])),
    "problems": st.lists(st.sampled_from(["暂无", "无", "街道改造进度慢", "部分乡镇资金拨付滞后", "预算编制不够细化"]), max_size=2),
    "improvements": st.lists(st.sampled_from(["暂无", "加强预算执行监控", "督促乡镇加快进度"]), max_size=2),
})


@st.composite
def project(draw, ident: str = "p1") -> dict:
    initial = draw(maybe(money(0, 2000)))
    adjustment = draw(maybe(st.sampled_from([D(0), D(20), D("-10.5")]) | money(0, 100)))
    final = draw(st.one_of(st.none(), st.just("sum"), money(0, 2000)))
    if final == "sum":
        final = initial + adjustment if initial is not None and adjustment is not None else None
    basis = final if final is not None else (initial + adjustment if initial is not None and adjustment is not None else None)
    if basis is not None and draw(st.booleans()):
        actual = basis * draw(RATE)  # a rate at or near a threshold
    else:
        actual = draw(maybe(money(0, 2000)))
    if basis is not None and actual is not None and draw(st.booleans()):
        carryover = basis - actual + draw(GAP)
    else:
        carryover = draw(maybe(money(0, 500)))
    return {
        "id": ident, "name": draw(st.sampled_from(["雪亮工程项目", "维稳经费", "街道综治项目"])),
        "funding_source": draw(st.one_of(st.none(), st.sampled_from(["本级", "上级专项", "中央转移支付"]))),
        "budget": {"initial": initial, "adjustment": adjustment, "final": final,
                   "adjustment_reason": draw(st.one_of(st.none(), st.just("追加设备采购")))},
        "actual": actual, "carryover": carryover, "confidential": draw(st.sampled_from([False, False, False, True])),
        "indicators": draw(st.lists(indicator(), max_size=6)), "narrative": draw(NARRATIVE),
        "inputs": draw(PROJECT_INPUTS),
    }


@st.composite
def department(draw) -> Case:
    projects = [draw(project(f"p{i}")) for i in range(draw(st.integers(0, 3)))]
    total = draw(maybe(money(0, 3000)))
    basis = draw(maybe(money(1, 3000)))
    if basis is not None and draw(st.booleans()):
        total = basis * draw(RATE)
    basic = draw(maybe(money(0, 2000)))
    project_sum = sum((p["actual"] for p in projects if p["actual"] is not None), D(0))
    project_total = draw(st.one_of(st.none(), st.just(project_sum + draw(GAP)), money(0, 1000)))
    if total is not None and project_total is not None and draw(st.booleans()):
        basic = total - project_total + draw(GAP)
    personnel = draw(maybe(money(0, 1500)))
    public = draw(maybe(money(0, 500)))
    if basic is not None and personnel is not None and draw(st.booleans()):
        public = basic - personnel + draw(GAP)
    carryover = draw(maybe(money(0, 500)))
    if total is not None and draw(st.booleans()):
        carryover = total * draw(st.sampled_from([D("0.05"), D("0.1"), D("0.2"), D("0.05001"), D(0)]))
    initial = draw(maybe(money(1, 3000)))
    adjustment = draw(maybe(money(0, 300)))
    if initial is not None and draw(st.booleans()):
        adjustment = initial * draw(st.sampled_from([D(0), D("0.1"), D("0.2"), D("0.3"), D("-0.1"), D("0.30001")]))
    authorized = draw(st.one_of(st.none(), st.integers(0, 60)))
    actual_staff = draw(st.one_of(st.none(), st.integers(0, 70), st.just(authorized)))
    previous = draw(maybe(money(0, 50)))
    three_actual = draw(st.one_of(st.none(), money(0, 50), st.just(previous),
                                  st.just(previous * D("1.01") if previous is not None else None)))
    vetoes = draw(st.lists(st.fixed_dictionaries({"item": st.just("事项"), "code": st.sampled_from(VETO_CODES),
                                                   "occurred": st.sampled_from([True, False, False, None])}), max_size=4))
    declared = draw(st.one_of(st.just({}), st.just({"special_funds": len(projects)}),
                              st.integers(0, 5).map(lambda k: {"special_funds": k})))
    data = {
        "case": {"id": "generated", "unit": "某区委政法委", "year": 2024},
        "department": {
            "id": "dept", "name": draw(st.sampled_from(["某区委政法委", "某街道办事处", "某乡镇人民政府"])),
            "budget": {"initial": initial, "adjustment": adjustment, "final": basis,
                       "adjustment_reason": draw(st.one_of(st.none(), st.just("追加")))},
            "spending": {"total": total, "basic": basic, "personnel": personnel, "public": public,
                         "project": project_total, "public_budget": draw(maybe(st.just(public) | money(0, 500)))},
            "carryover": carryover, "staff": {"authorized": authorized, "actual": actual_staff},
            "three_public": {"budget": draw(maybe(money(0, 50))), "actual": three_actual, "previous_year": previous},
            "vetoes": vetoes, "indicators": draw(st.lists(indicator(("产出", "效益", "满意度")), max_size=6)),
            "narrative": draw(NARRATIVE), "declared_counts": declared,
            "inputs": draw(department_inputs(project_total)),
        },
        "projects": projects,
    }
    return Case.model_validate(data)


# ---- the tests -----------------------------------------------------------------------------

CASES = CASE_FILES  # conftest: every self-evaluation case


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_scores_the_same_in_both_engines(path):
    case = load_case(path)
    for ident in FOR_KIND["department"]:
        assert_same(RULESETS[ident], case.department, case)
        assert_same_as_every_project_field(RULESETS[ident], case)
    for ident in FOR_KIND["project"]:
        for record in case.projects:
            assert_same(RULESETS[ident], record, case)


def test_every_shipped_ruleset_is_covered():
    assert set().union(*FOR_KIND.values()) == set(RULESETS)  # target/monitoring/assessment: tests/test_cycle_parity.py, tests/test_pefa.py
    assert {"mof-project-selfeval", "department-overall", "pingan-veto"} <= set(RULESETS)


@SETTINGS
@given(project())
def test_generated_projects_score_the_same(data):
    case = Case.model_validate({"case": {"id": "generated", "unit": "某单位", "year": 2024},
                                "department": {"id": "dept", "name": "某单位"}, "projects": [data]})
    for ident in FOR_KIND["project"]:
        assert_same(RULESETS[ident], case.projects[0], case)


@SETTINGS
@given(department())
def test_generated_departments_score_the_same(case):
    for ident in FOR_KIND["department"]:
        assert_same(RULESETS[ident], case.department, case)
        assert_same_as_every_project_field(RULESETS[ident], case)


def assert_same_as_every_project_field(compiled, case) -> None:
    """A department scored from only the fields of its projects its ruleset reads
    (`project_fields`) scores as from every field."""
    whole = dataclasses.replace(compiled, project_fields=None)
    assert outcome(compiled, case.department, case, "native") == outcome(whole, case.department, case, "native")
