"""Compile expression nodes to Python closures, with exact decimals and three-valued logic.

`None` means unknown (data not stated). Arithmetic or comparison with an unknown is unknown;
`and`/`or`/`not` follow Kleene's logic; a rule fires only when its condition is True. Closures are
built once per ruleset, so evaluating a record costs no parsing and no `eval`.

The review helpers at the end (`is_text`, `is_number`, `distinct`, `max_similarity`, `mentions`)
are pure: the same values give the same result, so the durable engine can hoist them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from jixiao.expressions import nodes as n
from jixiao.core.decimals import CONTEXT, MAX_PLACES, divide, round_half_up
from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.expressions.textsim import Pool, max_similarity, mentions

Namespace = dict[str, Any]
Closure = Callable[[Namespace], Any]


def _fail(node: n.Node, message: str) -> EvaluationError:
    return EvaluationError(_("表达式`{text}`：{message}").format(text=node.text, message=message))


def _overflow(node: n.Node) -> EvaluationError:
    return _fail(node, _("计算结果超出可表示的数值范围"))


def _number(node: n.Node, value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    raise _fail(node, _("需要数值，实为{got}").format(got=_describe(value)))


def _truth(node: n.Node, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise _fail(node, _("需要是/否，实为{got}").format(got=_describe(value)))


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return _("是/否")
    if isinstance(value, str):
        return _("文字“{text}”").format(text=value[:40])
    if isinstance(value, list):
        return _("列表")
    if isinstance(value, dict):
        return _("字段组")
    if isinstance(value, Decimal):
        return _("数值{number}").format(number=value)
    return repr(value)


def comparable(node: n.Node, a: Any, b: Any, op: str) -> None:
    """Raise unless a and b can be compared with op (both numbers, or == / != on like values)."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return
    if op in ("==", "!=") and type(a) is type(b) and isinstance(a, (str, bool)):
        return
    raise _fail(node, _("{a}与{b}不能比较（{op}）").format(a=_describe(a), b=_describe(b), op=op))


_COMPARE_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def compile_node(node: n.Node) -> Closure:
    """A closure computing `node` over a namespace of record fields and metrics."""
    if isinstance(node, n.Const):
        value = node.value
        return lambda ns: value
    if isinstance(node, n.Name):
        return _compile_name(node)
    if isinstance(node, n.Unary):
        return _compile_unary(node)
    if isinstance(node, n.Binary):
        return _compile_binary(node)
    if isinstance(node, n.BoolOp):
        return _compile_boolop(node)
    if isinstance(node, n.Compare):
        return _compile_compare(node)
    if isinstance(node, n.IsMissing):
        operand = compile_node(node.operand)
        if node.negate:
            return lambda ns: operand(ns) is not None
        return lambda ns: operand(ns) is None
    if isinstance(node, n.In):
        return _compile_in(node)
    if isinstance(node, n.Call):
        return _compile_call(node)
    if isinstance(node, n.Aggregate):
        return _compile_aggregate(node)
    raise TypeError(_("未知节点{node!r}").format(node=node))


def _compile_name(node: n.Name) -> Closure:
    head, *rest = node.path

    def lookup(ns: Namespace) -> Any:
        try:
            value = ns[head]
        except KeyError:
            raise _fail(node, _("未知名称`{name}`").format(name=head)) from None
        for part in rest:
            if value is None:
                return None
            if not isinstance(value, dict):
                raise _fail(node, _("{got}没有字段`{part}`").format(got=_describe(value), part=part))
            # names are checked against the record models when the ruleset compiles; an absent key
            # here is an open mapping's entry the report does not state (declared_counts.x)
            value = value.get(part)
        return value

    if not rest:
        def simple(ns: Namespace) -> Any:
            try:
                return ns[head]
            except KeyError:
                raise _fail(node, _("未知名称`{name}`").format(name=head)) from None
        return simple
    return lookup


def _compile_unary(node: n.Unary) -> Closure:
    operand = compile_node(node.operand)
    if node.op == "not":
        def negate(ns: Namespace) -> bool | None:
            value = _truth(node, operand(ns))
            return None if value is None else not value
        return negate
    sign = Decimal(-1 if node.op == "-" else 1)

    def signed(ns: Namespace) -> Decimal | None:
        value = _number(node, operand(ns))
        return None if value is None else CONTEXT.multiply(value, sign)  # -0 stays -0, as in x * -1
    return signed


def _compile_binary(node: n.Binary) -> Closure:
    left, right, op = compile_node(node.left), compile_node(node.right), node.op

    def arithmetic(ns: Namespace) -> Decimal | None:
        a = _number(node, left(ns))
        b = _number(node, right(ns))
        if a is None or b is None:
            return None
        try:
            if op == "+":
                return CONTEXT.add(a, b)
            if op == "-":
                return CONTEXT.subtract(a, b)
            if op == "*":
                return CONTEXT.multiply(a, b)
            return divide(a, b)
        except ArithmeticError:  # decimal Overflow: beyond 10^999999, never a real amount
            raise _overflow(node) from None
    return arithmetic


def _compile_boolop(node: n.BoolOp) -> Closure:
    parts = [compile_node(v) for v in node.values]
    decisive = node.op == "or"  # the value that settles the result: True for or, False for and

    def kleene(ns: Namespace) -> bool | None:
        unknown = False
        for part in parts:
            value = _truth(node, part(ns))
            if value is None:
                unknown = True
            elif value is decisive:
                return decisive
        return None if unknown else not decisive
    return kleene


def _compile_compare(node: n.Compare) -> Closure:
    left, right, op = compile_node(node.left), compile_node(node.right), node.op
    test = _COMPARE_OPS[op]

    def compare(ns: Namespace) -> bool | None:
        a, b = left(ns), right(ns)
        if a is None or b is None:
            return None
        comparable(node, a, b, op)
        return test(a, b)
    return compare


def _compile_in(node: n.In) -> Closure:
    operand, options, negate = compile_node(node.operand), node.options, node.negate

    def member(ns: Namespace) -> bool | None:
        value = operand(ns)
        if value is None:
            return None
        for option in options:
            comparable(node, value, option, "==")
        found = value in options
        return not found if negate else found
    return member


def _compile_call(node: n.Call) -> Closure:
    args = [compile_node(a) for a in node.args]
    func = node.func
    if func == "known":
        return lambda ns: args[0](ns) is not None
    if func == "missing":
        return lambda ns: args[0](ns) is None
    if func == "coalesce":
        def coalesce(ns: Namespace) -> Any:
            for arg in args:
                value = arg(ns)
                if value is not None:
                    return value
            return None
        return coalesce
    if func == "len":
        def length(ns: Namespace) -> Decimal | None:
            value = args[0](ns)
            if value is None:
                return None
            if not isinstance(value, (list, str)):
                raise _fail(node, _("len()需要列表或文字，实为{got}").format(got=_describe(value)))
            return Decimal(len(value))
        return length
    if func == "contains":
        def contains(ns: Namespace) -> bool | None:
            text, part = args[0](ns), args[1](ns)
            if text is None or part is None:
                return None
            if isinstance(text, list):
                return any(isinstance(t, str) and part in t for t in text)
            if not isinstance(text, str) or not isinstance(part, str):
                raise _fail(node, _("contains()需要文字"))
            return part in text
        return contains
    if func in _REVIEW:
        return _REVIEW[func](node, args)
    if func == "round":
        def rounded(ns: Namespace) -> Decimal | None:
            value, places = _number(node, args[0](ns)), _number(node, args[1](ns))
            if value is None or places is None:
                return None
            if places != places.to_integral_value() or not 0 <= places <= MAX_PLACES:
                raise _fail(node, _("round()的位数应为0至{most}的整数，实为{got}").format(most=MAX_PLACES, got=places))
            try:
                return round_half_up(value, int(places))
            except ArithmeticError:
                raise _overflow(node) from None
        return rounded
    if func == "abs":
        def absolute(ns: Namespace) -> Decimal | None:
            value = _number(node, args[0](ns))
            return None if value is None else CONTEXT.abs(value)
        return absolute
    if func in ("min", "max"):
        pick = min if func == "min" else max

        def extreme(ns: Namespace) -> Decimal | None:
            values = [_number(node, a(ns)) for a in args]
            if any(v is None for v in values):
                return None
            return pick(values)
        return extreme
    raise TypeError(_("未知函数{func}").format(func=func))


def _compile_aggregate(node: n.Aggregate) -> Closure:
    iterable = compile_node(node.iterable)
    element = compile_node(node.element)
    condition = compile_node(node.condition) if node.condition is not None else None
    var, func = node.var, node.func

    def selected(ns: Namespace) -> tuple[list[Any], bool] | None:
        """Elements whose condition holds, and whether any condition was unknown."""
        items = iterable(ns)
        if items is None:
            return None
        if not isinstance(items, list):
            raise _fail(node, _("`{name}`不是列表").format(name=node.iterable.dotted))
        chosen: list[Any] = []
        unknown = False
        saved = ns.get(var, _ABSENT)
        try:
            for item in items:
                ns[var] = item
                if condition is not None:
                    keep = _truth(node, condition(ns))
                    if keep is None:
                        unknown = True
                        continue
                    if not keep:
                        continue
                chosen.append(element(ns))
        finally:
            if saved is _ABSENT:
                ns.pop(var, None)
            else:
                ns[var] = saved
        return chosen, unknown

    def aggregate(ns: Namespace) -> Any:
        picked = selected(ns)
        if picked is None:
            return None
        values, unknown = picked
        if func == "count":
            return None if unknown else Decimal(len(values))
        if func == "collect":
            return None if unknown else values
        if func in ("any", "all"):
            truths = [_truth(node, v) for v in values]
            decisive = func == "any"
            if decisive in truths:
                return decisive
            if unknown or None in truths:
                return None
            return not decisive
        if unknown:
            return None
        numbers = [_number(node, v) for v in values]
        if any(v is None for v in numbers):
            return None
        if func == "sum":
            total = Decimal(0)
            try:
                for v in numbers:
                    total = CONTEXT.add(total, v)
            except ArithmeticError:
                raise _overflow(node) from None
            return total
        if not numbers:
            return None
        return min(numbers) if func == "min" else max(numbers)
    return aggregate


_ABSENT = object()


# ---- review (复核) helpers: type tests, distinct values, text similarity (textsim.py) ----------

def _is_text(node: n.Call, args: list[Closure]) -> Closure:
    """True for words, False for anything else, a missing value included (never unknown)."""
    return lambda ns: isinstance(args[0](ns), str)


def _is_number(node: n.Call, args: list[Closure]) -> Closure:
    return lambda ns: isinstance(args[0](ns), Decimal)


def _distinct(node: n.Call, args: list[Closure]) -> Closure:
    """How many different values a list holds; unknown for a missing list."""
    def distinct(ns: Namespace) -> Decimal | None:
        values = args[0](ns)
        if values is None:
            return None
        if not isinstance(values, list):
            raise _fail(node, _("distinct()需要列表，实为{got}").format(got=_describe(values)))
        try:
            return Decimal(len({(type(v).__name__, v) for v in values}))
        except TypeError:  # records or lists in the list: refused when the ruleset compiles
            raise _fail(node, _("distinct()只统计数值或文字")) from None
    return distinct


_ALL_BUT_ONE_HELD: dict[tuple, list[tuple]] = {}


def _all_but_one(node: n.Node) -> Callable[[Namespace, int], tuple[Pool, frozenset[int]] | None] | None:
    """For `collect(q.text for q in items if q.key != x)` (x not naming q): one Pool of every item's
    text, shared by every x, and the indexes x leaves out — so that comparing each project with all
    the others is not quadratic (textsim.py). None for any other shape; the function gives None
    whenever the plain evaluation could differ (not a list, a key that is not text, an error)."""
    if not (isinstance(node, n.Aggregate) and node.func == "collect" and isinstance(node.element, n.Name)
            and node.element.path[0] == node.var and isinstance(node.condition, n.Compare)
            and node.condition.op == "!="):
        return None
    var, sides = node.var, (node.condition.left, node.condition.right)
    mine = [s for s in sides if isinstance(s, n.Name) and s.path[0] == var]
    if len(mine) != 1:
        return None
    other = sides[1] if mine[0] is sides[0] else sides[0]
    if any(isinstance(m, n.Name) and m.path[0] == var for m in n.walk(other)):
        return None
    iterable, element, key, exclude = (compile_node(part) for part in (node.iterable, node.element, mine[0], other))
    shape = (node.element.path[1:], mine[0].path[1:])
    # (items, pools by min_chars, texts, indexes by key) of the last list seen, shared by every
    # expression of the same shape (duplicate_projects and duplicate_similarity: one pool)
    held = _ALL_BUT_ONE_HELD.setdefault(shape, [])

    def split(ns: Namespace, min_chars: int) -> tuple[Pool, frozenset[int]] | None:
        items, left_out = iterable(ns), exclude(ns)
        if not isinstance(items, list) or not isinstance(left_out, str):
            return None
        entry = held[0] if held and held[0][0] is items else None
        if entry is None:
            texts, by_key, saved = [], {}, ns.get(var, _ABSENT)
            try:
                for index, item in enumerate(items):
                    ns[var] = item
                    item_key, text = key(ns), element(ns)
                    if not isinstance(item_key, str) or not (text is None or isinstance(text, str)):
                        return None
                    by_key.setdefault(item_key, []).append(index)
                    texts.append(text)
            except EvaluationError:
                return None
            finally:
                if saved is _ABSENT:
                    ns.pop(var, None)
                else:
                    ns[var] = saved
            entry = (items, {}, tuple(texts), by_key)
            held[:] = [entry]
        found = entry[1].get(min_chars)
        if found is None:
            found = entry[1].setdefault(min_chars, Pool(entry[2], min_chars))
        return found, frozenset(entry[3].get(left_out, ()))
    return split


def _max_similarity(node: n.Call, args: list[Closure]) -> Closure:
    all_but_one = _all_but_one(node.args[1])

    def similar(ns: Namespace) -> Decimal | None:
        text = args[0](ns)
        if all_but_one is not None and isinstance(text, str):
            min_chars = _number(node, args[2](ns))
            found = all_but_one(ns, int(min_chars)) if min_chars is not None else None
            if found is not None:
                return found[0].best(text, found[1])
        others, min_chars = args[1](ns), _number(node, args[2](ns))
        if min_chars is None:
            return None
        if text is not None and not isinstance(text, str):
            raise _fail(node, _("max_similarity()比较文字，实为{got}").format(got=_describe(text)))
        if min_chars != min_chars.to_integral_value() or not 0 <= min_chars <= 10_000:
            raise _fail(node, _("max_similarity()的最短句长应为0至10000的整数，实为{got}").format(got=min_chars))
        return max_similarity(text, others, int(min_chars))
    return similar


def _mentions(node: n.Call, args: list[Closure]) -> Closure:
    def found(ns: Namespace) -> list[str] | None:
        word, texts = args[0](ns), [arg(ns) for arg in args[1:]]
        if word is None:
            return None
        if not isinstance(word, str):
            raise _fail(node, _("mentions()在其后的文字中查找一个词（文字）"))
        return mentions(texts, word)
    return found


_REVIEW = {"is_text": _is_text, "is_number": _is_number, "distinct": _distinct,
           "max_similarity": _max_similarity, "mentions": _mentions}
