"""A large case is read, validated, scored and written a project at a time (issue 14): the same
case, the same problems and the same JSON bytes as reading it whole, without holding it whole."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from conftest import SAMPLE, SEED
from jixiao import CaseError, evaluate_case, load_case, load_ruleset
from jixiao.cli.main import main
from jixiao.core.yamlsource import SETTLE_BATCH, parse_yaml
from jixiao.outputs.publication import public_view, visible
from jixiao.outputs.render import case_json, to_json
from jixiao.records.cases import case_from_data
from jixiao.records.model import Project
from jixiao.scoring.evaluate import case_head, project_results

COUNT = 2 * SETTLE_BATCH + 88  # two whole batches and a rest


def _many_projects(tmp_path, broken: dict[int, tuple[str, object]] | None = None, anchor: bool = False):
    """sample-county's three projects repeated COUNT times with fresh ids; `broken`: index → (field, value)."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    base = data["projects"]
    projects = []
    for index in range(COUNT):
        project = json.loads(json.dumps(base[index % 3], default=str))
        project["id"] = f"{project['id']}-{index}"
        for field, value in [(broken or {}).get(index, (None, None))]:
            if field:
                project[field] = value
        projects.append(project)
    data["projects"] = projects
    data["department"].setdefault("declared_counts", {})["special_funds"] = COUNT
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    if anchor:  # an anchor sends the reader to the node tree, which settles nothing
        text = text.replace("case:\n  id:", "case: &meta\n  id:", 1)
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _whole(path, text):
    """The case validated whole, as before: the reader settles nothing and the tree is kept."""
    data, lines = parse_yaml(text, str(path), CaseError)
    return case_from_data(data, lines)


@pytest.mark.parametrize("anchor", [False, True], ids=["events", "node tree"])
def test_read_a_project_at_a_time_the_case_is_the_same(tmp_path, anchor):
    path, text = _many_projects(tmp_path, anchor=anchor)
    case = load_case(path)
    assert len(case.projects) == COUNT and all(type(p) is Project for p in case.projects)
    assert case.projects[COUNT - 1].id == f"nt-rjhj-{COUNT - 1}"  # 599 = 3 × 199 + 2: the third sample project
    assert case == _whole(path, text)


def test_bad_projects_in_every_batch_are_reported_as_reading_it_whole_would(tmp_path):
    broken = {3: ("actual", "很多"), SETTLE_BATCH + 7: ("colour", "red"), COUNT - 1: ("confidential", "maybe")}
    path, text = _many_projects(tmp_path, broken)
    with pytest.raises(CaseError) as streamed:
        load_case(path)
    with pytest.raises(CaseError) as whole:
        _whole(path, text)
    got = [str(p) for p in streamed.value.problems]
    assert got == [str(p) for p in whole.value.problems]
    assert len(got) == 3
    lines = text.splitlines()
    # each problem names its project and the line where its field is written
    for problem, (index, (field, _value)) in zip(streamed.value.problems, sorted(broken.items())):
        ident = f"{['nt-gbzn', 'nt-zljc', 'nt-rjhj'][index % 3]}-{index}"
        assert ident in str(problem), problem
        assert lines[problem.location.line - 1].lstrip(" -").startswith(f"{field}:"), (problem, lines[problem.location.line - 1])
    assert "colour" in got[1] and "未知字段" in got[1]


@pytest.mark.parametrize("public", [False, True])
def test_case_json_a_project_at_a_time_is_the_same_bytes(public):
    department, project = load_ruleset("department-overall"), load_ruleset("mof-project-selfeval")
    for path in (SEED, SAMPLE):
        case = load_case(path)
        whole = evaluate_case(case, department, project)
        head, projects = case_head(case, department, project), project_results(case, project)
        if public:
            whole, head, projects = public_view(whole), public_view(head), (visible(p) for p in projects)
        assert b"".join(case_json(head, projects)) + b"\n" == to_json([whole]).encode("utf-8")
    case = load_case(SAMPLE)  # no project ruleset: `"projects": []`, as pydantic writes it
    assert b"".join(case_json(case_head(case, department, None), [])) + b"\n" == \
        to_json([evaluate_case(case, department, None)]).encode("utf-8")


def test_case_json_refuses_a_head_that_has_projects():
    case = load_case(SEED)
    with pytest.raises(ValueError):
        list(case_json(evaluate_case(case, None, load_ruleset("mof-project-selfeval")), []))


def test_a_case_that_fails_while_written_leaves_the_old_file_and_no_part(tmp_path, monkeypatch):
    from jixiao.cli import main as cli
    from jixiao.core.errors import EvaluationError

    real = cli.evaluate_record

    def failing(ruleset, project, case, engine="auto"):
        if project.id == "nt-zljc":
            raise EvaluationError("第二个项目出错")
        return real(ruleset, project, case, engine)

    out = tmp_path / "out.json"
    out.write_text("旧结果", encoding="utf-8")
    monkeypatch.setattr(cli, "evaluate_record", failing)
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", str(out)])
    assert result.exit_code != 0 and "第二个项目出错" in result.stderr
    assert out.read_text(encoding="utf-8") == "旧结果"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    monkeypatch.undo()
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["projects"][2]["id"] == "nt-rjhj"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
