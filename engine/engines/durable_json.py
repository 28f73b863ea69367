"""Translate rule conditions into durable-rules' JSON ruleset format.

durable-rules compares fields of a fact with literals or with other fields, joined by $and/$or.
Everything else (arithmetic, function calls, aggregates, missing-value tests, dotted paths) is
hoisted: computed natively, in exact decimals, as an *operand* that the fact carries under a short
key (`k0`, `k1`, …). Arithmetic is never left to durable-rules' doubles, so a rate exactly at a
threshold lands on the same side in both engines.

Negations are pushed down to the comparisons (negation normal form). Under Kleene's logic this is
exact, and it matches how durable-rules treats a field the fact does not carry (an unknown value):
no comparison on it matches, `$neq` included. Measured: `$ex`/`$nex` hang the engine, so they are
never emitted.

Numbers reach durable-rules as doubles, which is exact only by construction: two different decimals
can share a double (a gap of 0.01000000000000000001 would pass `<= 0.01`), and durable-rules'
parser rejects exponents (`1e-05`, `1e+16`: error 204). Operands compared with one another form a
group with one `Scale`, an order-preserving map from that group's decimals to doubles written
without exponent: literals get theirs when the ruleset is registered, a record's values get theirs
when its fact is built, so every comparison durable-rules makes has the decimal outcome.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from jixiao.expressions import nodes as n
from jixiao.core.errors import EngineError
from jixiao.core.i18n import _

_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass
class Operands:
    """Hoisted sub-expressions, shared by all rules of a ruleset, keyed by their text."""

    keys: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, n.Node] = field(default_factory=dict)
    # comparisons, so the fact builder can reject text-vs-number exactly as the native engine does
    pairs: list["Pair"] = field(default_factory=list)
    booleans: set[str] = field(default_factory=set)

    def key(self, node: n.Node) -> str:
        text = _canonical(node)
        if text not in self.keys:
            key = f"k{len(self.keys)}"
            self.keys[text] = key
            self.nodes[key] = node
        return self.keys[text]


@dataclass(frozen=True)
class Pair:
    """One comparison: operand `left` against operand `right_key` or the literal `right_value`."""

    node: n.Node
    left: str
    right_key: str | None
    right_value: Any
    op: str


def _canonical(node: n.Node) -> str:
    return repr(node)  # dataclass repr leaves out text/line/column: equal trees share a key


def _plain_double(value: float) -> bool:
    """A double durable-rules' JSON parser reads back exactly: finite, written without exponent
    (`repr` writes one below 1e-4 and from 1e16 on; NaN and the infinities fail both tests).
    By magnitude, not by `repr`'s text: a few are asked for every record."""
    return value == 0.0 or 1e-4 <= abs(value) < 1e16


def spread(values: list[Decimal], low: float | None, high: float | None) -> list[float]:
    """Strictly increasing plain doubles for the sorted distinct `values`, strictly inside (low, high).

    Each value's own double when that works (almost always); otherwise evenly spaced doubles in the
    interval, which keep the order — all durable-rules is asked about.
    """
    own = [float(v) for v in values]
    if _fits(own, low, high):
        return own
    count = len(values)
    if low is None and high is None:
        candidates = [float(i) for i in range(count)]  # nothing to keep apart from: ranks will do
    elif low is None:
        candidates = [high - (count - i) for i in range(count)]
    elif high is None:
        candidates = [low + 1 + i for i in range(count)]
    else:
        candidates = [low + (high - low) * (i + 1) / (count + 1) for i in range(count)]
    return candidates if _fits(candidates, low, high) else _unrepresentable(values)


def _fits(images: list[float], low: float | None, high: float | None) -> bool:
    previous = low if low is not None else -math.inf
    for image in images:
        if not (image > previous and _plain_double(image)):
            return False
        previous = image
    return high is None or previous < high


def _unrepresentable(values: list[Decimal]) -> list[float]:
    raise EngineError(_("durable-rules 以双精度浮点数比较，没有浮点数能保持 {values} 的大小顺序；请改用 --engine native").format(
        values=", ".join(str(v) for v in values)))


@dataclass
class Scale:
    """The order-preserving doubles of one group of operands (compared with each other and literals)."""

    literals: list[Decimal] = field(default_factory=list)  # sorted, distinct
    images: list[float] = field(default_factory=list)

    def fix_literals(self, values: Iterable[Decimal]) -> None:
        self.literals = sorted(set(values))
        self.images = spread(self.literals, None, None)

    def literal_image(self, value: Decimal) -> float:
        return self.images[self.literals.index(value)]

    def place(self, values: Iterable[Decimal]) -> dict[Decimal, float]:
        """Doubles for a record's values: a literal's own image, else one inside its gap."""
        placed: dict[Decimal, float] = {}
        gaps: dict[int, list[Decimal]] = {}
        literals, images = self.literals, self.images
        count = len(literals)
        for value in set(values):
            i = bisect_left(literals, value)
            if i < count and literals[i] == value:
                placed[value] = images[i]
            else:
                gaps.setdefault(i, []).append(value)
        for i, inside in gaps.items():
            low = images[i - 1] if i > 0 else None
            high = images[i] if i < count else None
            if len(inside) == 1:  # one value in its gap (nearly always): `spread`'s first try, inline
                image = float(inside[0])
                if (low is None or image > low) and (high is None or image < high) and _plain_double(image):
                    placed[inside[0]] = image
                    continue
            inside.sort()
            placed.update(zip(inside, spread(inside, low, high)))
        return placed


def build_scales(operands: Operands) -> dict[str, Scale]:
    """One Scale per group of operand keys linked by comparisons, holding the group's literals."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for pair in operands.pairs:
        a = root(pair.left)
        if pair.right_key is not None:
            b = root(pair.right_key)
            if a != b:
                parent[b] = a
    literals: dict[str, list[Decimal]] = {}
    for pair in operands.pairs:
        group = literals.setdefault(root(pair.left), [])
        if isinstance(pair.right_value, Decimal):
            group.append(pair.right_value)
    scales: dict[str, Scale] = {}
    for top, values in literals.items():
        scales[top] = Scale()
        scales[top].fix_literals(values)
    return {key: scales[root(key)] for key in parent}


def scale_literals(condition: Any, scales: dict[str, Scale]) -> Any:
    """The condition with each decimal literal replaced by its group's double."""
    if isinstance(condition, list):
        return [scale_literals(c, scales) for c in condition]
    if not isinstance(condition, dict):
        return condition
    out: dict[str, Any] = {}
    for key, value in condition.items():
        if key.startswith("$"):
            out[key] = scale_literals(value, scales)
        elif isinstance(value, Decimal) and not isinstance(value, bool):
            out[key] = scales[key].literal_image(value)
        else:
            out[key] = value
    return out


# durable-rules expands a condition into its disjunctive normal form, one rule per conjunction.
# Measured (bench/fuzz.py): nested and/or of 40 comparisons took 15 s to register or were refused
# ("error code: 113"). A condition whose normal form has more conjunctions than this is hoisted
# whole: computed natively (Kleene, exact decimals) and matched as one yes/no field.
MAX_CONJUNCTIONS = 32


def conjunctions(condition: Any) -> int:
    """How many conjunctions durable-rules' normal form of `condition` has."""
    if isinstance(condition, dict):
        if "$and" in condition:
            total = 1
            for part in condition["$and"]:
                total *= conjunctions(part)
            return total
        if "$or" in condition:
            return sum(conjunctions(part) for part in condition["$or"])
    return 1


def rule_condition(node: n.Node, operands: Operands, limit: int = MAX_CONJUNCTIONS) -> dict:
    """The durable-rules condition of a rule: `to_condition`, or the whole condition hoisted when
    its normal form would have more than `limit` conjunctions (see MAX_CONJUNCTIONS)."""
    scratch = Operands(dict(operands.keys), dict(operands.nodes), list(operands.pairs), set(operands.booleans))
    condition = to_condition(node, scratch)
    if conjunctions(condition) <= limit:
        operands.keys, operands.nodes, operands.pairs, operands.booleans = scratch.keys, scratch.nodes, scratch.pairs, scratch.booleans
        return condition
    negate = False
    while isinstance(node, n.Unary) and node.op == "not":  # the pair's negation shares its operand
        node, negate = node.operand, not negate
    key = operands.key(node)
    operands.booleans.add(key)
    return {key: not negate}


def to_condition(node: n.Node, operands: Operands, negate: bool = False) -> dict:
    """The durable-rules condition for `node` (negated if `negate`)."""
    if isinstance(node, n.Unary) and node.op == "not":
        return to_condition(node.operand, operands, not negate)
    if isinstance(node, n.BoolOp):
        is_and = (node.op == "and") != negate
        parts = [to_condition(v, operands, negate) for v in node.values]
        return {"$and" if is_and else "$or": parts}
    if isinstance(node, n.Compare):
        return _compare(node, operands, negate)
    if isinstance(node, n.In) and all(not isinstance(o, bool) for o in node.options):
        key = operands.key(node.operand)
        for option in node.options:
            operands.pairs.append(Pair(node, key, None, option, "=="))
        absent = node.negate != negate
        if absent:
            return {"$and": [{"$neq": {key: o}} for o in node.options]}
        return {"$or": [{key: o} for o in node.options]}
    # anything else yes/no-valued is hoisted whole and compared with true/false
    key = operands.key(node)
    operands.booleans.add(key)
    return {key: not negate}


def _side(node: n.Node, operands: Operands) -> tuple[bool, Any]:
    """(is_literal, literal value or operand key)."""
    if isinstance(node, n.Const):
        return True, node.value
    return False, operands.key(node)


def _compare(node: n.Compare, operands: Operands, negate: bool) -> dict:
    op = _NEGATE[node.op] if negate else node.op
    left_lit, left = _side(node.left, operands)
    right_lit, right = _side(node.right, operands)
    if left_lit and right_lit:
        key = operands.key(node)
        operands.booleans.add(key)
        return {key: not negate}
    if left_lit:
        left, right, left_lit, right_lit, op = right, left, right_lit, left_lit, _FLIP[op]
    if not right_lit and op in ("==", "!="):
        # operand against operand for (in)equality: measured (bench/fuzz.py), durable-rules'
        # `{k0: {"$m": "k1"}}` on text missed matches (`funding_source == id`); decided natively
        key = operands.key(node)
        operands.booleans.add(key)
        return {key: not negate}
    if not right_lit and left == right:
        # `x op x` (the same operand twice): durable-rules did not match `{k0: {"$m": "k0"}}` on
        # text; known, it is settled by the operator alone, unknown it matches nothing
        present = _present(operands, left)
        if op in ("==", "<=", ">="):
            return present
        return {"$and": [present, {next(iter(present)): False}]}  # never matches
    operands.pairs.append(Pair(node, left, None if right_lit else right, right if right_lit else None, op))
    target = right if right_lit else {"$m": right}  # decimals: doubles by scale_literals
    condition = {left: target} if op == "==" else {_DURABLE_OP[op]: {left: target}}
    if right_lit:
        return condition
    # Measured: `{"$gt": {"k0": {"$m": "k1"}}}` matches a fact without k1 when an earlier test in
    # the same `$and` reads k0 (`actual > 0 and actual > budget.final` fired with budget.final
    # unknown). A known-test of the referenced operand, placed first, keeps it unknown.
    return {"$and": [_present(operands, right), condition]}


def _present(operands: Operands, key: str) -> dict:
    """`{k: true}` for a hoisted `x is not None` of the operand under `key` (always yes or no)."""
    node = operands.nodes[key]
    known = n.IsMissing(text=f"{node.text} is not None", line=node.line, column=node.column, operand=node, negate=True)
    present = operands.key(known)
    operands.booleans.add(present)
    return {present: True}
