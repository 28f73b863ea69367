"""No sentence of the report prints a value the report does not state ("人员经费未填报万元",
"年初预算数为未填报万元", "对结余结转的未填报明确使用计划").

Every stated figure of the seed and of the sample is removed in turn (department fields one by one;
a project field from every project at once), the case is scored, reviewed and drafted, and the draft
is searched. Templates are rendered with a marker in place of a missing value, so a finding or check
whose figures are missing shows up wherever it is written; the report's own sentences are searched
for the words a missing value turns into.
"""
from decimal import Decimal

import pytest

from conftest import SAMPLE, SEED
from jixiao import evaluate_case, load_case
from jixiao.expressions import templates
from jixiao.outputs.report import Rulesets, build_report, render_markdown
from jixiao.rulesets.loader import load_ruleset

MARK = "⟂缺⟂"
# what a missing value becomes inside a sentence of report.py (tables may say 未填报 in a cell)
WORDS = ("未填报万元", "为未填报", "的未填报", "未填报%", "无法计算万元", "无法计算%", "None", "—万元", "未填报名",
         "未填报个", "未填报分", "得—分")

DEPARTMENT_FIELDS = [("budget", f) for f in ("initial", "adjustment", "final", "appropriation_income", "carried_over",
                                               "supplementary", "year_end_balance")] + \
    [("spending", f) for f in ("total", "basic", "personnel", "public", "project", "public_budget")] + \
    [("staff", f) for f in ("authorized", "actual")] + \
    [("three_public", f) for f in ("budget", "actual", "previous_year", "previous_year_budget")] + \
    [("carryover",), ("indicators",), ("vetoes",)]
PROJECT_FIELDS = [("budget", "initial"), ("budget", "adjustment"), ("budget", "final"), ("actual",), ("carryover",),
                  ("indicators",)]


def without(model, path):
    if len(path) == 1:
        return model.model_copy(update={path[0]: None})
    return model.model_copy(update={path[0]: without(getattr(model, path[0]), path[1:])})


def variants(case):
    yield "as stated", case
    for path in DEPARTMENT_FIELDS:
        yield "department." + ".".join(path), case.model_copy(update={"department": without(case.department, path)})
    for path in PROJECT_FIELDS:
        projects = [without(p, path) for p in case.projects]
        yield "projects." + ".".join(path), case.model_copy(update={"projects": projects})


@pytest.fixture
def marked(monkeypatch):
    """Templates render a missing value as MARK instead of 未填报."""
    for name, render in list(templates.FILTERS.items()):
        monkeypatch.setitem(templates.FILTERS, name, lambda v, render=render: MARK if v is None else render(v))


RULESETS = ("department-overall", "department-overall-initial")


@pytest.mark.parametrize("department", RULESETS)
@pytest.mark.parametrize("source", [SEED, SAMPLE], ids=["seed", "sample"])
def test_no_missing_value_inside_a_sentence(marked, source, department):
    d, p = load_ruleset(department), load_ruleset("mof-project-selfeval")
    rd, rp = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    faults = []
    for what, case in variants(load_case(source)):
        for public in (False, True):
            text = render_markdown(build_report(case, evaluate_case(case, d, p, "native"), public,
                                                Rulesets(d, p, rd, rp), evaluate_case(case, rd, rp, "native")))
            sentences = [line for line in text.splitlines() if not line.startswith("|")]
            for line in sentences:
                if MARK in line or any(word in line for word in WORDS):
                    faults.append(f"{what}{' (public)' if public else ''}: {line}")
    assert not faults, "\n".join(sorted(set(faults))[:40])


@pytest.mark.parametrize("source", sorted((SEED.parent / "real").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_transcribed_reports_draft_without_a_missing_value_in_a_sentence(marked, source):
    d, p = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    rd, rp = load_ruleset("review-fuhe"), load_ruleset("review-fuhe-project")
    case = load_case(source)
    for public in (False, True):
        text = render_markdown(build_report(case, evaluate_case(case, d, p, "native"), public,
                                            Rulesets(d, p, rd, rp), evaluate_case(case, rd, rp, "native")))
        faults = [line for line in text.splitlines()
                  if not line.startswith("|") and (MARK in line or any(word in line for word in WORDS))]
        assert not faults, "\n".join(faults)
