"""A ruleset's metrics, and its rules, each as one generated function: the native engine's hot path.

`expr_codegen` gives every expression its own function; a record then costs one call per metric
and per rule, a namespace lookup per metric read, and a Python loop around them, which measured
at about half the time of deciding a record. Here the expressions of a ruleset are laid out in
one function body instead, in the order the reference loops (`metrics_each`, `rules_each`) run
them, with each metric also kept in a local that later expressions read directly.

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

from .decimals import CONTEXT, quantum, round_half_up
from .errors import EvaluationError
from . import expr_nodes as n
from .expr_codegen import Builder

MetricsRun = Callable[[dict], dict[str, Any]]
RulesRun = Callable[[dict], set[str]]


# ---- the reference loops ----------------------------------------------------------------------

def rounded(metric, value: Any) -> Any:
    """A metric's value rounded where the ruleset says; a rounded metric must be a number."""
    if metric.round is None or value is None:
        return value
    if not isinstance(value, Decimal):
        raise EvaluationError(f"{metric.expr.where}: metric `{metric.name}` is rounded but gives {value!r}, not a number")
    return round_half_up(value, metric.round)


def yes_no(rule, value: Any) -> bool | None:
    """A rule's condition must give yes, no or unknown."""
    if value is None or isinstance(value, bool):
        return value
    raise EvaluationError(f"{rule.expr.where}: condition `{rule.expr.node.text}` gives {value!r}, not yes/no")


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
            exact = _call(builder.bind(CONTEXT.quantize), _load("_v"), builder.bind(quantum(metric.round)))
            checked = _call(builder.bind(lambda value, metric=metric: rounded(metric, value)), _load("_v"))
            body.append(_assign("_v", ast.IfExp(_is(_load("_v"), None), _load("_v"),
                                                ast.IfExp(_class_is(_load("_v"), "_D"), exact, checked))))
        local = f"_m{index}"
        body.append(_assign(local, _load("_v")))
        body.append(ast.Assign([ast.Subscript(_load("ns"), ast.Constant(metric.name), ast.Store())], _load(local)))
        builder.bound[metric.name] = local  # later expressions read the local, not ns
    body.append(ast.Return(ast.Dict([ast.Constant(m.name) for m in metrics],
                                    [_load(f"_m{i}") for i in range(len(metrics))])))
    return _function(builder, body, "metrics")


def _rules_function(rules: list) -> RulesRun:
    builder = Builder()
    add = _load("_add")
    body: list[ast.stmt] = [_assign("_fired", _call(_load("_set"))),
                            _assign("_add", ast.Attribute(_load("_fired"), "add", ast.Load()))]
    builder.env["_set"] = set
    for rule in rules:
        if rule.negates is not None:
            # _v = None if _v is None else not _v
            body.append(_assign("_v", ast.IfExp(_is(_load("_v"), None), ast.Constant(None),
                                                ast.UnaryOp(ast.Not(), _load("_v")))))
        else:
            body += _compute(builder, rule.expr)
            # if _v is not True and _v is not False and _v is not None: yes_no(rule, _v)  (raises)
            odd = ast.BoolOp(ast.And(), [ast.Compare(_load("_v"), [ast.IsNot()], [ast.Constant(c)])
                                         for c in (True, False, None)])
            check = _call(builder.bind(lambda value, rule=rule: yes_no(rule, value)), _load("_v"))
            body.append(ast.If(odd, [ast.Expr(check)], []))
        body.append(ast.If(_is(_load("_v"), True), [ast.Expr(_call(add, ast.Constant(rule.id)))], []))
    body.append(ast.Return(_load("_fired")))
    return _function(builder, body, "rules")


def _compute(builder: Builder, expr) -> list[ast.stmt]:
    """try: _v = <inline code> / except Exception: _v = expr.run(ns)

    `expr.run` (compile_fast's function) gives the reference closure's value or error whenever its
    own inline code gives up, so it is the reference here too."""
    inline = _count_loop(builder, expr.node) or [_assign("_v", builder.expr(expr.node))]
    reference = _call(builder.bind(expr.run), _load("ns"))
    return [ast.Try(body=inline,
                    handlers=[ast.ExceptHandler(_load("_Exception"), None, [_assign("_v", reference)])],
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
    if not (isinstance(node, n.Aggregate) and node.func == "count" and isinstance(node.element, n.Name)
            and node.element.path == (node.var,)):
        return None
    var, fallbacks = builder.temp(), builder.fallbacks
    saved = builder.bound.get(node.var)
    builder.bound[node.var] = var
    try:
        held = builder.expr(node.condition) if node.condition is not None else ast.Constant(True)
    finally:
        if saved is None:
            builder.bound.pop(node.var)
        else:
            builder.bound[node.var] = saved
    if builder.fallbacks != fallbacks:  # a reference closure inside would look the variable up in ns
        return None
    bail = ast.Expr(_call(_load("_bail")))
    loop = ast.For(ast.Name(var, ast.Store()), _load("_items"), [
        _assign("_h", held),
        ast.If(_is(_load("_h"), True), [ast.AugAssign(ast.Name("_n", ast.Store()), ast.Add(), ast.Constant(1))],
               [ast.If(_is(_load("_h"), None), [_assign("_unknown", ast.Constant(True))],
                       [ast.If(ast.Compare(_load("_h"), [ast.IsNot()], [ast.Constant(False)]), [bail], [])])])],
        [], None)
    counted = [_assign("_n", ast.Constant(0)), _assign("_unknown", ast.Constant(False)), loop,
               _assign("_v", ast.IfExp(_load("_unknown"), ast.Constant(None), _call(_load("_whole"), _load("_n"))))]
    return [_assign("_items", builder.expr(node.iterable)),
            ast.If(_class_is(_load("_items"), "_list"), counted,
                   [ast.If(_is(_load("_items"), None), [_assign("_v", ast.Constant(None))], [bail])])]


def _function(builder: Builder, body: list[ast.stmt], name: str):
    function = ast.FunctionDef(
        name=name,
        args=ast.arguments(posonlyargs=[], args=[ast.arg("ns")], vararg=None, kwonlyargs=[], kw_defaults=[],
                           kwarg=None, defaults=[]),
        body=body or [ast.Pass()], decorator_list=[], returns=None, type_comment=None)
    module = ast.fix_missing_locations(ast.Module([function], type_ignores=[]))
    env = builder.env
    exec(compile(module, f"<jixiao {name}>", "exec"), env)  # our generated AST (module docstring)
    return env[name]


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _assign(name: str, value: ast.expr) -> ast.stmt:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _call(func: ast.expr, *args: ast.expr) -> ast.expr:
    return ast.Call(func, list(args), [])


def _is(value: ast.expr, constant: Any) -> ast.expr:
    return ast.Compare(value, [ast.Is()], [ast.Constant(constant)])


def _class_is(value: ast.expr, cls: str) -> ast.expr:
    return ast.Compare(ast.Attribute(value, "__class__", ast.Load()), [ast.Is()], [_load(cls)])
