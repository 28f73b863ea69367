"""Batch scoring: case files, folders and JSON Lines in; one JSON line per record out, in input order.

Built for a city bureau's year — thousands to millions of records — so the input is read lazily,
each result is written as soon as it and everything before it are done, and at most a fixed
number of chunks are in flight: memory does not grow with the input. A record that cannot be read
or scored becomes an error line naming its file and line; the others are scored regardless.

Input units: a `.yaml`/`.yml` case file, each line of a `.jsonl` file, and folders of those
(walked in sorted order). A JSON line is either a whole case (`{"case": {...}, "department":
{...}, "projects": [...]}`) or one project (`{"case": {"id", "unit", "year"}, "project": {...}}`,
`case` optional) scored with the project ruleset only.
"""
from __future__ import annotations

import json
import os
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from pydantic import ValidationError

from jixiao.records.cases import CASE_SUFFIXES, case_from_data, input_paths
from jixiao.core.errors import CaseError, JixiaoError, Location, Problem, record_label
from jixiao.scoring.evaluate import evaluate_record
from jixiao.outputs.publication import withheld
from jixiao.records.model import Case, CaseMeta, Project
from jixiao.outputs.render import RECORD_STATUS
from jixiao.engines import get_engine
from jixiao.rulesets.loader import pick_rulesets
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import LineMap, read_yaml

LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Unit:
    """One piece of input: a case file (`text` None) or one JSON line (`text` holds it)."""

    source: str  # "cases/a.yaml" or "records.jsonl:12"
    path: str
    line: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Output:
    """One output line and what the summary counts it as: (kind, grade or status) or failed."""

    line: str
    kind: str  # department | project | failed
    label: str  # a grade, a status, or the exit code of a failure
    vetoed: bool = False


def iter_units(inputs: Iterable[str]) -> Iterator[Unit]:
    """Every unit of the inputs, lazily, in order; folders give their files sorted by path."""
    for path in input_paths(inputs, CASE_SUFFIXES + LINES_SUFFIXES):
        yield from _file_units(path)


def _file_units(path: Path) -> Iterator[Unit]:
    if path.suffix in LINES_SUFFIXES:
        try:
            handle = open(path, encoding="utf-8")
        except OSError:
            yield Unit(str(path), str(path), None, None)  # reported as unreadable when scored
            return
        with handle:
            for number, text in enumerate(handle, 1):
                if text.strip():
                    yield Unit(f"{path}:{number}", str(path), number, text)
    else:
        yield Unit(str(path), str(path))


# ---- scoring one unit (runs in a worker process) --------------------------------------------

@dataclass
class Scorer:
    """The rulesets and options a worker scores with; compiled once per process."""

    rulesets: tuple[str, ...] = ()
    engine: str = "auto"
    public: bool = False
    compiled: tuple = field(default=(), repr=False)

    def setup(self) -> "Scorer":
        self.compiled = pick_rulesets(self.rulesets)
        get_engine(self.engine)
        return self

    def fresh(self) -> "Scorer":
        """The options without the compiled rulesets (which do not pickle), for a worker to set up."""
        return Scorer(self.rulesets, self.engine, self.public)

    def score(self, unit: Unit) -> list[Output]:
        try:
            if unit.text is None:
                if unit.path.endswith(LINES_SUFFIXES):
                    raise CaseError([Problem("cannot read file", Location(unit.path))])
                return self._case_file(unit)
            return self._json_line(unit)
        except JixiaoError as exc:
            return [_failure(unit.source, None, exc)]
        except Exception as exc:  # a bug must not lose the other records' results
            return [_failure(unit.source, None, JixiaoError(f"internal error: {type(exc).__name__}: {exc}"))]

    def _case_file(self, unit: Unit) -> list[Output]:
        data, lines = read_yaml(unit.path, CaseError)
        case = case_from_data(data, lines)
        department_rs, project_rs = self.compiled
        where = lines.find(("department",))
        out = [self._record(department_rs, case.department, case, f"{where.file}:{where.line}")]
        for i, project in enumerate(case.projects):
            where = lines.find(("projects", i))
            out.append(self._record(project_rs, project, case, f"{where.file}:{where.line}"))
        return out

    def _json_line(self, unit: Unit) -> list[Output]:
        lines = LineMap(unit.path)
        lines.set((), Location(unit.path, unit.line))
        try:
            data = json.loads(unit.text, parse_float=str)  # exact decimals: the models read the text
        except json.JSONDecodeError as exc:
            raise CaseError([Problem(f"not JSON: {exc.msg} (column {exc.colno})", Location(unit.path, unit.line))]) from None
        if not isinstance(data, dict) or not ({"department", "project"} & data.keys()):
            raise CaseError([Problem('a record is a JSON object with "department" (a whole case) or "project"',
                                     Location(unit.path, unit.line))])
        if "department" in data:
            case = case_from_data(data, lines)
            department_rs, project_rs = self.compiled
            out = [self._record(department_rs, case.department, case, unit.source)]
            out += [self._record(project_rs, project, case, unit.source) for project in case.projects]
            return out
        unknown = sorted(set(data) - {"case", "project"})
        if unknown:
            raise CaseError([Problem(f"unknown key {', '.join(unknown)} (a project record has case and project)",
                                     Location(unit.path, unit.line))])
        try:
            meta = CaseMeta.model_validate(data["case"]) if data.get("case") is not None else None
            project = Project.model_validate(data["project"])
        except ValidationError as exc:
            raw = data.get("project")
            ident = raw.get("id") if isinstance(raw, dict) else None
            raise CaseError(problems_from(exc, lines, lambda loc: record_label("project", ident) if ident else None)) from None
        # a project record has no department: the namespace only reads the case's meta
        case = Case.model_construct(case=meta, department=None, projects=[project]) if meta else None
        return [self._record(self.compiled[1], project, case, unit.source)]

    def _record(self, compiled, record, case, source: str) -> Output:
        case_id = case.case.id if case is not None else None
        try:
            result = evaluate_record(compiled, record, case, self.engine)
        except JixiaoError as exc:
            return _failure(source, case_id, exc, record.id)
        if self.public and not result.published:
            result = withheld(result)
        head = json.dumps({"source": source, "case": case_id}, ensure_ascii=False, separators=(",", ":"))[:-1]
        line = head + "," + result.model_dump_json()[1:]
        return Output(line, result.kind, result.grade or result.status, vetoed=bool(result.vetoes))


def _failure(source: str, case_id: str | None, error: JixiaoError, record_id: str | None = None) -> Output:
    payload = {"source": source, "case": case_id, "id": record_id, "error": "\n".join(str(p) for p in error.problems)}
    return Output(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "failed", str(error.exit_code))


_WORKER: Scorer | None = None


def _init_worker(scorer: Scorer) -> None:
    global _WORKER
    _WORKER = scorer.setup()


def _score_chunk(units: list[Unit]) -> list[Output]:
    return [output for unit in units for output in _WORKER.score(unit)]


# ---- running a batch -----------------------------------------------------------------------

def score_units(units: Iterable[Unit], scorer: Scorer, workers: int = 1, chunk_size: int = 64,
                in_flight: int | None = None) -> Iterator[tuple[int, list[Output]]]:
    """(units done, outputs) per chunk, in input order. With N workers at most `in_flight` chunks
    (default 4 per worker) are read ahead, so memory stays bounded however long the input."""
    units = iter(units)
    if workers <= 1:
        scorer.setup()
        while chunk := list(islice(units, chunk_size)):
            yield len(chunk), [output for unit in chunk for output in scorer.score(unit)]
        return
    limit = in_flight or workers * 4
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker,
                             initargs=(scorer.fresh(),)) as pool:
        window: deque = deque()
        while chunk := list(islice(units, chunk_size)):
            window.append((len(chunk), pool.submit(_score_chunk, chunk)))
            if len(window) >= limit:
                done, future = window.popleft()
                yield done, future.result()
        while window:
            done, future = window.popleft()
            yield done, future.result()


@dataclass
class Summary:
    """Counts for the closing table: per record kind, grade or status; failures; vetoes."""

    counts: Counter = field(default_factory=Counter)
    vetoed: Counter = field(default_factory=Counter)
    failed: int = 0
    exit_code: int = 0
    units: int = 0

    def add(self, output: Output) -> None:
        if output.kind == "failed":
            self.failed += 1
            self.exit_code = max(self.exit_code, int(output.label))
        else:
            self.counts[(output.kind, output.label)] += 1
            if output.vetoed:
                self.vetoed[output.kind] += 1

    def table(self, grades: list[str]) -> str:
        from tabulate import tabulate


        labels = grades + [g for _, g in sorted(self.counts) if g not in grades and g not in RECORD_STATUS]
        rows = []
        statuses = ["not_assessable", "exempt"] + (["vetoed"] if any(g == "vetoed" for _, g in self.counts) else [])
        for label in labels + statuses:
            name = RECORD_STATUS[label] + ("（无等级）" if label == "vetoed" else "") if label in statuses else f"等级 {label}"
            dept, proj = self.counts[("department", label)], self.counts[("project", label)]
            rows.append([name, dept, proj, dept + proj])
        rows.append(["其中一票否决", self.vetoed["department"], self.vetoed["project"], sum(self.vetoed.values())])
        rows.append(["失败（数据有误）", "", "", self.failed])
        total_dept = sum(n for (kind, _), n in self.counts.items() if kind == "department")
        total_proj = sum(n for (kind, _), n in self.counts.items() if kind == "project")
        rows.append(["合计", total_dept, total_proj, total_dept + total_proj + self.failed])
        return tabulate(rows, headers=["", "部门", "项目", "合计"], disable_numparse=True)


def run_batch(units: Iterable[Unit], out: TextIO, scorer: Scorer, workers: int = 1, chunk_size: int = 64,
              progress: Callable[[int], None] | None = None) -> Summary:
    """Score every unit, writing each output line as its chunk completes (flushed per chunk)."""
    summary = Summary()
    for done, outputs in score_units(units, scorer, workers, chunk_size):
        for output in outputs:
            out.write(output.line)
            out.write("\n")
            summary.add(output)
        out.flush()
        summary.units += done
        if progress is not None:
            progress(done)
    return summary


def count_units(inputs: Iterable[str]) -> int:
    """How many units the inputs hold (one quick pass; used only to size a progress bar)."""
    total = 0
    for name in inputs:
        path = Path(name)
        files = ([Path(r) / f for r, _, fs in os.walk(path) for f in fs if f.endswith(CASE_SUFFIXES + LINES_SUFFIXES)]
                 if path.is_dir() else [path])
        for file in files:
            if file.suffix in LINES_SUFFIXES:
                try:
                    with open(file, "rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def grade_names(scorer: Scorer) -> list[str]:
    names: list[str] = []
    for compiled in scorer.compiled or scorer.setup().compiled:
        names += [g.name for g in compiled.ruleset.grades if g.name not in names]
    return names

