"""Department roll-up: findings of the same kind in several projects become one department sentence.

A finding suggested for two or more projects is written once, from its ruleset's `rollup`
templates: the projects are listed (`{items}`, `{names}`, `{count}`) and the money named in
`totals` is summed exactly (`{total.carryover}`: 10.82 + 8.42 = 19.24). A finding suggested for one
project keeps that project's own sentence. Department findings are kept as they are. The result is
ordered by severity, then points lost (the `indicator` a finding explains: full marks − score,
summed over its projects), then the order of the rulesets; the same finding for the same records
is written once, however many rulesets suggest it.

A failed check that says what to do (`improvement`) is a problem too, with the check's message as
the problem, unless a finding that says the same (`covered_by`) was suggested for the record.

Publication (`public=True`): a project that may not be published (涉密) is left out of every
roll-up entirely — not named, not counted and not added to any total — so that no figure of it can
be worked out by subtracting the listed projects from a total. Its spending stays only where the
department's own stated figures (支出合计, 项目支出) already include it, as the report states them.
Internally (`public=False`) every project is rolled up.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.core.decimals import CONTEXT, exact
from jixiao.core.errors import Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.records.namespace import path_resolver, record_namespace
from jixiao.records.model import Case, Department, Project
from jixiao.scoring.results import CaseResult, RecordResult
from jixiao.rulesets.model import Check, Finding, Rollup
from jixiao.expressions.templates import Template, parse_template

SPECIAL = {"count", "names", "items", "total"}
CHECK_SEVERITY = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class RolledFinding:
    """One problem and its improvement, for the department or a single project, with its evidence."""

    id: str
    category: str
    severity: int
    points_lost: Decimal
    problem: str
    improvement: str
    records: tuple[str, ...]  # ids of the records it speaks of
    names: tuple[str, ...]  # their names
    scope: str  # "department", "project" (one project) or "projects" (rolled up)
    ruleset: str




def _template(text: str, ruleset: CompiledRuleset, finding: Finding, field: str) -> Template:
    where = f"{ruleset.file}: finding {finding.id}, rollup.{field}"
    template = parse_template(text)
    if field in ("problem", "improvement"):
        totals = set(finding.rollup.totals)
        for placeholder in template.placeholders:
            if placeholder.path[0] == "total" and (len(placeholder.path) != 2 or placeholder.path[1] not in totals):
                raise RulesetError([Problem(_("{where}：`{{{name}}}` 没有可合计的值：请把 `{field}` 列入 rollup.totals（{totals}）").format(
                    where=where, name=placeholder.dotted, field=placeholder.dotted[6:], totals="、".join(sorted(totals)) or "空"))])
    return template


def _points_lost(record: RecordResult, indicator: str | None) -> Decimal:
    for score in record.indicators:
        if score.id == indicator and score.score is not None:
            return score.max_score - score.score
    return Decimal(0)


def _sum(values: list[Any]) -> Decimal | None:
    total = Decimal(0)
    for value in values:
        if not isinstance(value, Decimal):
            return None  # a total with an unknown part is unknown, never a smaller number
        total = CONTEXT.add(total, value)
    return total


def _record_ns(project: Project | Department, record: RecordResult, case: Case, ruleset: CompiledRuleset) -> dict:
    ns = record_namespace(project, case, declared=ruleset.inputs)
    ns.update(record.metrics)
    return ns


def _check_problems(ruleset: CompiledRuleset | None, record: RecordResult, source: Project | Department, case: Case,
                    scope: str) -> list[RolledFinding]:
    """The record's failed checks that carry an improvement and that no suggested finding covers."""
    if ruleset is None:
        return []
    specs: dict[str, Check] = {c.id: c for c in ruleset.checks}
    fired = {f.id for f in record.findings}
    out = []
    for check in record.checks:
        spec = specs.get(check.id)
        if check.ok is not False or spec is None or spec.improvement is None or fired & set(spec.covered_by):
            continue
        ns = _record_ns(source, record, case, ruleset)
        improvement = parse_template(spec.improvement).render(path_resolver(ns))
        out.append(RolledFinding(
            id=f"check.{check.id}", category="review" if ruleset.ruleset.kind == "review" else "data_quality",
            severity=CHECK_SEVERITY[check.severity], points_lost=Decimal(0), problem=check.message,
            improvement=improvement, records=(record.id,), names=(record.name,), scope=scope, ruleset=ruleset.id))
    return out


def _rolled(ruleset: CompiledRuleset, finding: Finding, spec: Rollup, hits: list[tuple[Project, RecordResult]],
            case: Case) -> RolledFinding:
    spaces = [_record_ns(project, record, case, ruleset) for project, record in hits]
    item = _template(spec.item, ruleset, finding, "item")
    rendered = [item.render(path_resolver(ns)) for ns in spaces]
    special: dict[str, Any] = {
        "count": Decimal(len(hits)),
        "names": "、".join(project.name for project, _ in hits),
        "items": "；".join(rendered),
        "total": {name: _sum([ns.get(name) for ns in spaces]) for name in spec.totals},
    }
    # other names (thresholds and other constants) read the first project's values
    ns = dict(spaces[0], **special)
    resolve = path_resolver(ns)
    return RolledFinding(
        id=finding.id, category=finding.category, severity=finding.severity,
        points_lost=sum((_points_lost(record, finding.indicator) for _, record in hits), Decimal(0)),
        problem=_template(spec.problem, ruleset, finding, "problem").render(resolve),
        improvement=_template(spec.improvement, ruleset, finding, "improvement").render(resolve),
        records=tuple(project.id for project, _ in hits), names=tuple(project.name for project, _ in hits),
        scope="projects", ruleset=ruleset.id,
    )


@exact
def roll_up(case: Case, result: CaseResult, department_rs: CompiledRuleset | None,
            project_rs: CompiledRuleset | None, public: bool = False) -> list[RolledFinding]:
    """The findings of one scored case, project findings of the same kind merged, in rank order."""
    out: list[RolledFinding] = []
    department = result.department
    department_fired = {f.id for f in department.findings} if department else set()
    if department is not None and (department.published or not public):
        specs = {f.id: f for f in department_rs.findings} if department_rs else {}
        for text in department.findings:
            spec = specs.get(text.id)
            out.append(RolledFinding(
                id=text.id, category=text.category, severity=text.severity,
                points_lost=_points_lost(department, spec.indicator if spec else None),
                problem=text.problem, improvement=text.improvement, records=(department.id,),
                names=(department.name,), scope="department", ruleset=department.ruleset))
        out += _check_problems(department_rs, department, case.department, case, "department")
    if project_rs is not None:
        projects = {p.id: p for p in case.projects}
        visible = [r for r in result.projects if r.published or not public]
        for finding in project_rs.findings:
            hits = [(projects[r.id], r) for r in visible if any(f.id == finding.id for f in r.findings)]
            if not hits:
                continue
            spec = finding.rollup
            if spec is not None and department_fired & set(spec.covered_by):
                continue  # the department finding already says it, naming the projects
            if spec is not None and len(hits) > 1:
                out.append(_rolled(project_rs, finding, spec, hits, case))
                continue
            for project, record in hits:  # one project, or no roll-up written: each its own sentence
                text = next(f for f in record.findings if f.id == finding.id)
                out.append(RolledFinding(
                    id=finding.id, category=text.category, severity=text.severity,
                    points_lost=_points_lost(record, finding.indicator), problem=text.problem,
                    improvement=text.improvement, records=(project.id,), names=(project.name,),
                    scope="project", ruleset=project_rs.id))
        for record in visible:
            out += _check_problems(project_rs, record, projects[record.id], case, "project")
    return out


def ranked(*groups: list[RolledFinding]) -> list[RolledFinding]:
    """All findings, most severe and most costly first; the same finding for the same records once."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    unique: list[tuple[int, RolledFinding]] = []
    for finding in (f for group in groups for f in group):
        key = (finding.id, finding.records)
        if key in seen:
            continue
        seen.add(key)
        unique.append((len(unique), finding))
    unique.sort(key=lambda pair: (-pair[1].severity, -pair[1].points_lost, pair[0]))
    return [finding for _, finding in unique]
