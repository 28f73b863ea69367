"""Evaluate records against a compiled ruleset: metrics → rules → scores → vetoes → grade → texts.

Pure with respect to its inputs: the same record and ruleset give the same result, whichever
engine decides the rules, however often it runs.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.rulesets.conditions import holds
from jixiao.core.collector import paused_collector
from jixiao.core.decimals import exact, round_half_up
from jixiao.core.errors import EvaluationError, record_label
from jixiao.core.i18n import _
from jixiao.records.namespace import record_namespace
from jixiao.records.model import Case, Department, Project, record_kind
from jixiao.scoring.declared import InputsInUse
from jixiao.scoring.results import CaseResult, CheckResult, FindingText, RecordResult, RulesetRef, typed_builder
from jixiao.engines import get_engine
from jixiao.scoring.methods import grade_for, indicator_score, rows_by_level1, score_leaf, total_score


def compute_metrics(compiled: CompiledRuleset, ns: dict) -> dict[str, Any]:
    """Adds each metric to `ns` in dependency order, rounded where the ruleset says."""
    return compiled.run_metrics(ns)


@exact
def evaluate_record(compiled: CompiledRuleset, record: Project | Department, case: Case | None = None,
                    engine: str = "auto") -> RecordResult:
    """Score one department or project."""
    kind = record_kind(record)
    if compiled.kind not in (kind, "any"):
        raise EvaluationError(_("规则集 {id} 适用于 {kind} 记录，不适用于 {record_kind} {record}").format(
            id=compiled.id, kind=compiled.kind, record_kind=kind, record=record.id))
    rule_engine = get_engine(engine)
    rs = compiled.ruleset
    names = compiled.reads  # None: every field (tests compare the two)
    if names is not None and compiled.inputs.get(kind):
        names = names | {"inputs"}  # echoed in the result even where no expression reads them
    ns = record_namespace(record, case, names, compiled.inputs, compiled.project_fields)
    try:
        metrics = compute_metrics(compiled, ns)
        fired = rule_engine.fire(compiled, ns)
    except EvaluationError as exc:
        raise EvaluationError(_("{record}（{name}）：{error}").format(record=record_label(kind, record.id), name=record.name, error=exc)) from None

    def text(key: tuple[str, str, str]) -> str:
        return compiled.templates[key].render_in(ns)

    # the result is validated once, at the end; its rows are built already typed (see methods' docstring)
    exemptions = [{"id": e.id, "name": e.name, "scored": e.score, "published": e.publish,
                   "reason": text(("exemption", e.id, "reason"))}
                  for e in compiled.exemptions if f"exemption:{e.id}" in fired]
    exempt_from_scoring = any(not e["scored"] for e in exemptions)

    if exempt_from_scoring:
        indicators = [indicator_score(leaf, None, "exempt", None, "免于评价", []) for leaf in compiled.leaves()]
        score, assessable = None, False
    else:
        try:
            groups = rows_by_level1(ns.get("indicators"))
            indicators = [score_leaf(compiled, leaf, ns, fired, groups) for leaf in compiled.leaves()]
        except EvaluationError as exc:
            raise EvaluationError(_("{record}（{name}）：{error}").format(record=record_label(kind, record.id), name=record.name, error=exc)) from None
        total = total_score(compiled, indicators)
        score, assessable = total.score, total.assessable
        if not indicators:  # a ruleset that only checks and suggests (the review rulesets) gives no score
            score = None

    vetoes = [{"id": v.id, "name": v.name, "effect": v.effect.type, "grade": v.effect.grade, "points": v.effect.points,
               "reason": text(("veto", v.id, "reason"))}
              for v in compiled.vetoes if f"veto:{v.id}" in fired]
    grade = None
    if not exempt_from_scoring:
        score, grade = _apply_vetoes(compiled, score, assessable, vetoes)

    checks = []
    for check in compiled.checks:
        if not holds(check.applies_when, ns):
            continue  # a check for another kind of unit (applies_when)
        ok = True if f"check.pass:{check.id}" in fired else False if f"check.fail:{check.id}" in fired else None
        message = text(("check", check.id, "message")) if ok is False else (check.name if ok else f"{check.name}：数据未填报，无法核对")
        checks.append(_check_result(id=check.id, name=check.name, ok=ok, severity=check.severity, message=message))

    # a record exempt from scoring is not evaluated, so no problem or improvement is suggested for it
    findings = [] if exempt_from_scoring else [
        _finding_text(id=f.id, category=f.category, severity=f.severity,
                      problem=text(("finding", f.id, "problem")), improvement=text(("finding", f.id, "improvement")))
        for f in compiled.findings if f"finding:{f.id}" in fired]

    if exempt_from_scoring:
        status = "exempt"
    elif vetoes:
        status = "vetoed"
    elif not assessable:
        status = "not_assessable"
    else:
        status = "scored"
    return _validate_result({
        "id": record.id, "name": record.name, "kind": kind, "ruleset": compiled.id, "engine": rule_engine.name,
        "score": score, "max_score": rs.total, "grade": grade, "status": status, "assessable": assessable,
        # confidentiality is a fact of the record: a ruleset can add exemptions, never publish a 涉密 record
        "published": all(e["published"] for e in exemptions) and not getattr(record, "confidential", False),
        "indicators": indicators, "vetoes": vetoes, "exemptions": exemptions, "checks": checks, "findings": findings,
        "metrics": metrics, "inputs": _stated_inputs(compiled, kind, ns),
    })


def _stated_inputs(compiled: CompiledRuleset, kind: str, ns: dict) -> list[dict] | None:
    specs = compiled.inputs.get(kind)
    if not specs:
        return None
    values = ns["inputs"]
    return [{"key": key, "label": spec.label, "type": spec.type, "unit": spec.shown_unit, "value": values[key]}
            for key, spec in specs.items()]


_validate_result = RecordResult.model_validate
_check_result, _finding_text = typed_builder(CheckResult), typed_builder(FindingText)


def _apply_vetoes(compiled: CompiledRuleset, score: Decimal | None, assessable: bool,
                  vetoes: list[dict]) -> tuple[Decimal | None, str | None]:
    """Deductions first (floor 0), then the grade, then the strictest cap; disqualification last."""
    if not vetoes:  # nearly every record
        return score, grade_for(compiled, score) if (score is not None and assessable) else None
    rs = compiled.ruleset
    for veto in vetoes:
        if veto["effect"] == "deduct" and score is not None:
            score = round_half_up(max(score - veto["points"], Decimal(0)), rs.rounding.places)
    grade = grade_for(compiled, score) if (score is not None and assessable) else None
    order = [g.name for g in rs.grades]
    for veto in vetoes:
        if veto["effect"] == "grade_cap" and grade is not None and order.index(grade) < order.index(veto["grade"]):
            grade = veto["grade"]
    if any(v["effect"] == "disqualify" for v in vetoes):
        grade = rs.disqualified_grade
    return score, grade


@paused_collector
def evaluate_case(case: Case, department_ruleset: CompiledRuleset | None, project_ruleset: CompiledRuleset | None,
                  engine: str = "auto") -> CaseResult:
    """Score a case's department and each of its projects (an input no scoring ruleset declares
    is a `CaseError`: a typo or a case written for another ruleset version)."""
    head = _case_fields(case, department_ruleset, project_ruleset, engine)
    return CaseResult(**head, projects=list(project_results(case, project_ruleset, engine)))


def case_head(case: Case, department_ruleset: CompiledRuleset | None, project_ruleset: CompiledRuleset | None,
              engine: str = "auto") -> CaseResult:
    """The case's result with its department scored and no projects yet: with `project_results`,
    for a caller that writes each project out as it is scored rather than holding them all (a
    result is ~34 KB: 340 MB for 10,000 projects). `evaluate_case` is the two together."""
    return CaseResult(**_case_fields(case, department_ruleset, project_ruleset, engine), projects=[])


def project_results(case: Case, project_ruleset: CompiledRuleset | None, engine: str = "auto") -> Iterator[RecordResult]:
    """Each project's result in turn (none without a project ruleset)."""
    if project_ruleset is not None:
        for project in case.projects:
            yield evaluate_record(project_ruleset, project, case, engine)


def _case_fields(case: Case, department_ruleset: CompiledRuleset | None, project_ruleset: CompiledRuleset | None,
                 engine: str) -> dict:
    InputsInUse([department_ruleset, project_ruleset]).check_case(case)
    rulesets = {}
    if department_ruleset is not None:
        rulesets["department"] = _ref(department_ruleset)
    if project_ruleset is not None:
        rulesets["project"] = _ref(project_ruleset)
    department = evaluate_record(department_ruleset, case.department, case, engine) if department_ruleset else None
    return {"case": case.case.id, "unit": case.case.unit, "year": case.case.year, "ruleset": rulesets,
            "engine": get_engine(engine).name, "department": department}


def _ref(compiled: CompiledRuleset) -> RulesetRef:
    return RulesetRef(id=compiled.id, version=compiled.ruleset.version, title=compiled.ruleset.title)
