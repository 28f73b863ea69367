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
from jixiao.core import forked
from jixiao.core.forked import can_fork
from jixiao.core.yamlsource import SETTLE_BATCH, YamlFile, parse_yaml
from jixiao.outputs.publication import public_view, visible
from jixiao.outputs.render import case_json, to_json
from jixiao.records.cases import case_from_data, case_from_file, each_project
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


def test_each_project_gives_the_projects_load_case_reads_with_the_cases_own_fields(tmp_path):
    path, _text = _many_projects(tmp_path)
    whole = load_case(path)
    seen = []

    def take(case, project):
        seen.append(project)
        assert case.case == whole.case and case.department == whole.department and case.projects == []
        return len(seen) < SETTLE_BATCH + 5  # enough: the reading stops there

    each_project(YamlFile.read(path, CaseError), take)
    assert seen == whole.projects[:SETTLE_BATCH + 5]


@pytest.mark.parametrize("change", ["anchor", "projects first", "bad project"])
def test_each_project_gives_up_where_it_cannot_read_as_load_case_does(tmp_path, change):
    path, text = _many_projects(tmp_path, {5: ("actual", "很多")} if change == "bad project" else None,
                                anchor=change == "anchor")
    if change == "projects first":
        head, projects = text.split("\nprojects:", 1)
        path.write_text(f"projects:{projects}{head}\n", encoding="utf-8")
    taken = []
    with pytest.raises(Exception) as raised:
        each_project(YamlFile.read(path, CaseError), lambda case, project: taken.append(project.id) or True)
    assert len(taken) == (5 if change == "bad project" else 0)  # the projects before the bad one only
    assert type(raised.value).__name__ == {"anchor": "_Unusual", "projects first": "NotAhead",
                                           "bad project": "ValidationError"}[change]


def test_a_yaml_file_is_parsed_once_and_read_again_only_before_that(tmp_path):
    path, _text = _many_projects(tmp_path)
    file = YamlFile.read(path, CaseError)
    assert file.size == path.stat().st_size
    roots = []
    file.read_again(lambda key, item, root: roots.append(sorted(root)) or item)
    assert roots[0] == ["case", "department", "projects"] and len(roots) == COUNT  # the keys read so far, `projects` among them
    case = case_from_file(file)
    assert case == load_case(path)
    with pytest.raises(RuntimeError):
        case_from_file(file)
    with pytest.raises(RuntimeError):
        file.read_again(lambda key, item, root: item)


@pytest.mark.skipif(not can_fork(), reason="no fork or fewer than two CPUs here: one process only")
@pytest.mark.parametrize("case", ["good", "bad projects", "anchor"])
def test_many_projects_on_two_cpus_are_the_same_bytes_and_problems(tmp_path, monkeypatch, case):
    broken = {3: ("actual", "很多"), COUNT - 1: ("confidential", "maybe")} if case == "bad projects" else None
    path, _text = _many_projects(tmp_path, broken, anchor=case == "anchor")
    one = CliRunner().invoke(main, ["score", str(path), "--format", "json", "-o", str(tmp_path / "one.json")])
    monkeypatch.setattr(forked, "FORK_AT", 0)
    two = CliRunner().invoke(main, ["score", str(path), "--format", "json", "-o", str(tmp_path / "two.json")])
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    if case == "bad projects":
        assert one.exit_code != 0 and "很多" in one.stderr and not (tmp_path / "two.json").exists()
    else:
        assert one.exit_code == 0 and (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()
