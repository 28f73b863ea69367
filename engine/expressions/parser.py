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
import re
from decimal import Decimal

from jixiao.core.decimals import bounded
from jixiao.core.i18n import N_, _
from jixiao.expressions import nodes as n
from jixiao.core.errors import ExpressionError, Location, Problem

# An expression is a line or a few of a ruleset (the longest shipped one: ~400 characters, 8
# levels). Far above that, parsing and the engines' recursion would grow without bound (a
# 20,000-number `in` list did not finish in 150 s): a clear error instead.
MAX_EXPRESSION_CHARS = 5_000
MAX_DEPTH = 40
_DECIMAL_LITERAL = re.compile(r"([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9_]+)?")
# Python's words for the syntax errors people make, in the reader's language (the English ids are
# Python's own); any other message stays as Python says it
_SYNTAX_ERRORS = [
    (re.compile(r"invalid syntax"), N_("写法无法识别")),
    (re.compile(r"invalid decimal literal"), N_("数值写法有误")),
    (re.compile(r"unexpected indent"), N_("多余的缩进")),
    (re.compile(r"expected 'else' after 'if' expression"), N_("`if`之后缺少`else`")),
    (re.compile(r"'(?P<char>.)' was never closed"), N_("“{char}”没有闭合")),
    (re.compile(r"unmatched '(?P<char>.)'"), N_("“{char}”没有对应的左括号")),
    (re.compile(r"closing parenthesis '(?P<close>.)' does not match opening parenthesis '(?P<open>.)'"),
     N_("右括号“{close}”与左括号“{open}”不配对")),
    (re.compile(r"unterminated string literal \(detected at line (?P<line>\d+)\)"), N_("文字缺少结尾的引号（第{line}行）")),
    (re.compile(r"invalid character '(?P<char>.)' \(U\+(?P<code>[0-9A-F]+)\)"), N_("不允许的字符“{char}”（U+{code}）：符号请用半角")),
    (re.compile(r"leading zeros in decimal integer literals are not permitted.*"), N_("整数不能以0开头")),
]

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
        self.depth = 0
        self._lines: list[bytes] = []

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError:
        line, column = self.position(node)
        return ExpressionError([Problem(_("表达式`{text}`：{message}").format(text=_shown(self.text), message=message),
                                        Location(self.where.file, line, column))])

    def position(self, node: ast.AST | None) -> tuple[int | None, int | None]:
        base_line, base_col = self.where.line, self.where.column
        if node is None or base_line is None or not hasattr(node, "lineno"):
            return base_line, base_col
        line = base_line + node.lineno - 1
        if node.lineno == 1 and base_col is not None:
            return line, base_col + node.col_offset
        return line, node.col_offset + 1

    def segment(self, node: ast.AST) -> str:
        """The text of `node` (ast.get_source_segment re-split the whole text for every node:
        quadratic, 60 s for a 3,000-term `and`). Offsets are UTF-8 bytes, as `ast` gives them."""
        lines = self._lines
        try:
            if node.lineno == node.end_lineno:
                return lines[node.lineno - 1][node.col_offset:node.end_col_offset].decode("utf-8")
            parts = [lines[node.lineno - 1][node.col_offset:]]
            parts += lines[node.lineno:node.end_lineno - 1]
            parts.append(lines[node.end_lineno - 1][:node.end_col_offset])
            return b"\n".join(parts).decode("utf-8")
        except (AttributeError, TypeError, IndexError, UnicodeDecodeError):
            return self.text

    def meta(self, node: ast.AST) -> dict:
        line, column = self.position(node)
        return {"text": self.segment(node), "line": line or 0, "column": column or 0}

    def parse(self) -> n.Node:
        if not self.text.strip():
            raise self.fail(None, _("表达式为空"))
        if len(self.text) > MAX_EXPRESSION_CHARS:
            raise self.fail(None, _("表达式长{size}个字符，超过上限{most}个字符").format(size=len(self.text), most=MAX_EXPRESSION_CHARS))
        try:
            tree = ast.parse(self.text.strip(), mode="eval")
        except SyntaxError as exc:
            line, column = self.where.line, self.where.column
            if line is not None and exc.lineno:
                line = line + exc.lineno - 1
                if exc.lineno == 1 and column is not None and exc.offset:
                    column = column + exc.offset - 1
            raise ExpressionError(
                [Problem(_("表达式`{text}`：语法错误：{error}").format(text=_shown(self.text), error=syntax_error(exc.msg)),
                         Location(self.where.file, line, column))]
            ) from None
        except (RecursionError, MemoryError):
            raise self.fail(None, _("嵌套超过{most}层").format(most=MAX_DEPTH)) from None
        self.text = self.text.strip()
        self._lines = self.text.encode("utf-8").split(b"\n")
        return self.node(tree.body, bound=frozenset())

    def node(self, node: ast.AST, bound: frozenset[str]) -> n.Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.fail(node, _("嵌套超过{most}层").format(most=MAX_DEPTH))
            return self._node(node, bound)
        finally:
            self.depth -= 1

    def _node(self, node: ast.AST, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        if isinstance(node, ast.Constant):
            return n.Const(value=self.literal(node), **meta)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return n.Name(path=self.dotted(node), **meta)
        if isinstance(node, ast.UnaryOp):
            ops = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not"}
            if type(node.op) not in ops:
                raise self.fail(node, _("不允许此运算符"))
            operand = self.node(node.operand, bound)
            if isinstance(node.op, ast.USub) and isinstance(operand, n.Const) and isinstance(operand.value, Decimal):
                return n.Const(value=-operand.value, **meta)
            return n.Unary(op=ops[type(node.op)], operand=operand, **meta)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise self.fail(node, _("不允许运算符`{op}`（可用 + - * /）").format(op=type(node.op).__name__))
            return n.Binary(op=_BINARY[type(node.op)], left=self.node(node.left, bound), right=self.node(node.right, bound), **meta)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return n.BoolOp(op=op, values=tuple(self.node(v, bound) for v in node.values), **meta)
        if isinstance(node, ast.Compare):
            return self.compare(node, bound)
        if isinstance(node, ast.Call):
            return self.call(node, bound)
        raise self.fail(node, _("规则表达式中不允许`{text}`").format(text=_shown(self.segment(node))))

    def literal(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            text = self.segment(node)
            if not _DECIMAL_LITERAL.fullmatch(text) or len(text) > 64:
                raise self.fail(node, _("数值`{text}`不是十进制数").format(text=_shown(text)))
            try:
                return bounded(Decimal(text.replace("_", "")))
            except ValueError as exc:
                raise self.fail(node, str(exc)) from None
        if isinstance(value, str):
            return value
        if value is None:
            raise self.fail(node, _("None 只能用于`x is None`或`x is not None`"))
        raise self.fail(node, _("不允许字面量{value}").format(value=_shown(repr(value))))

    def dotted(self, node: ast.AST) -> tuple[str, ...]:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            raise self.fail(node, _("`.`之前只能是名称"))
        parts.append(node.id)
        parts.reverse()
        for part in parts:
            if part.startswith("_"):
                raise self.fail(node, _("不允许以“_”开头的名称：`{name}`").format(name=part))
        return tuple(parts)

    def compare(self, node: ast.Compare, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        left_ast = node.left
        parts: list[n.Node] = []
        for op, right_ast in zip(node.ops, node.comparators):
            part_meta = meta
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right_ast, ast.Constant) and right_ast.value is None):
                    raise self.fail(right_ast, _("`is`只能与None比较：`x is None`"))
                parts.append(n.IsMissing(operand=self.node(left_ast, bound), negate=isinstance(op, ast.IsNot), **part_meta))
            elif isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right_ast, (ast.List, ast.Tuple, ast.Set)):
                    raise self.fail(right_ast, _("`in`之后应为字面量列表：x in ['本级', '上级专项']"))
                options = []
                for element in right_ast.elts:
                    if not isinstance(element, ast.Constant) or element.value is None:
                        raise self.fail(element, _("`in`的列表只能包含字面量"))
                    options.append(self.literal(element))
                parts.append(n.In(operand=self.node(left_ast, bound), options=tuple(options), negate=isinstance(op, ast.NotIn), **part_meta))
            elif type(op) in _COMPARE:
                for side in (left_ast, right_ast):
                    if isinstance(side, ast.Constant) and side.value is None:
                        raise self.fail(side, _("与None比较请用`is None`或`is not None`"))
                parts.append(n.Compare(op=_COMPARE[type(op)], left=self.node(left_ast, bound), right=self.node(right_ast, bound), **part_meta))
            else:
                raise self.fail(node, _("不允许此比较"))
            left_ast = right_ast
        return parts[0] if len(parts) == 1 else n.BoolOp(op="and", values=tuple(parts), **meta)

    def call(self, node: ast.Call, bound: frozenset[str]) -> n.Node:
        meta = self.meta(node)
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, _("只能调用列出的函数"))
        name = node.func.id
        if node.keywords:
            raise self.fail(node, _("不允许关键字参数"))
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, _("不允许`*`参数"))
        if len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
            if name not in AGGREGATES:
                raise self.fail(node, _("`{name}`不接受`x for p in …`；汇总函数为 {names}").format(name=name, names=", ".join(sorted(AGGREGATES))))
            return self.aggregate(name, node.args[0], bound, meta)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS.keys() | AGGREGATES))
            raise self.fail(node, _("未知函数`{name}`（可用：{allowed}）").format(name=name, allowed=allowed))
        low, high = FUNCTIONS[name]
        if len(node.args) < low or (high is not None and len(node.args) > high):
            count = str(low) if high == low else _("至少{low}").format(low=low) if high is None else f"{low}–{high}"
            raise self.fail(node, _("`{name}`需要{count}个参数").format(name=name, count=count))
        return n.Call(func=name, args=tuple(self.node(a, bound) for a in node.args), **meta)

    def aggregate(self, func: str, gen: ast.GeneratorExp, bound: frozenset[str], meta: dict) -> n.Node:
        if len(gen.generators) != 1:
            raise self.fail(gen, _("每个汇总只能有一个`for`"))
        comp = gen.generators[0]
        if comp.is_async or not isinstance(comp.target, ast.Name):
            raise self.fail(comp.target, _("循环变量应为简单名称"))
        if len(comp.ifs) > 1:
            raise self.fail(comp.ifs[1], _("每个汇总只能有一个`if`（多个条件用`and`连接）"))
        var = comp.target.id
        if var.startswith("_") or var in bound:
            raise self.fail(comp.target, _("此处不允许循环变量`{name}`").format(name=var))
        iterable = self.node(comp.iter, bound)
        if not isinstance(iterable, n.Name):
            raise self.fail(comp.iter, _("汇总须遍历列表字段，如`for p in projects`"))
        inner = bound | {var}
        element = self.node(gen.elt, inner)
        condition = self.node(comp.ifs[0], inner) if comp.ifs else None
        return n.Aggregate(func=func, var=var, iterable=iterable, element=element, condition=condition, **meta)


def parse_expression(text: str, where: Location = Location()) -> n.Node:
    """Parse one ruleset expression; `where` is the location of its text in the ruleset file."""
    if not isinstance(text, str):
        raise ExpressionError([Problem(_("应为表达式（文字），实为{value}").format(value=_shown(repr(text))), where)])
    return _Parser(text, where).parse()


def syntax_error(message: str) -> str:
    """Python's syntax error `message` in the reader's language, where it is one people make."""
    for pattern, words in _SYNTAX_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return _(words).format(**match.groupdict())
    return message


def _shown(text: str) -> str:
    """Text quoted in a message: at most 200 characters (an error must stay one readable line)."""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"
