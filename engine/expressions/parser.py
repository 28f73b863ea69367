"""Parse ruleset expressions: Python syntax, read by `ast`, and only a whitelist of it.

Accepted: numbers, strings, True/False, dotted names, + - * /, comparisons (chains too), `in` a
list of literals, `is None` / `is not None`, and/or/not, the functions in FUNCTIONS (among them
the review helpers `is_text(x)`, `is_number(x)` — type tests, never unknown —, `distinct(list)`,
`max_similarity(text, others, min_chars)` and `mentions(word, texts…)`, see textsim.py), and
aggregates `count/sum/any/all/min/max/collect(x for p in LIST if COND)` (collect gives the list,
for texts that name the records). Everything else — attribute
names starting with "_", subscripts, lambdas, keyword arguments, other calls — is an
`ExpressionError` naming the ruleset file, line and column. Nothing is ever `eval`-ed.
"""
from __future__ import annotations

import ast
from decimal import Decimal

from jixiao.expressions import nodes as n
from jixiao.core.errors import ExpressionError, Location, Problem

FUNCTIONS: dict[str, tuple[int, int | None]] = {
    # name: (min args, max args or None)
    "abs": (1, 1),
    "min": (1, None),
    "max": (1, None),
    "round": (2, 2),
    "coalesce": (1, None),
    "known": (1, 1),
    "missing": (1, 1),
    "len": (1, 1),
    "contains": (2, 2),
    # review (复核) helpers, see textsim.py: pure and deterministic
    "is_text": (1, 1),
    "is_number": (1, 1),
    "distinct": (1, 1),
    "max_similarity": (3, 3),
    "mentions": (2, None),
}
AGGREGATES = {"count", "sum", "any", "all", "min", "max", "collect"}

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


class _Parser:
    def __init__(self, text: str, where: Location):
        self.text = text
        self.where = where

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError:
        line, column = self.position(node)
        return ExpressionError([Problem(f"expression `{self.text}`: {message}", Location(self.where.file, line, column))])

    def position(self, node: ast.AST | None) -> tuple[int | None, int | None]:
        base_line, base_col = self.where.line, self.where.column
        if node is None or base_line is None or not hasattr(node, "lineno"):
            return base_line, base_col
        line = base_line + node.lineno - 1
        if node.lineno == 1 and base_col is not None:
            return line, base_col + node.col_offset
        return line, node.col_offset + 1

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or self.text

    def meta(self, node: ast.AST) -> dict:
        line, column = self.position(node)
        return {"text": self.segment(node), "line": line or 0, "column": column or 0}

    def parse(self) -> n.Node:
        if not self.text.strip():
            raise self.fail(None, "empty expression")
        try:
            tree = ast.parse(self.text.strip(), mode="eval")
        except SyntaxError as exc:
            line, column = self.where.line, self.where.column
            if line is not None and exc.lineno:
                line = line + exc.lineno - 1
                if exc.lineno == 1 and column is not None and exc.offset:
                    column = column + exc.offset - 1
            raise ExpressionError(
                [Problem(f"expression `{self.text}`: syntax error: {exc.msg}", Location(self.where.file, line, column))]
            ) from None
        self.text = self.text.strip()
        return self.node(tree.body, bound=frozenset())

    def node(self, node: ast.AST, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        if isinstance(node, ast.Constant):
            return n.Const(value=self.literal(node), **meta)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return n.Name(path=self.dotted(node), **meta)
        if isinstance(node, ast.UnaryOp):
            ops = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not"}
            if type(node.op) not in ops:
                raise self.fail(node, "operator not allowed")
            operand = self.node(node.operand, bound)
            if isinstance(node.op, ast.USub) and isinstance(operand, n.Const) and isinstance(operand.value, Decimal):
                return n.Const(value=-operand.value, **meta)
            return n.Unary(op=ops[type(node.op)], operand=operand, **meta)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise self.fail(node, f"operator `{type(node.op).__name__}` not allowed (use + - * /)")
            return n.Binary(op=_BINARY[type(node.op)], left=self.node(node.left, bound), right=self.node(node.right, bound), **meta)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return n.BoolOp(op=op, values=tuple(self.node(v, bound) for v in node.values), **meta)
        if isinstance(node, ast.Compare):
            return self.compare(node, bound)
        if isinstance(node, ast.Call):
            return self.call(node, bound)
        raise self.fail(node, f"`{self.segment(node)}` is not allowed in a ruleset expression")

    def literal(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return Decimal(self.segment(node).replace("_", ""))
        if isinstance(value, str):
            return value
        if value is None:
            raise self.fail(node, "None is only allowed as `x is None` / `x is not None`")
        raise self.fail(node, f"literal {value!r} not allowed")

    def dotted(self, node: ast.AST) -> tuple[str, ...]:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            raise self.fail(node, "only dotted names are allowed before `.`")
        parts.append(node.id)
        parts.reverse()
        for part in parts:
            if part.startswith("_"):
                raise self.fail(node, f"names starting with '_' are not allowed: `{part}`")
        return tuple(parts)

    def compare(self, node: ast.Compare, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        left_ast = node.left
        parts: list[n.Node] = []
        for op, right_ast in zip(node.ops, node.comparators):
            part_meta = meta
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right_ast, ast.Constant) and right_ast.value is None):
                    raise self.fail(right_ast, "`is` only compares with None: `x is None`")
                parts.append(n.IsMissing(operand=self.node(left_ast, bound), negate=isinstance(op, ast.IsNot), **part_meta))
            elif isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right_ast, (ast.List, ast.Tuple, ast.Set)):
                    raise self.fail(right_ast, "`in` needs a list of literals: x in ['本级', '上级专项']")
                options = []
                for element in right_ast.elts:
                    if not isinstance(element, ast.Constant) or element.value is None:
                        raise self.fail(element, "`in` lists hold literals only")
                    options.append(self.literal(element))
                parts.append(n.In(operand=self.node(left_ast, bound), options=tuple(options), negate=isinstance(op, ast.NotIn), **part_meta))
            elif type(op) in _COMPARE:
                for side in (left_ast, right_ast):
                    if isinstance(side, ast.Constant) and side.value is None:
                        raise self.fail(side, "compare with None using `is None` / `is not None`")
                parts.append(n.Compare(op=_COMPARE[type(op)], left=self.node(left_ast, bound), right=self.node(right_ast, bound), **part_meta))
            else:
                raise self.fail(node, "comparison not allowed")
            left_ast = right_ast
        return parts[0] if len(parts) == 1 else n.BoolOp(op="and", values=tuple(parts), **meta)

    def call(self, node: ast.Call, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only the listed functions may be called")
        name = node.func.id
        if node.keywords:
            raise self.fail(node, "keyword arguments are not allowed")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, "`*` arguments are not allowed")
        if len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
            if name not in AGGREGATES:
                raise self.fail(node, f"`{name}` does not take `x for p in …`; aggregates are {', '.join(sorted(AGGREGATES))}")
            return self.aggregate(name, node.args[0], bound, meta)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS.keys() | AGGREGATES))
            raise self.fail(node, f"unknown function `{name}` (allowed: {allowed})")
        low, high = FUNCTIONS[name]
        if len(node.args) < low or (high is not None and len(node.args) > high):
            raise self.fail(node, f"`{name}` takes {low}{'' if high == low else ' or more' if high is None else f' to {high}'} arguments")
        return n.Call(func=name, args=tuple(self.node(a, bound) for a in node.args), **meta)

    def aggregate(self, func: str, gen: ast.GeneratorExp, bound: frozenset[str], meta: dict) -> n.Node:
        if len(gen.generators) != 1:
            raise self.fail(gen, "one `for` per aggregate")
        comp = gen.generators[0]
        if comp.is_async or not isinstance(comp.target, ast.Name):
            raise self.fail(comp.target, "the loop variable must be a plain name")
        if len(comp.ifs) > 1:
            raise self.fail(comp.ifs[1], "one `if` per aggregate (join conditions with `and`)")
        var = comp.target.id
        if var.startswith("_") or var in bound:
            raise self.fail(comp.target, f"loop variable `{var}` is not allowed here")
        iterable = self.node(comp.iter, bound)
        if not isinstance(iterable, n.Name):
            raise self.fail(comp.iter, "aggregates loop over a list field, e.g. `for p in projects`")
        inner = bound | {var}
        element = self.node(gen.elt, inner)
        condition = self.node(comp.ifs[0], inner) if comp.ifs else None
        return n.Aggregate(func=func, var=var, iterable=iterable, element=element, condition=condition, **meta)


def parse_expression(text: str, where: Location = Location()) -> n.Node:
    """Parse one ruleset expression; `where` is the location of its text in the ruleset file."""
    if not isinstance(text, str):
        raise ExpressionError([Problem(f"expected an expression (text), got {text!r}", where)])
    return _Parser(text, where).parse()
