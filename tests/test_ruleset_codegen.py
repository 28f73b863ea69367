"""A ruleset's generated metrics and rules functions (ruleset_codegen) agree with the reference loops
on values, the namespace they leave, unknowns and errors (the same message, from the same metric or
rule), including metrics read by later metrics, shadowed names, wrong types and negated pairs."""
from __future__ import annotations

import itertools
from decimal import Decimal as D

from jixiao import load_ruleset
from jixiao.rulesets.compiler import CompiledExpr, CompiledMetric, Rule
from jixiao.core.errors import EvaluationError, Location
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.nodes import Unary
from jixiao.expressions.parser import parse_expression
from jixiao.records.namespace import record_namespace
from jixiao.rulesets.codegen import compile_metrics, compile_rules, metrics_each, rules_each
from jixiao.engines import get_engine

from test_codegen import VALUES


def expr(text: str, line: int) -> CompiledExpr:
    node = parse_expression(text)
    return CompiledExpr(node, compile_fast(node), Location("t.yaml", line, 1))


METRICS = [  # (name, expression, places)
    ("a", "x + y", 2),
    ("b", "a / y", 4),  # reads a metric: a local in the generated function
    ("c", "count(i for i in l if i.k == 'q')", None),
    ("d", "count(a for a in l if a.v > 1)", None),  # the loop variable hides metric `a`
    ("e", "coalesce(b, a, x)", 1),
    ("f", "a > 1 and t", None),
    ("g", "t", 0),  # rounded: an error unless a number
    ("h", "sum(i.v for i in l) + a", 2),  # a reference closure inside, reading metric `a` from ns
    ("n", "count(i for i in l if count(j for j in l if j.v > i.v) > 0)", None),  # a count inside a count
    ("k", "count(i for i in l if i.v)", None),  # a number is not yes/no: the reference's error
    ("m", "count(i for i in l)", None),
]
RULES = ["a > 1", "not (a > 1)", "t and c > 0", "b", "f or u", "e >= 1.5"]  # "b" is not yes/no


def metrics(upto: int | None = None):
    return [CompiledMetric(name, expr(text, line), places, name, "num")
            for line, (name, text, places) in enumerate(METRICS[:upto], 1)]


def rules():
    out = []
    for line, text in enumerate(RULES, 1):
        compiled = expr(text, line)
        out.append(Rule(f"finding:r{line}", "finding", compiled))
        negated = Unary(text=f"not ({text})", line=1, column=1, op="not", operand=compiled.node)
        out.append(Rule(f"check.fail:r{line}", "check.fail", CompiledExpr(negated, compile_fast(negated), compiled.where),
                        negates=f"finding:r{line}"))
    return out


def namespaces():
    for x, y, t, u in itertools.product(VALUES, VALUES, [None, True, False, D(1)], [None, True, False]):
        yield {"x": x, "y": y, "t": t, "u": u, "s": "本级",
               "l": [{"k": "q", "v": D(1)}, {"k": "r", "v": y}] if u is not None else x}


def outcome(run, ns):
    ns = dict(ns)
    try:
        return ("value", run(ns), ns)
    except EvaluationError as exc:
        return ("error", str(exc))


def test_generated_metrics_agree_with_the_loop():
    compiled = metrics()
    fast, reference = compile_metrics(compiled), metrics_each(compiled)
    seen = set()
    for ns in namespaces():
        got, want = outcome(fast, ns), outcome(reference, ns)
        assert got == want, ns
        seen.add("value" if want[0] == "value" else next((k for k in KINDS if k in want[1]), want[1]))
    assert seen == {"value", *KINDS}


KINDS = ["计算量`g`设有 round，但得出", "`l`不是列表", "需要数值", "需要是/否"]


def test_generated_rules_agree_with_the_loop():
    compiled_metrics, compiled_rules = metrics(upto=-2), rules()  # without `k`, which always fails here
    fast, reference = compile_rules(compiled_rules), rules_each(compiled_rules)
    seen_fired, errors = set(), set()
    for base in namespaces():
        ns = dict(base)
        try:
            metrics_each(compiled_metrics)(ns)
        except EvaluationError:
            continue
        got, want = outcome(fast, ns), outcome(reference, ns)
        assert got == want, ns
        if want[0] == "value":
            seen_fired |= want[1]
        else:
            errors.add(next(k for k in ("t.yaml:4:1：条件`b`得出", "表达式`t and c > 0`：需要是/否")
                            if k in want[1]))
    assert len(errors) == 2  # a number is not yes/no, both at the top of a rule and inside it
    assert {"finding:r1", "check.fail:r1", "check.fail:r6", "finding:r6"} <= seen_fired


def test_shipped_rulesets_use_generated_functions(seed_case):
    """The compiled ruleset runs one generated function each for metrics and rules, and the
    native engine gives what the reference loops give on every seed record."""
    for ident, records in (("mof-project-selfeval", seed_case.projects), ("department-overall", [seed_case.department])):
        compiled = load_ruleset(ident)
        assert compiled.run_metrics.__code__.co_filename == "<jixiao metrics>"
        assert compiled.run_rules.__code__.co_filename == "<jixiao rules>"
        for record in records:
            ns = record_namespace(record, seed_case, compiled.reads)
            reference_ns = dict(ns)
            assert compiled.run_metrics(ns) == metrics_each(compiled.metrics)(reference_ns)
            assert ns == reference_ns
            assert get_engine("native").fire(compiled, ns) == rules_each(compiled.rules)(reference_ns)
