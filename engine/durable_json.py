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
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import expr_nodes as n

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


def literal(value: Any) -> Any:
    """A JSON value for durable-rules; decimals become doubles only for literals and facts."""
    if isinstance(value, Decimal):
        return float(value)
    return value


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
            return {"$and": [{"$neq": {key: literal(o)}} for o in node.options]}
        return {"$or": [{key: literal(o)} for o in node.options]}
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
    operands.pairs.append(Pair(node, left, None if right_lit else right, right if right_lit else None, op))
    target = literal(right) if right_lit else {"$m": right}
    if op == "==":
        return {left: target}
    return {_DURABLE_OP[op]: {left: target}}
