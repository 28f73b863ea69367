"""The generated functions (expr_codegen) agree with the reference closures (expr_native) on values,
unknowns and errors, over many expressions and namespaces, including wrong types and absent names."""
from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from jixiao.core.errors import EvaluationError
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.native import compile_node
from jixiao.expressions.parser import parse_expression

EXPRESSIONS = [
    "x", "b.final", "b.final.deep", "-x", "+x", "not t", "not x",
    "x + y", "x - y", "x * y", "x / y", "x + y * 2 - 1", "(x - y) / y", "abs(x - y - 0.01)",
    "x < y", "x <= y", "x > 1", "x >= y", "x == y", "x != y", "s == '本级'", "s != s", "t == u", "t != True",
    "x == s", "s < s", "t < u", "1 < x < 3",
    "t and u", "t or u", "t and x > 1", "x > 1 or t", "not (x < 1) and (t or u)", "t and u and x < y",
    "x is None", "x is not None", "known(x)", "missing(b.final)", "coalesce(b.final, x + y)",
    "coalesce(z, z, 3)", "len(l)", "len(s)", "len(x)", "s in ['本级', '上级']", "x not in [1, 2]",
    "count(i for i in l if i.k == 'q')", "count(i for i in l)", "count(x for x in l if x.v > y)",
    "count(i for i in l if i.v)", "count(i.v + 1 for i in l if known(i.v))", "count(i for i in l if i.zz == x)",
    "count(i for i in l if i.v in [1])", "sum(i.v for i in l)", "round(x / y, 4)", "min(x, y)",
    "max(x, 1)", "contains(s, '级')", "unknown_name + 1", "b.final > x and unknown_name",
    "nothere", "b.missing_key", "abs(s)", "-s", "x + s", "t + 1",
]
VALUES = [None, D("0"), D("1.5"), D("-2"), D("0.01"), "本级", True, False]


def namespaces():
    for x, y, t, u in itertools.product(VALUES, VALUES, [None, True, False, D(1)], [None, True, False]):
        yield {"x": x, "y": y, "t": t, "u": u, "s": "本级", "z": None,
               "b": {"final": x, "initial": y} if t is not False else (None if u else x),
               "l": [{"k": "q", "v": D(1)}, {"k": "r", "v": y}] if u is not None else x}


def outcome(run, ns):
    try:
        return ("value", type(value := run(ns)), value)
    except EvaluationError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_codegen_agrees_with_reference(text):
    node = parse_expression(text)
    fast, reference = compile_fast(node), compile_node(node)
    for ns in namespaces():
        before = dict(ns)
        assert outcome(fast, ns) == outcome(reference, ns), (text, ns)
        assert ns == before  # the namespace is left as it was


def test_generated_code_has_no_ruleset_text():
    """Ruleset names reach the generated function only as constants, never as code."""
    run = compile_fast(parse_expression("x + y"))
    names = set(run.__code__.co_names) | set(run.__code__.co_varnames)
    assert "x" not in names and "y" not in names


def test_generated_trees_are_placed_as_fix_missing_locations_places_them():
    import ast
    import copy

    from jixiao.core.pyast import _located

    tree = ast.parse("def f(a, *b, c=1, **d):\n    return [x + 1 for x in a if x] or {k: v for k, v in d.items()}\n")
    for node in ast.walk(tree):  # as the generators build them: no places
        for name in node._attributes:
            if hasattr(node, name):
                delattr(node, name)
    expected = ast.fix_missing_locations(copy.deepcopy(tree))
    assert ast.dump(_located(tree), include_attributes=True) == ast.dump(expected, include_attributes=True)
