"""The contracts embedders build on: shipped JSON Schemas, validated against real output; cases
from data; typed errors only."""
import json

import jsonschema
import pytest

from conftest import CASE_FILES, ROOT
from jixiao import CaseError, EngineError, evaluate_case, load_case, load_case_data, load_ruleset
from jixiao.outputs.contracts import FILES, contract_schema, contract_text, shipped_contract
from jixiao.outputs.render import to_json
from jixiao.rulesets.loader import default_ruleset



@pytest.mark.parametrize("kind", sorted(FILES))
def test_shipped_schema_is_the_generated_one(kind):
    assert shipped_contract(kind) == contract_text(kind), f"run: jixiao schema {kind} -o engine/schemas/{FILES[kind]}"


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_shipped_case_output_validates(path):
    case = load_case(path)
    result = evaluate_case(case, default_ruleset("department"), default_ruleset("project"), "native")
    validator = jsonschema.Draft202012Validator(contract_schema("result"))
    document = json.loads(to_json([result]))
    validator.validate(document)
    assert document["case"] == case.case.id


def test_the_schema_rejects_what_the_contract_does_not_allow():
    """The schema is not vacuous: a float score, or a record status outside the four, is refused."""
    case = load_case(ROOT / "cases" / "lusong-zfw-2024.yaml")
    result = evaluate_case(case, default_ruleset("department"), default_ruleset("project"), "native")
    document = json.loads(to_json([result]))
    validator = jsonschema.Draft202012Validator(contract_schema("result"))
    document["department"]["status"] = "excellent"
    assert not validator.is_valid(document)
    document["department"].pop("status")
    assert not validator.is_valid(document)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_shipped_case_file_validates_against_the_case_schema(path):
    case = load_case(path)
    jsonschema.Draft202012Validator(contract_schema("case")).validate(json.loads(case.model_dump_json(exclude_none=True)))


def test_load_case_data_from_a_mapping_and_from_text():
    data = {"case": {"id": "t", "unit": "测试单位", "year": 2024}, "department": {"id": "d", "name": "测试单位"}}
    assert load_case_data(data).department.name == "测试单位"
    assert load_case_data(json.dumps(data, ensure_ascii=False)).case.id == "t"
    assert load_case_data("case: {id: t, unit: u, year: 2024}\ndepartment: {id: d, name: n}\n").case.year == 2024


def test_load_case_data_raises_case_errors_with_field_paths():
    bad = {"case": {"id": "t", "unit": "u", "year": 2024},
           "department": {"id": "d", "name": "n", "budget": {"initial": "abc"}}}
    with pytest.raises(CaseError) as info:
        load_case_data(bad, "request.json")
    problem = info.value.problems[0]
    assert (problem.record, problem.field) == ("部门 d", "department.budget.initial")
    assert str(problem).startswith("request.json: ")
    with pytest.raises(CaseError) as info:
        load_case_data("case: [1", "upload.yaml")
    assert str(info.value.problems[0]).startswith("upload.yaml:1:9: ")
    with pytest.raises(CaseError):
        load_case_data([1, 2])


def test_an_unknown_engine_is_a_typed_error():
    case = load_case(ROOT / "cases" / "lusong-zfw-2024.yaml")
    with pytest.raises(EngineError, match="bogus"):
        evaluate_case(case, load_ruleset("department-overall"), load_ruleset("mof-project-selfeval"), "bogus")
