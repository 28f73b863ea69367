"""Why a record scored what it did: reason codes and the full trace behind `jixiao explain`.

Reason codes rank where points were lost, as PMML scorecards do: each scored indicator below full
marks, with the points lost, the value it had and the threshold it missed. The trace lists every
metric with the inputs it read, every indicator with its method, value and points, every rule
the engine fired (and the values that made it fire), and what could not be assessed, naming the
data that was missing. The rule engine is asked again with the same namespace, so the trace shows
exactly what that engine decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.expressions import nodes as n
from jixiao.rulesets.compiler import CompiledIndicator, CompiledRuleset
from jixiao.core.decimals import exact, number, percent, round_half_up, shown_as
from jixiao.scoring.evaluate import compute_metrics
from jixiao.records.namespace import lookup_path, record_namespace
from jixiao.records.model import DIRECTION_SIGNS, Case, Department, Project
from jixiao.scoring.results import INDICATOR_STATUS_WORDS, RECORD_STATUS_WORDS, IndicatorScore, RecordResult
from jixiao.engines import get_engine
from jixiao.scoring.methods import band_text
from jixiao.rulesets.model import BandsMethod, ConditionMethod, LadderMethod, OwnIndicatorsMethod, RateMethod
from jixiao.expressions.templates import FILTERS

RULE_KIND = {"veto": "一票否决", "exemption": "免评", "check.pass": "核对通过", "check.fail": "核对未通过",
             "finding": "问题提示", "cond.true": "条件成立", "cond.false": "条件不成立"}


@dataclass(frozen=True)
class ReasonCode:
    indicator: str
    name: str
    points_lost: Decimal
    value: str
    threshold: str
    detail: str


@dataclass(frozen=True)
class Input:
    name: str
    value: str


@dataclass(frozen=True)
class MetricTrace:
    name: str
    label: str
    expr: str
    value: str
    inputs: tuple[Input, ...]


@dataclass(frozen=True)
class RuleTrace:
    id: str
    kind: str
    condition: str
    inputs: tuple[Input, ...]


@dataclass(frozen=True)
class Unassessed:
    what: str
    detail: str
    missing: tuple[str, ...]


@dataclass
class RecordTrace:
    result: RecordResult
    metrics: list[MetricTrace] = field(default_factory=list)
    indicators: list[IndicatorScore] = field(default_factory=list)
    reasons: list[ReasonCode] = field(default_factory=list)
    fired: list[RuleTrace] = field(default_factory=list)
    unassessed: list[Unassessed] = field(default_factory=list)


# ---- reason codes --------------------------------------------------------------------------

def _show(fmt: str, value: Any) -> str:
    if isinstance(value, Decimal):
        return shown_as(fmt)(value)
    return FILTERS["text"](value)


def threshold(leaf: CompiledIndicator) -> str:
    """What full marks need, in words, from the indicator's method."""
    method, label = leaf.node.method, leaf.value_label
    show = lambda v: _show(leaf.value_format, v)  # noqa: E731
    if isinstance(method, RateMethod):
        return f"{label}达到{percent(method.cap if method.cap is not None else Decimal(1))}得满分"
    if isinstance(method, LadderMethod):
        side = {"below": "每低于", "above": "每超过", "both": "每偏离"}[method.direction]
        return f"标准{show(method.standard)}，{side}{show(method.step)}扣{number(method.deduct)}分"
    if isinstance(method, BandsMethod):
        full = next((b for b in method.bands if b.points == leaf.node.weight), None)
        if full is None:
            return "按区间给分"
        return f"{label}{band_text(full, show)}得满分"
    if isinstance(method, ConditionMethod):
        return f"条件 {method.when} 成立得满分"
    if isinstance(method, OwnIndicatorsMethod):
        return f"{'/'.join(method.level1)}各项指标达到年度指标值"
    return ""


@exact
def reason_codes(compiled: CompiledRuleset, result: RecordResult) -> list[ReasonCode]:
    """Scored indicators below full marks, most points lost first (ties: the ruleset's order)."""
    leaves = {leaf.node.id: leaf for leaf in compiled.leaves()}
    codes: list[tuple[int, ReasonCode]] = []
    for order, score in enumerate(result.indicators):
        leaf = leaves.get(score.id)
        if leaf is None or score.score is None or score.score >= score.max_score:
            continue
        if score.items:
            places = compiled.ruleset.rounding.places
            lost = [i for i in score.items
                    if i.score is not None and i.weight is not None and i.score < round_half_up(i.weight, places)]
            value = "；".join(f"{i.name}实际{FILTERS['text'](i.actual)}（目标{DIRECTION_SIGNS.get(i.direction or '', '')}"
                             f"{FILTERS['text'](i.target)}，失{number(round_half_up(i.weight, places) - i.score)}分）"
                             for i in lost) or "—"
        else:
            value = f"{leaf.value_label}{_show(leaf.value_format, score.value)}" if leaf.value_label else _show("num", score.value)
        codes.append((order, ReasonCode(score.id, score.name, score.max_score - score.score, value, threshold(leaf),
                                        score.detail)))
    codes.sort(key=lambda pair: (-pair[1].points_lost, pair[0]))
    return [code for _, code in codes]


# ---- the trace -----------------------------------------------------------------------------

def _paths(node: n.Node, bound: frozenset[str] = frozenset()) -> list[tuple[str, ...]]:
    """Dotted names an expression reads, in order, once each; inside `x for p in LIST` only LIST."""
    found: list[tuple[str, ...]] = []
    if isinstance(node, n.Name):
        return [] if node.path[0] in bound else [node.path]
    if isinstance(node, n.Aggregate):
        return _paths(node.iterable, bound)
    for child in n.children(node):
        for path in _paths(child, bound):
            if path not in found:
                found.append(path)
    return found


def _describe(value: Any) -> str:
    if value is None:
        return "未填报"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return f"{len(value)}条记录"
        return f"[{FILTERS['text'](value)}]"
    if isinstance(value, dict):
        return "{…}"
    return FILTERS["text"](value)


def _inputs(node: n.Node, ns: dict) -> tuple[Input, ...]:
    return tuple(Input(".".join(path), _describe(lookup_path(ns, path))) for path in _paths(node))


def _missing(node: n.Node, ns: dict, compiled: CompiledRuleset) -> tuple[str, ...]:
    """Record fields an expression needed and the report does not state, through the metrics it reads."""
    metrics = {m.name: m for m in compiled.metrics}
    found: list[str] = []

    def visit(node: n.Node, seen: frozenset[str]) -> None:
        for path in _paths(node):
            if lookup_path(ns, path) is not None:
                continue
            if path[0] in metrics and path[0] not in seen:
                visit(metrics[path[0]].expr.node, seen | {path[0]})
            elif ".".join(path) not in found:
                found.append(".".join(path))
    visit(node, frozenset())
    return tuple(found)


@exact
def trace_record(compiled: CompiledRuleset, record: Project | Department, result: RecordResult, case: Case,
                 engine: str = "auto") -> RecordTrace:
    """Everything behind one record's result, recomputed from the same namespace."""
    ns = record_namespace(record, case, declared=compiled.inputs)
    metrics = compute_metrics(compiled, ns)
    fired = get_engine(engine).fire(compiled, ns)
    trace = RecordTrace(result=result, indicators=list(result.indicators), reasons=reason_codes(compiled, result))
    for metric in compiled.metrics:
        trace.metrics.append(MetricTrace(metric.name, metric.label, metric.expr.node.text,
                                         _show(metric.format, metrics[metric.name]) if metrics[metric.name] is not None else "无法计算",
                                         _inputs(metric.expr.node, ns)))
    for rule in compiled.rules:
        if rule.id in fired:
            trace.fired.append(RuleTrace(rule.id, RULE_KIND.get(rule.kind, rule.kind), rule.expr.node.text,
                                         _inputs(rule.expr.node, ns)))
    leaves = {leaf.node.id: leaf for leaf in compiled.leaves()}
    for score in result.indicators:
        if score.status not in ("not_assessable", "rejected", "dropped"):
            continue
        leaf = leaves[score.id]
        node = leaf.value.node if leaf.value is not None else None
        missing = _missing(node, ns, compiled) if node is not None else ()
        missing += tuple(f"{i.name}：{i.detail}" for i in score.items if i.status in ("not_assessable", "rejected"))
        trace.unassessed.append(Unassessed(f"指标 {score.name}", score.detail, missing))
    for check, rule in ((c, next((r for r in compiled.rules if r.id == f"check.pass:{c.id}"), None)) for c in compiled.checks):
        if rule is not None and f"check.pass:{check.id}" not in fired and f"check.fail:{check.id}" not in fired:
            missing = _missing(rule.expr.node, ns, compiled)
            trace.unassessed.append(Unassessed(f"核对 {check.name}", "数据未填报，无法核对", missing))
    return trace


def render_trace(trace: RecordTrace) -> str:
    """The trace as plain text, in Chinese, one section per part."""
    r = trace.result
    kind = "部门整体" if r.kind == "department" else "项目"
    score = f"{number(r.score)}/{number(r.max_score, 0)}" if r.score is not None else "—"
    out = [f"== {kind}：{r.name}（{r.id}） 规则 {r.ruleset} 引擎 {r.engine}",
           f"得分 {score}　等级 {r.grade or '—'}　状态 {RECORD_STATUS_WORDS[r.status]}", ""]
    out.append("扣分原因（按扣分多少排序）：")
    out += [f"  {i}. {c.name}：扣{number(c.points_lost)}分；{c.value}；{c.threshold}" for i, c in enumerate(trace.reasons, 1)] or ["  无"]
    out += ["", "指标度量（metrics）："]
    for m in trace.metrics:
        inputs = "，".join(f"{i.name}={i.value}" for i in m.inputs)
        out.append(f"  {m.label}（{m.name}）= {m.value}　← {m.expr}" + (f"　[{inputs}]" if inputs else ""))
    out += ["", "指标得分："]
    for s in trace.indicators:
        points = f"{number(s.score)}/{number(s.max_score)}" if s.score is not None else f"—/{number(s.max_score)}"
        out.append(f"  {'/'.join(s.path + [s.name])}［{s.method}］{points}　{INDICATOR_STATUS_WORDS[s.status]}　{s.detail}")
        for item in s.items:
            item_points = number(item.score) if item.score is not None else "—"
            out.append(f"    · {item.name}：{item_points}/{number(item.weight)}　{item.detail}")
    out += ["", "触发的规则："]
    for rule in trace.fired:
        inputs = "，".join(f"{i.name}={i.value}" for i in rule.inputs)
        out.append(f"  {rule.kind} {rule.id}：{rule.condition}" + (f"　[{inputs}]" if inputs else ""))
    if not trace.fired:
        out.append("  无")
    out += ["", "无法评价或核对："]
    for u in trace.unassessed:
        missing = f"；缺少：{'、'.join(u.missing)}" if u.missing else ""
        out.append(f"  {u.what}：{u.detail}{missing}")
    if not trace.unassessed:
        out.append("  无")
    return "\n".join(out) + "\n"
