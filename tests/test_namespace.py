"""Evaluation converts only the record fields a ruleset reads; that must never change a result."""
import dataclasses

import pytest

from conftest import CASE_FILES, ROOT
from jixiao import evaluate_record, load_case, load_ruleset
from jixiao.records.cycle import AssessmentFile, MonitoringFile, TargetFile, load_cycle_file
from jixiao.rulesets.loader import shipped_ids

CASES = [load_case(p) for p in CASE_FILES]
CYCLE_FILES = [load_cycle_file(ROOT / "cases" / "cycle" / name) for name in ("targets-2024.yaml", "monitoring-2024.yaml", "pefa-2024.yaml")]


def _records_for(kind, case):
    """The records of `case` a ruleset for `kind` scores (the cycle's files hold their own kinds)."""
    if isinstance(case, TargetFile):
        return case.targets if kind == "target" else []
    if isinstance(case, MonitoringFile):
        return case.monitoring if kind == "monitoring" else []
    if isinstance(case, AssessmentFile):
        return case.assessments if kind == "assessment" else []
    if kind in ("target", "monitoring", "assessment"):
        return []
    return [case.department] if kind == "department" else case.projects


@pytest.mark.parametrize("ruleset_id", shipped_ids())
def test_partial_namespace_gives_the_full_namespace_results(ruleset_id):
    compiled = load_ruleset(ruleset_id)
    everything = dataclasses.replace(compiled, reads=None)  # None: convert every field
    assert compiled.reads  # the shipped rulesets read some fields, not all of them
    for case in CASES + CYCLE_FILES:
        for record in _records_for(compiled.kind, case):
            partial = evaluate_record(compiled, record, case, "native").model_dump_json()
            full = evaluate_record(everything, record, case, "native").model_dump_json()
            assert partial == full, (ruleset_id, case.case.id, record.id)


def test_reads_lists_the_fields_expressions_templates_and_methods_use():
    # "case" for the own-indicator method: an excerpt's indicator table may go on past its end
    assert load_ruleset("mof-project-selfeval").reads == {"actual", "budget", "carryover", "confidential",
                                                          "funding", "indicators", "name", "stated", "case"}


def test_each_case_is_seen_as_itself_when_cases_alternate():
    """The case's view is converted once per case and shared by its records (`_case_view`)."""
    from decimal import Decimal

    from conftest import SAMPLE, SEED
    from jixiao.records.namespace import record_namespace

    seed, sample = load_case(SEED), load_case(SAMPLE)
    views = [record_namespace(case.projects[0], case)["case"] for case in (seed, sample, seed, sample)]
    assert [v["id"] for v in views] == [seed.case.id, sample.case.id] * 2
    assert views[0]["year"] == Decimal(seed.case.year) and views[0]["unit"] == seed.case.unit
    assert record_namespace(seed.projects[0], None)["case"] == {k: None for k in views[0]}


@pytest.mark.parametrize("text, fields", [
    ("sum(p.actual for p in projects)", {"actual"}),
    ("len(projects) + len(all_projects)", set()),
    ("collect(p.name for p in all_projects if p.budget.initial is None and known(p.actual))", {"name", "budget", "actual"}),
    ("sum(count(i.kind == 'quantitative' for i in p.indicators) for p in projects)", {"indicators"}),
    ("sum(projects.actual for projects in projects)", {"actual"}),  # the variable shadows the list
    ("count(p for p in projects)", None),  # an element whole
    ("distinct(projects)", None),  # the list given whole to a function
    ("spending.total - 1", set()),
])
def test_the_project_fields_an_expression_reads(text, fields):
    from jixiao.expressions.nodes import element_fields
    from jixiao.expressions.parser import parse_expression

    assert element_fields(parse_expression(text), frozenset({"projects", "all_projects"})) == fields


def test_a_department_sees_only_the_project_fields_its_ruleset_reads(seed_case):
    from jixiao.records.namespace import record_namespace

    department = load_ruleset("department-overall")
    assert department.project_fields == {"actual", "budget", "carryover", "confidential", "name"}
    ns = record_namespace(seed_case.department, seed_case, department.reads, department.inputs, department.project_fields)
    assert {frozenset(p) for p in ns["projects"]} == {frozenset(department.project_fields)}
    assert ns["projects"][0]["actual"] == seed_case.projects[0].actual
    assert all(p.keys() >= {"id", "budget", "indicators"} for p in record_namespace(seed_case.department, seed_case)["projects"])
