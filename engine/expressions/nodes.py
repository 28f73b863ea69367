"""The expression language's syntax tree: small, typed and independent of Python's `ast`.

Rulesets never reach Python objects: the parser turns the whitelisted subset of Python syntax
into these nodes, and both rule engines work from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

Literal = Union[Decimal, str, bool]


@dataclass(frozen=True)
class Node:
    text: str = field(compare=False, repr=False)
    line: int = field(compare=False, repr=False)
    column: int = field(compare=False, repr=False)


@dataclass(frozen=True)
class Const(Node):
    value: Literal = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Name(Node):
    """A dotted name: ("budget", "initial"), or ("p", "actual") for a generator's variable."""

    path: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Unary(Node):
    op: str = ""  # "-", "+", "not"
    operand: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Binary(Node):
    op: str = ""  # "+", "-", "*", "/"
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class BoolOp(Node):
    op: str = ""  # "and", "or"
    values: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Compare(Node):
    op: str = ""  # "<", "<=", ">", ">=", "==", "!="
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class IsMissing(Node):
    """`x is None` (negate=False) or `x is not None` (negate=True)."""

    operand: Node = None  # type: ignore[assignment]
    negate: bool = False


@dataclass(frozen=True)
class In(Node):
    operand: Node = None  # type: ignore[assignment]
    options: tuple[Literal, ...] = ()
    negate: bool = False


@dataclass(frozen=True)
class Call(Node):
    func: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Aggregate(Node):
    """`func(element for var in iterable if condition)`: count, sum, any, all, min, max."""

    func: str = ""
    var: str = ""
    iterable: Name = None  # type: ignore[assignment]
    element: Node = None  # type: ignore[assignment]
    condition: Node | None = None


def walk(node: Node):
    """Every node below and including `node`, parents first."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, BoolOp):
        return node.values
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, (IsMissing, In)):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Aggregate):
        rest = (node.condition,) if node.condition is not None else ()
        return (node.iterable, node.element) + rest
    return ()


def free_names(node: Node, bound: frozenset[str] = frozenset()) -> set[str]:
    """Top-level names an expression reads (generator variables excluded)."""
    found: set[str] = set()
    if isinstance(node, Name):
        if node.path[0] not in bound:
            found.add(node.path[0])
        return found
    if isinstance(node, Aggregate):
        found |= free_names(node.iterable, bound)
        inner = bound | {node.var}
        found |= free_names(node.element, inner)
        if node.condition is not None:
            found |= free_names(node.condition, inner)
        return found
    for child in children(node):
        found |= free_names(child, bound)
    return found
