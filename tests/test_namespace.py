"""Evaluation converts only the record fields a ruleset reads; that must never change a result."""
import dataclasses

import pytest

from conftest import ROOT
from jixiao import evaluate_record, load_case, load_ruleset
from jixiao.rulesets.loader import shipped_ids

CASES = [load_case(p) for p in sorted((ROOT / "cases").rglob("*.yaml"))] + \
        [load_case(p) for p in sorted((ROOT / "tests" / "data" / "review").glob("*.yaml"))]


@pytest.mark.parametrize("ruleset_id", shipped_ids())
def test_partial_namespace_gives_the_full_namespace_results(ruleset_id):
    compiled = load_ruleset(ruleset_id)
    everything = dataclasses.replace(compiled, reads=None)  # None: convert every field
    assert compiled.reads  # the shipped rulesets read some fields, not all of them
    for case in CASES:
        records = [case.department] if compiled.kind == "department" else case.projects
        for record in records:
            partial = evaluate_record(compiled, record, case, "native").model_dump_json()
            full = evaluate_record(everything, record, case, "native").model_dump_json()
            assert partial == full, (ruleset_id, case.case.id, record.id)


def test_reads_lists_the_fields_expressions_templates_and_methods_use():
    assert load_ruleset("mof-project-selfeval").reads == {"actual", "budget", "carryover", "confidential",
                                                          "funding", "indicators", "name", "stated"}
