"""The JSON contracts other tools build on, as JSON Schema: the result of `score --format json`, the
case file, and the ruleset file. Generated from the pydantic models; shipped in `jixiao/schemas/`
(result, case) and `rulesets/` (ruleset), and a test fails when a shipped file is stale."""
from __future__ import annotations

from importlib import resources
from typing import Any

from jixiao.records.model import Case
from jixiao.rulesets.schema import ruleset_schema, stable_text, without_decimal_patterns
from jixiao.scoring.results import CaseResult

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("result", "case", "ruleset")
FILES = {"result": "result.schema.json", "case": "case.schema.json"}


def contract_schema(kind: str, overrides: bool = False) -> dict[str, Any]:
    """`result`: one case's result (`score --format json` prints one, or an array of them);
    `case`: a case file; `ruleset`: a ruleset file (`overrides`: the `extends:` variant)."""
    if kind == "ruleset":
        return ruleset_schema(overrides)
    if kind == "result":
        schema = without_decimal_patterns(CaseResult.model_json_schema(mode="serialization"))
        schema["title"] = "jixiao case result"
    elif kind == "case":
        schema = without_decimal_patterns(Case.model_json_schema(mode="validation"))
        schema["title"] = "jixiao case file"
    else:
        raise ValueError(kind)
    schema["$schema"] = DRAFT
    return schema


def contract_text(kind: str, overrides: bool = False) -> str:
    return stable_text(contract_schema(kind, overrides))


def shipped_contract(kind: str) -> str:
    """The schema file as installed with the package."""
    return resources.files("jixiao.schemas").joinpath(FILES[kind]).read_text(encoding="utf-8")
