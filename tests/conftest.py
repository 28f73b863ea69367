"""Shared fixtures: the seed case, shipped rulesets, both engines, and small builders."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from jixiao import evaluate_case, load_case, load_ruleset
from jixiao.engines import durable_available

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "cases" / "lusong-zfw-2024.yaml"
SAMPLE = ROOT / "cases" / "sample-county-2024.yaml"
# every self-evaluation case in cases/ (cases/cycle/ holds the other documents of the budget cycle)
CASE_FILES = sorted(p for p in (ROOT / "cases").rglob("*.yaml") if "cycle" not in p.parts)

# The suite reads messages in the default language, Chinese, whatever the machine's locale says
# (tests of English set it themselves); subprocesses inherit this too.
os.environ["JIXIAO_LANG"] = "zh"

ENGINES = ["native"] + (["durable"] if durable_available() else [])


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def seed_case():
    return load_case(SEED)


@pytest.fixture(scope="session")
def project_rs():
    return load_ruleset("mof-project-selfeval")


@pytest.fixture(scope="session")
def department_rs():
    return load_ruleset("department-overall")


@pytest.fixture
def seed_result(seed_case, department_rs, project_rs, engine_name):
    return evaluate_case(seed_case, department_rs, project_rs, engine_name)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def by_id(items, ident):
    for item in items:
        if item.id == ident:
            return item
    raise KeyError(ident)


def assert_built_as_validated(result) -> int:
    """Every row scoring built without validation (`results.typed_builder`: indicator scores,
    their items, checks, findings) equals the same fields validated: the same values, types,
    fields set and JSON. Returns how many rows it compared."""
    rows = [*result.checks, *result.findings]
    for indicator in result.indicators:
        rows += [indicator, *indicator.items]
    for row in rows:
        again = type(row).model_validate(dict(row.__dict__))
        assert again == row and again.model_fields_set == row.model_fields_set, row
        assert {k: type(v) for k, v in vars(again).items()} == {k: type(v) for k, v in vars(row).items()}, row
        assert again.model_dump_json() == row.model_dump_json()
    assert type(result).model_validate(result.model_dump()).model_dump_json() == result.model_dump_json()
    return len(rows)
