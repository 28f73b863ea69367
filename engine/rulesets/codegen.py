"""A ruleset's metrics, and its rules, each as one generated function: the native engine's hot path.

`expr_codegen` gives every expression its own function; a record then costs one call per metric
and per rule, a namespace lookup per metric read, and a Python loop around them. Here the
expressions of a ruleset are laid out in one function body instead, in the order the reference
loops (`metrics_each`, `rules_each`) run them, with each metric also kept in a local that later
expressions read directly. With the namespace changes of the same work, deciding a generated
project went from 81.8k to 45.4k instructions (callgrind).

Semantics are the reference loops', by construction: each expression sits in its own
`try: value = <inline code> / except Exception: value = <its reference closure>(ns)`, exactly as
`expr_codegen.compile_fast` does for one; the metric rounding and the yes/no test of a rule's
value call the same checks with the same messages. As there, the code is an `ast` tree built from
jixiao's own nodes: ruleset names and texts enter only as string constants.
"""
from __future__ import annotations

import ast
from decimal import Decimal
from typing import Any, Callable

from jixiao.core.decimals import CONTEXT, quantum, round_half_up
from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.expressions import nodes as n
from jixiao.expressions.codegen import Builder, counts_items
from jixiao.core.pyast import assign, call, class_is, define, is_, load

MetricsRun = Callable[[dict], dict[str, Any]]
RulesRun = Callable[[dict], set[str]]


# ---- the reference loops ----------------------------------------------------------------------

def rounded(metric, value: Any) -> Any:
    """A metric's value rounded where the ruleset says; a rounded metric must be a number."""
    if metric.round is None or value is None:
        return value
    if not isinstance(value, Decimal):
        raise EvaluationError(_("{where}：计算量`{name}`设有 round，但得出{value!r}，不是数值").format(
            where=metric.expr.where, name=metric.name, value=value))
    return round_half_up(value, metric.round)


def yes_no(rule, value: Any) -> bool | None:
    """A rule's condition must give yes, no or unknown."""
    if value is None or isinstance(value, bool):
        return value
    raise EvaluationError(_("{where}：条件`{text}`得出{value!r}，不是是/否").format(
        where=rule.expr.where, text=rule.expr.node.text, value=value))


def metrics_each(metrics: list) -> MetricsRun:
    """Adds each metric to `ns` in dependency order and returns their values."""
    def run(ns: dict) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for metric in metrics:
            value = rounded(metric, metric.expr.run(ns))
            ns[metric.name] = value
            values[metric.name] = value
        return values
    return run


def rules_each(rules: list) -> RulesRun:
    """The ids of the rules whose condition is True. A rule that `negates` the one before it is
    its Kleene negation (a check's fail half) and is not evaluated twice."""
    def run(ns: dict) -> set[str]:
        fired = set()
        previous = None
        for rule in rules:
            if rule.negates is not None:
                value = None if previous is None else not previous
            else:
                value = yes_no(rule, rule.expr.run(ns))
            if value is True:
                fired.add(rule.id)
            previous = value
        return fired
    return run


# ---- the generated functions ------------------------------------------------------------------

def compile_metrics(metrics: list) -> MetricsRun:
    """One function computing every metric as `metrics_each(metrics)` does."""
    try:
        return _metrics_function(metrics)
    except (RecursionError, MemoryError):  # expressions nested too deeply for `compile`
        return metrics_each(metrics)


def compile_rules(rules: list) -> RulesRun:
    """One function deciding every rule as `rules_each(rules)` does."""
    try:
        return _rules_function(rules)
    except (RecursionError, MemoryError):
        return rules_each(rules)


def _metrics_function(metrics: list) -> MetricsRun:
    builder = Builder()
    body: list[ast.stmt] = []
    for index, metric in enumerate(metrics):
        body += _compute(builder, metric.expr)
        if metric.round is not None:
            # _v = _v if _v is None else (round_half_up(_v, places) if _v.__class__ is Decimal else rounded(metric, _v))
            # with round_half_up's own quantize call inlined
            exact = call(builder.bind(CONTEXT.quantize), load("_v"), builder.bind(quantum(metric.round)))
            checked = call(builder.bind(lambda value, metric=metric: rounded(metric, value)), load("_v"))
            body.append(assign("_v", ast.IfExp(is_(load("_v"), None), load("_v"),
                                                ast.IfExp(class_is(load("_v"), "_D"), exact, checked))))
        local = f"_m{index}"
        body.append(assign(local, load("_v")))
        body.append(ast.Assign([ast.Subscript(load("ns"), ast.Constant(metric.name), ast.Store())], load(local)))
        builder.bound[metric.name] = local  # later expressions read the local, not ns
    body.append(ast.Return(ast.Dict([ast.Constant(m.name) for m in metrics],
                                    [load(f"_m{i}") for i in range(len(metrics))])))
    return _function(builder, body, "metrics")


def _rules_function(rules: list) -> RulesRun:
    builder = Builder()
    add = load("_add")
    body: list[ast.stmt] = [assign("_fired", call(load("_set"))),
                            assign("_add", ast.Attribute(load("_fired"), "add", ast.Load()))]
    builder.env["_set"] = set
    for rule in rules:
        if rule.negates is not None:
            # _v = None if _v is None else not _v
            body.append(assign("_v", ast.IfExp(is_(load("_v"), None), ast.Constant(None),
                                                ast.UnaryOp(ast.Not(), load("_v")))))
        else:
            body += _compute(builder, rule.expr)
            # if _v is not True and _v is not False and _v is not None: yes_no(rule, _v)  (raises)
            odd = ast.BoolOp(ast.And(), [ast.Compare(load("_v"), [ast.IsNot()], [ast.Constant(c)])
                                         for c in (True, False, None)])
            check = call(builder.bind(lambda value, rule=rule: yes_no(rule, value)), load("_v"))
            body.append(ast.If(odd, [ast.Expr(check)], []))
        body.append(ast.If(is_(load("_v"), True), [ast.Expr(call(add, ast.Constant(rule.id)))], []))
    body.append(ast.Return(load("_fired")))
    return _function(builder, body, "rules")


def _compute(builder: Builder, expr) -> list[ast.stmt]:
    """try: _v = <inline code> / except Exception: _v = expr.run(ns)

    `expr.run` (compile_fast's function) gives the reference closure's value or error whenever its
    own inline code gives up, so it is the reference here too."""
    inline = _count_loop(builder, expr.node) or [assign("_v", builder.expr(expr.node))]
    reference = call(builder.bind(expr.run), load("ns"))
    return [ast.Try(body=inline,
                    handlers=[ast.ExceptHandler(load("_Exception"), None, [assign("_v", reference)])],
                    orelse=[], finalbody=[])]


def _count_loop(builder: Builder, node: n.Node) -> list[ast.stmt] | None:
    """`count(x for x in items if cond)` as a metric (a common one: how many rows are
    quantitative) written as a plain loop, or None where expr_codegen's form is kept:

        _items = <items>
        if _items.__class__ is list:
            _n, _unknown = 0, False
            for <x> in _items:
                _h = <cond>
                if _h is True: _n += 1
                elif _h is None: _unknown = True
                elif _h is not False: _bail()   (anything but yes/no/unknown: the reference decides)
            _v = None if _unknown else _whole(_n)
        elif _items is None: _v = None
        else: _bail()
    """
    if not counts_items(node):
        return None
    fallbacks = builder.fallbacks
    with builder.local(node.var) as var:
        held = builder.condition(node)
    if builder.fallbacks != fallbacks:  # a reference closure inside would look the variable up in ns
        return None
    bail = ast.Expr(call(load("_bail")))
    loop = ast.For(ast.Name(var, ast.Store()), load("_items"), [
        assign("_h", held),
        ast.If(is_(load("_h"), True), [ast.AugAssign(ast.Name("_n", ast.Store()), ast.Add(), ast.Constant(1))],
               [ast.If(is_(load("_h"), None), [assign("_unknown", ast.Constant(True))],
                       [ast.If(ast.Compare(load("_h"), [ast.IsNot()], [ast.Constant(False)]), [bail], [])])])],
        [], None)
    counted = [assign("_n", ast.Constant(0)), assign("_unknown", ast.Constant(False)), loop,
               assign("_v", ast.IfExp(load("_unknown"), ast.Constant(None), call(load("_whole"), load("_n"))))]
    return [assign("_items", builder.expr(node.iterable)),
            ast.If(class_is(load("_items"), "_list"), counted,
                   [ast.If(is_(load("_items"), None), [assign("_v", ast.Constant(None))], [bail])])]


def _function(builder: Builder, body: list[ast.stmt], name: str):
    return define(name, ["ns"], body or [ast.Pass()], builder.env, f"<jixiao {name}>")
