"""Run the `tests:` a ruleset carries: score a record, compare with what the author expected.

A bureau changing a threshold must see which of its worked examples moved; each failure says
what was expected and what the ruleset now gives, at the test's file:line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jixiao.records.cases import load_case
from jixiao.records.cycle import MonitoringFile, TargetFile, is_cycle_file, load_cycle_file
from jixiao.rulesets.compiler import CompiledRuleset, compile_ruleset
from jixiao.core.decimals import plain
from jixiao.core.errors import JixiaoError, Location, Problem
from jixiao.core.i18n import N_, _
from jixiao.scoring.evaluate import evaluate_record
from jixiao.records.model import Case
from jixiao.scoring.results import RecordResult
from jixiao.rulesets.loader import load_sources, shipped_folder
from jixiao.rulesets.model import RulesetTest
from jixiao.core.yamlsource import LineMap


@dataclass
class TestOutcome:
    name: str
    where: Location
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class RulesetTestReport:
    ruleset: str
    file: str
    outcomes: list[TestOutcome]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


def run_tests(ref: str, engine: str = "auto") -> RulesetTestReport:
    """Compile `ref` (errors raise RulesetError) and run each of its tests."""
    sources = load_sources(ref)
    compiled = compile_ruleset(sources)
    lines = sources[0].lines
    outcomes = [run_one(compiled, test, lines, ("tests", i), engine) for i, test in enumerate(compiled.ruleset.tests)]
    return RulesetTestReport(compiled.id, lines.file, outcomes)


def run_one(compiled: CompiledRuleset, test: RulesetTest, lines: LineMap, path: tuple, engine: str) -> TestOutcome:
    outcome = TestOutcome(test.name, lines.find(path + ("name",)))
    try:
        case = _case_for(test, lines)
        record = _record(case, test.record, compiled.kind)
        result = evaluate_record(compiled, record, case, engine)
    except (JixiaoError, KeyError) as exc:
        problems = exc.problems if isinstance(exc, JixiaoError) else [Problem(_("案例中没有项目 `{id}`").format(id=exc.args[0]))]
        outcome.failures.extend(str(p) for p in problems)
        return outcome
    outcome.failures.extend(compare(test, result))
    return outcome


def _case_for(test: RulesetTest, lines: LineMap) -> Case | TargetFile | MonitoringFile:
    """The inline case, or the case file (relative to the ruleset's folder, else to the working one);
    a target or monitoring file for the cycle's rulesets."""
    if test.data is not None:
        return test.data
    for base in _bases(lines.file):
        candidate = base / test.case
        if candidate.is_file():
            return load_cycle_file(candidate) if is_cycle_file(candidate) else load_case(candidate)
    return load_case(test.case)  # relative to the working folder; raises "file not found"


def _bases(file: str) -> list[Path]:
    """Folders a test's case path is relative to: the ruleset file's folder as named, then, for a
    shipped ruleset named by id, the checkout's rulesets/ (an installed package ships no cases)."""
    bases = [Path(file).parent]
    folder = shipped_folder()
    if file.startswith("rulesets/") and isinstance(folder, Path):
        bases.append(folder)
    return bases


def _record(case: Case | TargetFile | MonitoringFile, ident: str | None, kind: str):
    if not isinstance(case, Case):
        return case.record(ident)
    if ident in (None, "department", case.department.id):
        if kind == "project":
            raise JixiaoError(_("此规则集为项目评分：请在 `record:` 中指明项目"))
        return case.department
    return case.project(ident)


def _show(value) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def compare(test: RulesetTest, result: RecordResult) -> list[str]:
    """One line per difference: `what: expected X, got Y`."""
    expect, given = test.expect, test.expect.model_fields_set
    failures: list[str] = []

    def check(what: str, want, got) -> None:
        if want != got:
            failures.append(_("{what}：预期 {want}，实际 {got}").format(what=what, want=_show(want), got=_show(got)))

    if "score" in given:
        check(_("得分"), expect.score, result.score)
    if "grade" in given:
        check(_("等级"), expect.grade, result.grade)
    if "status" in given:
        check(_("状态"), expect.status, result.status)
    indicators = {i.id: i for i in result.indicators}
    for ident, want in expect.indicators.items():
        if ident not in indicators:
            failures.append(_("指标 {id}：没有此指标（指标：{known}）").format(id=ident, known=", ".join(indicators)))
        else:
            check(_("指标 {id} 得分").format(id=ident), want, indicators[ident].score)
    for ident, want in expect.statuses.items():
        if ident in indicators:
            check(_("指标 {id} 状态").format(id=ident), want, indicators[ident].status)
        else:
            failures.append(_("指标 {id}：没有此指标（指标：{known}）").format(id=ident, known=", ".join(indicators)))
    for name, label, hits in (("vetoes", N_("一票否决"), result.vetoes), ("exemptions", N_("免评"), result.exemptions),
                              ("findings", N_("问题与建议"), result.findings)):
        want = getattr(expect, name)
        if name in given and want is not None:
            check(_(label), sorted(want), sorted(h.id for h in hits))
    checks = {c.id: c for c in result.checks}
    for ident, want in expect.checks.items():
        if ident in checks:
            check(_("核对 {id}").format(id=ident), want, checks[ident].ok)
        else:
            failures.append(_("核对 {id}：没有此核对（核对：{known}）").format(id=ident, known=", ".join(checks)))
    return failures


def format_report(report: RulesetTestReport) -> list[str]:
    """`file:line:column: test NAME: …` for each failure, then a one-line summary."""
    out = []
    for outcome in report.outcomes:
        for failure in outcome.failures:
            out.append(_("{where}: 测试 {name}：{failure}").format(where=outcome.where, name=outcome.name, failure=failure))
    passed = sum(o.ok for o in report.outcomes)
    out.append(_("{ruleset}：{passed}/{total} 项测试通过").format(ruleset=report.ruleset, passed=passed, total=len(report.outcomes))
               + ("" if report.outcomes else _("（此规则集未带测试）")))
    return out
