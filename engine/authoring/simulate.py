"""What-if: score the same cases under a base and a candidate ruleset and show what moves.

Before publishing next year's thresholds a finance bureau needs, for every department and project
on file: the score change, how many move from one grade to another, and whose veto or exemption
status changes. Rulesets and cases are only read; results are deterministic (cases sorted by path).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from tabulate import tabulate

from jixiao.records.cases import input_paths, load_case
from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.core.decimals import CONTEXT, number
from jixiao.core.errors import JixiaoError, Problem, RulesetError
from jixiao.core.i18n import N_, _
from jixiao.scoring.evaluate import evaluate_record
from jixiao.scoring.results import RecordResult

NO_GRADE = "—"


@dataclass
class Row:
    case: str
    record: str
    name: str
    kind: str
    base: RecordResult
    candidate: RecordResult

    @property
    def delta(self) -> Decimal | None:
        if self.base.score is None or self.candidate.score is None:
            return None
        return CONTEXT.subtract(self.candidate.score, self.base.score)

    def marks(self, result: RecordResult) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(v.id for v in result.vetoes)), tuple(sorted(e.id for e in result.exemptions))

    @property
    def status_changed(self) -> bool:
        return self.marks(self.base) != self.marks(self.candidate)


@dataclass
class Simulation:
    base: CompiledRuleset
    candidate: CompiledRuleset
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def grades(self) -> list[str]:
        names = [g.name for g in self.base.ruleset.grades]
        names += [g.name for g in self.candidate.ruleset.grades if g.name not in names]
        return names + [NO_GRADE]

    def migration(self) -> list[list[int]]:
        """counts[i][j]: records graded grades()[i] under the base and grades()[j] under the candidate."""
        grades = self.grades()
        counts = [[0] * len(grades) for _ in grades]
        for row in self.rows:
            counts[grades.index(row.base.grade or NO_GRADE)][grades.index(row.candidate.grade or NO_GRADE)] += 1
        return counts

    def distribution(self, side: str) -> list[int]:
        grades = self.grades()
        counts = [0] * len(grades)
        for row in self.rows:
            counts[grades.index(getattr(row, side).grade or NO_GRADE)] += 1
        return counts


def simulate(base: CompiledRuleset, candidate: CompiledRuleset, paths: list[str], engine: str = "auto") -> Simulation:
    kinds = _kinds(base) & _kinds(candidate)
    if not kinds:
        raise RulesetError(_("{base} 适用于{base_kind}记录，{candidate} 适用于{candidate_kind}记录：无从比较").format(
            base=base.id, base_kind=_(KIND_NAMES[base.kind]), candidate=candidate.id, candidate_kind=_(KIND_NAMES[candidate.kind])))
    sim = Simulation(base, candidate)
    for path in input_paths(paths):
        try:
            case = load_case(path)
            records = ([case.department] if "department" in kinds else []) + (case.projects if "project" in kinds else [])
            for record in records:
                a = evaluate_record(base, record, case, engine)
                b = evaluate_record(candidate, record, case, engine)
                sim.rows.append(Row(case.case.id, record.id, record.name, a.kind, a, b))
        except JixiaoError as exc:
            sim.problems.extend(exc.problems)
    return sim


KIND_NAMES = {"department": N_("部门"), "project": N_("项目"), "any": N_("各类")}


def _kinds(compiled: CompiledRuleset) -> set[str]:
    return {"department", "project"} if compiled.kind == "any" else {compiled.kind}


def _score(result: RecordResult) -> str:
    """Partial scores of records that cannot be fully assessed are shown in parentheses."""
    if result.score is None:
        return "—"
    return number(result.score) if result.assessable else f"({number(result.score)})"


def _delta(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number(value)


def _marks(result: RecordResult) -> str:
    parts = ([_("否决 {id}").format(id=v.id) for v in result.vetoes]
             + [_("免评 {id}").format(id=e.id) for e in result.exemptions])
    return "、".join(parts) or _("无")


def to_text(sim: Simulation, fmt: str = "table") -> str:
    tablefmt = "pipe" if fmt == "markdown" else "simple"
    a, b = sim.base.ruleset, sim.candidate.ruleset
    cases = len(dict.fromkeys(r.case for r in sim.rows))
    out = [_("模拟：现行 {a} {av} → 拟用 {b} {bv}，{cases} 个案例共 {n} 条记录").format(
        a=a.id, av=a.version, b=b.id, bv=b.version, cases=cases, n=len(sim.rows)), ""]
    rows = [[r.case, r.record, r.name, _score(r.base), r.base.grade or NO_GRADE, _score(r.candidate),
             r.candidate.grade or NO_GRADE, _delta(r.delta), r.candidate.status] for r in sim.rows]
    out.append(tabulate(rows, headers=[_("案例"), _("记录"), _("名称"), _("现行"), _("等级"), _("拟用"), _("等级"), "Δ", _("状态")],
                        tablefmt=tablefmt, disable_numparse=True, colalign=("left", "left", "left", "right", "center",
                                                                            "right", "center", "right", "left")))
    grades = sim.grades()
    matrix = [[g] + [str(c) for c in counts] for g, counts in zip(grades, sim.migration())]
    out += ["", _("等级迁移（行：现行，列：拟用）"), ""]
    out.append(tabulate(matrix, headers=[_("现行 \\ 拟用")] + grades, tablefmt=tablefmt, disable_numparse=True))
    moved = sum(1 for r in sim.rows if (r.base.grade or NO_GRADE) != (r.candidate.grade or NO_GRADE))
    deltas = [r.delta for r in sim.rows if r.delta is not None]
    changed = [r for r in sim.rows if r.delta not in (None, Decimal(0))]
    out += ["", _("{n} 条记录中 {moved} 条等级变化，{changed} 条得分变化").format(n=len(sim.rows), moved=moved, changed=len(changed))
            + (_("（变化 {low} 至 {high}）").format(low=_delta(min(deltas)), high=_delta(max(deltas))) if deltas else "")]
    flips = [r for r in sim.rows if r.status_changed]
    out += ["", _("否决、免评状态变化：") + (_("无") if not flips else "")]
    if flips:
        out.append(tabulate([[r.case, r.record, r.name, _marks(r.base), _marks(r.candidate)] for r in flips],
                            headers=[_("案例"), _("记录"), _("名称"), _("现行"), _("拟用")], tablefmt=tablefmt, disable_numparse=True))
    return "\n".join(out).rstrip() + "\n"


def to_json(sim: Simulation) -> str:
    def side(result: RecordResult) -> dict:
        return {"score": None if result.score is None else str(result.score), "grade": result.grade,
                "status": result.status, "vetoes": [v.id for v in result.vetoes],
                "exemptions": [e.id for e in result.exemptions]}

    payload = {
        "base": {"id": sim.base.id, "version": sim.base.ruleset.version},
        "candidate": {"id": sim.candidate.id, "version": sim.candidate.ruleset.version},
        "records": [{"case": r.case, "id": r.record, "name": r.name, "kind": r.kind, "base": side(r.base),
                     "candidate": side(r.candidate), "delta": None if r.delta is None else str(r.delta),
                     "status_changed": r.status_changed} for r in sim.rows],
        "migration": {"grades": sim.grades(), "counts": sim.migration()},
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
