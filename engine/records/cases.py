"""Load case files: YAML → validated `Case`, or a `CaseError` naming file, line, record and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import ValidationError

from jixiao.core.collector import paused_collector
from jixiao.core.errors import CaseError, Problem, record_label
from jixiao.core.i18n import _
from jixiao.records.model import Case, Project
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import LineMap, YamlFile, parse_yaml


def _record_label(data: Any):
    def label(loc: tuple) -> str | None:
        if not isinstance(data, dict):
            return None
        if loc[:1] == ("department",):
            dept = data.get("department") or {}
            return record_label("department", (dept.get("id") or dept.get("name") or "?") if isinstance(dept, dict) else "?")
        if loc[:1] == ("projects",) and len(loc) > 1 and isinstance(loc[1], int):
            projects = data.get("projects") or []
            item = projects[loc[1]] if loc[1] < len(projects) else {}
            ident = item.get("id") or item.get("name") if isinstance(item, dict) else None
            return record_label("project", ident or "#" + str(loc[1] + 1))
        return None
    return label


@paused_collector
def case_from_data(data: Any, lines: LineMap) -> Case:
    """The validated case. Projects the reader already settled into their models (`settle_project`)
    pass through validation as they are; the others are validated and reported here."""
    if not isinstance(data, dict):
        raise CaseError([Problem(_("案例文件应为含 `case`、`department`、`projects` 的映射"), lines.find(()))])
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from(exc, lines, _record_label(data), Case)) from None
    seen: dict[str, int] = {}
    problems = []
    # an id names the record in every output: empty or blank (the models strip spaces) is refused
    blank = [(("case", "id"), None)] if not case.case.id else []
    if not case.department.id:
        blank.append((("department", "id"), record_label("department", "?")))
    blank += [(("projects", i, "id"), record_label("project", f"#{i + 1}")) for i, p in enumerate(case.projects) if not p.id]
    for path, record in blank:
        field = ".".join(part for part in path if isinstance(part, str))
        problems.append(Problem(_("编号为空：请填写编号"), lines.find(path), record, field))
    for i, project in enumerate(case.projects):
        if project.id in seen:
            problems.append(Problem(_("项目编号重复（与第{n}个项目相同）").format(n=seen[project.id] + 1),
                                    lines.find(("projects", i, "id")), record_label("project", project.id), "id"))
        seen.setdefault(project.id, i)
    if problems:
        raise CaseError(problems)
    _place_inputs(case, lines)
    return case


_validate_project = Project.model_validate


def settle_project(key: str, item: Any, _root: dict | None = None) -> Any:
    """The reader's `settle`: a project's model as soon as its mapping is read, so that a large
    file's tree is never held whole (10,000 projects: 170 MB); a project that does not validate
    stays as written, for `case_from_data` to report with the others (the same problems, in the
    same order, at the same places as validating the case whole)."""
    if key != "projects":
        return item
    try:
        return _validate_project(item)
    except ValidationError:
        return item


def _place_inputs(case: Case, lines: LineMap) -> None:
    """Remember where each stated input is, for problems found once a ruleset's declarations are known."""
    paths = {("department", case.department.id, key): ("department", "inputs", key) for key in case.department.inputs or {}}
    for i, project in enumerate(case.projects):
        paths.update({("project", project.id, key): ("projects", i, "inputs", key) for key in project.inputs or {}})
    if paths:
        case._input_places = _Places(paths, lines)


class _Places:
    """The input places, each looked up when asked: a large case's line table costs as much to read
    as its values (and 150 MB for 10,000 projects), the LineMap reads it on its first question, and
    only a problem with an input asks."""

    def __init__(self, paths: dict[tuple, tuple], lines: LineMap):
        self._paths, self._lines = paths, lines

    def get(self, key: tuple, default: Any = None) -> Any:
        path = self._paths.get(key)
        return default if path is None else self._lines.find(path)


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
    return case_from_file(YamlFile.read(path, CaseError))


def case_from_file(file: YamlFile) -> Case:
    """The case in a file already read (`YamlFile.read`): `load_case` in two steps, for a caller
    that forks a helper in between (`each_project`)."""
    data, lines = file.parse(CaseError, settle_project)
    return case_from_data(data, lines)


class _Enough(Exception):
    """`each_project`'s taker wants no more projects."""


class NotAhead(Exception):
    """`each_project` cannot read a project before the whole file is read: its case or department
    comes after it."""


def each_project(file: YamlFile, take: Callable[[Case, Project], bool]) -> None:
    """`take(case, project)` for each project of a case file in turn as soon as it is read and
    validated, until `take` returns False; `case` holds the case's own fields and its department as
    read before the projects, and no projects. For a helper that scores projects while `case_from_file`
    reads the same file elsewhere (core/forked.py), and so it gives up rather than guess: a file whose
    projects come before its case or department, one `case_from_file` would read through the node
    tree, or a project that does not validate raises (`case_from_file` reports them)."""
    context: list[Case] = []

    def settle(key: str, item: Any, root: dict) -> Any:
        if key != "projects":
            return item
        if not context:
            if "case" not in root or "department" not in root:
                raise NotAhead
            context.append(Case.model_validate({"case": root["case"], "department": root["department"]}))
        if not take(context[0], _validate_project(item)):
            raise _Enough
        return None  # the project is let go: the taker has what it needs

    try:
        file.read_again(settle)
    except _Enough:
        pass


def load_case_data(data: Any, name: str = "<case>") -> Case:
    """A case from a mapping (e.g. parsed JSON) or from YAML/JSON text — for embedders and the
    service. Bad input raises `CaseError` with field paths (never a bare pydantic error); `name`
    stands for the file in messages."""
    if isinstance(data, (str, bytes)):
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        data, lines = parse_yaml(text, name, CaseError, settle_project)  # JSON is YAML: one loader, one set of checks
    else:
        lines = LineMap(name)
    return case_from_data(data, lines)
