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
import pickle
import signal
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from pydantic import ValidationError

from jixiao.records.cases import CASE_SUFFIXES, case_from_data, input_paths, settle_project
from jixiao.core.errors import CaseError, JixiaoError, Location, Problem, record_label
from jixiao.scoring.declared import InputsInUse
from jixiao.scoring.evaluate import evaluate_record
from jixiao.outputs.publication import withheld
from jixiao.core.i18n import N_, _
from jixiao.records.model import Case, CaseMeta, Department, Project
from jixiao.scoring.results import RECORD_STATUS_WORDS
from jixiao.engines import get_engine
from jixiao.rulesets.loader import pick_rulesets
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import LineMap, read_yaml

LINES_SUFFIXES = (".jsonl", ".ndjson")


# the json module's messages (a fixed set) in the reader's language; any other stays as json says it
_JSON_ERRORS = {
    "Expecting value": N_("此处应为值"),
    "Expecting property name enclosed in double quotes": N_("此处应为加双引号的键名"),
    "Expecting ':' delimiter": N_("此处应为冒号“:”"),
    "Expecting ',' delimiter": N_("此处应为逗号“,”"),
    "Extra data": N_("值之后有多余内容"),
    "Unterminated string starting at": N_("文字缺少结尾的引号"),
    "Invalid \\escape": N_("无效的转义符“\\”"),
    "Invalid \\uXXXX escape": N_("无效的转义符“\\uXXXX”"),
    "Invalid control character at": N_("文字中有控制字符"),
}


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
    inputs: InputsInUse | None = field(default=None, repr=False)  # what the compiled rulesets declare

    def setup(self) -> "Scorer":
        self.compiled = pick_rulesets(self.rulesets)
        self.inputs = InputsInUse(list(self.compiled))
        get_engine(self.engine)
        return self

    def fresh(self) -> "Scorer":
        """The options without the compiled rulesets (which do not pickle), for a worker to set up."""
        return Scorer(self.rulesets, self.engine, self.public)

    def score(self, unit: Unit) -> list[Output]:
        try:
            if unit.text is None:
                if unit.path.endswith(LINES_SUFFIXES):
                    raise CaseError([Problem(_("无法读取文件"), Location(unit.path))])
                return self._case_file(unit)
            return self._json_line(unit)
        except JixiaoError as exc:
            return [_failure(unit.source, None, exc)]
        except Exception as exc:  # a bug must not lose the other records' results
            return [_failure(unit.source, None, JixiaoError(_("内部错误：{kind}：{error}").format(kind=type(exc).__name__, error=exc)))]

    def _case_file(self, unit: Unit) -> list[Output]:
        # the projects settle into their models as they are read (the tree is never held whole);
        # one that does not validate stays as written, for _salvaged to report on its own
        data, lines = read_yaml(unit.path, CaseError, settle_project)
        try:
            case = case_from_data(data, lines)
        except CaseError as exc:
            return self._salvaged(data, lines, exc)
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
            error = _(_JSON_ERRORS[exc.msg]) if exc.msg in _JSON_ERRORS else exc.msg
            raise CaseError([Problem(_("不是有效的JSON：{error}（第{column}列）").format(error=error, column=exc.colno),
                                     Location(unit.path, unit.line))]) from None
        if not isinstance(data, dict) or not ({"department", "project"} & data.keys()):
            raise CaseError([Problem(_("每条记录应为含“department”（整个案例）或“project”的JSON对象"),
                                     Location(unit.path, unit.line))])
        if "department" in data:
            try:
                case = case_from_data(data, lines)
            except CaseError as exc:
                return self._salvaged(data, lines, exc, unit.source)
            department_rs, project_rs = self.compiled
            out = [self._record(department_rs, case.department, case, unit.source)]
            out += [self._record(project_rs, project, case, unit.source) for project in case.projects]
            return out
        unknown = sorted(set(data) - {"case", "project"})
        if unknown:
            raise CaseError([Problem(_("未知键{keys}（项目记录只含case与project）").format(keys=_("、").join(unknown)),
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

    def _salvaged(self, data: dict, lines: LineMap, error: CaseError, source: str | None = None) -> list[Output]:
        """A case that does not validate as a whole (one amount out of bounds lost 8 good records):
        every project that validates on its own is scored (a project reads only itself and the
        case's id, unit and year); each other project is reported with its own problems; the
        department, whose figures add up its projects, is reported as not scored."""
        projects = data.get("projects") if isinstance(data, dict) else None
        try:
            meta = CaseMeta.model_validate(data.get("case"))
        except (ValidationError, AttributeError):
            raise error from None
        duplicate = _("项目编号重复（与第{n}个项目相同）").partition("{n}")[0]  # records/cases.py's words
        if not isinstance(projects, list) or any(p.message.startswith(duplicate) for p in error.problems):
            raise error
        department = data.get("department")
        dept_id = department.get("id") if isinstance(department, dict) else None
        where = lines.find(("department",))
        try:
            Department.model_validate(department)
            dept_error = CaseError([Problem(_("部门未评分：部门的汇总依赖全部项目，而有项目数据有误（见各项目的错误）"), where,
                                            record_label("department", dept_id))])
        except ValidationError as exc:
            dept_error = CaseError(problems_from(exc, _Within(lines, ("department",)), lambda loc: record_label("department", dept_id or "?")))
        out = [_failure(source or f"{where.file}:{where.line}", meta.id, dept_error, dept_id)]
        for i, raw in enumerate(projects):
            where = lines.find(("projects", i))
            here = source or f"{where.file}:{where.line}"
            ident = raw.get("id") if isinstance(raw, dict) else None
            try:
                project = Project.model_validate(raw)
            except ValidationError as exc:
                label = record_label("project", ident or "#" + str(i + 1))
                problems = problems_from(exc, _Within(lines, ("projects", i)), lambda loc: label)
                out.append(_failure(here, meta.id, CaseError(problems), ident))
                continue
            case = Case.model_construct(case=meta, department=None, projects=[project])
            out.append(self._record(self.compiled[1], project, case, here))
        return out

    def _record(self, compiled, record, case, source: str) -> Output:
        case_id = case.case.id if case is not None else None
        try:
            problems = self.inputs.problems(record, case) if self.inputs else []
            if problems:
                raise CaseError(problems)
            result = evaluate_record(compiled, record, case, self.engine)
        except JixiaoError as exc:
            return _failure(source, case_id, exc, record.id)
        if self.public and not result.published:
            result = withheld(result)
        head = json.dumps({"source": source, "case": case_id}, ensure_ascii=False, separators=(",", ":"))[:-1]
        line = head + "," + result.model_dump_json()[1:]
        return Output(line, result.kind, result.grade or result.status, vetoed=bool(result.vetoes))


class _Within(LineMap):
    """The locations below `prefix` of another LineMap: a part validated on its own."""

    def __init__(self, lines: LineMap, prefix: tuple):
        super().__init__(lines.file)
        self.base, self.prefix = lines, prefix

    def find(self, path: tuple) -> Location:
        return self.base.find(self.prefix + tuple(path))

    def at(self, path: tuple) -> Location | None:
        return self.base.at(self.prefix + tuple(path))


def _failure(source: str, case_id: str | None, error: JixiaoError, record_id: str | None = None) -> Output:
    payload = {"source": source, "case": case_id, "id": record_id, "error": "\n".join(str(p) for p in error.problems)}
    return Output(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "failed", str(error.exit_code))


_WORKER: Scorer | None = None


def _init_worker(scorer: Scorer) -> None:
    global _WORKER
    _WORKER = scorer.setup()


def _score_chunk(units: list[Unit]) -> list[Output]:
    return [output for unit in units for output in _WORKER.score(unit)]


def _worker_main(conn, scorer: Scorer) -> None:
    """A worker: set up once, then score each chunk that arrives on its own pipe and send back
    its outputs, until the pipe closes or says stop (None). Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(scorer)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, units = message
        conn.send((index, _score_chunk(units)))


LOST = _("未能评分：评分进程意外终止（已重试一次）；用 --resume 重新运行可补评")


def _lost(units: list[Unit]) -> list[Output]:
    """The outputs of a chunk whose worker died twice: one line per unit, marked `lost` (a
    resumed run scores these again)."""
    out = []
    for unit in units:
        payload = {"source": unit.source, "case": None, "id": None, "error": f"{unit.source}: {LOST}", "lost": True}
        out.append(Output(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "lost", "3"))
    return out


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
    pool = _Pool(workers, scorer.fresh())
    try:
        read, written, exhausted = 0, 0, False
        while True:
            while (outputs := pool.finished.pop(written, None)) is not None:
                yield outputs
                written += 1
            while not exhausted and read - written < limit:  # after writing: the window has room again
                chunk = list(islice(units, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                pool.add(read, chunk)
                read += 1
            if exhausted and written == read:
                return
            pool.step()
    finally:
        pool.close()


class _Task:
    __slots__ = ("chunk", "attempts")

    def __init__(self, chunk: list[Unit]):
        self.chunk, self.attempts = chunk, 0


class _Pool:
    """N worker processes, each with its own pipe (no queue or lock shared between workers).

    ProcessPoolExecutor, used before, shares one call queue among its workers; a worker waiting
    for work holds that queue's read lock, so a worker SIGKILLed there leaves the lock taken and
    the pool (and the batch) waiting forever — the hang of issue 12. Here a dead worker can hold
    nothing another process needs: its pipe reports EOF and its process sentinel fires; the chunk
    it held is given to a fresh worker once (`attempts`), and a second death marks it lost."""

    def __init__(self, workers: int, scorer: Scorer):
        self.context = get_context("spawn")
        self.scorer = scorer
        self.waiting: deque[int] = deque()  # chunk indexes not yet given to a worker, in order
        self.tasks: dict[int, _Task] = {}
        self.finished: dict[int, tuple[int, list[Output]]] = {}
        self.workers = [self._start() for _ in range(workers)]

    def _start(self) -> list:
        """[process, pipe, chunk index it holds or None]."""
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.scorer), daemon=True)
        process.start()
        child.close()
        return [process, parent, None]

    def add(self, index: int, chunk: list[Unit]) -> None:
        self.tasks[index] = _Task(chunk)
        self.waiting.append(index)

    def _dispatch(self) -> None:
        for worker in self.workers:
            if not self.waiting:
                return
            if worker[2] is None:
                index = self.waiting.popleft()
                worker[2] = index
                try:
                    worker[1].send((index, self.tasks[index].chunk))
                except OSError:  # died while idle: noticed by step()
                    pass

    def step(self) -> None:
        """Give out waiting chunks, then wait until a worker answers or dies, and handle it."""
        self._dispatch()
        busy = [w for w in self.workers if w[2] is not None]
        ready = wait([w[1] for w in busy] + [w[0].sentinel for w in self.workers])
        for slot, worker in enumerate(self.workers):
            process, pipe, index = worker
            if index is not None and pipe in ready:
                try:
                    answered, outputs = pipe.recv()
                except (EOFError, OSError, pickle.UnpicklingError):
                    self._died(slot)
                    continue
                task = self.tasks.pop(answered)
                self.finished[answered] = (len(task.chunk), outputs)
                worker[2] = None
            elif process.sentinel in ready:
                self._died(slot)

    def _died(self, slot: int) -> None:
        process, pipe, index = self.workers[slot]
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
        pipe.close()
        if index is not None:
            task = self.tasks[index]
            task.attempts += 1
            if task.attempts > 1:
                del self.tasks[index]
                self.finished[index] = (len(task.chunk), _lost(task.chunk))
            else:
                self.waiting.appendleft(index)  # first in line: the output waits for it
        self.workers[slot] = self._start()

    def close(self) -> None:
        for process, pipe, _ in self.workers:
            try:
                pipe.send(None)
            except OSError:
                pass
        for process, pipe, _ in self.workers:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join(timeout=2)
            pipe.close()


@dataclass
class Summary:
    """Counts for the closing table: per record kind, grade or status; failures; vetoes."""

    counts: Counter = field(default_factory=Counter)
    vetoed: Counter = field(default_factory=Counter)
    failed: int = 0
    lost: int = 0
    exit_code: int = 0
    units: int = 0

    @property
    def incomplete(self) -> bool:
        return self.lost > 0

    def add(self, output: Output) -> None:
        if output.kind == "lost":
            self.lost += 1
            self.exit_code = max(self.exit_code, int(output.label))
        elif output.kind == "failed":
            self.failed += 1
            self.exit_code = max(self.exit_code, int(output.label))
        else:
            self.counts[(output.kind, output.label)] += 1
            if output.vetoed:
                self.vetoed[output.kind] += 1

    def table(self, grades: list[str]) -> str:
        from tabulate import tabulate


        labels = grades + [g for _, g in sorted(self.counts) if g not in grades and g not in RECORD_STATUS_WORDS]
        rows = []
        statuses = ["not_assessable", "exempt"] + (["vetoed"] if any(g == "vetoed" for _, g in self.counts) else [])
        for label in labels + statuses:
            name = RECORD_STATUS_WORDS[label] + ("（无等级）" if label == "vetoed" else "") if label in statuses else f"等级 {label}"
            dept, proj = self.counts[("department", label)], self.counts[("project", label)]
            rows.append([name, dept, proj, dept + proj])
        rows.append(["其中一票否决", self.vetoed["department"], self.vetoed["project"], sum(self.vetoed.values())])
        rows.append(["失败（数据有误）", "", "", self.failed])
        if self.lost:
            rows.append(["未评分（评分进程中止）", "", "", self.lost])
        total_dept = sum(n for (kind, _), n in self.counts.items() if kind == "department")
        total_proj = sum(n for (kind, _), n in self.counts.items() if kind == "project")
        rows.append(["合计", total_dept, total_proj, total_dept + total_proj + self.failed + self.lost])
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
    if summary.incomplete:
        out.write(json.dumps({"incomplete": True, "lost": summary.lost, "message": _(
            "输出不完整：{lost}条输入未能评分，用 --resume 重新运行可补评").format(lost=summary.lost)},
            ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()
    return summary


def resume_point(path: str) -> set[str]:
    """For `--resume`: the sources already written to the output at `path`, which is rewritten
    without what a resumed run must redo — lines of lost units, the `incomplete` mark, and a last
    line cut short by a kill. Skipping is per input unit: a case file's outputs name
    `file:line`, a JSON line's `file:number`."""
    done: set[str] = set()
    target = Path(path)
    if not target.exists():
        return done
    kept = target.with_name(target.name + ".resume")
    with open(target, encoding="utf-8") as old, open(kept, "w", encoding="utf-8") as new:
        for line in old:
            if not line.endswith("\n"):
                break  # cut short
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(data, dict) or data.get("incomplete") or data.get("lost"):
                continue
            source = data.get("source")
            if isinstance(source, str):
                done.add(source)
            new.write(line)
    os.replace(kept, target)
    return done


def already_done(unit: Unit, done: set[str]) -> bool:
    if unit.source in done:
        return True  # a JSON line
    if unit.text is None:  # a case file: its outputs are named file:line
        prefix = unit.source + ":"
        return any(source.startswith(prefix) and source[len(prefix):].isdigit() for source in done)
    return False


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

