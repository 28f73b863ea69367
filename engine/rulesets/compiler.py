"""Compile a validated ruleset: parse every expression and template, check every name, order
the metrics, and lay out the rules both engines run.

All problems are collected and raised together, each as `file:line:column: message`.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from jixiao.expressions import nodes as n
from jixiao.core.errors import Location, Problem, RulesetError
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.parser import parse_expression
from jixiao.rulesets.codegen import MetricsRun, RulesRun, compile_metrics, compile_rules
from jixiao.records.inputs import Declarations, merge_declarations
from jixiao.records.namespace import VALUE, ListOf, scope_for
from jixiao.rulesets.model import (
    BandsMethod, Check, ConditionMethod, Exemption, Finding, IndicatorNode, LadderMethod, Metric, RateMethod, Ruleset,
    Veto,
)
from jixiao.expressions.templates import Template, parse_template, template_type_problem
from jixiao.expressions.typecheck import (
    ANY, BOOL, NUM, SCALAR, TEXT, Checker, ListType, RecordType, TypeProblem, describe, record_types,
)
from jixiao.core.i18n import N_, _
from jixiao.core.problems import did_you_mean
from jixiao.core.yamlsource import LineMap


@dataclass
class Source:
    """One ruleset file as loaded: the model and where its values are."""

    ruleset: Ruleset
    lines: LineMap


@dataclass(frozen=True)
class CompiledExpr:
    node: n.Node
    run: Callable[[dict], Any] = field(compare=False)
    where: Location = field(compare=False)


@dataclass(frozen=True)
class CompiledMetric:
    name: str
    expr: CompiledExpr
    round: int | None
    label: str
    format: str


@dataclass(frozen=True)
class Rule:
    """A condition one of the engines decides. `id` is "kind:name", e.g. "finding:low_execution"."""

    id: str
    kind: str
    expr: CompiledExpr
    # a pair's second rule (a check's fail, a condition's false) is the negation of the rule just
    # before it, whose id this names: with all its data known exactly one of the two holds
    negates: str | None = None


@dataclass(frozen=True)
class CompiledIndicator:
    node: IndicatorNode
    missing: str
    value: CompiledExpr | None = None  # rate, ladder, bands
    children: tuple["CompiledIndicator", ...] = ()
    path: tuple[str, ...] = ()  # names of the groups above
    value_label: str = ""  # how explanations name the value: the metric's label
    value_format: str = "num"  # and format it: the metric's format (pct, wan, num, …)
    applies: tuple[CompiledExpr, ...] = ()  # its own `applies_when` and its groups': all must hold


@dataclass
class CompiledRuleset:
    ruleset: Ruleset
    file: str
    metrics: list[CompiledMetric]
    rules: list[Rule]
    indicators: list[CompiledIndicator]
    templates: dict[tuple[str, str, str], Template]
    digest: str
    sources: list[str]
    # the main ruleset's parts followed by those of the rulesets it includes
    vetoes: list[Veto] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # the record's top-level fields this ruleset reads (expressions, templates, own-indicator
    # scoring): evaluation converts only these from the pydantic record
    reads: frozenset[str] = frozenset()
    # the fields of a department's projects it reads (`projects`, `all_projects`): evaluation
    # converts only these for each project; None: every field
    project_fields: frozenset[str] | None = None
    # the inputs this ruleset and its includes declare (record kind → key → spec)
    inputs: Declarations = field(default_factory=dict)
    # `metrics` and `rules` as one generated function each (ruleset_codegen)
    run_metrics: MetricsRun = None  # type: ignore[assignment]  (set in __post_init__ when not given)
    run_rules: RulesRun = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.run_metrics is None:
            self.run_metrics = compile_metrics(self.metrics)
        if self.run_rules is None:
            self.run_rules = compile_rules(self.rules)

    @property
    def id(self) -> str:
        return self.ruleset.id

    @property
    def kind(self) -> str:
        return self.ruleset.applies_to

    def leaves(self) -> list[CompiledIndicator]:
        """The scored indicators in order (walked once: every evaluated record asks)."""
        return list(self._leaves)

    @functools.cached_property
    def _leaves(self) -> tuple[CompiledIndicator, ...]:
        return tuple(node for node in _every_indicator(self.indicators) if not node.children)


def _every_indicator(indicators: Iterable[CompiledIndicator]) -> Iterator[CompiledIndicator]:
    """Every indicator of the tree, each group before its children, in the ruleset's order."""
    for node in indicators:
        yield node
        yield from _every_indicator(node.children)


class _Compiler:
    def __init__(self, sources: list[Source]):
        self.sources = sources
        self.main = sources[0].ruleset
        self.problems: list[Problem] = []
        self.declared = self._declarations()
        self.scope, self.types = _with_inputs(self.main.applies_to, self.declared)
        self.metric_names: set[str] = set()
        for source in sources:
            self.metric_names |= set(source.ruleset.metrics)
        # type checks run once every expression is parsed (a metric may come from an include)
        self.metric_nodes: dict[str, n.Node] = {}
        self.metric_types: dict[str, Any] = {}
        self.pending: list[tuple[str, Any, Location, Any]] = []  # (what, node or template, where, context)
        self.checker = Checker(self.name_type)

    def _declarations(self) -> Declarations:
        """The inputs of the ruleset and its includes; one key declared two ways is an error."""
        merged, conflicts = merge_declarations([source.ruleset.inputs for source in self.sources])
        for kind, key, _first, _second in conflicts:
            where = next(s.lines.find(("inputs", kind, key)) for s in reversed(self.sources)
                         if key in s.ruleset.inputs.get(kind, {}))
            self.problems.append(Problem(_("数据项 `{key}` 在所含规则集中声明不一致（名称、类型或上下限不同）").format(key=key), where))
        return {kind: specs for kind, specs in merged.items() if specs}

    # ---- helpers -------------------------------------------------------------------------
    def expression(self, text: str, lines: LineMap, path: tuple, want: str = "bool") -> CompiledExpr | None:
        """`want`: "bool" (a rule's condition), "number" (a method's value), "metric" or "rounded"."""
        where = lines.find(path)
        try:
            node = parse_expression(text, where)
        except RulesetError as exc:
            self.problems.extend(exc.problems)
            return None
        before = len(self.problems)
        self.check_names(node, where)
        if len(self.problems) == before:
            self.pending.append(("expr", node, where, want))
        return CompiledExpr(node, compile_fast(node), where)

    # ---- types ---------------------------------------------------------------------------
    def name_type(self, head: str) -> Any:
        if head in self.metric_nodes:
            return self.metric_type(head)
        return self.types.get(head)

    def metric_type(self, name: str) -> Any:
        if name not in self.metric_types:
            self.metric_types[name] = ANY  # a cycle reads ANY here; the cycle itself is reported
            try:
                self.metric_types[name] = self.checker.infer(self.metric_nodes[name])
            except TypeProblem:
                pass  # reported where the metric itself is checked
        return self.metric_types[name]

    def check_types(self) -> None:
        for what, item, where, want in self.pending:
            if what == "expr":
                self._check_expression(item, where, want)
            else:
                self._check_template(item, where, want)

    def _check_expression(self, node: n.Node, where: Location, want: Any) -> None:
        try:
            kind = self.checker.infer(node)
        except TypeProblem as problem:
            self._type_problem(problem.node, where, problem.message)
            return
        if want == "bool" and kind not in (BOOL, ANY):
            self._type_problem(node, where, _("条件`{text}`应得出是/否，实为{got}").format(text=node.text, got=describe(kind)))
        elif want in ("number", "rounded") and kind not in (NUM, SCALAR, ANY):
            self._type_problem(node, where, _("`{text}`应得出数值，实为{got}").format(text=node.text, got=describe(kind)))
        elif want == "metric" and (isinstance(kind, RecordType) or (
                isinstance(kind, ListType) and isinstance(kind.element, (ListType, RecordType)))):
            self._type_problem(node, where, _("指标值`{text}`应为数值、文字、是/否或其列表，实为{got}").format(
                text=node.text, got=describe(kind)))

    def _type_problem(self, node: n.Node, where: Location, message: str) -> None:
        self.problems.append(Problem(_("表达式类型错误：{message}").format(message=message),
                                     Location(where.file, node.line or where.line, node.column or where.column)))

    def _check_template(self, template: Template, where: Location, names: dict[str, Any]) -> None:
        """Each placeholder's filter against the type of what it formats (`{name|pct}` on text)."""
        for placeholder in template.placeholders:
            head = placeholder.path[0]
            kind = names[head] if head in names else self.name_type(head)
            for part in placeholder.path[1:]:
                kind = kind.field(part) if isinstance(kind, RecordType) else ANY
            message = template_type_problem(placeholder, ANY if kind is None else kind)
            if message:
                self.problems.append(Problem(_("模板`{text}`：{message}").format(text=template.source, message=message), where))

    def template(self, text: str, lines: LineMap, path: tuple) -> Template | None:
        where = lines.find(path)
        try:
            template = parse_template(text, where)
        except RulesetError as exc:
            self.problems.extend(exc.problems)
            return None
        before = len(self.problems)
        for placeholder in template.placeholders:
            message = self.unknown_path(placeholder.path, {})
            if message:
                self.problems.append(Problem(_("模板`{text}`：{message}").format(text=text, message=message), where))
        if len(self.problems) == before:
            self.pending.append(("template", template, where, {}))
        return template

    def known_top(self, locals_: dict) -> list[str]:
        return sorted(set(self.scope) | self.metric_names | set(locals_))

    def unknown_path(self, path: tuple[str, ...], locals_: dict) -> str | None:
        """A message if `path` names nothing a record of this kind offers, else None."""
        head = path[0]
        if head in locals_:
            scope: Any = locals_[head]
        elif head in self.metric_names:
            return None if len(path) == 1 else _("计算量`{name}`没有字段（`{path}`）").format(name=head, path=".".join(path))
        elif head in self.scope:
            scope = self.scope[head]
        else:
            return _("未知名称`{name}`{hint}").format(name=head, hint=did_you_mean(head, self.known_top(locals_)))
        for i, part in enumerate(path[1:], start=1):
            if isinstance(scope, dict):
                if not scope and head == "declared_counts":
                    return None  # open mapping
                if part not in scope and path[i - 1] == "inputs":
                    return _("数据项 `{path}` 未在规则集的 inputs: 中声明{hint}").format(
                        path=".".join(path[:i + 1]), hint=did_you_mean(part, sorted(scope)))
                if part not in scope:
                    return _("`{path}`没有字段`{part}`{hint}").format(
                        path=".".join(path[:i]), part=part, hint=did_you_mean(part, sorted(scope)))
                scope = scope[part]
            else:
                return _("`{path}`没有字段（`{full}`）").format(path=".".join(path[:i]), full=".".join(path))
        return None

    def check_names(self, node: n.Node, where: Location, locals_: dict | None = None) -> None:
        locals_ = locals_ or {}
        if isinstance(node, n.Name):
            message = self.unknown_path(node.path, locals_)
            if message:
                self.problems.append(Problem(_("表达式`{text}`：{message}").format(text=node.text, message=message),
                                             Location(where.file, node.line or where.line, node.column or where.column)))
            return
        if isinstance(node, n.Aggregate):
            self.check_names(node.iterable, where, locals_)
            element_scope: Any = {}
            if not self.unknown_path(node.iterable.path, locals_):
                scope = self._resolve(node.iterable.path, locals_)
                if isinstance(scope, ListOf):
                    element_scope = scope.fields
                else:
                    self.problems.append(Problem(_("表达式`{text}`：{message}").format(
                        text=node.text, message=_("`{name}`不是列表").format(name=node.iterable.dotted)), where))
            inner = dict(locals_, **{node.var: element_scope})
            self.check_names(node.element, where, inner)
            if node.condition is not None:
                self.check_names(node.condition, where, inner)
            return
        for child in n.children(node):
            self.check_names(child, where, locals_)

    def _resolve(self, path: tuple[str, ...], locals_: dict) -> Any:
        scope: Any = locals_[path[0]] if path[0] in locals_ else self.scope.get(path[0], VALUE)
        for part in path[1:]:
            scope = scope.get(part, VALUE) if isinstance(scope, dict) else VALUE
        return scope

    # ---- parts ---------------------------------------------------------------------------
    def compile(self) -> CompiledRuleset:
        metrics: dict[str, CompiledMetric] = {}
        rules: list[Rule] = []
        templates: dict[tuple[str, str, str], Template] = {}
        seen: dict[str, Location] = {}

        def unique(kind: str, ident: str, lines: LineMap, path: tuple) -> bool:
            key = f"{kind}:{ident}"
            where = lines.find(path)
            if key in seen:
                self.problems.append(Problem(_(_DUPLICATE[kind]).format(id=ident, first=seen[key]), where))
                return False
            seen[key] = where
            return True

        for source in self.sources:
            rs, lines = source.ruleset, source.lines
            for name, metric in rs.metrics.items():
                if not unique("metric", name, lines, ("metrics", name)):
                    continue
                if name in self.scope:
                    self.problems.append(Problem(_("计算量`{name}`与记录的同名字段重名，会遮蔽该字段").format(name=name),
                                                 lines.find(("metrics", name))))
                spec = metric if isinstance(metric, Metric) else Metric(expr=metric)
                path = ("metrics", name, "expr") if isinstance(metric, Metric) else ("metrics", name)
                expr = self.expression(spec.expr, lines, path, "rounded" if spec.round is not None else "metric")
                if expr:
                    self.metric_nodes[name] = expr.node
                    metrics[name] = CompiledMetric(name, expr, spec.round, spec.label or name, spec.format)
            for i, veto in enumerate(rs.vetoes):
                if unique("veto", veto.id, lines, ("vetoes", i)):
                    self._rule(rules, "veto", veto.id, veto.when, lines, ("vetoes", i, "when"))
                    self._template(templates, ("veto", veto.id, "reason"), veto.reason, lines, ("vetoes", i, "reason"))
                    self._grade_known(veto.effect.grade, lines, ("vetoes", i, "effect", "grade"))
            for i, ex in enumerate(rs.exemptions):
                if unique("exemption", ex.id, lines, ("exemptions", i)):
                    self._rule(rules, "exemption", ex.id, ex.when, lines, ("exemptions", i, "when"))
                    self._template(templates, ("exemption", ex.id, "reason"), ex.reason, lines, ("exemptions", i, "reason"))
            for i, check in enumerate(rs.checks):
                if unique("check", check.id, lines, ("checks", i)):
                    expr = self.expression(check.assert_, lines, ("checks", i, "assert"))
                    if expr:
                        rules += _pair("check.pass", "check.fail", check.id, expr)
                    self._template(templates, ("check", check.id, "message"), check.message, lines, ("checks", i, "message"))
            for i, finding in enumerate(rs.findings):
                if unique("finding", finding.id, lines, ("findings", i)):
                    self._rule(rules, "finding", finding.id, finding.when, lines, ("findings", i, "when"))
                    self._template(templates, ("finding", finding.id, "problem"), finding.problem, lines, ("findings", i, "problem"))
                    self._template(templates, ("finding", finding.id, "improvement"), finding.improvement, lines, ("findings", i, "improvement"))

        main_lines = self.sources[0].lines
        indicators = [self._indicator(node, main_lines, ("indicators", i), self.main.missing, (), rules, unique)
                      for i, node in enumerate(self.main.indicators)]
        ordered = self._order_metrics(metrics)
        self._check_structure(main_lines)
        self.check_types()
        if self.problems:
            raise RulesetError(self.problems)
        expressions = self._expressions(metrics.values(), rules, indicators)
        return CompiledRuleset(
            ruleset=self.main,
            file=main_lines.file,
            metrics=ordered,
            rules=rules,
            indicators=indicators,
            templates=templates,
            digest=_digest(self.sources),
            inputs=self.declared,
            sources=[s.lines.file for s in self.sources],
            reads=self._reads(expressions, indicators, templates),
            project_fields=self._project_fields(expressions, templates),
            vetoes=[v for s in self.sources for v in s.ruleset.vetoes],
            exemptions=[e for s in self.sources for e in s.ruleset.exemptions],
            checks=[c for s in self.sources for c in s.ruleset.checks],
            findings=[f for s in self.sources for f in s.ruleset.findings],
        )

    @staticmethod
    def _expressions(metrics, rules, indicators) -> list[n.Node]:
        """Every expression an evaluation runs on a record's namespace."""
        nodes = [m.expr.node for m in metrics] + [r.expr.node for r in rules]
        for node in _every_indicator(indicators):
            if node.value is not None:
                nodes.append(node.value.node)
            nodes.extend(condition.node for condition in node.applies)
        return nodes

    def _reads(self, expressions: list[n.Node], indicators, templates) -> frozenset[str]:
        names: set[str] = set()
        for node in expressions:
            names.update(n.free_names(node))
        if any(node.node.method is not None and node.node.method.type == "indicators" for node in _every_indicator(indicators)):
            names.update(("indicators", "case"))  # case.coverage: an excerpt's table may go on
        for template in templates.values():
            names.update(p.path[0] for p in template.placeholders)
        return frozenset(names & set(self.scope))

    @staticmethod
    def _project_fields(expressions: list[n.Node], templates) -> frozenset[str] | None:
        """The fields of a department's projects its expressions read (`n.element_fields`), or None:
        every field (one of them reads a project whole, or a text writes the list)."""
        lists = frozenset(("projects", "all_projects"))
        if any(p.path[0] in lists for template in templates.values() for p in template.placeholders):
            return None
        fields: set[str] = set()
        for node in expressions:
            read = n.element_fields(node, lists)
            if read is None:
                return None
            fields |= read
        return frozenset(fields)

    def _rule(self, rules: list[Rule], kind: str, ident: str, text: str, lines: LineMap, path: tuple) -> None:
        expr = self.expression(text, lines, path)
        if expr:
            rules.append(Rule(f"{kind}:{ident}", kind, expr))

    def _template(self, templates: dict, key: tuple, text: str, lines: LineMap, path: tuple) -> None:
        template = self.template(text, lines, path)
        if template:
            templates[key] = template

    def _grade_known(self, grade: str | None, lines: LineMap, path: tuple) -> None:
        names = [g.name for g in self.main.grades]
        if grade is not None and grade not in names:
            self.problems.append(Problem(_("未知等级`{grade}`（等级：{grades}）").format(grade=grade, grades=_("、").join(names)),
                                         lines.find(path)))

    def _indicator(self, node: IndicatorNode, lines: LineMap, path: tuple, inherited: str,
                   above: tuple[str, ...], rules: list[Rule], unique,
                   applies: tuple[CompiledExpr, ...] = ()) -> CompiledIndicator:
        unique("indicator", node.id, lines, path)
        missing = node.missing or inherited
        if node.applies_when is not None:
            condition = self.expression(node.applies_when, lines, path + ("applies_when",))
            applies = applies + ((condition,) if condition else ())
        if node.children:
            total = sum((c.weight for c in node.children), Decimal(0))
            if total != node.weight:
                self.problems.append(Problem(_("指标`{id}`：下级指标权重合计{total}分，与其权重{weight}分不符").format(
                    id=node.id, total=total, weight=node.weight), lines.find(path + ("weight",))))
            children = tuple(self._indicator(c, lines, path + ("children", i), missing, above + (node.name,), rules, unique,
                                             applies)
                             for i, c in enumerate(node.children))
            return CompiledIndicator(node, missing, None, children, above, applies=applies)
        method = node.method
        value = None
        if isinstance(method, (RateMethod, LadderMethod, BandsMethod)):
            value = self.expression(method.value, lines, path + ("method", "value"), "number")
        if isinstance(method, BandsMethod):
            self.problems.extend(band_problems(node.id, method, lines, path + ("method", "bands")))
            for j, band in enumerate(method.bands):
                if band.points > node.weight:
                    self.problems.append(Problem(_("指标`{id}`：分档得分{points}分，超过其权重{weight}分").format(
                        id=node.id, points=band.points, weight=node.weight), lines.find(path + ("method", "bands", j, "points"))))
        if isinstance(method, ConditionMethod):
            expr = self.expression(method.when, lines, path + ("method", "when"))
            if expr:
                rules += _pair("cond.true", "cond.false", node.id, expr)
        label, fmt = self._describe_value(getattr(method, "value", None))
        return CompiledIndicator(node, missing, value, (), above, label, fmt, applies)

    def _describe_value(self, text: str | None) -> tuple[str, str]:
        """The label and format of a method's value when it names a metric."""
        if text is None:
            return "", "num"
        for source in self.sources:
            metric = source.ruleset.metrics.get(text.strip())
            if isinstance(metric, Metric):
                return metric.label or text.strip(), metric.format
            if metric is not None:
                return text.strip(), "num"
        return text.strip(), "num"

    def _order_metrics(self, metrics: dict[str, CompiledMetric]) -> list[CompiledMetric]:
        """Metrics in dependency order; a cycle is an error naming the metrics in it."""
        deps = {name: n.free_names(m.expr.node) & set(metrics) for name, m in metrics.items()}
        ordered: list[CompiledMetric] = []
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = trail[trail.index(name):] + [name]
                self.problems.append(Problem(_("计算量循环引用：{cycle}").format(cycle=" → ".join(cycle)), metrics[name].expr.where))
                return
            state[name] = 1
            for dep in sorted(deps[name]):
                visit(dep, trail + [name])
            state[name] = 2
            ordered.append(metrics[name])

        for name in metrics:
            visit(name, [])
        return ordered

    def _check_structure(self, lines: LineMap) -> None:
        rs = self.main
        top = sum((node.weight for node in rs.indicators), Decimal(0))
        if rs.indicators and top != rs.total:
            self.problems.append(Problem(_("指标权重合计{top}分，与总分{total}分不符").format(top=top, total=rs.total),
                                         lines.find(("indicators",))))
        mins = [g.min for g in rs.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            self.problems.append(Problem(_("等级须按`min`从高到低排列，各等级的`min`不得相同"), lines.find(("grades",))))
        if rs.grades and rs.grades[-1].min != 0:
            self.problems.append(Problem(_("最低等级须从0分起（现为{min}分）：否则部分得分没有等级").format(min=rs.grades[-1].min),
                                         lines.find(("grades",))))
        for g in rs.grades:
            if g.min > rs.total:
                self.problems.append(Problem(_("等级`{name}`须得{min}分，超过总分{total}分，永远无法达到").format(
                    name=g.name, min=g.min, total=rs.total), lines.find(("grades",))))
        if rs.disqualified_grade not in [g.name for g in rs.grades]:
            self.problems.append(Problem(_("disqualified_grade 所填`{grade}`不是所列等级之一").format(grade=rs.disqualified_grade),
                                         lines.find(("disqualified_grade",))))
        for i, tier in enumerate(rs.tiers):
            if tier.min > tier.max:
                self.problems.append(Problem(_("档次`{name}`：`min` {min} 大于 `max` {max}").format(name=tier.name, min=tier.min, max=tier.max),
                                             lines.find(("tiers", i))))


_INPUT_TYPES = {"amount": NUM, "rate": NUM, "count": NUM, "yesno": BOOL, "date": TEXT, "text": TEXT, "choice": TEXT}


# a second id of a kind (the kinds `unique` is called with)
_DUPLICATE = {
    "metric": N_("计算量编号`{id}`重复（首次出现于{first}）"),
    "veto": N_("一票否决编号`{id}`重复（首次出现于{first}）"),
    "exemption": N_("免评编号`{id}`重复（首次出现于{first}）"),
    "check": N_("核对编号`{id}`重复（首次出现于{first}）"),
    "finding": N_("问题与建议编号`{id}`重复（首次出现于{first}）"),
    "indicator": N_("指标编号`{id}`重复（首次出现于{first}）"),
}


def _with_inputs(kind: str, declared: Declarations) -> tuple[dict, dict]:
    """The names and types a record of `kind` offers, with `inputs` holding exactly the declared
    keys (a department's `projects` carry the project inputs)."""
    scope, types = dict(scope_for(kind)), dict(record_types(kind))

    def names(record_kind: str) -> dict:
        return {key: VALUE for key in declared.get(record_kind, {})}

    def typed(record_kind: str) -> RecordType:
        return RecordType(tuple((key, _INPUT_TYPES[spec.type]) for key, spec in declared.get(record_kind, {}).items()))

    if kind in ("department", "project"):
        scope["inputs"], types["inputs"] = names(kind), typed(kind)
    if kind == "department":
        project_scope = dict(scope["projects"].fields, inputs=names("project"))
        scope["projects"] = scope["all_projects"] = ListOf(project_scope)
        element = types["projects"].element
        fields = tuple((name, typed("project") if name == "inputs" else t) for name, t in element.fields)
        types["projects"] = ListType(RecordType(fields))
    return scope, types


def band_problems(ident: str, method: BandsMethod, lines: LineMap, path: tuple) -> list[Problem]:
    """Bands that are empty, overlap (the later one is partly dead) or leave a gap between them.

    Values below the lowest band or above the highest score 0 by design; between bands they
    would too, which is almost always a typo (`lt: 0.1` where `lte: 0.1` was meant).
    """
    problems: list[Problem] = []
    spans = []
    for j, band in enumerate(method.bands):
        low = (band.gt, False) if band.gt is not None else (band.gte, True) if band.gte is not None else (None, False)
        high = (band.lt, False) if band.lt is not None else (band.lte, True) if band.lte is not None else (None, False)
        where = lines.find(path + (j,))
        if low[0] is not None and high[0] is not None and (low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))):
            problems.append(Problem(_("指标`{id}`：第{n}档（{band}）不含任何值").format(id=ident, n=j + 1, band=_band(band)), where))
            continue
        spans.append((j, low, high, where))
    # sort by lower bound: unbounded first, then by value, a closed bound before an open one
    spans.sort(key=lambda s: (s[1][0] is not None, s[1][0] if s[1][0] is not None else 0, not s[1][1], s[0]))
    reach = None  # the highest upper bound so far: (value or None for +∞, closed, band index)
    for j, (low, low_closed), (high, high_closed), where in spans:
        if reach is not None:
            r_value, r_closed, r_band = reach
            first, second = sorted((j, r_band))
            if r_value is None or low is None or low < r_value or (low == r_value and low_closed and r_closed):
                problems.append(Problem(_("指标`{id}`：第{first}档（{a}）与第{second}档（{b}）重叠，以先列者为准").format(
                    id=ident, first=first + 1, a=_band(method.bands[first]), second=second + 1, b=_band(method.bands[second])),
                    lines.find(path + (second,))))
            elif low > r_value or not (low_closed or r_closed):
                problems.append(Problem(_("指标`{id}`：第{first}档（{a}）与第{second}档（{b}）之间的值无档可归，将得0分").format(
                    id=ident, first=r_band + 1, a=_band(method.bands[r_band]), second=j + 1, b=_band(method.bands[j])), where))
        if reach is None or high is None or (reach[0] is not None and (high > reach[0] or (high == reach[0] and high_closed))):
            reach = (high, high_closed, j)
    return problems


def _band(band) -> str:
    parts = [f"{op} {format(v, 'f')}" for op, v in (("gt", band.gt), ("gte", band.gte), ("lt", band.lt), ("lte", band.lte))
             if v is not None]
    return _("，").join(parts) or _("任意值")


def _pair(yes: str, no: str, ident: str, expr: CompiledExpr) -> list[Rule]:
    """A condition and its negation as two rules, so "false" and "unknown" can be told apart."""
    node = expr.node
    negated = n.Unary(text=f"not ({node.text})", line=node.line, column=node.column, op="not", operand=node)
    return [Rule(f"{yes}:{ident}", yes, expr),
            Rule(f"{no}:{ident}", no, CompiledExpr(negated, compile_fast(negated), expr.where), negates=f"{yes}:{ident}")]


def _digest(sources: list[Source]) -> str:
    payload = json.dumps([s.ruleset.model_dump(mode="json", by_alias=True) for s in sources], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def compile_ruleset(sources: list[Source]) -> CompiledRuleset:
    return _Compiler(sources).compile()
