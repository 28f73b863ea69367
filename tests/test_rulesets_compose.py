"""`extends:` — merge semantics and "where each value came from", on the shipped locality
ruleset and on small hand-written parents and children."""
from decimal import Decimal as D

import pytest

from conftest import write
from jixiao.core.errors import RulesetError
from jixiao.rulesets.loader import load_ruleset, load_sources
from jixiao.rulesets.view import flatten, short

PARENT = """
id: parent
title: 父规则
applies_to: project
provenance: test
local_choices: [父规则的选择]
metrics:
  execution_rate: actual / budget.final
indicators:
  - id: execution
    name: 执行率
    weight: 20
    method: {type: rate, value: execution_rate, cap: 1}
  - id: results
    name: 产出与效益
    weight: 80
    children:
      - {id: output, name: 产出, weight: 50, method: {type: indicators, level1: [产出]}}
      - {id: outcome, name: 效益, weight: 30, method: {type: indicators, level1: [效益]}}
findings:
  - id: low
    when: execution_rate < 0.9
    severity: 2
    problem: 执行率偏低
    improvement: 加快执行
tests:
  - name: parent's own
    data: {case: {id: c, unit: u, year: 2024}, department: {id: d, name: d}, projects: [{id: p, name: p, actual: 9, budget: {final: 10}}]}
    record: p
    expect: {indicators: {execution: 18.00}}
"""


def test_hubei_is_the_parent_with_its_overrides(project_rs):
    hubei = load_ruleset("hubei-project-selfeval")
    weights = {n.node.id: n.node.weight for n in hubei.indicators}
    assert weights == {"budget_execution": D(20), "output": D(40), "outcome": D(30), "satisfaction": D(10)}
    assert [(g.name, g.min) for g in hubei.ruleset.grades] == [("优", D(80)), ("良", D(70)), ("中", D(60)), ("差", D(0))]
    # everything else is the parent's: metrics, the method and cap, exemptions, checks, findings
    assert [m.name for m in hubei.metrics] == [m.name for m in project_rs.metrics]
    assert hubei.indicators[0].node.method == project_rs.indicators[0].node.method
    assert [e.id for e in hubei.exemptions] == ["classified"]
    assert [c.id for c in hubei.checks] == [c.id for c in project_rs.checks]
    assert [f.id for f in hubei.findings] == [f.id for f in project_rs.findings]
    # local choices are appended, tests are not inherited
    assert hubei.ruleset.local_choices[:len(project_rs.ruleset.local_choices)] == project_rs.ruleset.local_choices
    assert len(hubei.ruleset.local_choices) == len(project_rs.ruleset.local_choices) + 2
    assert len(hubei.ruleset.tests) == 5


def test_origins_name_the_file_each_value_came_from():
    entries = flatten(load_sources("hubei-project-selfeval"))
    execution, outcome = entries[("indicator", "budget_execution")], entries[("indicator", "outcome")]
    assert short(execution.origins["weight"]) == "rulesets/hubei-project-selfeval.yaml:28"
    assert execution.origins["method"].file == "rulesets/mof-project-selfeval.yaml"
    assert outcome.origins["weight"].file == "rulesets/mof-project-selfeval.yaml"
    assert short(entries[("grade", "优")].origins["min"]) == "rulesets/hubei-project-selfeval.yaml:21"
    assert entries[("exemption", "classified")].where.file == "rulesets/mof-project-selfeval.yaml"


def test_merge_by_id_through_children_remove_append_and_method_replace(tmp_path):
    write(tmp_path, "parent.yaml", PARENT)
    child = write(tmp_path, "child.yaml", """
        id: child
        extends: parent.yaml
        local_choices: [子规则的选择]
        indicators:
          - id: execution
            weight: 30
            method: {type: ladder, value: execution_rate, standard: 1, step: 0.05, deduct: 3}
          - id: results
            weight: 70
            children:
              - {id: outcome, remove: true}
              - {id: output, weight: 60}
              - {id: satisfaction, name: 满意度, weight: 10, method: {type: indicators, level1: [满意度]}}
        findings:
          - {id: low, severity: 4}
    """)
    compiled = load_ruleset(str(child))
    top = compiled.indicators
    assert [(n.node.id, n.node.weight) for n in top] == [("execution", D(30)), ("results", D(70))]
    assert [(c.node.id, c.node.weight) for c in top[1].children] == [("output", D(60)), ("satisfaction", D(10))]
    # a method whose type changes is replaced whole: no `cap` left over from the rate
    assert top[0].node.method.type == "ladder" and not hasattr(top[0].node.method, "cap")
    low = compiled.findings[0]
    assert (low.severity, low.problem) == (4, "执行率偏低")  # merged field by field
    assert compiled.ruleset.local_choices == ["父规则的选择", "子规则的选择"]
    assert compiled.ruleset.tests == []
    assert compiled.ruleset.extends == "parent.yaml"


def test_a_child_that_breaks_the_weights_is_reported_at_the_childs_line(tmp_path):
    write(tmp_path, "parent.yaml", PARENT)
    child = write(tmp_path, "child.yaml", """
        id: child
        extends: parent.yaml
        indicators:
          - {id: execution, weight: 25}
    """)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(child))
    assert [str(p) for p in caught.value.problems] == [f"{child}:4:3: 指标权重合计105分，与总分100分不符"]


def test_an_error_in_an_inherited_value_points_into_the_parent(tmp_path):
    parent = write(tmp_path, "parent.yaml", PARENT.replace("level1: [效益]}}", "level1: [效益]}, missing: maybe}"))
    child = write(tmp_path, "child.yaml", "id: child\nextends: parent.yaml\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(child))
    (problem,) = caught.value.problems
    assert (problem.location.file, problem.location.line, problem.location.column) == (str(parent), 18, 96)


def test_extends_cycle_and_unknown_parent(tmp_path):
    write(tmp_path, "a.yaml", "id: a\nextends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "id: b\nextends: a.yaml\n")
    with pytest.raises(RulesetError, match="extends 循环引用"):
        load_ruleset(str(b))
    lost = write(tmp_path, "lost.yaml", "id: lost\nextends: nowhere.yaml\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(str(lost))
    assert str(caught.value.problems[0]).startswith(f"{lost}:2:10: 没有规则 `nowhere.yaml`")


def test_a_parents_relative_include_stays_relative_to_the_parent(tmp_path):
    (tmp_path / "shared").mkdir()
    write(tmp_path / "shared", "veto.yaml", """
        id: veto-set
        title: 否决
        applies_to: any
        provenance: test
        vetoes:
          - {id: v1, name: 事件, when: confidential, effect: {type: disqualify}, reason: 发生事件}
    """)
    write(tmp_path / "shared", "parent.yaml", PARENT.replace("local_choices:", "include: [veto.yaml]\nlocal_choices:"))
    child = write(tmp_path, "child.yaml", "id: child\nextends: shared/parent.yaml\n")
    assert [v.id for v in load_ruleset(str(child)).vetoes] == ["v1"]
