"""Load case files: YAML → validated `Case`, or a `CaseError` naming file, line, record and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import ValidationError

from jixiao.core.errors import CaseError, Problem
from jixiao.core.i18n import _
from jixiao.records.model import Case
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import LineMap, read_yaml


def _record_label(data: Any):
    def label(loc: tuple) -> str | None:
        if not isinstance(data, dict):
            return None
        if loc[:1] == ("department",):
            dept = data.get("department") or {}
            return f"department {dept.get('id') or dept.get('name') or '?'}" if isinstance(dept, dict) else "department"
        if loc[:1] == ("projects",) and len(loc) > 1 and isinstance(loc[1], int):
            projects = data.get("projects") or []
            item = projects[loc[1]] if loc[1] < len(projects) else {}
            ident = item.get("id") or item.get("name") if isinstance(item, dict) else None
            return f"project {ident or '#' + str(loc[1] + 1)}"
        return None
    return label


def case_from_data(data: Any, lines: LineMap) -> Case:
    if not isinstance(data, dict):
        raise CaseError([Problem("a case file is a mapping with `case`, `department` and `projects`", lines.find(()))])
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from(exc, lines, _record_label(data))) from None
    seen: dict[str, int] = {}
    problems = []
    # an id names the record in every output: empty or blank (the models strip spaces) is refused
    for path, ident, record in [(("case", "id"), case.case.id, None), (("department", "id"), case.department.id, "department ?")] + [
            (("projects", i, "id"), p.id, f"project #{i + 1}") for i, p in enumerate(case.projects)]:
        if not ident:
            field = ".".join(part for part in path if isinstance(part, str))
            problems.append(Problem(_("编号为空：请填写编号"), lines.find(path), record, field))
    for i, project in enumerate(case.projects):
        if project.id in seen:
            problems.append(Problem(f"duplicate project id (also project #{seen[project.id] + 1})",
                                    lines.find(("projects", i, "id")), f"project {project.id}", "id"))
        seen.setdefault(project.id, i)
    if problems:
        raise CaseError(problems)
    return case


CASE_SUFFIXES = (".yaml", ".yml")


def input_paths(paths: Iterable[str], suffixes: tuple[str, ...] = CASE_SUFFIXES) -> Iterator[Path]:
    """Files as given; a folder gives its files with these suffixes, recursively, sorted by path."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in suffixes and p.is_file())
        else:
            yield path


def load_case(path: str | Path) -> Case:
    data, lines = read_yaml(path, CaseError)
    return case_from_data(data, lines)
