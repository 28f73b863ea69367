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


def element_fields(node: Node, lists: frozenset[str]) -> set[str] | None:
    """The fields of the elements of the top-level `lists` (a department's `projects`) that an
    expression reads through generators over them: {"actual"} for `sum(p.actual for p in projects)`,
    nothing for `len(projects)`; None where it may read an element or a list whole (an element
    as a value, a list passed to any other function), so that a caller converts them whole."""
    found: set[str] = set()

    def reads(node: Node, elements: frozenset[str], bound: frozenset[str]) -> bool:
        """Whether `node` reads `lists` only field by field (adding the fields to `found`).
        `elements`: generator variables over their elements; `bound`: the other generator variables."""
        if isinstance(node, Name):
            head = node.path[0]
            if head in elements:
                if len(node.path) == 1:
                    return False
                found.add(node.path[1])
                return True
            return head in bound or head not in lists
        if isinstance(node, Aggregate):
            inner_elements, inner_bound = elements - {node.var}, bound - {node.var}
            source = node.iterable.path
            if len(source) == 1 and source[0] in lists and source[0] not in elements | bound:
                inner_elements |= {node.var}
            elif reads(node.iterable, elements, bound):
                inner_bound |= {node.var}
            else:
                return False
            return all(reads(part, inner_elements, inner_bound) for part in (node.element, node.condition) if part is not None)
        if isinstance(node, Call) and node.func == "len" and len(node.args) == 1 and isinstance(node.args[0], Name):
            path = node.args[0].path
            if len(path) == 1 and path[0] in lists and path[0] not in elements | bound:
                return True  # the list's length: none of its elements' fields
        return all(reads(child, elements, bound) for child in children(node))

    return found if reads(node, frozenset(), frozenset()) else None
