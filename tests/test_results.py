"""Result rows built without validation (`scoring.results.typed_builder`) are what validation makes."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr

from conftest import CASE_FILES, SAMPLE, assert_built_as_validated
from jixiao import evaluate_record, load_case, load_ruleset
from jixiao.core.errors import JixiaoError
from jixiao.rulesets.loader import shipped_ids
from jixiao.scoring.results import ItemScore, typed_builder

RULESETS = [load_ruleset(ident) for ident in shipped_ids()]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_shipped_case_under_every_ruleset_builds_rows_as_validation_would(path):
    case = load_case(path)
    compared = 0
    for compiled in RULESETS:
        records = [case.department] if compiled.kind in ("department", "any") else []
        records += case.projects if compiled.kind in ("project", "any") else []
        for record in records:
            try:
                result = evaluate_record(compiled, record, case, "native")
            except JixiaoError:
                continue  # a ruleset that needs what this case does not state: its error is tested elsewhere
            compared += assert_built_as_validated(result)
    assert compared >= 3  # at least a department's checks: the comparison did run


def test_the_rows_compared_include_items_checks_and_findings(project_rs):
    case = load_case(SAMPLE)
    result = next(r for r in (evaluate_record(project_rs, p, case, "native") for p in case.projects)
                  if r.findings and any(i.items for i in r.indicators))
    assert result.checks
    assert assert_built_as_validated(result) == len(result.checks) + len(result.findings) + sum(
        1 + len(i.items) for i in result.indicators)


def test_a_built_row_is_frozen_and_copies_with_an_update_as_a_validated_one():
    build = typed_builder(ItemScore)
    fields = dict(name="培训人次", level1="产出", level2="数量", kind="quantitative", direction=">=", target=None,
                  actual=None, weight=None, score=None, status="not_assessable", detail="年度指标值未填报")
    row, validated = build(**fields), ItemScore(**fields)
    with pytest.raises(Exception, match="frozen"):
        row.score = 1
    copied = row.model_copy(update={"detail": "改"})
    assert copied.detail == "改" and row.detail == "年度指标值未填报"
    assert row.model_fields_set == validated.model_fields_set and validated.model_copy(update={"detail": "改"}) == copied


def test_models_it_cannot_build_so_are_refused():
    class Open(BaseModel):
        x: int

    class Hidden(BaseModel):
        model_config = ConfigDict(frozen=True)
        x: int
        _cache: int = PrivateAttr(0)

    for model in (Open, Hidden):
        with pytest.raises(TypeError, match="cannot be built without validation"):
            typed_builder(model)
