"""Compile expression nodes to one generated Python function each: the native engine's fast path.

Why this is not `eval` of ruleset text: the function is assembled as a Python `ast` tree from
*our* expression nodes (expr_nodes), never from the text a ruleset states. Every identifier in it
is generated here (`ns`, `_t0`, `_c1`, …); a ruleset's names and literals enter only as string
constants (dictionary keys) or as objects bound in the function's private globals. The parser has
already refused everything outside the expression language.

Semantics are those of `expr_native.compile_node`, the reference implementation, by construction:
the generated code handles the common case (known Decimals, yes/no values, dict lookups) inline
and, on anything else that could be an error (a type the reference would refuse, an unknown name,
a failure in a helper), gives up and returns what the reference closure gives for the whole
expression — the same value, or the same EvaluationError. Expressions are pure (an aggregate
restores the namespace it borrows), so running the reference after an abandoned attempt is safe.
Nodes without an inline form (aggregates, `in`, review helpers, round, min, max, contains) call
the reference closure of that subtree in place, which composes exactly as in the reference.
"""
from __future__ import annotations

import ast
import itertools
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable

from jixiao.expressions import nodes as n
from jixiao.core.decimals import CONTEXT
from jixiao.expressions.native import compile_node
from jixiao.core.pyast import call, class_is, define, is_, is_none, load, walrus

Closure = Callable[[dict], Any]


class _Slow(Exception):
    """The inline code met a case it leaves to the reference implementation."""


def _bail() -> Any:
    raise _Slow


def _numbers_or_none(a: Any, b: Any) -> None:
    """Arithmetic with an unknown operand: unknown, provided the other is a number or unknown."""
    if (a is None or a.__class__ is Decimal) and (b is None or b.__class__ is Decimal):
        return None
    raise _Slow


def _compare_other(op: str) -> Callable[[Any, Any], bool | None]:
    """A comparison whose operands are not both Decimals: unknown, like text/yes-no, or an error."""
    test = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b}.get(op)

    def other(a: Any, b: Any) -> bool | None:
        if a is None or b is None:
            return None
        if test is not None and a.__class__ is b.__class__ and (a.__class__ is str or a.__class__ is bool):
            return test(a, b)
        raise _Slow
    return other


_SMALL = tuple(Decimal(i) for i in range(1024))  # Decimal(int) costs ~0.3 µs; counts are small


def _whole(count: int) -> Decimal:
    return _SMALL[count] if count < 1024 else Decimal(count)


def _count(items: Any, keep: Callable[[Any], Any], element: Callable[[Any], Any]) -> Decimal | None:
    """How many items `keep` holds for (each kept element evaluated, as the reference does: any
    error, in whatever order it comes, hands the whole expression to the reference)."""
    if items is None:
        return None
    if items.__class__ is not list:
        raise _Slow
    held = [keep(item) for item in items]
    for item, value in zip(items, held):
        if value is True:
            element(item)
    return _tally(held)


def _sum(items: Any, keep: Callable[[Any], Any], element: Callable[[Any], Any]) -> Decimal | None:
    """The sum of the elements `keep` holds for, unknown if a condition or an element is unknown;
    anything the reference might refuse (not a list, not yes/no, not a Decimal, an overflow) bails,
    and the reference gives the value or the error, in its own order."""
    if items is None:
        return None
    if items.__class__ is not list:
        raise _Slow
    total, unknown = _ZERO, False
    for item in items:
        held = keep(item)
        if held is not True:
            if held is None:
                unknown = True
            elif held is not False:
                raise _Slow
            continue
        value = element(item)
        if value.__class__ is _Decimal:
            if not unknown:
                total = _add(total, value)
        elif value is None:
            unknown = True
        else:
            raise _Slow
    return None if unknown else total


_ZERO, _Decimal, _add = Decimal(0), Decimal, CONTEXT.add


def _collect(items: Any, keep: Callable[[Any], Any], element: Callable[[Any], Any]) -> list | None:
    """The elements of the items `keep` holds for, unknown if a condition is unknown."""
    if items is None:
        return None
    if items.__class__ is not list:
        raise _Slow
    out, unknown = [], False
    for item in items:
        held = keep(item)
        if held is True:
            out.append(element(item))
        elif held is None:
            unknown = True
        elif held is not False:
            raise _Slow
    return None if unknown else out


def _tally(held: list) -> Decimal | None:
    """How many conditions held: unknown if any was unknown; anything but yes/no/unknown bails."""
    count, unknown = 0, False
    for value in held:
        if value is True:
            count += 1
        elif value is None:
            unknown = True
        elif value is not False:
            raise _Slow
    return None if unknown else _whole(count)


_CMP = {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE, "==": ast.Eq, "!=": ast.NotEq}
_ARITH = {"+": CONTEXT.add, "-": CONTEXT.subtract, "*": CONTEXT.multiply}  # "/" is inline: see binary()


class Builder:
    """Turns expression nodes into `ast` expressions over `ns`; what they need is bound in `env`."""

    def __init__(self) -> None:
        self.env: dict[str, Any] = {"_D": Decimal, "_S": str, "_bail": _bail, "_nn": _numbers_or_none,
                                    "_Exception": Exception, "_bool": bool, "_list": list, "_str": str,
                                    "_len": len, "_abs": CONTEXT.abs, "_count": _count, "_sum": _sum, "_collect": _collect,
                                    "_isinstance": isinstance, "_tally": _tally, "_whole": _whole}
        self._ids = itertools.count()
        self.bound: dict[str, str] = {}  # a count's variable → the lambda parameter holding it
        self.fallbacks = 0

    def bind(self, value: Any) -> ast.expr:
        name = f"_c{next(self._ids)}"
        self.env[name] = value
        return ast.Name(name, ast.Load())

    def temp(self) -> str:
        return f"_t{next(self._ids)}"

    # ---- nodes -------------------------------------------------------------------------------
    def expr(self, node: n.Node) -> ast.expr:
        if isinstance(node, n.Const):
            return self.bind(node.value)
        if isinstance(node, n.Name):
            return self.name(node)
        if isinstance(node, n.Unary):
            return self.unary(node)
        if isinstance(node, n.Binary):
            return self.binary(node)
        if isinstance(node, n.BoolOp):
            return self.boolop(node)
        if isinstance(node, n.Compare):
            return self.compare(node)
        if isinstance(node, n.IsMissing):
            op = ast.IsNot() if node.negate else ast.Is()
            return ast.Compare(self.expr(node.operand), [op], [ast.Constant(None)])
        if isinstance(node, n.Call) and node.func in ("known", "missing") and len(node.args) == 1:
            op = ast.IsNot() if node.func == "known" else ast.Is()
            return ast.Compare(self.expr(node.args[0]), [op], [ast.Constant(None)])
        if isinstance(node, n.Call) and node.func == "coalesce" and node.args:
            return self.coalesce(node)
        if isinstance(node, n.Call) and node.func == "abs" and len(node.args) == 1:
            return self.guarded(node.args[0], lambda t: call("_abs", t))
        if isinstance(node, n.Call) and node.func == "len" and len(node.args) == 1:
            return self.length(node)
        if isinstance(node, n.In) and all(option.__class__ is str for option in node.options):
            return self.member(node)
        if isinstance(node, n.Call) and node.func in ("is_number", "is_text") and len(node.args) == 1:
            # never an error: True for a Decimal (a text), False for anything else, None included
            kind = "_D" if node.func == "is_number" else "_str"
            return ast.Call(load("_isinstance"), [self.expr(node.args[0]), load(kind)], [])
        if isinstance(node, n.Aggregate) and node.func in ("count", "sum", "collect"):
            inline = self.count(node)
            if inline is not None:
                return inline
        return self.fallback(node)

    def fallback(self, node: n.Node) -> ast.expr:
        """No inline form: the reference closure of this subtree, called in place."""
        self.fallbacks += 1
        return ast.Call(self.bind(compile_node(node)), [load("ns")], [])

    @contextmanager
    def local(self, name: str):
        """Within: `name` (an aggregate's variable) reads a fresh local, whose name is yielded."""
        var, saved = self.temp(), self.bound.get(name)
        self.bound[name] = var
        try:
            yield var
        finally:
            if saved is None:
                self.bound.pop(name)
            else:
                self.bound[name] = saved

    def condition(self, node: n.Aggregate) -> ast.expr:
        return self.expr(node.condition) if node.condition is not None else ast.Constant(True)

    def count(self, node: n.Aggregate) -> ast.expr | None:
        """`count(x for x in items if cond)` (or `sum(…)`, `collect(…)`) with the variable a local, not a namespace entry.

        Only when element and condition are wholly inline: a reference closure inside them would
        look the variable up in the namespace.
        """
        fallbacks = self.fallbacks
        with self.local(node.var) as var:
            keep = self.condition(node)
            element = self.expr(node.element)
        if self.fallbacks != fallbacks:
            return None
        if counts_items(node):
            # the element is the item itself (nothing to evaluate): [<condition> for var in items]
            items = self.temp()
            held = ast.ListComp(keep, [ast.comprehension(ast.Name(var, ast.Store()), load(items), [], 0)])
            return ast.IfExp(class_is(walrus(items, self.expr(node.iterable)), "_list"), call("_tally", held),
                             ast.IfExp(is_none(load(items)), ast.Constant(None), call("_bail")))

        def function(body: ast.expr) -> ast.expr:
            return ast.Lambda(ast.arguments(posonlyargs=[], args=[ast.arg(var)], vararg=None, kwonlyargs=[],
                                            kw_defaults=[], kwarg=None, defaults=[]), body)
        helper = {"count": "_count", "sum": "_sum", "collect": "_collect"}[node.func]
        return call(helper, self.expr(node.iterable), function(keep), function(element))

    def name(self, node: n.Name) -> ast.expr:
        head, *rest = node.path
        if head in self.bound:  # a count's variable
            code: ast.expr = load(self.bound[head])
        else:
            code = ast.Subscript(load("ns"), ast.Constant(head), ast.Load())
        for part in rest:
            # None if (t := code) is None else t.get(part)  (anything but a dict has no .get: bail);
            # a local (a count's variable) is read twice instead of held in a temporary
            if isinstance(code, ast.Name):
                held, t = code, code.id
            else:
                t = self.temp()
                held = walrus(t, code)
            code = ast.IfExp(is_none(held), ast.Constant(None),
                             ast.Call(ast.Attribute(load(t), "get", ast.Load()), [ast.Constant(part)], []))
        return code

    def guarded(self, operand: n.Node, apply) -> ast.expr:
        """None for unknown; `apply(t)` for a Decimal; the reference for anything else."""
        t = self.temp()
        return ast.IfExp(is_none(walrus(t, self.expr(operand))), ast.Constant(None),
                         ast.IfExp(class_is(load(t), "_D"), apply(load(t)), call("_bail")))

    def unary(self, node: n.Unary) -> ast.expr:
        if node.op == "not":
            t = self.temp()
            # True if t is False else False if t is True else None if t is None else bail
            value = walrus(t, self.expr(node.operand))
            return ast.IfExp(is_(value, False), ast.Constant(True),
                             ast.IfExp(is_(load(t), True), ast.Constant(False),
                                       ast.IfExp(is_none(load(t)), ast.Constant(None), call("_bail"))))
        sign = self.bind(Decimal(-1 if node.op == "-" else 1))
        return self.guarded(node.operand, lambda t: ast.Call(self.bind(CONTEXT.multiply), [t, sign], []))

    def binary(self, node: n.Binary) -> ast.expr:
        both, a, b = self.numbers(node.left, node.right)
        if node.op == "/":
            # divide() inline: unknown over a zero divisor (its InvalidOperation case, 0/0, is one)
            op = ast.IfExp(ast.Compare(b, [ast.Eq()], [ast.Constant(0)]), ast.Constant(None),
                           ast.Call(self.bind(CONTEXT.divide), [a, b], []))
        else:
            op = ast.Call(self.bind(_ARITH[node.op]), [a, b], [])
        return ast.IfExp(both, op, call("_nn", a, b))

    def numbers(self, left: n.Node, right: n.Node) -> tuple[ast.expr, ast.expr, ast.expr]:
        """A test that both operands are Decimals, and how to read each after it: a temporary
        assigned in the test, or for a Decimal literal its bound constant (nothing to test)."""
        tests, loads = [], []
        for side in (left, right):
            if isinstance(side, n.Const) and side.value.__class__ is Decimal:
                loads.append(self.bind(side.value))
            else:
                t = self.temp()
                tests.append(class_is(walrus(t, self.expr(side)), "_D"))
                loads.append(load(t))
        if not tests:
            return ast.Constant(True), loads[0], loads[1]
        return (tests[0] if len(tests) == 1 else ast.BinOp(tests[0], ast.BitAnd(), tests[1])), loads[0], loads[1]

    def compare(self, node: n.Compare) -> ast.expr:
        right = node.right
        if node.op in ("==", "!=") and isinstance(right, n.Const) and right.value.__class__ is str:
            # text against a text literal (`i.kind == "quantitative"`): inline when the left is text
            a = self.temp()
            text = ast.Constant(right.value)
            other = ast.Call(self.bind(_compare_other(node.op)), [load(a), text], [])
            return ast.IfExp(class_is(walrus(a, self.expr(node.left)), "_S"),
                             ast.Compare(load(a), [_CMP[node.op]()], [text]), other)
        both, a, b = self.numbers(node.left, right)
        test = ast.Compare(a, [_CMP[node.op]()], [b])
        other = ast.Call(self.bind(_compare_other(node.op)), [a, b], [])
        return ast.IfExp(both, test, other)

    def boolop(self, node: n.BoolOp) -> ast.expr:
        """Kleene and/or, left to right, stopping at the first decisive value."""
        decisive = node.op == "or"
        temps = [self.temp() for _ in node.values]
        # after every part: None if any part was unknown, else the non-decisive value
        code: ast.expr = ast.IfExp(ast.BoolOp(ast.Or(), [is_none(load(t)) for t in temps]) if len(temps) > 1
                                   else is_none(load(temps[0])),
                                   ast.Constant(None), ast.Constant(not decisive))
        for part, t in reversed(list(zip(node.values, temps))):
            settled = ast.BoolOp(ast.Or(), [is_(load(t), not decisive), is_none(load(t))])
            code = ast.IfExp(is_(walrus(t, self.expr(part)), decisive), ast.Constant(decisive),
                             ast.IfExp(settled, code, call("_bail")))
        return code

    def member(self, node: n.In) -> ast.expr:
        """`x in ["a", "b"]`: inline when x is text (any other value: the reference compares or refuses)."""
        t = self.temp()
        options = self.bind(frozenset(node.options))
        test = ast.Compare(load(t), [ast.NotIn() if node.negate else ast.In()], [options])
        return ast.IfExp(is_none(walrus(t, self.expr(node.operand))), ast.Constant(None),
                         ast.IfExp(class_is(load(t), "_S"), test, call("_bail")))

    def coalesce(self, node: n.Call) -> ast.expr:
        code: ast.expr = ast.Constant(None)
        for arg in reversed(node.args):
            t = self.temp()
            code = ast.IfExp(ast.Compare(walrus(t, self.expr(arg)), [ast.IsNot()], [ast.Constant(None)]),
                             load(t), code)
        return code

    def length(self, node: n.Call) -> ast.expr:
        t = self.temp()
        text_or_list = ast.BoolOp(ast.Or(), [class_is(load(t), "_list"), class_is(load(t), "_str")])
        return ast.IfExp(is_none(walrus(t, self.expr(node.args[0]))), ast.Constant(None),
                         ast.IfExp(text_or_list, call("_whole", call("_len", load(t))), call("_bail")))


def counts_items(node: n.Node) -> bool:
    """`count(x for x in items if …)`: the element is the item itself, nothing to evaluate."""
    return (isinstance(node, n.Aggregate) and node.func == "count" and isinstance(node.element, n.Name)
            and node.element.path == (node.var,))


def compile_fast(node: n.Node, reference: Closure | None = None) -> Closure:
    """A function of the namespace computing `node` exactly as `compile_node(node)` does."""
    reference = reference or compile_node(node)
    try:
        return _generate(node, reference)
    except (RecursionError, MemoryError):  # an expression nested too deeply for `compile`
        return reference


def _generate(node: n.Node, reference: Closure) -> Closure:
    builder = Builder()
    body = builder.expr(node)
    builder.env["_reference"] = reference
    # def run(ns):
    #     try: return <body>
    #     except Exception: pass
    #     return _reference(ns)
    statements = [ast.Try(body=[ast.Return(body)], handlers=[ast.ExceptHandler(load("_Exception"), None, [ast.Pass()])],
                          orelse=[], finalbody=[]),
                  ast.Return(call("_reference", load("ns")))]
    return define("run", ["ns"], statements, builder.env, f"<jixiao expression {node.text[:60]!r}>")
